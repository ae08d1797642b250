// Between a customer as the API shows it and the customer form: form values, the request body,
// and the fields one side changed relative to another (for partial PATCHes and for showing a
// version conflict field by field).
import dayjs, { type Dayjs } from 'dayjs';
import type { Customer, CustomField } from '@guanxi/contracts';

export const textFields = [
  'name', 'mobile', 'phone', 'email', 'wechat', 'province', 'city', 'district', 'address', 'postalCode', 'industry', 'companySize',
  'creditCode', 'legalRepresentative', 'website', 'occupation', 'employer', 'education', 'maritalStatus', 'source', 'notes',
] as const;
export const numberFields = ['registeredCapital', 'annualRevenue'] as const;
export const dateFields = ['foundedOn', 'birthday'] as const;
export const enumFields = ['relationshipType', 'gender', 'importance', 'loyalty', 'valueBehavior', 'relationshipStrategy'] as const;

type TextField = (typeof textFields)[number];
type NumberField = (typeof numberFields)[number];
type DateField = (typeof dateFields)[number];
type EnumField = (typeof enumFields)[number];

export type CustomFormValue = string | number | boolean | string[] | Dayjs | null | undefined;

export type CustomerFormValues = { kind: Customer['kind'] } & { [K in TextField]?: string | null } & { [K in NumberField]?: number | null } & {
  [K in DateField]?: Dayjs | null;
} & { [K in EnumField]?: Customer[K] | null } & {
  tagIds?: number[];
  collaboratorIds?: number[];
  ownerId?: number | null;
  custom?: Record<string, CustomFormValue>;
};

/** What the API accepts for a create or an update (without `version`). */
export type CustomerBody = Record<string, unknown> & { custom?: Record<string, unknown> };

export function toFormValues(c: Customer, fields: readonly CustomField[]): CustomerFormValues {
  const v: CustomerFormValues = { kind: c.kind };
  for (const f of textFields) v[f] = c[f] ?? '';
  for (const f of numberFields) v[f] = c[f];
  for (const f of dateFields) v[f] = c[f] ? dayjs(c[f]) : null;
  v.relationshipType = c.relationshipType;
  v.gender = c.gender;
  v.importance = c.importance;
  v.loyalty = c.loyalty;
  v.valueBehavior = c.valueBehavior;
  v.relationshipStrategy = c.relationshipStrategy;
  v.tagIds = c.tags.map((t) => t.id);
  v.collaboratorIds = c.collaborators.map((u) => u.id);
  const custom: Record<string, CustomFormValue> = {};
  for (const f of fields) {
    const raw = c.custom[f.key];
    if (raw === undefined || raw === null) custom[f.key] = f.type === 'multiselect' ? [] : null;
    else if (f.type === 'date' && typeof raw === 'string') custom[f.key] = dayjs(raw);
    else if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') custom[f.key] = raw;
    else if (Array.isArray(raw)) custom[f.key] = raw.map(String);
  }
  v.custom = custom;
  return v;
}

const blankToNull = (s: string | null | undefined) => {
  const t = s?.trim();
  return t ? t : null;
};

function customToBody(value: CustomFormValue, field: CustomField): unknown {
  if (value === undefined || value === null) return null;
  if (dayjs.isDayjs(value)) return value.format('YYYY-MM-DD');
  if (typeof value === 'string') return field.type === 'text' ? blankToNull(value) : value || null;
  if (Array.isArray(value)) return value.length ? value : null;
  return value;
}

export function toBody(v: CustomerFormValues, fields: readonly CustomField[]): CustomerBody {
  const body: CustomerBody = { kind: v.kind };
  for (const f of textFields) body[f] = blankToNull(v[f]);
  for (const f of numberFields) body[f] = v[f] ?? null;
  for (const f of dateFields) body[f] = v[f] ? v[f].format('YYYY-MM-DD') : null;
  for (const f of enumFields) body[f] = v[f] ?? null;
  body.tagIds = v.tagIds ?? [];
  body.collaboratorIds = v.collaboratorIds ?? [];
  const custom: Record<string, unknown> = {};
  for (const f of fields) custom[f.key] = customToBody(v.custom?.[f.key], f);
  body.custom = custom;
  return body;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const sortedIds = (v: unknown) => (Array.isArray(v) ? [...(v as number[])].sort((x, y) => x - y) : v);

/** Keys of `next` that differ from `base`; custom values compared key by key as `custom.<key>`. */
export function changedKeys(next: CustomerBody, base: CustomerBody): string[] {
  const keys: string[] = [];
  for (const k of Object.keys(next)) {
    if (k === 'custom') continue;
    const norm = k === 'tagIds' || k === 'collaboratorIds' ? sortedIds : (x: unknown) => x;
    if (!same(norm(next[k]), norm(base[k]))) keys.push(k);
  }
  for (const k of Object.keys(next.custom ?? {})) if (!same(next.custom?.[k], base.custom?.[k])) keys.push(`custom.${k}`);
  return keys;
}

export function pick(body: CustomerBody, keys: readonly string[]): CustomerBody {
  const out: CustomerBody = {};
  for (const k of keys) {
    if (k.startsWith('custom.')) {
      const key = k.slice(7);
      out.custom = { ...(out.custom ?? {}), [key]: body.custom?.[key] ?? null };
    } else out[k] = body[k];
  }
  return out;
}

export function isCustomer(v: unknown): v is Customer {
  return typeof v === 'object' && v !== null && 'id' in v && 'version' in v && 'relationshipType' in v;
}
