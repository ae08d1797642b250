// Tasks and reminders: made by hand or by other features (a follow-up's next date, a pool
// warning); shown on the home page as due today / overdue.
import { sql } from 'drizzle-orm';
import { bigint, index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { auditColumns } from '../db/schema-platform.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const tasks = pgTable(
  'tasks',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    kind: text('kind', { enum: ['manual', 'follow_up', 'pool_warning', 'approval', 'sla_escalation', 'return_visit', 'churn_warning', 'overdue_warning'] }).notNull(),
    title: text('title').notNull(),
    notes: text('notes'),
    dueAt: ts('due_at').notNull(),
    assigneeId: bigint('assignee_id', { mode: 'number' }).notNull(),
    customerId: bigint('customer_id', { mode: 'number' }),
    /** The record the task is about (a lead, an opportunity, an order…); null with only customer_id set means the customer. */
    relatedType: text('related_type', { enum: ['customer', 'lead', 'opportunity', 'order', 'ticket'] }),
    relatedId: bigint('related_id', { mode: 'number' }),
    /** What made the task (e.g. `follow_up:123`, `pool_rule:4:customer:9`): makes generation idempotent. */
    sourceKey: text('source_key'),
    priority: text('priority', { enum: ['low', 'normal', 'high'] }).notNull().default('normal'),
    doneAt: ts('done_at'),
    deletedAt: ts('deleted_at'),
    ...auditColumns(),
  },
  (t) => [
    index('tasks_assignee_due_idx').on(t.assigneeId, t.dueAt).where(sql`done_at is null and deleted_at is null`),
    index('tasks_customer_idx').on(t.customerId),
    index('tasks_related_idx').on(t.relatedType, t.relatedId).where(sql`related_type is not null`),
    uniqueIndex('tasks_source_key').on(t.sourceKey).where(sql`source_key is not null and deleted_at is null`),
  ],
);
