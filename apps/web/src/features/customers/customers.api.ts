// Data access for Customer 360: query keys, the reads every customer screen shares, and the
// enum catalogues whose labels live in i18n (`enums.<name>.<value>`).
import { useQuery } from '@tanstack/react-query';
import {
  customerKinds,
  followUpChannels,
  followUpDirections,
  genders,
  importanceLevels,
  loyaltyLevels,
  relationshipStrategies,
  relationshipTypes,
  valueBehaviors,
  type Customer,
  type CustomField,
  type Tag,
  type UserRef,
} from '@guanxi/contracts';
import { api, type Page } from '../../api/client';

/** Every query about customers starts with this key, so one invalidation refreshes them all. */
export const customersKey = ['customers'] as const;
export const customFieldsKey = ['custom-fields'] as const;
export const tagsKey = ['tags'] as const;

export const enumValues = {
  kind: customerKinds,
  relationshipType: relationshipTypes,
  importance: importanceLevels,
  loyalty: loyaltyLevels,
  valueBehavior: valueBehaviors,
  relationshipStrategy: relationshipStrategies,
  gender: genders,
  channel: followUpChannels,
  direction: followUpDirections,
} as const;
export type EnumName = keyof typeof enumValues;

/** The four classifications of the textbook notes, in the order the customer page shows them. */
export const classificationFields = ['importance', 'loyalty', 'valueBehavior', 'relationshipStrategy'] as const;
export type ClassificationField = (typeof classificationFields)[number];

export const importanceColor: Record<(typeof importanceLevels)[number], string> = { vip: 'gold', important: 'blue', ordinary: 'default' };

export function useCustomer(id: number) {
  return useQuery({ queryKey: [...customersKey, 'one', id], queryFn: () => api<Customer>(`/customers/${id}`), enabled: id > 0 });
}

export function useCustomFields(entity: 'customer' | 'contact') {
  return useQuery({
    queryKey: [...customFieldsKey, entity],
    queryFn: () => api<{ data: CustomField[] }>('/custom-fields', { query: { 'filter[entity]': entity } }),
    select: (r) => [...r.data].sort((a, b) => a.position - b.position || a.id - b.id),
    staleTime: 60_000,
  });
}

export function useTags() {
  return useQuery({
    queryKey: [...tagsKey, 'all'],
    queryFn: () => api<Page<Tag>>('/tags', { query: { limit: 500, sort: 'name' } }),
    select: (p) => p.data,
    staleTime: 60_000,
  });
}

export function useUserRefs(ids: readonly number[]) {
  const unique = [...new Set(ids)].sort((a, b) => a - b);
  return useQuery({
    queryKey: ['users', 'lookup', 'ids', unique],
    queryFn: () => api<{ data: UserRef[] }>('/users/lookup', { query: { ids: unique.join(','), limit: 100 } }),
    select: (r) => new Map(r.data.map((u) => [u.id, u])),
    enabled: unique.length > 0,
    staleTime: 60_000,
  });
}

/** A custom field's label in the current language. */
export function fieldLabel(f: Pick<CustomField, 'label' | 'labelEn'>, language: string): string {
  return language === 'en' && f.labelEn ? f.labelEn : f.label;
}
export function optionLabel(o: { label: string; labelEn?: string | undefined }, language: string): string {
  return language === 'en' && o.labelEn ? o.labelEn : o.label;
}

/** A stored custom value as text, for tables, the overview and the timeline. */
export function customValueText(f: CustomField | undefined, value: unknown, language: string, yesNo: { yes: string; no: string }, sep: string): string {
  if (value === null || value === undefined || value === '') return '';
  if (!f) return Array.isArray(value) ? value.map(String).join(sep) : String(value);
  const label = (v: unknown) => {
    const o = f.options.find((x) => x.value === v);
    return o ? optionLabel(o, language) : String(v);
  };
  switch (f.type) {
    case 'boolean':
      return value === true ? yesNo.yes : value === false ? yesNo.no : String(value);
    case 'select':
      return label(value);
    case 'multiselect':
      return Array.isArray(value) ? value.map(label).join(sep) : label(value);
    case 'number':
      return typeof value === 'number' ? value.toLocaleString(language) : String(value);
    default:
      return String(value);
  }
}

export function formatYuan(value: number | null | undefined, language: string): string {
  if (value === null || value === undefined) return '';
  return `¥${value.toLocaleString(language === 'en' ? 'en-US' : 'zh-CN')}`;
}
