// Sales targets (销售目标): an amount and/or a count for one user or one department over one month
// or quarter, measured from orders or from payments received.
import { sql } from 'drizzle-orm';
import { bigint, check, date, index, integer, numeric, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { auditColumns, departments, users } from '../db/schema-platform.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const salesTargets = pgTable(
  'sales_targets',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    subject: text('subject', { enum: ['user', 'department'] }).notNull(),
    userId: bigint('user_id', { mode: 'number' }).references(() => users.id),
    departmentId: bigint('department_id', { mode: 'number' }).references(() => departments.id),
    period: text('period', { enum: ['month', 'quarter'] }).notNull(),
    periodStart: date('period_start').notNull(),
    amountTarget: numeric('amount_target', { precision: 14, scale: 2 }),
    countTarget: integer('count_target'),
    basis: text('basis', { enum: ['orders', 'payments'] }).notNull(),
    notes: text('notes'),
    deletedAt: ts('deleted_at'),
    deletedBy: bigint('deleted_by', { mode: 'number' }),
    ...auditColumns(),
  },
  (t) => [
    // One live target per subject and period; a deleted one may be set again.
    uniqueIndex('sales_targets_user_period_key').on(t.userId, t.period, t.periodStart).where(sql`subject = 'user' and deleted_at is null`),
    uniqueIndex('sales_targets_department_period_key').on(t.departmentId, t.period, t.periodStart).where(sql`subject = 'department' and deleted_at is null`),
    index('sales_targets_period_idx').on(t.period, t.periodStart).where(sql`deleted_at is null`),
    check('sales_targets_subject_check', sql`(subject = 'user' and user_id is not null and department_id is null) or (subject = 'department' and department_id is not null and user_id is null)`),
    check('sales_targets_measure_check', sql`amount_target is not null or count_target is not null`),
    check('sales_targets_start_check', sql`extract(day from period_start) = 1 and (period = 'month' or extract(month from period_start) in (1, 4, 7, 10))`),
  ],
);
