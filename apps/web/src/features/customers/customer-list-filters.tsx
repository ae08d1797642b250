// The customer list's filters as the query parameters the API takes (`filter[field]`,
// `filter[field][gte]`, `filter[custom.key]`, all ANDed), the drawer that edits them, and the
// chips that show them. Saved views store exactly these parameters.
import { useEffect, useState } from 'react';
import { Button, Col, DatePicker, Divider, Drawer, Flex, Form, Grid, Input, InputNumber, Row, Select, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import type { CustomField } from '@guanxi/contracts';
import { enumValues, fieldLabel, optionLabel, useTags, useUserRefs, type EnumName } from './customers.api';
import { isEnumValue, useFieldText } from './customer-fields';
import { isScoreField, scoreClassFields, scoreClassLabel, scoreClassValues, scoreFieldLabel, scoreNumberFields, type ScoreClassField } from '../analytics/customer-score-fields';

export type Filters = Record<string, string>;

export const fkey = (field: string, bound?: 'gte' | 'lte') => `filter[${field}]${bound ? `[${bound}]` : ''}`;
/** `filter[a.b][gte]` → { field: 'a.b', bound: 'gte' } */
export function parseKey(key: string): { field: string; bound?: 'gte' | 'lte' } | null {
  const m = /^filter\[([^\]]+)\](?:\[(gte|lte)\])?$/.exec(key);
  if (!m?.[1]) return null;
  return m[2] === 'gte' || m[2] === 'lte' ? { field: m[1], bound: m[2] } : { field: m[1] };
}

const multiEnums = ['kind', 'relationshipType', 'loyalty', 'valueBehavior', 'relationshipStrategy', 'gender'] as const;
const textFilters = ['mobile', 'email', 'industry', 'source'] as const;
// regions are matched exactly (one of the values typed), which an index serves at any size
const regionFilters = ['province', 'city'] as const;
const dateRanges = ['createdAt', 'lastFollowUpAt', 'nextFollowUpAt', 'foundedOn'] as const;
const numberRanges = ['registeredCapital', 'annualRevenue'] as const;

function set(draft: Filters, key: string, value: string | null | undefined): Filters {
  const next = { ...draft };
  if (value === null || value === undefined || value === '') delete next[key];
  else next[key] = value;
  return next;
}

function EnumSelect({ name, draft, onChange, field }: { name: EnumName; field: string; draft: Filters; onChange: (f: Filters) => void }) {
  const { t } = useTranslation();
  const key = fkey(field);
  return (
    <Select<string[]>
      mode="multiple"
      allowClear
      style={{ width: '100%' }}
      value={draft[key]?.split(',') ?? []}
      onChange={(v) => onChange(set(draft, key, v.join(',')))}
      options={enumValues[name].map((v: string) => ({ value: v, label: t(`enums.${name}.${v}` as 'enums.kind.individual') }))}
      placeholder={t('common.all')}
    />
  );
}

function DateRange({ field, draft, onChange }: { field: string; draft: Filters; onChange: (f: Filters) => void }) {
  const gte = draft[fkey(field, 'gte')];
  const lte = draft[fkey(field, 'lte')];
  return (
    <DatePicker.RangePicker
      allowEmpty={[true, true]}
      style={{ width: '100%' }}
      value={[gte ? dayjs(gte) : null, lte ? dayjs(lte) : null]}
      onChange={(v) => {
        let next = set(draft, fkey(field, 'gte'), v?.[0]?.format('YYYY-MM-DD'));
        next = set(next, fkey(field, 'lte'), v?.[1]?.format('YYYY-MM-DD'));
        onChange(next);
      }}
    />
  );
}

function NumberRange({ field, draft, onChange }: { field: string; draft: Filters; onChange: (f: Filters) => void }) {
  const { t } = useTranslation();
  const num = (k: string) => (draft[k] === undefined ? null : Number(draft[k]));
  return (
    <Flex gap={8} align="center">
      <InputNumber style={{ flex: 1 }} placeholder={t('filters.min')} value={num(fkey(field, 'gte'))} onChange={(v) => onChange(set(draft, fkey(field, 'gte'), v === null ? null : String(v)))} />
      <span>–</span>
      <InputNumber style={{ flex: 1 }} placeholder={t('filters.max')} value={num(fkey(field, 'lte'))} onChange={(v) => onChange(set(draft, fkey(field, 'lte'), v === null ? null : String(v)))} />
    </Flex>
  );
}

export function FilterDrawer({ open, value, customFields, onApply, onClose }: { open: boolean; value: Filters; customFields: readonly CustomField[]; onApply: (f: Filters) => void; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const screens = Grid.useBreakpoint();
  const [draft, setDraft] = useState<Filters>(value);
  useEffect(() => {
    if (open) setDraft(value);
  }, [open, value]);
  const half = { xs: 24, md: 12 } as const;

  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t('filters.title')}
      size={screens.md ? 640 : '100%'}
      footer={
        <Flex justify="space-between" gap={8}>
          <Button onClick={() => setDraft({})}>{t('filters.clear')}</Button>
          <Flex gap={8}>
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button type="primary" onClick={() => onApply(draft)} data-testid="filters-apply">
              {t('filters.apply')}
            </Button>
          </Flex>
        </Flex>
      }
    >
      <Typography.Paragraph type="secondary">{t('filters.help')}</Typography.Paragraph>
      <Form layout="vertical">
        <Row gutter={16}>
          <Col xs={24}>
            <Form.Item label={t('customerField.name')}>
              <Input allowClear value={draft[fkey('name')] ?? ''} onChange={(e) => setDraft(set(draft, fkey('name'), e.target.value))} placeholder={t('filters.contains')} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item label={t('customerField.importance')}>
              <EnumSelect name="importance" field="importance" draft={draft} onChange={setDraft} />
            </Form.Item>
          </Col>
          {multiEnums.map((f) => (
            <Col {...half} key={f}>
              <Form.Item label={t(`customerField.${f}`)}>
                <EnumSelect name={f} field={f} draft={draft} onChange={setDraft} />
              </Form.Item>
            </Col>
          ))}
          {textFilters.map((f) => (
            <Col {...half} key={f}>
              <Form.Item label={t(`customerField.${f}`)}>
                <Input allowClear value={draft[fkey(f)] ?? ''} onChange={(e) => setDraft(set(draft, fkey(f), e.target.value))} placeholder={t('filters.contains')} />
              </Form.Item>
            </Col>
          ))}
          {regionFilters.map((f) => (
            <Col {...half} key={f}>
              <Form.Item label={t(`customerField.${f}`)}>
                <Select<string[]>
                  mode="tags"
                  allowClear
                  open={false}
                  suffixIcon={null}
                  tokenSeparators={[',', '，', ' ']}
                  style={{ width: '100%' }}
                  value={draft[fkey(f)]?.split(',') ?? []}
                  onChange={(v) => setDraft(set(draft, fkey(f), v.join(',')))}
                  placeholder={t('common.all')}
                />
              </Form.Item>
            </Col>
          ))}
          {dateRanges.map((f) => (
            <Col {...half} key={f}>
              <Form.Item label={t(`customerField.${f}`)}>
                <DateRange field={f} draft={draft} onChange={setDraft} />
              </Form.Item>
            </Col>
          ))}
          {numberRanges.map((f) => (
            <Col {...half} key={f}>
              <Form.Item label={`${t(`customerField.${f}`)} (¥)`}>
                <NumberRange field={f} draft={draft} onChange={setDraft} />
              </Form.Item>
            </Col>
          ))}
          <Col xs={24}>
            <Divider titlePlacement="start" plain style={{ marginTop: 0 }}>
              {t('customerAnalysis.filterSection')}
            </Divider>
          </Col>
          {scoreClassFields.map((f) => (
            <Col {...half} key={f}>
              <Form.Item label={scoreFieldLabel(t, f)}>
                <Select<string[]>
                  mode="multiple"
                  allowClear
                  style={{ width: '100%' }}
                  value={draft[fkey(f)]?.split(',') ?? []}
                  onChange={(v) => setDraft(set(draft, fkey(f), v.join(',')))}
                  options={scoreClassValues[f].map((v) => ({ value: v, label: scoreClassLabel(t, f, v) }))}
                  placeholder={t('common.all')}
                  data-testid={`filter-${f}`}
                />
              </Form.Item>
            </Col>
          ))}
          {scoreNumberFields.map((f) => (
            <Col {...half} key={f}>
              <Form.Item label={f === 'pAlive' || f === 'churnScore' ? `${scoreFieldLabel(t, f)} (0–1)` : f === 'recencyDays' ? scoreFieldLabel(t, f) : `${scoreFieldLabel(t, f)} (¥)`}>
                <NumberRange field={f} draft={draft} onChange={setDraft} />
              </Form.Item>
            </Col>
          ))}
          {customFields.map((cf) => {
            const field = `custom.${cf.key}`;
            const label = fieldLabel(cf, i18n.language);
            let input;
            if (cf.type === 'select' || cf.type === 'multiselect') {
              input = (
                <Select<string[]>
                  mode="multiple"
                  allowClear
                  value={draft[fkey(field)]?.split(',') ?? []}
                  onChange={(v) => setDraft(set(draft, fkey(field), v.join(',')))}
                  options={cf.options.map((o) => ({ value: o.value, label: optionLabel(o, i18n.language) }))}
                  placeholder={t('common.all')}
                />
              );
            } else if (cf.type === 'boolean') {
              input = (
                <Select<string>
                  allowClear
                  value={draft[fkey(field)]}
                  onChange={(v) => setDraft(set(draft, fkey(field), v))}
                  options={[
                    { value: 'true', label: t('common.yes') },
                    { value: 'false', label: t('common.no') },
                  ]}
                  placeholder={t('common.all')}
                />
              );
            } else if (cf.type === 'number') input = <NumberRange field={field} draft={draft} onChange={setDraft} />;
            else if (cf.type === 'date') input = <DateRange field={field} draft={draft} onChange={setDraft} />;
            else input = <Input allowClear value={draft[fkey(field)] ?? ''} onChange={(e) => setDraft(set(draft, fkey(field), e.target.value))} placeholder={t('filters.contains')} />;
            return (
              <Col {...half} key={field}>
                <Form.Item label={label}>{input}</Form.Item>
              </Col>
            );
          })}
        </Row>
      </Form>
    </Drawer>
  );
}

/** The active filters as closable chips: "重要程度：贵宾型、重要型", "创建时间 ≥ 2025-01-01". */
export function FilterChips({ filters, customFields, onChange }: { filters: Filters; customFields: readonly CustomField[]; onChange: (f: Filters) => void }) {
  const { t } = useTranslation();
  const tags = useTags();
  const ownerIds = (filters[fkey('ownerId')] ?? '')
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  const users = useUserRefs(ownerIds);
  const text = useFieldText({ customFields, tags: tags.data ?? [], users: users.data ?? new Map() });
  const entries = Object.entries(filters);
  if (!entries.length) return null;
  const sep = t('common.listSeparator');

  const show = (field: string, raw: string): string => {
    if (field === 'ownerId') return raw.split(',').map((v) => (v === 'me' ? t('filters.me') : text.value('ownerId', Number(v)))).join(sep);
    if (field === 'tagId') return text.value('tagIds', raw.split(',').map(Number));
    const parts = raw.split(',');
    if ((scoreClassFields as readonly string[]).includes(field)) return parts.map((p) => scoreClassLabel(t, field as ScoreClassField, p)).join(sep);
    if (parts.every((p) => isEnumValue('importance', p) || isEnumValue('loyalty', p) || isEnumValue('kind', p) || isEnumValue('relationshipType', p) || isEnumValue('valueBehavior', p) || isEnumValue('relationshipStrategy', p) || isEnumValue('gender', p))) {
      return parts.map((p) => text.value(field, p)).join(sep);
    }
    if (field.startsWith('custom.')) {
      const cf = customFields.find((x) => x.key === field.slice(7));
      if (cf && (cf.type === 'select' || cf.type === 'multiselect')) return parts.map((p) => text.value(field, p)).join(sep);
      if (cf?.type === 'boolean') return raw === 'true' ? t('common.yes') : t('common.no');
    }
    return raw;
  };

  return (
    <Flex gap={6} wrap align="center" style={{ marginBottom: 12 }} data-testid="filter-chips">
      <Typography.Text type="secondary" style={{ fontSize: 13 }}>
        {t('filters.active')}
      </Typography.Text>
      {entries.map(([key, raw]) => {
        const p = parseKey(key);
        if (!p) return null;
        const op = p.bound === 'gte' ? ' ≥ ' : p.bound === 'lte' ? ' ≤ ' : t('common.colon');
        return (
          <Tag
            key={key}
            closable
            onClose={(e) => {
              e.preventDefault();
              const next = { ...filters };
              delete next[key];
              onChange(next);
            }}
          >
            {isScoreField(p.field) ? scoreFieldLabel(t, p.field) : text.label(p.field === 'ownerId' ? 'ownerId' : p.field === 'tagId' ? 'tagIds' : p.field)}
            {op}
            {show(p.field, raw)}
          </Tag>
        );
      })}
      <Button type="link" size="small" onClick={() => onChange({})}>
        {t('filters.clear')}
      </Button>
    </Flex>
  );
}
