// Receivables (回款): payment plans with their instalments, payments received, and the allocations
// that tie a payment's money to instalments. `payment_instalments.paid_amount` is kept equal to
// the sum of its live allocations by receivables.service.ts, so open amounts need no aggregation.
import { sql } from 'drizzle-orm';
import { bigint, check, date, index, integer, numeric, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { auditColumns, users } from '../db/schema-platform.js';
import { customers } from '../customers/customers.table.js';
import { orders } from '../orders/orders.table.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const money = (name: string) => numeric(name, { precision: 14, scale: 2 });

export const paymentPlans = pgTable(
  'payment_plans',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    orderId: bigint('order_id', { mode: 'number' }).notNull().references(() => orders.id),
    notes: text('notes'),
    deletedAt: ts('deleted_at'),
    deletedBy: bigint('deleted_by', { mode: 'number' }),
    ...auditColumns(),
  },
  // one live plan per order; a deleted one stays for the record
  (t) => [uniqueIndex('payment_plans_order_live_key').on(t.orderId).where(sql`deleted_at is null`)],
);

export const paymentInstalments = pgTable(
  'payment_instalments',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    planId: bigint('plan_id', { mode: 'number' }).notNull().references(() => paymentPlans.id),
    /** Denormalised from the plan so the overdue report joins instalments to orders directly. */
    orderId: bigint('order_id', { mode: 'number' }).notNull().references(() => orders.id),
    /**
     * The order's owner, copied when instalments are written (plan create/edit), so the overdue
     * report scopes and groups instalments without reading orders. The copy cannot go stale: an
     * order's owner can change only while it is a draft (orders.service.ts `updateOrder`), and only
     * confirmed or fulfilled orders have plans.
     * NOT NULL without a default or backfill: payment_instalments is new in migration 0006 of this
     * unreleased work, so no installation has rows when the column is added.
     */
    ownerId: bigint('owner_id', { mode: 'number' }).notNull().references(() => users.id),
    /**
     * The order's customer, copied like the owner so the overdue lists group and filter by customer
     * without reading orders. A confirmed order's customer changes only by a customer merge, which
     * moves this column with the orders' (duplicates/merge.service.ts `customerReferences`).
     */
    customerId: bigint('customer_id', { mode: 'number' }).notNull().references(() => customers.id),
    seq: integer('seq').notNull(),
    dueDate: date('due_date').notNull(),
    amount: money('amount').notNull(),
    paidAmount: money('paid_amount').notNull().default('0'),
    note: text('note'),
    /** Set with the plan's, or when a plan edit removes an unpaid instalment. */
    deletedAt: ts('deleted_at'),
  },
  (t) => [
    index('payment_instalments_plan_idx').on(t.planId, t.seq),
    // The overdue report (外欠款预警) reads only open instalments: these partial indexes hold just
    // those, so their cost follows the number of open instalments, not of orders. A cancelled
    // order's plan is withdrawn with it (orders/order-payments.ts), so "open" needs no order lookup.
    // Drizzle has no INCLUDE, so the columns the summaries add up are in the keys: the per-owner
    // and per-customer totals are index-only scans (bench/results/sales.md).
    // Oldest due first, over every owner (an administrator's list and summaries) ...
    index('payment_instalments_open_due_idx')
      .on(t.dueDate, t.id, t.ownerId, t.customerId, t.amount, t.paidAmount)
      .where(sql`deleted_at is null and paid_amount < amount`),
    // ... per owner, for a data scope or owner filter (the queries repeat this predicate,
    // `i.deleted_at is null and i.paid_amount < i.amount`, so it applies) ...
    index('payment_instalments_open_owner_idx')
      .on(t.ownerId, t.dueDate, t.customerId, t.amount, t.paidAmount)
      .where(sql`deleted_at is null and paid_amount < amount`),
    // ... per customer, for a customer's overdue rows and the early-warning list's owner filters ...
    index('payment_instalments_open_customer_idx')
      .on(t.customerId, t.dueDate, t.id, t.ownerId)
      .where(sql`deleted_at is null and paid_amount < amount`),
    // ... and per order, for allocating payments and per-order balances.
    index('payment_instalments_open_order_idx')
      .on(t.orderId, t.dueDate)
      .where(sql`deleted_at is null and paid_amount < amount`),
    // Every live instalment of a customer, paid or not, with what the analytics summary reads of it
    // (whether the customer has a plan at all, and its overdue balance): an incremental refresh reads
    // its few thousand customers' instalments by key instead of filtering all of them.
    index('payment_instalments_customer_idx')
      .on(t.customerId, t.orderId, t.dueDate, t.amount, t.paidAmount)
      .where(sql`deleted_at is null`),
    check('payment_instalments_amount_check', sql`${t.amount} > 0 and ${t.paidAmount} >= 0 and ${t.paidAmount} <= ${t.amount}`),
  ],
);

/** The same list as `paymentMethods` in @guanxi/contracts (table files do not import the contracts). */
const paymentMethods = ['bank_transfer', 'cash', 'wechat_pay', 'alipay', 'cheque', 'card', 'other'] as const;

/** A voided payment has `deleted_at` set (with `voided_reason`): every sum of payments skips it. */
export const payments = pgTable(
  'payments',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    orderId: bigint('order_id', { mode: 'number' }).notNull().references(() => orders.id),
    /** Denormalised from the order for per-customer balances. */
    customerId: bigint('customer_id', { mode: 'number' }).notNull().references(() => customers.id),
    amount: money('amount').notNull(),
    receivedOn: date('received_on').notNull(),
    method: text('method', { enum: paymentMethods }).notNull(),
    reference: text('reference'),
    notes: text('notes'),
    voidedReason: text('voided_reason'),
    deletedAt: ts('deleted_at'),
    deletedBy: bigint('deleted_by', { mode: 'number' }),
    ...auditColumns(),
  },
  (t) => [
    index('payments_order_idx').on(t.orderId, t.receivedOn).where(sql`deleted_at is null`),
    index('payments_customer_idx').on(t.customerId, t.receivedOn).where(sql`deleted_at is null`),
    index('payments_received_idx').on(t.receivedOn, t.id),
    check('payments_amount_check', sql`${t.amount} > 0`),
  ],
);

/** Reversed allocations (void, plan deleted) stay for the record with `reversed_at` set. */
export const paymentAllocations = pgTable(
  'payment_allocations',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    paymentId: bigint('payment_id', { mode: 'number' }).notNull().references(() => payments.id),
    instalmentId: bigint('instalment_id', { mode: 'number' }).notNull().references(() => paymentInstalments.id),
    amount: money('amount').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    reversedAt: ts('reversed_at'),
  },
  (t) => [
    index('payment_allocations_payment_idx').on(t.paymentId),
    index('payment_allocations_instalment_idx').on(t.instalmentId).where(sql`reversed_at is null`),
    check('payment_allocations_amount_check', sql`${t.amount} > 0`),
  ],
);
