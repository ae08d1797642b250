// Receivables (回款) and payment plans (回款计划): what a customer owes on a confirmed order, when
// it is due, what was paid, and what is overdue (外欠款预警). Amounts are decimal strings computed
// by the database; dates are calendar dates, "today" being the company's time zone.
//
// An order's receivable is its total minus its returns (`total − returnedAmount`). An order
// without a payment plan has a balance but no due dates: it is never overdue. A plan's instalments
// sum exactly to the receivable when the plan is written.
import { z } from 'zod';
import { auditColumns, listQuery } from './common.js';
import { orderStatuses } from './orders.js';
import { money } from './products.js';

const isoTime = z.iso.datetime({ offset: true });
const isoDate = z.iso.date();
const refId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const queryId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** A money amount greater than zero: "0.01" up to "999999999999.99". */
export const positiveMoney = money.refine((s) => /[1-9]/.test(s), { message: 'must be greater than 0' });

export const paymentMethods = ['bank_transfer', 'cash', 'wechat_pay', 'alipay', 'cheque', 'card', 'other'] as const;
export type PaymentMethod = (typeof paymentMethods)[number];

/** paid: nothing open; overdue: open after its due date; partly_paid / open: not yet due. */
export const instalmentStatuses = ['paid', 'partly_paid', 'open', 'overdue'] as const;
export type InstalmentStatus = (typeof instalmentStatuses)[number];

// ---- payment plans ----

export const instalment = z.object({
  id: z.number().int(),
  seq: z.number().int(),
  dueDate: isoDate,
  amount: z.string(),
  /** Sum of the live payment allocations to this instalment. */
  paidAmount: z.string(),
  /** amount − paidAmount */
  openAmount: z.string(),
  status: z.enum(instalmentStatuses),
  /** Days past the due date in the company's time zone while money is open; 0 otherwise. */
  daysOverdue: z.number().int(),
  note: z.string().nullable(),
});
export type Instalment = z.infer<typeof instalment>;

export const paymentPlan = z.object({
  id: z.number().int(),
  orderId: z.number().int(),
  orderNumber: z.string(),
  notes: z.string().nullable(),
  instalments: z.array(instalment),
  ...auditColumns,
});
export type PaymentPlan = z.infer<typeof paymentPlan>;

export const instalmentInput = z.strictObject({
  /** An existing instalment of the plan to keep (PATCH); omitted for a new one. */
  id: refId.optional(),
  dueDate: isoDate,
  amount: positiveMoney,
  note: z.string().trim().max(500).nullable().optional(),
});
export type InstalmentInput = z.infer<typeof instalmentInput>;

export const createPaymentPlanBody = z.strictObject({
  orderId: refId,
  notes: z.string().trim().max(2000).nullable().optional(),
  /** In any order; they are numbered by due date. Their amounts sum to the order's receivable. */
  instalments: z.array(instalmentInput).min(1).max(120),
});
export type CreatePaymentPlanBody = z.infer<typeof createPaymentPlanBody>;

/**
 * `instalments` replaces the plan's instalments: an entry with `id` keeps (and may change) that
 * instalment, one without is new, an omitted one is removed. Money already allocated stays: an
 * instalment cannot go below what was paid on it nor be removed while paid.
 */
export const updatePaymentPlanBody = z.strictObject({
  notes: z.string().trim().max(2000).nullable().optional(),
  instalments: z.array(instalmentInput).min(1).max(120).optional(),
  version: z.number().int().positive(),
});
export type UpdatePaymentPlanBody = z.infer<typeof updatePaymentPlanBody>;

export const paymentPlanListQuery = listQuery(['createdAt', 'updatedAt']).extend({
  'filter[orderId]': queryId.optional(),
});
export type PaymentPlanListQuery = z.infer<typeof paymentPlanListQuery>;

// ---- payments ----

export const paymentAllocation = z.object({
  instalmentId: z.number().int(),
  seq: z.number().int(),
  dueDate: isoDate,
  amount: z.string(),
  /** Set when the allocation was undone (payment voided or plan deleted). */
  reversed: z.boolean(),
});

export const payment = z.object({
  id: z.number().int(),
  orderId: z.number().int(),
  orderNumber: z.string(),
  customerId: z.number().int(),
  customerName: z.string().nullable(),
  ownerId: z.number().int(),
  ownerName: z.string().nullable(),
  amount: z.string(),
  receivedOn: isoDate,
  method: z.enum(paymentMethods),
  reference: z.string().nullable(),
  notes: z.string().nullable(),
  /** Part of the amount not allocated to an instalment (the order had no plan, or the plan was deleted). */
  unallocatedAmount: z.string(),
  allocations: z.array(paymentAllocation),
  voided: z.boolean(),
  voidedAt: isoTime.nullable(),
  voidedBy: z.number().int().nullable(),
  voidedReason: z.string().nullable(),
  ...auditColumns,
});
export type Payment = z.infer<typeof payment>;

export const createPaymentBody = z.strictObject({
  orderId: refId,
  amount: positiveMoney,
  receivedOn: isoDate,
  method: z.enum(paymentMethods),
  reference: z.string().trim().max(200).nullable().optional(),
  notes: z.string().trim().max(2000).nullable().optional(),
  /** Which instalments the payment settles; summing to `amount`. Default: oldest due first. */
  allocations: z
    .array(z.strictObject({ instalmentId: refId, amount: positiveMoney }))
    .min(1)
    .max(120)
    .optional(),
});
export type CreatePaymentBody = z.infer<typeof createPaymentBody>;

export const voidPaymentBody = z.strictObject({
  version: z.number().int().positive(),
  reason: z.string().trim().min(1).max(500),
});

export const paymentListQuery = listQuery(['receivedOn', 'amount', 'createdAt']).extend({
  'filter[orderId]': queryId.optional(),
  'filter[customerId]': queryId.optional(),
  /** `me` or a user id: the order's owner */
  'filter[ownerId]': z.union([z.literal('me'), queryId]).optional(),
  /** Voided payments are listed too unless `false`. */
  'filter[voided]': z.enum(['true', 'false']).optional(),
});
export type PaymentListQuery = z.infer<typeof paymentListQuery>;

// ---- balances ----

export const orderReceivable = z.object({
  orderId: z.number().int(),
  orderNumber: z.string(),
  orderStatus: z.enum(orderStatuses),
  orderDate: isoDate,
  customerId: z.number().int(),
  total: z.string(),
  returnedAmount: z.string(),
  /** total − returnedAmount */
  receivable: z.string(),
  /** Sum of the live (not voided) payments. */
  paid: z.string(),
  /** receivable − paid */
  balance: z.string(),
  overdueAmount: z.string(),
  /** Of the oldest overdue instalment; 0 when nothing is overdue. */
  daysOverdue: z.number().int(),
  /** Null when the order has no plan (no due dates: never overdue). */
  plan: z.object({ id: z.number().int(), version: z.number().int(), notes: z.string().nullable() }).nullable(),
  /** receivable − sum of the plan's instalments: not 0 after a return changed the order; edit the plan. */
  planDifference: z.string().nullable(),
  instalments: z.array(instalment),
});
export type OrderReceivable = z.infer<typeof orderReceivable>;

export const customerReceivableOrder = z.object({
  orderId: z.number().int(),
  orderNumber: z.string(),
  orderDate: isoDate,
  orderStatus: z.enum(orderStatuses),
  ownerId: z.number().int(),
  ownerName: z.string().nullable(),
  receivable: z.string(),
  paid: z.string(),
  balance: z.string(),
  overdueAmount: z.string(),
  daysOverdue: z.number().int(),
});
/** Over the customer's confirmed and fulfilled orders in the caller's data scope. */
export const customerReceivables = z.object({
  customerId: z.number().int(),
  receivable: z.string(),
  paid: z.string(),
  balance: z.string(),
  overdueAmount: z.string(),
  /** Orders with a balance first (oldest overdue first), then settled ones, newest first; at most 200. */
  orders: z.array(customerReceivableOrder),
});
export type CustomerReceivables = z.infer<typeof customerReceivables>;

// ---- overdue (外欠款预警) ----

export const overdueListQuery = z.strictObject({
  'filter[ownerId]': z.union([z.literal('me'), queryId]).optional(),
  /** The owner's department and its sub-departments. */
  'filter[departmentId]': queryId.optional(),
  'filter[customerId]': queryId.optional(),
  'filter[minDays]': z.coerce.number().int().min(1).max(100000).optional(),
  sort: z.enum(['-daysOverdue', 'daysOverdue', '-overdueAmount', 'overdueAmount']).default('-daysOverdue'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});
export type OverdueListQuery = z.infer<typeof overdueListQuery>;

export const overdueRow = z.object({
  instalmentId: z.number().int(),
  seq: z.number().int(),
  orderId: z.number().int(),
  orderNumber: z.string(),
  customerId: z.number().int(),
  customerName: z.string().nullable(),
  ownerId: z.number().int(),
  ownerName: z.string().nullable(),
  departmentId: z.number().int().nullable(),
  departmentName: z.string().nullable(),
  dueDate: isoDate,
  daysOverdue: z.number().int(),
  amount: z.string(),
  paidAmount: z.string(),
  openAmount: z.string(),
});
export type OverdueRow = z.infer<typeof overdueRow>;

export const overdueSummaryQuery = z.strictObject({
  groupBy: z.enum(['owner', 'department']).default('owner'),
  'filter[ownerId]': z.union([z.literal('me'), queryId]).optional(),
  'filter[departmentId]': queryId.optional(),
  'filter[minDays]': z.coerce.number().int().min(1).max(100000).optional(),
});
export type OverdueSummaryQuery = z.infer<typeof overdueSummaryQuery>;

const overdueTotals = { count: z.number().int(), amount: z.string(), oldestDays: z.number().int() };
export const overdueSummary = z.object({
  groupBy: z.enum(['owner', 'department']),
  /** Largest amount first; `id` null is the group of owners without a department. */
  groups: z.array(z.object({ id: z.number().int().nullable(), name: z.string().nullable(), ...overdueTotals })),
  total: z.object(overdueTotals),
});
export type OverdueSummary = z.infer<typeof overdueSummary>;

export const receivablesSummaryQuery = z.strictObject({ scope: z.enum(['me', 'team']).default('me') });
/** For the home page: `me` is the caller's own orders, `team` everything in the caller's data scope. */
export const receivablesSummary = z.object({
  scope: z.enum(['me', 'team']),
  overdueAmount: z.string(),
  overdueCount: z.number().int(),
  /** Everything not yet paid on confirmed and fulfilled orders. */
  openBalance: z.string(),
  /** Open on instalments due from today to 7 days ahead. */
  dueSoonAmount: z.string(),
  dueSoonCount: z.number().int(),
});
export type ReceivablesSummary = z.infer<typeof receivablesSummary>;
