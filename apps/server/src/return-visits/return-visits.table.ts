// Return visits (回访): scheduled calls after a ticket closes or an order is fulfilled, recording
// satisfaction (1–5), would-recommend (0–10, for NPS) and a comment.
import { sql } from 'drizzle-orm';
import { bigint, boolean, date, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { auditColumns } from '../db/schema-platform.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const returnVisitRules = pgTable('return_visit_rules', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  name: text('name').notNull(),
  trigger: text('trigger', { enum: ['ticket_closed', 'order_fulfilled'] }).notNull(),
  /** ticket_closed only: the ticket type it applies to; null = any. */
  ticketType: text('ticket_type', { enum: ['inquiry', 'complaint', 'suggestion', 'after_sales'] }),
  delayDays: integer('delay_days').notNull().default(3),
  assignTo: text('assign_to', { enum: ['ticket_assignee', 'customer_owner'] }).notNull(),
  active: boolean('active').notNull().default(true),
  deletedAt: ts('deleted_at'),
  ...auditColumns(),
});

export const returnVisits = pgTable(
  'return_visits',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    customerId: bigint('customer_id', { mode: 'number' }).notNull(),
    ticketId: bigint('ticket_id', { mode: 'number' }),
    orderId: bigint('order_id', { mode: 'number' }),
    ruleId: bigint('rule_id', { mode: 'number' }),
    scheduledOn: date('scheduled_on', { mode: 'string' }).notNull(),
    assigneeId: bigint('assignee_id', { mode: 'number' }).notNull(),
    status: text('status', { enum: ['scheduled', 'done', 'cancelled'] }).notNull().default('scheduled'),
    satisfaction: integer('satisfaction'),
    wouldRecommend: integer('would_recommend'),
    comment: text('comment'),
    doneAt: ts('done_at'),
    doneBy: bigint('done_by', { mode: 'number' }),
    deletedAt: ts('deleted_at'),
    ...auditColumns(),
  },
  (t) => [
    index('return_visits_assignee_idx').on(t.assigneeId, t.scheduledOn).where(sql`deleted_at is null`),
    index('return_visits_customer_idx').on(t.customerId),
    index('return_visits_done_idx').on(t.doneAt).where(sql`status = 'done'`),
    // one visit per order, and one open visit per ticket: the generators are idempotent
    uniqueIndex('return_visits_order').on(t.orderId).where(sql`order_id is not null and deleted_at is null`),
    uniqueIndex('return_visits_ticket_open').on(t.ticketId).where(sql`ticket_id is not null and deleted_at is null and status = 'scheduled'`),
  ],
);
