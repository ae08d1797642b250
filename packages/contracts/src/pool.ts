// The public pool (公海): the list of unowned customers, ownership moves (claim, assign, release),
// the rules that return neglected customers, and the pool's settings.
import { z } from 'zod';
import { auditColumns, listQuery, shortText } from './common.js';

const isoTime = z.iso.datetime({ offset: true });
const importanceLevels = ['vip', 'important', 'ordinary'] as const;

/** A pool customer as reps see it before claiming: contact channels masked. */
export const poolCustomer = z.object({
  id: z.number().int(),
  kind: z.enum(['individual', 'organization']),
  name: z.string(),
  mobile: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  province: z.string().nullable(),
  city: z.string().nullable(),
  industry: z.string().nullable(),
  source: z.string().nullable(),
  importance: z.enum(importanceLevels).nullable(),
  poolSince: isoTime.nullable(),
  previousOwnerId: z.number().int().nullable(),
  releasedAt: isoTime.nullable(),
  lastFollowUpAt: isoTime.nullable(),
  createdAt: isoTime,
  version: z.number().int().positive(),
});
export type PoolCustomer = z.infer<typeof poolCustomer>;

export const poolListQuery = listQuery(['poolSince', 'name', 'createdAt', 'lastFollowUpAt']).extend({
  'filter[kind]': z.enum(['individual', 'organization']).optional(),
  'filter[province]': z.string().trim().max(50).optional(),
  'filter[city]': z.string().trim().max(50).optional(),
  'filter[industry]': z.string().trim().max(100).optional(),
  'filter[source]': z.string().trim().max(100).optional(),
  'filter[importance]': z.enum(importanceLevels).optional(),
});

/** Who owns a customer after a move, and the version to send with the next edit. */
export const customerOwnership = z.object({
  id: z.number().int(),
  ownerId: z.number().int().nullable(),
  ownerSince: isoTime.nullable(),
  poolSince: isoTime.nullable(),
  previousOwnerId: z.number().int().nullable(),
  releasedAt: isoTime.nullable(),
  version: z.number().int().positive(),
});
export type CustomerOwnership = z.infer<typeof customerOwnership>;

export const assignCustomerBody = z.strictObject({ userId: z.number().int().positive() });
export const releaseCustomerBody = z.strictObject({ reason: shortText(500) });

const days = z.number().int().min(1).max(3650);
export const poolRuleDays = z.strictObject({
  vip: days.nullable().optional(),
  important: days.nullable().optional(),
  ordinary: days.nullable().optional(),
  default: days,
});
export const poolRuleExempt = z.strictObject({
  importance: z.array(z.enum(importanceLevels)).max(3).optional(),
  tagIds: z.array(z.number().int().positive()).max(100).optional(),
  /** Customers with open opportunities; takes effect once opportunities exist. */
  withOpenDeals: z.boolean().optional(),
});

export const poolRuleKinds = ['no_follow_up', 'no_deal'] as const;
export const poolRule = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: z.enum(poolRuleKinds),
  days: poolRuleDays,
  warnDays: z.number().int(),
  exempt: poolRuleExempt,
  active: z.boolean(),
  ...auditColumns,
});
export type PoolRule = z.infer<typeof poolRule>;

export const createPoolRuleBody = z.strictObject({
  name: shortText(100),
  kind: z.enum(poolRuleKinds),
  days: poolRuleDays,
  warnDays: z.number().int().min(0).max(365).default(3),
  exempt: poolRuleExempt.default({}),
  active: z.boolean().default(true),
});
export const updatePoolRuleBody = z.strictObject({
  name: shortText(100).optional(),
  kind: z.enum(poolRuleKinds).optional(),
  days: poolRuleDays.optional(),
  warnDays: z.number().int().min(0).max(365).optional(),
  exempt: poolRuleExempt.optional(),
  active: z.boolean().optional(),
  version: z.number().int().positive(),
});
export const poolRuleListQuery = listQuery(['name', 'createdAt']);

/** Limits that are not rules. `null` means no limit. */
export const poolSettingsValues = z.object({
  dailyClaimLimit: z.number().int().min(1).max(10_000).nullable(),
  reclaimBlockDays: z.number().int().min(0).max(3650),
  maxOwnedPerUser: z.number().int().min(1).max(10_000_000).nullable(),
});
export const poolSettings = poolSettingsValues.extend({ version: z.number().int().positive(), updatedAt: isoTime.nullable(), updatedBy: z.number().int().nullable() });
export type PoolSettings = z.infer<typeof poolSettings>;
export const updatePoolSettingsBody = z.strictObject({
  dailyClaimLimit: poolSettingsValues.shape.dailyClaimLimit.optional(),
  reclaimBlockDays: poolSettingsValues.shape.reclaimBlockDays.optional(),
  maxOwnedPerUser: poolSettingsValues.shape.maxOwnedPerUser.optional(),
  version: z.number().int().positive(),
});
