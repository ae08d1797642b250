// Orders and contracts (订单/合同) with their line items, and the per-period counters that number
// them. Totals are computed by the database from the lines and stored on the order.
import { sql } from 'drizzle-orm';
import { bigint, date, index, integer, numeric, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { auditColumns, users } from '../db/schema-platform.js';
import { customers } from '../customers/customers.table.js';
import { products } from '../products/products.table.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const money = (name: string) => numeric(name, { precision: 14, scale: 2 });

export const orders = pgTable(
  'orders',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    number: text('number').notNull().unique('orders_number_key'),
    customerId: bigint('customer_id', { mode: 'number' }).notNull().references(() => customers.id),
    ownerId: bigint('owner_id', { mode: 'number' }).notNull().references(() => users.id),
    orderDate: date('order_date').notNull(),
    status: text('status', { enum: ['draft', 'confirmed', 'fulfilled', 'cancelled'] }).notNull().default('draft'),
    subtotal: money('subtotal').notNull().default('0'),
    discountAmount: money('discount_amount').notNull().default('0'),
    total: money('total').notNull().default('0'),
    cost: money('cost').notNull().default('0'),
    grossMargin: money('gross_margin').notNull().default('0'),
    /** Sum of the order's returns; what the customer owes on the order is total - returned_amount. */
    returnedAmount: money('returned_amount').notNull().default('0'),
    /** Sum of the cost of the order's returns: the margin they take back is returned_amount - returned_cost. */
    returnedCost: money('returned_cost').notNull().default('0'),
    /** The deal this order wins when confirmed (no FK: opportunities are another slice's table). */
    opportunityId: bigint('opportunity_id', { mode: 'number' }),
    /** none until a confirm crosses the approval rule; pending blocks line edits until decided. */
    approvalStatus: text('approval_status', { enum: ['none', 'pending', 'approved', 'rejected'] }).notNull().default('none'),
    approverId: bigint('approver_id', { mode: 'number' }).references(() => users.id),
    approvalRequestedAt: ts('approval_requested_at'),
    approvalDecidedAt: ts('approval_decided_at'),
    approvalNote: text('approval_note'),
    notes: text('notes'),
    confirmedAt: ts('confirmed_at'),
    fulfilledAt: ts('fulfilled_at'),
    cancelledAt: ts('cancelled_at'),
    deletedAt: ts('deleted_at'),
    deletedBy: bigint('deleted_by', { mode: 'number' }),
    ...auditColumns(),
  },
  (t) => [
    index('orders_owner_idx').on(t.ownerId, t.id).where(sql`deleted_at is null`),
    // One owner's orders newest first (a rep's list, a manager filtering by rep): the default sort
    // seeks here instead of walking the date index past every other owner's orders (bench/results/sales.md).
    index('orders_owner_date_idx').on(t.ownerId, t.orderDate, t.id).where(sql`deleted_at is null`),
    index('orders_customer_idx').on(t.customerId, t.orderDate).where(sql`deleted_at is null`),
    // The analytics refresh reads every counted order in (customer, date) order from this index alone
    // (index-only scan, no sort, no hash of 10M groups); drizzle has no INCLUDE, so the payload is in the key.
    // The returns' cost is in it so that the margin net of returns needs no look-up of each return's order.
    index('orders_analytics_idx')
      .on(t.customerId, t.orderDate, t.id, t.total, t.returnedAmount, t.grossMargin, t.returnedCost)
      .where(sql`deleted_at is null and status in ('confirmed', 'fulfilled')`),
    // deleted orders since a mark (the incremental analytics refresh): few rows, so a small partial index
    index('orders_deleted_idx').on(t.deletedAt).where(sql`deleted_at is not null`),
    index('orders_date_idx').on(t.orderDate, t.id).where(sql`deleted_at is null`),
    index('orders_updated_idx').on(t.updatedAt, t.id).where(sql`deleted_at is null`),
    index('orders_approver_idx').on(t.approverId, t.id).where(sql`deleted_at is null and approval_status = 'pending'`),
  ],
);

/** Line amounts are filled by the database (see orders.service.ts) from quantity, price, rate and cost. */
export const orderLines = pgTable(
  'order_lines',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    orderId: bigint('order_id', { mode: 'number' }).notNull().references(() => orders.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    productId: bigint('product_id', { mode: 'number' }).notNull().references(() => products.id),
    quantity: numeric('quantity', { precision: 14, scale: 3 }).notNull(),
    unitPrice: money('unit_price').notNull(),
    discountRate: numeric('discount_rate', { precision: 5, scale: 4 }).notNull().default('0'),
    grossAmount: money('gross_amount').notNull(),
    discountAmount: money('discount_amount').notNull(),
    amount: money('amount').notNull(),
    unitCost: money('unit_cost').notNull(),
    cost: money('cost').notNull(),
  },
  (t) => [index('order_lines_order_idx').on(t.orderId, t.position), index('order_lines_product_idx').on(t.productId)],
);

/** The last sequence number given out per numbering period (the pattern rendered without its {seq}). */
export const orderNumberCounters = pgTable('order_number_counters', {
  scope: text('scope').primaryKey(),
  lastValue: integer('last_value').notNull(),
});

/**
 * The company's approval rule for orders, one row (id 1). A confirm needs approval when the order
 * total reaches `amount_threshold` or any line's discount rate reaches `discount_rate_threshold`;
 * a null threshold is off.
 */
export const orderApprovalSettings = pgTable('order_approval_settings', {
  id: integer('id').primaryKey(),
  amountThreshold: money('amount_threshold'),
  discountRateThreshold: numeric('discount_rate_threshold', { precision: 5, scale: 4 }),
  ...auditColumns(),
});

/** Goods coming back on a confirmed or fulfilled order; its amount reduces what the order is worth. */
export const orderReturns = pgTable(
  'order_returns',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    orderId: bigint('order_id', { mode: 'number' }).notNull().references(() => orders.id),
    returnedOn: date('returned_on').notNull(),
    reason: text('reason').notNull(),
    /** Sum of the return's line amounts. */
    amount: money('amount').notNull().default('0'),
    /** Sum of the returned lines' cost share: the margin given back is amount - cost. */
    cost: money('cost').notNull().default('0'),
    deletedAt: ts('deleted_at'),
    ...auditColumns(),
  },
  (t) => [index('order_returns_order_idx').on(t.orderId, t.returnedOn).where(sql`deleted_at is null`)],
);

/** amount = line amount × returned quantity / line quantity, cost likewise, each rounded to the cent in SQL. */
export const orderReturnLines = pgTable(
  'order_return_lines',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    returnId: bigint('return_id', { mode: 'number' }).notNull().references(() => orderReturns.id, { onDelete: 'cascade' }),
    orderLineId: bigint('order_line_id', { mode: 'number' }).notNull().references(() => orderLines.id),
    quantity: numeric('quantity', { precision: 14, scale: 3 }).notNull(),
    amount: money('amount').notNull(),
    cost: money('cost').notNull(),
  },
  (t) => [index('order_return_lines_return_idx').on(t.returnId), index('order_return_lines_line_idx').on(t.orderLineId)],
);
