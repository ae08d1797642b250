// Follow-up records (跟进记录): every contact with a customer. Creating one with a next date
// puts a reminder task on the owner's home page.
import { z } from 'zod';
import { auditColumns } from './common.js';
import { filterQuery, longText } from './customers.js';

const isoTime = z.iso.datetime({ offset: true });
export const followUpChannels = ['phone', 'visit', 'email', 'wechat', 'sms', 'fax', 'meeting', 'web', 'other'] as const;
export const followUpDirections = ['inbound', 'outbound'] as const;

export const followUp = z.object({
  id: z.number().int(),
  customerId: z.number().int(),
  customerName: z.string(),
  contactId: z.number().int().nullable(),
  contactName: z.string().nullable(),
  channel: z.enum(followUpChannels),
  direction: z.enum(followUpDirections),
  occurredAt: isoTime,
  summary: z.string(),
  outcome: z.string().nullable(),
  nextFollowUpAt: isoTime.nullable(),
  authorId: z.number().int().nullable(),
  authorName: z.string().nullable(),
  ...auditColumns,
});
export type FollowUp = z.infer<typeof followUp>;

export const createFollowUpBody = z.strictObject({
  customerId: z.number().int().positive(),
  contactId: z.number().int().positive().nullable().optional(),
  channel: z.enum(followUpChannels),
  direction: z.enum(followUpDirections).default('outbound'),
  /** Defaults to now. */
  occurredAt: isoTime.optional(),
  summary: longText(5000).trim().min(1),
  outcome: longText(2000).nullable().optional(),
  nextFollowUpAt: isoTime.nullable().optional(),
});
export const updateFollowUpBody = z.strictObject({
  contactId: z.number().int().positive().nullable().optional(),
  channel: z.enum(followUpChannels).optional(),
  direction: z.enum(followUpDirections).optional(),
  occurredAt: isoTime.optional(),
  summary: longText(5000).trim().min(1).optional(),
  outcome: longText(2000).nullable().optional(),
  nextFollowUpAt: isoTime.nullable().optional(),
  version: z.number().int().positive(),
});

export const followUpFilterFields = {
  customerId: 'ids',
  contactId: 'ids',
  authorId: 'owner',
  channel: 'enum',
  direction: 'enum',
  occurredAt: 'range',
  nextFollowUpAt: 'range',
} as const;
export const followUpSortFields = ['occurredAt', 'nextFollowUpAt', 'createdAt', 'id'] as const;
export const followUpListQuery = filterQuery(followUpFilterFields, followUpSortFields, false);
