// Customer 360: customers (个人 and 企业), tags, admin-defined custom fields, the timeline, the
// recycle bin and search.
//
// List filter syntax (customers, contacts, follow-ups), all combined with AND:
//   filter[name]=科技                  text: contains, case-insensitive
//   filter[province]=浙江省,江苏省       regions (province, city, district): equals one of the list
//   filter[importance]=vip,important   enum: one value, or several separated by commas (in)
//   filter[ownerId]=me | 12 | 12,13    owner: `me` or user ids
//   filter[tagId]=3 | 3,4              has any of these tags
//   filter[createdAt][gte]=2025-01-01  ranges on dates and numbers: [gte] and/or [lte]; a bare
//   filter[createdAt][lte]=2025-06-30  date or a full ISO time; `[lte]` with a bare date includes
//                                      that whole day (UTC)
//   filter[registeredCapital][gte]=1000000
//   filter[custom.<key>]=…             custom field: text contains; select/multiselect in (any of);
//                                      number/date equal, or with [gte]/[lte]; boolean true|false
// Unknown filter keys are refused (400) so a typo never silently returns everything.
import { z } from 'zod';
import { auditColumns, listQuery, shortText } from './common.js';
import { toE164 } from './phone.js';

const isoTime = z.iso.datetime({ offset: true });
const isoDate = z.iso.date();

export const customerKinds = ['individual', 'organization'] as const;
export const relationshipTypes = ['consumer', 'business', 'channel', 'internal', 'partner', 'supplier'] as const;
export const importanceLevels = ['vip', 'important', 'ordinary'] as const;
export const loyaltyLevels = ['loyal', 'old', 'new', 'potential'] as const;
export const valueBehaviors = ['lighthouse', 'follower', 'rational', 'bargain'] as const;
export const relationshipStrategies = ['strategic', 'major', 'transactional', 'risk'] as const;
export const genders = ['male', 'female', 'other'] as const;

// ---- validation rules shared by customers and contacts ----

/** Free text that may span lines (notes): no control characters other than tab and newlines. */
export const longText = (max = 10_000) =>
  z
    .string()
    .max(max)
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/, { message: 'must not contain control characters' });

const stripSeparators = (s: string) => s.trim().replace(/[\s-]/g, '');
/** A mainland mobile number (1[3-9] and 9 digits, `+86` allowed) or an international one (`+<country code>…`). */
export const mobileNumber = z
  .string()
  .max(32)
  .transform(stripSeparators)
  .transform((s) => (/^\+861[3-9]\d{9}$/.test(s) ? s.slice(3) : s))
  .refine((s) => /^1[3-9]\d{9}$/.test(s) || /^\+[1-9]\d{6,14}$/.test(s), {
    message: 'not a mobile number: 11 digits starting 13–19, or +country code and number',
  });
/** A landline, with area code and extension: 010-12345678, 0755 1234 5678-123, +44 20 7946 0958. */
export const phoneNumber = z
  .string()
  .trim()
  .max(32)
  .regex(/^\+?[0-9][0-9 ()-]{4,30}$/, { message: 'not a phone number' })
  // a number that has no E.164 form (no area code, too short) cannot be dialled or matched
  .refine((s) => toE164(s) !== null, { message: 'not a complete phone number: area code and number (010-12345678), or +country code and number' });
export const emailAddress = z.email({ message: 'not an email address' }).max(254).transform((s) => s.toLowerCase());

const creditCodeChars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const creditCodeWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
/** Unified social credit code check digit, GB 32100-2015 §5 (weights 3^(i-1) mod 31, check = 31 − Σ mod 31). */
export function isValidCreditCode(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += creditCodeChars.indexOf(code[i]!) * creditCodeWeights[i]!;
  const check = (31 - (sum % 31)) % 31;
  return creditCodeChars[check] === code[17];
}
export const creditCode = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .refine(isValidCreditCode, { message: 'not a valid unified social credit code (18 characters, check digit per GB 32100-2015)' });

/** A mainland postal code (邮政编码): 6 digits. */
export const postalCode = z.string().trim().regex(/^[0-9]{6}$/, { message: 'not a postal code: 6 digits' });

const optText = (max = 200) => shortText(max).nullable().optional();

// ---- custom fields ----

export const customFieldTypes = ['text', 'number', 'date', 'select', 'multiselect', 'boolean'] as const;
export const customFieldEntities = ['customer', 'contact'] as const;
export const customFieldOption = z.strictObject({ value: shortText(100), label: shortText(100), labelEn: shortText(100).optional() });
export const customField = z.object({
  id: z.number().int(),
  entity: z.enum(customFieldEntities),
  key: z.string(),
  label: z.string(),
  labelEn: z.string().nullable(),
  type: z.enum(customFieldTypes),
  options: z.array(z.object({ value: z.string(), label: z.string(), labelEn: z.string().optional() })),
  required: z.boolean(),
  position: z.number().int(),
  ...auditColumns,
});
export type CustomField = z.infer<typeof customField>;
export const customFieldKey = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, { message: 'lowercase letters, digits and _ only, starting with a letter, at most 40' });
export const createCustomFieldBody = z.strictObject({
  entity: z.enum(customFieldEntities),
  key: customFieldKey,
  label: shortText(100),
  labelEn: shortText(100).nullable().optional(),
  type: z.enum(customFieldTypes),
  options: z.array(customFieldOption).max(200).default([]),
  required: z.boolean().default(false),
  position: z.number().int().min(0).max(10_000).default(0),
});
/** The key and type of a field never change (stored values depend on them); options may. */
export const updateCustomFieldBody = z.strictObject({
  label: shortText(100).optional(),
  labelEn: shortText(100).nullable().optional(),
  options: z.array(customFieldOption).max(200).optional(),
  required: z.boolean().optional(),
  position: z.number().int().min(0).max(10_000).optional(),
  version: z.number().int().positive(),
});
export const customFieldListQuery = z.strictObject({ 'filter[entity]': z.enum(customFieldEntities).optional() });
/**
 * Custom values by key: text → string, number → number, date → YYYY-MM-DD, select → an option
 * value, multiselect → option values, boolean → boolean. Checked against the definitions by the
 * server (errors at `custom.<key>`). In an update, keys merge into the stored values; null clears one.
 */
export const customValues = z.record(z.string().max(40), z.union([z.string().max(2000), z.number(), z.boolean(), z.array(z.string().max(100)).max(200), z.null()]));

// ---- tags ----

export const tag = z.object({ id: z.number().int(), name: z.string(), color: z.string().nullable(), customerCount: z.number().int(), ...auditColumns });
export type Tag = z.infer<typeof tag>;
const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, { message: 'a colour like #1677ff' });
export const createTagBody = z.strictObject({ name: shortText(50), color: color.nullable().optional() });
export const updateTagBody = z.strictObject({ name: shortText(50).optional(), color: color.nullable().optional(), version: z.number().int().positive() });
export const tagListQuery = listQuery(['name', 'createdAt']);

// ---- customers ----

const userRef = z.object({ id: z.number().int(), name: z.string() });
const tagRef = z.object({ id: z.number().int(), name: z.string(), color: z.string().nullable() });

/** A customer as the API shows it; mobile, phone, email, wechat and address are masked for roles without personal_data.view. */
export const customer = z.object({
  id: z.number().int(),
  kind: z.enum(customerKinds),
  relationshipType: z.enum(relationshipTypes),
  name: z.string(),
  mobile: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  wechat: z.string().nullable(),
  province: z.string().nullable(),
  city: z.string().nullable(),
  district: z.string().nullable(),
  address: z.string().nullable(),
  postalCode: z.string().nullable(),
  industry: z.string().nullable(),
  companySize: z.string().nullable(),
  creditCode: z.string().nullable(),
  legalRepresentative: z.string().nullable(),
  /** In yuan (whole units). */
  registeredCapital: z.number().int().nullable(),
  foundedOn: isoDate.nullable(),
  website: z.string().nullable(),
  /** In yuan (whole units). */
  annualRevenue: z.number().int().nullable(),
  gender: z.enum(genders).nullable(),
  birthday: isoDate.nullable(),
  occupation: z.string().nullable(),
  employer: z.string().nullable(),
  education: z.string().nullable(),
  maritalStatus: z.string().nullable(),
  source: z.string().nullable(),
  importance: z.enum(importanceLevels).nullable(),
  importanceSource: z.enum(['manual', 'computed']).nullable(),
  loyalty: z.enum(loyaltyLevels).nullable(),
  valueBehavior: z.enum(valueBehaviors).nullable(),
  relationshipStrategy: z.enum(relationshipStrategies).nullable(),
  notes: z.string().nullable(),
  custom: z.record(z.string(), z.unknown()),
  ownerId: z.number().int().nullable(),
  ownerName: z.string().nullable(),
  ownerSince: isoTime.nullable(),
  poolSince: isoTime.nullable(),
  lastFollowUpAt: isoTime.nullable(),
  nextFollowUpAt: isoTime.nullable(),
  lastDealAt: isoTime.nullable(),
  tags: z.array(tagRef),
  collaborators: z.array(userRef),
  ...auditColumns,
});
export type Customer = z.infer<typeof customer>;

const customerFields = {
  relationshipType: z.enum(relationshipTypes),
  name: shortText(200),
  mobile: mobileNumber.nullable().optional(),
  phone: phoneNumber.nullable().optional(),
  email: emailAddress.nullable().optional(),
  wechat: optText(100),
  province: optText(50),
  city: optText(50),
  district: optText(50),
  address: optText(300),
  postalCode: postalCode.nullable().optional(),
  industry: optText(100),
  companySize: optText(50),
  creditCode: creditCode.nullable().optional(),
  legalRepresentative: optText(100),
  registeredCapital: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable().optional(),
  foundedOn: isoDate.nullable().optional(),
  website: z.url({ protocol: /^https?$/, message: 'a web address starting with http:// or https://' }).max(500).nullable().optional(),
  annualRevenue: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable().optional(),
  gender: z.enum(genders).nullable().optional(),
  birthday: isoDate.nullable().optional(),
  occupation: optText(100),
  employer: optText(200),
  education: optText(100),
  maritalStatus: optText(50),
  source: optText(100),
  importance: z.enum(importanceLevels).nullable().optional(),
  loyalty: z.enum(loyaltyLevels).nullable().optional(),
  valueBehavior: z.enum(valueBehaviors).nullable().optional(),
  relationshipStrategy: z.enum(relationshipStrategies).nullable().optional(),
  notes: longText().nullable().optional(),
  custom: customValues.optional(),
  /** Replaces the customer's tags. */
  tagIds: z.array(z.number().int().positive()).max(50).optional(),
  /** Replaces the collaborators (协作人); they see the customer like its owner. */
  collaboratorIds: z.array(z.number().int().positive()).max(20).optional(),
};
export const createCustomerBody = z.strictObject({
  kind: z.enum(customerKinds),
  ...customerFields,
  /** Defaults to the caller; another user or null (straight into the pool) needs customers.assign. */
  ownerId: z.number().int().positive().nullable().optional(),
});
/** Ownership changes go through the pool actions (claim, assign, release), not through edits. */
export const updateCustomerBody = z.strictObject({
  kind: z.enum(customerKinds).optional(),
  ...customerFields,
  relationshipType: customerFields.relationshipType.optional(),
  name: customerFields.name.optional(),
  version: z.number().int().positive(),
});

/** How each filterable field is filtered; the query schema and the server's SQL both derive from this. */
export const customerFilterFields = {
  name: 'text',
  mobile: 'text',
  email: 'text',
  province: 'equals',
  city: 'equals',
  district: 'equals',
  industry: 'text',
  source: 'text',
  kind: 'enum',
  relationshipType: 'enum',
  importance: 'enum',
  loyalty: 'enum',
  valueBehavior: 'enum',
  relationshipStrategy: 'enum',
  gender: 'enum',
  ownerId: 'owner',
  tagId: 'ids',
  registeredCapital: 'range',
  annualRevenue: 'range',
  createdAt: 'range',
  updatedAt: 'range',
  lastFollowUpAt: 'range',
  nextFollowUpAt: 'range',
  foundedOn: 'range',
  birthday: 'range',
  // scores of the last analytics run (customer_metrics); a customer never scored matches none of them
  rfmSegment: 'enum',
  abcClass: 'enum',
  lifecycleStage: 'enum',
  tier: 'enum',
  loyaltyClass: 'enum',
  churnLevel: 'enum',
  churnScore: 'range',
  clv: 'range',
  pAlive: 'range',
  monetary: 'range',
  recencyDays: 'range',
} as const;
/** text: contains; equals: one of a comma list (coded values such as regions, index-served). */
export type FilterKind = 'text' | 'equals' | 'enum' | 'owner' | 'ids' | 'range';

export const customerSortFields = [
  'name', 'kind', 'relationshipType', 'importance', 'loyalty', 'valueBehavior', 'relationshipStrategy', 'province', 'city', 'industry', 'source',
  'ownerId', 'registeredCapital', 'annualRevenue', 'foundedOn', 'birthday', 'createdAt', 'updatedAt', 'lastFollowUpAt', 'nextFollowUpAt', 'id',
  // scores: customers never scored come last in both directions
  'rfmSegment', 'abcClass', 'lifecycleStage', 'tier', 'loyaltyClass', 'churnLevel', 'churnScore', 'clv', 'pAlive', 'monetary', 'recencyDays',
] as const;

const filterValue = z.string().trim().min(1).max(500);
const customFilterKey = /^filter\[custom\.[a-z][a-z0-9_]{0,39}\](\[(gte|lte)\])?$/;

/** `filter[x]` for each field (and `[gte]`/`[lte]` for ranges), plus `filter[custom.<key>]`. */
export type FilterQueryOutput<F extends readonly [string, ...string[]]> = z.output<ReturnType<typeof listQuery<F>>> & { [key: `filter[${string}]`]: string | undefined };
export function filterQuery<const F extends readonly [string, ...string[]]>(fields: Record<string, FilterKind>, sortFields: F, withCustom: boolean): z.ZodType<FilterQueryOutput<F>> {
  const shape: Record<string, z.ZodOptional<typeof filterValue>> = {};
  for (const [field, kind] of Object.entries(fields)) {
    shape[`filter[${field}]`] = filterValue.optional();
    if (kind === 'range') {
      shape[`filter[${field}][gte]`] = filterValue.optional();
      shape[`filter[${field}][lte]`] = filterValue.optional();
    }
  }
  const base = listQuery(sortFields).extend(shape);
  if (!withCustom) return base as unknown as z.ZodType<FilterQueryOutput<F>>;
  const open = base.catchall(filterValue).superRefine((q, ctx) => {
    for (const key of Object.keys(q)) {
      if (!(key in base.shape) && !customFilterKey.test(key)) ctx.addIssue({ code: 'custom', path: [key], message: `unknown query parameter ${key}` });
    }
  });
  return open as unknown as z.ZodType<FilterQueryOutput<F>>;
}
export const customerListQuery = filterQuery(customerFilterFields, customerSortFields, true);
export type CustomerListQuery = z.infer<typeof customerListQuery>;

// ---- timeline ----

export const timelineItemTypes = ['follow_up', 'change', 'ownership', 'order', 'order_approval', 'opportunity', 'payment', 'ticket'] as const;
/**
 * One thing that happened to a customer. `data` by type — follow_up: the follow-up record;
 * change: { action (create|update|delete|restore), changes: { field: { old, new } } };
 * ownership: { kind (claim|assign|release|pool_return|…), fromUserId, toUserId, … };
 * order: { id, number, status, action (= status), orderDate, total } — orders in the caller's scope only;
 * order_approval: { orderId, number, action (requested|approved|rejected), approverId, note } — same scope;
 * payment: { id, orderId, number, amount, receivedOn, method, reference, voided, voidedReason } — payments received
 *   (回款) on orders in the caller's scope, voided ones included and marked;
 * opportunity: { opportunityId, name, fromStageName, fromStageKey, toStageName, toStageKey, toStageKind, fromPipelineId,
 *   fromPipelineName, toPipelineId, toPipelineName, amount, currency, reason, secondsInPrevious } — stage changes (fromStage
 *   null = created) of deals in the caller's scope; the pipelines differ when the deal moved to another pipeline.
 * ticket: { ticketId, number, type, subject, status, priority, action (created | a complaint step), note, data } — every
 *   ticket of the customer and each complaint step (投诉处理), for whoever may see the customer.
 */
export const timelineItem = z.object({
  type: z.enum(timelineItemTypes),
  id: z.string(),
  at: isoTime,
  actor: userRef.nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type TimelineItem = z.infer<typeof timelineItem>;
export const timelineQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  'filter[type]': z.enum(timelineItemTypes).optional(),
});
export const timelinePage = z.object({ data: z.array(timelineItem), nextCursor: z.string().nullable() });

// ---- recycle bin ----

export const recycleEntities = ['customer', 'contact'] as const;
export const recycleBinItem = z.object({
  entity: z.enum(recycleEntities),
  id: z.number().int(),
  name: z.string(),
  deletedAt: isoTime,
  deletedBy: userRef.nullable(),
});
export const recycleBinQuery = z.strictObject({
  'filter[entity]': z.enum(recycleEntities).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});
export const recycleBinParams = z.strictObject({ entity: z.enum(recycleEntities), id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

// ---- search ----

export const searchHit = z.object({
  type: z.enum(['customer', 'contact']),
  id: z.number().int(),
  name: z.string(),
  /** Company, phone or email to tell hits apart (masked like the records). */
  subtitle: z.string().nullable(),
  matchedField: z.enum(['name', 'mobile', 'phone', 'email', 'wechat', 'employer', 'creditCode', 'company']),
  /** 0 exact, 1 prefix, 2 contains. */
  rank: z.number().int(),
});
export type SearchHit = z.infer<typeof searchHit>;
export const searchQuery = z.strictObject({
  q: z.string().trim().min(1).max(100),
  limit: z.coerce.number().int().min(1).max(50).default(20),
  type: z.enum(['customer', 'contact']).optional(),
});
export const searchResult = z.object({ data: z.array(searchHit) });
