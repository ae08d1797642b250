// Orders and contracts (订单/合同) of a customer, with line items, cost and margin: the
// transactions the value analytics read. Amounts are decimal strings, computed by the database.
//
// Discounts are a rate per line (0–1, e.g. "0.1" for 10 % off), applied to quantity × unit price
// and rounded to the cent per line; the order's discount is the sum of its lines' discounts.
// Status moves only by actions: draft → confirmed → fulfilled; draft|confirmed → cancelled.
//
// Approval (审批): when a confirm crosses the company's rule (total ≥ an amount, or a line's
// discount rate ≥ a rate), the order stays a draft with approvalStatus `pending` and the owner's
// manager decides: approve confirms it, reject leaves it a draft with the note.
// Returns (退货) on confirmed or fulfilled orders reduce what the order is worth: the net amount is
// total − returnedAmount.
import { z } from 'zod';
import { auditColumns, listQuery, shortText } from './common.js';
import { money } from './products.js';

const isoTime = z.iso.datetime({ offset: true });
const isoDate = z.iso.date();
const refId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const queryId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const orderStatuses = ['draft', 'confirmed', 'fulfilled', 'cancelled'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/** A positive quantity with at most 3 decimals, as a string: "3", "1.5", "0.125". */
export const quantity = z
  .string()
  .trim()
  .regex(/^\d{1,11}(\.\d{1,3})?$/, { message: 'a quantity like 3 or 1.5: digits, at most 3 decimals' })
  .refine((s) => /[1-9]/.test(s), { message: 'must be greater than 0' });
/** A discount rate from 0 to 1 with at most 4 decimals: "0.1" is 10 % off. */
export const discountRate = z
  .string()
  .trim()
  .regex(/^(0(\.\d{1,4})?|1(\.0{1,4})?)$/, { message: 'a discount rate from 0 to 1, like 0.1 for 10% off' });

export const orderLine = z.object({
  id: z.number().int(),
  productId: z.number().int(),
  productSku: z.string(),
  productName: z.string(),
  quantity: z.string(),
  unitPrice: z.string(),
  discountRate: z.string(),
  /** quantity × unitPrice, to the cent */
  grossAmount: z.string(),
  discountAmount: z.string(),
  /** grossAmount − discountAmount */
  amount: z.string(),
  unitCost: z.string(),
  /** quantity × unitCost, to the cent */
  cost: z.string(),
  /** Sum of this line's quantities on the order's returns. */
  returnedQuantity: z.string(),
});
export type OrderLine = z.infer<typeof orderLine>;

export const approvalStatuses = ['none', 'pending', 'approved', 'rejected'] as const;
export type ApprovalStatus = (typeof approvalStatuses)[number];

export const orderSummary = z.object({
  id: z.number().int(),
  number: z.string(),
  customerId: z.number().int(),
  customerName: z.string().nullable(),
  ownerId: z.number().int(),
  ownerName: z.string().nullable(),
  orderDate: isoDate,
  status: z.enum(orderStatuses),
  subtotal: z.string(),
  discountAmount: z.string(),
  total: z.string(),
  cost: z.string(),
  /** total − cost */
  grossMargin: z.string(),
  /** Sum of the order's returns; the customer owes total − returnedAmount. */
  returnedAmount: z.string(),
  /** The deal this order wins when it is confirmed. */
  opportunityId: z.number().int().nullable(),
  approvalStatus: z.enum(approvalStatuses),
  approverId: z.number().int().nullable(),
  approverName: z.string().nullable(),
  approvalRequestedAt: isoTime.nullable(),
  approvalDecidedAt: isoTime.nullable(),
  approvalNote: z.string().nullable(),
  notes: z.string().nullable(),
  confirmedAt: isoTime.nullable(),
  fulfilledAt: isoTime.nullable(),
  cancelledAt: isoTime.nullable(),
  ...auditColumns,
});
export const orderReturnLine = z.object({
  id: z.number().int(),
  orderLineId: z.number().int(),
  productSku: z.string(),
  productName: z.string(),
  quantity: z.string(),
  /** line amount × quantity / line quantity, to the cent */
  amount: z.string(),
  /** line cost × quantity / line quantity, to the cent */
  cost: z.string(),
});
export const orderReturn = z.object({
  id: z.number().int(),
  returnedOn: isoDate,
  reason: z.string(),
  amount: z.string(),
  cost: z.string(),
  createdAt: isoTime,
  createdBy: z.number().int().nullable(),
  createdByName: z.string().nullable(),
  lines: z.array(orderReturnLine),
});
export type OrderReturn = z.infer<typeof orderReturn>;

export const order = orderSummary.extend({ lines: z.array(orderLine), returns: z.array(orderReturn) });
export type OrderSummary = z.infer<typeof orderSummary>;
export type Order = z.infer<typeof order>;

export const orderListQuery = listQuery(['orderDate', 'number', 'total', 'createdAt', 'updatedAt']).extend({
  'filter[status]': z.enum(orderStatuses).optional(),
  'filter[customerId]': queryId.optional(),
  /** `me` or a user id */
  'filter[ownerId]': z.union([z.literal('me'), queryId]).optional(),
  'filter[approval]': z.enum(approvalStatuses).optional(),
  /** `me` or a user id: orders whose approval is assigned to that user. */
  'filter[approverId]': z.union([z.literal('me'), queryId]).optional(),
});
export type OrderListQuery = z.infer<typeof orderListQuery>;

export const orderLineInput = z.strictObject({
  productId: refId,
  quantity,
  /** Defaults to the product's list price. */
  unitPrice: money.optional(),
  discountRate: discountRate.default('0'),
  /** Unit cost; defaults to the product's cost (0 when the product has none). */
  unitCost: money.optional(),
});
export type OrderLineInput = z.infer<typeof orderLineInput>;

export const createOrderBody = z.strictObject({
  customerId: refId,
  /** Defaults to today in the company's time zone. */
  orderDate: isoDate.optional(),
  /** Defaults to the customer's owner (or the caller for a pool customer). */
  ownerId: refId.optional(),
  /** An opportunity of the same customer, won when the order is confirmed. */
  opportunityId: refId.nullable().optional(),
  notes: z.string().trim().max(5000).nullable().optional(),
  lines: z.array(orderLineInput).max(500).default([]),
});
/** `lines` replaces all lines; only a draft's lines, date and owner may change. */
export const updateOrderBody = z.strictObject({
  orderDate: isoDate.optional(),
  ownerId: refId.optional(),
  opportunityId: refId.nullable().optional(),
  notes: z.string().trim().max(5000).nullable().optional(),
  lines: z.array(orderLineInput).max(500).optional(),
  version: z.number().int().positive(),
});
export const orderActionBody = z.strictObject({ version: z.number().int().positive() });
const decisionNote = z.string().trim().min(1).max(2000);
export const approveOrderBody = z.strictObject({ version: z.number().int().positive(), note: decisionNote.nullable().optional() });
/** A rejection always says why. */
export const rejectOrderBody = z.strictObject({ version: z.number().int().positive(), note: decisionNote });

/** Null thresholds are off; with both off no order needs approval. */
export const orderApprovalSettings = z.object({
  /** Orders whose total is at least this need approval. */
  amountThreshold: z.string().nullable(),
  /** Orders with a line discounted at least this rate (0–1) need approval. */
  discountRateThreshold: z.string().nullable(),
  /** 0 until first saved. */
  version: z.number().int().nonnegative(),
  updatedAt: isoTime.nullable(),
  updatedBy: z.number().int().nullable(),
});
export type OrderApprovalSettings = z.infer<typeof orderApprovalSettings>;
export const updateOrderApprovalSettingsBody = z.strictObject({
  amountThreshold: money.nullable(),
  discountRateThreshold: discountRate.nullable(),
  version: z.number().int().nonnegative(),
});

export const orderReturnLineInput = z.strictObject({ lineId: refId, quantity });
export const createOrderReturnBody = z.strictObject({
  /** Defaults to today in the company's time zone. */
  returnedOn: isoDate.optional(),
  reason: shortText(500),
  lines: z.array(orderReturnLineInput).min(1).max(500),
  /** The order's version: a return changes what the order is worth. */
  version: z.number().int().positive(),
});

/**
 * Over the customer's confirmed and fulfilled orders in the caller's scope (cancelled ones
 * excluded), net of returns: totalAmount subtracts returned amounts, totalMargin the returned
 * lines' margin (returned amount − returned cost).
 */
export const purchaseSummary = z.object({
  customerId: z.number().int(),
  orderCount: z.number().int(),
  firstPurchaseOn: isoDate.nullable(),
  lastPurchaseOn: isoDate.nullable(),
  totalAmount: z.string(),
  totalMargin: z.string(),
});
export type PurchaseSummary = z.infer<typeof purchaseSummary>;
