// Orders and contracts (订单/合同) of a customer, with line items, cost and margin: the
// transactions the value analytics read. Amounts are decimal strings, computed by the database.
//
// Discounts are a rate per line (0–1, e.g. "0.1" for 10 % off), applied to quantity × unit price
// and rounded to the cent per line; the order's discount is the sum of its lines' discounts.
// Status moves only by actions: draft → confirmed → fulfilled; draft|confirmed → cancelled.
import { z } from 'zod';
import { auditColumns, listQuery } from './common.js';
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
});
export type OrderLine = z.infer<typeof orderLine>;

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
  notes: z.string().nullable(),
  confirmedAt: isoTime.nullable(),
  fulfilledAt: isoTime.nullable(),
  cancelledAt: isoTime.nullable(),
  ...auditColumns,
});
export const order = orderSummary.extend({ lines: z.array(orderLine) });
export type OrderSummary = z.infer<typeof orderSummary>;
export type Order = z.infer<typeof order>;

export const orderListQuery = listQuery(['orderDate', 'number', 'total', 'createdAt', 'updatedAt']).extend({
  'filter[status]': z.enum(orderStatuses).optional(),
  'filter[customerId]': queryId.optional(),
  /** `me` or a user id */
  'filter[ownerId]': z.union([z.literal('me'), queryId]).optional(),
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
  notes: z.string().trim().max(5000).nullable().optional(),
  lines: z.array(orderLineInput).max(500).default([]),
});
/** `lines` replaces all lines; only a draft's lines, date and owner may change. */
export const updateOrderBody = z.strictObject({
  orderDate: isoDate.optional(),
  ownerId: refId.optional(),
  notes: z.string().trim().max(5000).nullable().optional(),
  lines: z.array(orderLineInput).max(500).optional(),
  version: z.number().int().positive(),
});
export const orderActionBody = z.strictObject({ version: z.number().int().positive() });

/** Over the customer's confirmed and fulfilled orders in the caller's scope (cancelled ones excluded). */
export const purchaseSummary = z.object({
  customerId: z.number().int(),
  orderCount: z.number().int(),
  firstPurchaseOn: isoDate.nullable(),
  lastPurchaseOn: isoDate.nullable(),
  totalAmount: z.string(),
  totalMargin: z.string(),
});
export type PurchaseSummary = z.infer<typeof purchaseSummary>;
