// Duplicates (重复资料) and data quality (客户数据库管理的原则: 真实性, 完整性, 时效性).
//
// Duplicate pairs are found by the daily `duplicates-scan` job from normalised keys (E.164 phones,
// case-folded email and credit code) and from similar names in the same city; each pair carries
// its evidence and a confidence 0–1. A merge keeps one survivor, takes chosen field values from
// the others, moves every related record to it and soft-deletes the rest; it can be undone.
import { z } from 'zod';
import { customerKinds } from './customers.js';
import { id, version } from './common.js';

const isoTime = z.iso.datetime({ offset: true });

/** `pinyin`: the names sound the same (same pinyin) in the same city though written differently. */
export const duplicateEvidenceKinds = ['creditCode', 'phone', 'email', 'name', 'pinyin'] as const;
export const duplicateStatuses = ['open', 'dismissed', 'merged'] as const;

export const customerDuplicateEvidence = z.object({
  keys: z.array(z.enum(duplicateEvidenceKinds)),
  nameSimilarity: z.number().nullable(),
  city: z.string().nullable(),
  creditCodeConflict: z.boolean(),
});
export type CustomerDuplicateEvidence = z.infer<typeof customerDuplicateEvidence>;

/** The fields of a customer a duplicate list shows side by side (personal ones masked like the record). */
export const customerBrief = z.object({
  id: z.number().int(),
  kind: z.enum(customerKinds),
  name: z.string(),
  mobile: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  creditCode: z.string().nullable(),
  province: z.string().nullable(),
  city: z.string().nullable(),
  ownerId: z.number().int().nullable(),
  ownerName: z.string().nullable(),
  updatedAt: isoTime,
  version: z.number().int(),
});
export type CustomerBrief = z.infer<typeof customerBrief>;

export const duplicatePair = z.object({
  id: z.number().int(),
  confidence: z.number(),
  evidence: customerDuplicateEvidence,
  status: z.enum(duplicateStatuses),
  detectedAt: isoTime,
  a: customerBrief,
  b: customerBrief,
});
export type DuplicatePair = z.infer<typeof duplicatePair>;

const ownerFilter = z.string().trim().regex(/^(me|\d{1,18})(,(me|\d{1,18}))*$/, { message: 'me or user ids separated by commas' });
export const duplicateListQuery = z.strictObject({
  'filter[status]': z.enum(duplicateStatuses).default('open'),
  /** Pairs at or above this confidence. */
  'filter[minConfidence]': z.coerce.number().min(0).max(1).optional(),
  /** Pairs where either record is owned by one of these users. */
  'filter[ownerId]': ownerFilter.optional(),
  /** Pairs with this evidence among their keys. */
  'filter[kind]': z.enum(duplicateEvidenceKinds).optional(),
  /** Pairs involving this customer. */
  'filter[customerId]': id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export type DuplicateListQuery = z.infer<typeof duplicateListQuery>;

// ---- the create/edit warning ----

/** The form's values as typed so far; every field optional (the check runs while the user types). */
export const checkDuplicatesBody = z.strictObject({
  /** Leave this customer out (editing it). */
  excludeId: id.optional(),
  kind: z.enum(customerKinds).optional(),
  name: z.string().trim().max(200).optional(),
  mobile: z.string().trim().max(32).optional(),
  phone: z.string().trim().max(32).optional(),
  email: z.string().trim().max(254).optional(),
  creditCode: z.string().trim().max(18).optional(),
  province: z.string().trim().max(50).optional(),
  city: z.string().trim().max(50).optional(),
});
export const duplicateMatch = z.object({
  customer: customerBrief,
  /** In the public pool (公海): claim it instead of creating another. */
  inPool: z.boolean(),
  evidence: customerDuplicateEvidence,
  confidence: z.number(),
});
export const checkDuplicatesResult = z.object({
  data: z.array(duplicateMatch),
  /** Matching records outside the caller's data scope (not shown). */
  hiddenMatches: z.number().int(),
});
export type CheckDuplicatesResult = z.infer<typeof checkDuplicatesResult>;

// ---- merge ----

/** Customer fields whose surviving value can be picked; custom fields as `custom.<key>`. */
export const mergeableFields = [
  'kind', 'relationshipType', 'name', 'mobile', 'phone', 'email', 'wechat', 'province', 'city', 'district', 'address', 'postalCode',
  'industry', 'companySize', 'creditCode', 'legalRepresentative', 'registeredCapital', 'foundedOn', 'website', 'annualRevenue',
  'gender', 'birthday', 'occupation', 'employer', 'education', 'maritalStatus', 'source', 'importance', 'loyalty', 'valueBehavior',
  'relationshipStrategy', 'notes',
] as const;
export type MergeableField = (typeof mergeableFields)[number];

export const mergeBody = z
  .strictObject({
    survivorId: id,
    mergedIds: z.array(id).min(1).max(9),
    /** field → the customer (survivor or merged) whose value the survivor keeps; unlisted fields keep the survivor's. */
    fields: z.record(z.string().max(60), id).default({}),
    /** The version of every involved record as the user saw it. */
    versions: z.record(z.string().regex(/^\d{1,18}$/), version),
  })
  .superRefine((b, ctx) => {
    if (b.mergedIds.includes(b.survivorId)) ctx.addIssue({ code: 'custom', path: ['mergedIds'], message: 'must not contain the survivor' });
    if (new Set(b.mergedIds).size !== b.mergedIds.length) ctx.addIssue({ code: 'custom', path: ['mergedIds'], message: 'must not repeat an id' });
  });
export type MergeBody = z.infer<typeof mergeBody>;

export const customerMerge = z.object({
  id: z.number().int(),
  survivor: z.object({ id: z.number().int(), name: z.string() }),
  merged: z.array(z.object({ id: z.number().int(), name: z.string() })),
  /** Survivor fields the merge changed, old and new (personal ones masked like the record). */
  changes: z.record(z.string(), z.object({ old: z.unknown(), new: z.unknown() })),
  /** Rows moved to the survivor, by table. */
  moved: z.record(z.string(), z.number().int()),
  createdAt: isoTime,
  createdBy: z.object({ id: z.number().int(), name: z.string() }).nullable(),
  undoneAt: isoTime.nullable(),
});
export type CustomerMerge = z.infer<typeof customerMerge>;
export const mergeListQuery = z.strictObject({
  'filter[customerId]': id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

// ---- data quality ----

export const validityKinds = ['mobile', 'phone', 'email', 'creditCode', 'postalCode'] as const;
export const customerQuality = z.object({
  customerId: z.number().int(),
  /** Completeness 0–100: the weights of the filled fields that matter for the customer's kind. */
  score: z.number().int(),
  missing: z.array(z.object({ field: z.string(), weight: z.number().int() })),
  /** Stored values that fail today's validity rules (written before a rule existed, or by an old import). */
  invalid: z.array(z.enum(validityKinds)),
  verifiedAt: isoTime.nullable(),
  updatedAt: isoTime,
  /** Neither updated nor verified within the stale period. */
  stale: z.boolean(),
  staleAfterDays: z.number().int(),
  openDuplicates: z.number().int(),
  version: z.number().int(),
});
export type CustomerQuality = z.infer<typeof customerQuality>;
export const verifyCustomerBody = z.strictObject({ version });

export const qualityListItem = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: z.enum(customerKinds),
  ownerId: z.number().int().nullable(),
  ownerName: z.string().nullable(),
  score: z.number().int(),
  missing: z.array(z.string()),
  updatedAt: isoTime,
  verifiedAt: isoTime.nullable(),
  /** Days since the later of update and verification. */
  idleDays: z.number().int(),
});
export type QualityListItem = z.infer<typeof qualityListItem>;
export const qualityListQuery = z.strictObject({
  'filter[ownerId]': ownerFilter.optional(),
  /** incomplete: at most this score (default 60). */
  'filter[maxScore]': z.coerce.number().int().min(0).max(100).optional(),
  /** stale: this many days instead of the setting. */
  'filter[days]': z.coerce.number().int().min(1).max(3650).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});
export const qualityListPage = z.object({ data: z.array(qualityListItem), nextCursor: z.string().nullable() });

export const qualitySummaryQuery = z.strictObject({ groupBy: z.enum(['owner', 'department']).default('owner') });
export const completenessBuckets = ['0-19', '20-39', '40-59', '60-79', '80-100'] as const;
const qualityCounts = {
  customers: z.number().int(),
  /** Customers in at least one open duplicate pair. */
  duplicates: z.number().int(),
  invalid: z.record(z.enum(validityKinds), z.number().int()),
  completeness: z.record(z.enum(completenessBuckets), z.number().int()),
  averageScore: z.number(),
  stale: z.number().int(),
};
export const qualitySummary = z.object({
  staleAfterDays: z.number().int(),
  totals: z.object(qualityCounts),
  /** One row per owner (or department); id null = the pool / no department. */
  groups: z.array(z.object({ id: z.number().int().nullable(), name: z.string().nullable(), ...qualityCounts })),
});
export type QualitySummary = z.infer<typeof qualitySummary>;

export const dataQualitySettings = z.object({ staleAfterDays: z.number().int(), version: z.number().int() });
export const updateDataQualitySettingsBody = z.strictObject({ staleAfterDays: z.number().int().min(1).max(3650), version });
