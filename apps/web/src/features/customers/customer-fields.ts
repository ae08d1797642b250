// How a customer field's name and value read to the user, shared by the overview, the version
// conflict dialog and the timeline's "changed X from A to B".
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { CustomField, Tag } from '@guanxi/contracts';
import { zhCN } from '../../i18n/zh-CN';
import { formatDate } from '../../shared/format';
import { customValueText, enumValues, fieldLabel, formatYuan, type EnumName } from './customers.api';

type CustomerFieldKey = keyof typeof zhCN.customerField;
export const isCustomerFieldKey = (k: string): k is CustomerFieldKey => k in zhCN.customerField;
const enumFieldOf: Partial<Record<string, EnumName>> = {
  kind: 'kind',
  relationshipType: 'relationshipType',
  importance: 'importance',
  loyalty: 'loyalty',
  valueBehavior: 'valueBehavior',
  relationshipStrategy: 'relationshipStrategy',
  gender: 'gender',
};

export function isEnumValue<N extends EnumName>(name: N, v: unknown): v is (typeof enumValues)[N][number] {
  return typeof v === 'string' && (enumValues[name] as readonly string[]).includes(v);
}

export function useFieldText(ctx: { customFields?: readonly CustomField[]; tags?: readonly Tag[]; users?: ReadonlyMap<number, { name: string }> }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { customFields, tags, users } = ctx;

  const label = useCallback(
    (field: string): string => {
      if (field.startsWith('custom.')) {
        const f = customFields?.find((x) => x.key === field.slice(7));
        return f ? fieldLabel(f, lang) : field.slice(7);
      }
      return isCustomerFieldKey(field) ? t(`customerField.${field}`) : field;
    },
    [customFields, lang, t],
  );

  const value = useCallback(
    (field: string, raw: unknown): string => {
      if (raw === null || raw === undefined || raw === '' || (Array.isArray(raw) && raw.length === 0)) return t('audit.empty');
      const sep = t('common.listSeparator');
      if (field.startsWith('custom.')) {
        const f = customFields?.find((x) => x.key === field.slice(7));
        return customValueText(f, raw, lang, { yes: t('common.yes'), no: t('common.no') }, sep) || t('audit.empty');
      }
      if (field === 'custom' && typeof raw === 'object') {
        return Object.entries(raw as Record<string, unknown>)
          .filter(([, v]) => v !== null && v !== undefined)
          .map(([k, v]) => `${label(`custom.${k}`)}: ${value(`custom.${k}`, v)}`)
          .join('; ');
      }
      const en = enumFieldOf[field];
      if (en) {
        if (en === 'kind' && isEnumValue('kind', raw)) return t(`enums.kind.${raw}`);
        if (en === 'relationshipType' && isEnumValue('relationshipType', raw)) return t(`enums.relationshipType.${raw}`);
        if (en === 'importance' && isEnumValue('importance', raw)) return t(`enums.importance.${raw}`);
        if (en === 'loyalty' && isEnumValue('loyalty', raw)) return t(`enums.loyalty.${raw}`);
        if (en === 'valueBehavior' && isEnumValue('valueBehavior', raw)) return t(`enums.valueBehavior.${raw}`);
        if (en === 'relationshipStrategy' && isEnumValue('relationshipStrategy', raw)) return t(`enums.relationshipStrategy.${raw}`);
        if (en === 'gender' && isEnumValue('gender', raw)) return t(`enums.gender.${raw}`);
      }
      if (field === 'registeredCapital' || field === 'annualRevenue') return typeof raw === 'number' ? formatYuan(raw, lang) : String(raw);
      if (field === 'foundedOn' || field === 'birthday') return typeof raw === 'string' ? formatDate(raw) : String(raw);
      if (field === 'tagIds' && Array.isArray(raw)) return raw.map((id) => tags?.find((x) => x.id === id)?.name ?? `#${String(id)}`).join(sep);
      if ((field === 'collaboratorIds' || field === 'ownerId') && (Array.isArray(raw) || typeof raw === 'number')) {
        const ids = Array.isArray(raw) ? raw : [raw];
        return ids.map((id) => (typeof id === 'number' ? (users?.get(id)?.name ?? `#${id}`) : String(id))).join(sep);
      }
      if (typeof raw === 'object') return JSON.stringify(raw);
      return String(raw);
    },
    [customFields, tags, users, lang, t, label],
  );

  return { label, value };
}
