// Follow-up records (跟进记录): every contact with a customer or a lead, newest first on its
// timeline. A converted lead's follow-ups carry both ids: the customer shows them, the lead keeps them.
import { bigint, check, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { auditColumns } from '../db/schema-platform.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const followUps = pgTable(
  'follow_ups',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    // no FK to customers: follow-ups are high-volume and keyed for distribution by customer_id
    customerId: bigint('customer_id', { mode: 'number' }),
    leadId: bigint('lead_id', { mode: 'number' }),
    contactId: bigint('contact_id', { mode: 'number' }),
    channel: text('channel', { enum: ['phone', 'visit', 'email', 'wechat', 'sms', 'fax', 'meeting', 'web', 'other'] }).notNull(),
    direction: text('direction', { enum: ['inbound', 'outbound'] }).notNull(),
    occurredAt: ts('occurred_at').notNull(),
    summary: text('summary').notNull(),
    outcome: text('outcome'),
    nextFollowUpAt: ts('next_follow_up_at'),
    authorId: bigint('author_id', { mode: 'number' }),
    deletedAt: ts('deleted_at'),
    ...auditColumns(),
  },
  (t) => [
    index('follow_ups_customer_idx').on(t.customerId, t.occurredAt, t.id).where(sql`deleted_at is null`),
    index('follow_ups_author_idx').on(t.authorId, t.occurredAt),
    index('follow_ups_lead_idx').on(t.leadId, t.occurredAt, t.id).where(sql`lead_id is not null and deleted_at is null`),
    check('follow_ups_subject_check', sql`customer_id is not null or lead_id is not null`),
  ],
);
