// Products and prices (产品与价格), company-wide. Money travels as decimal strings ("1234.50"),
// never as JSON numbers, so no float ever touches an amount.
import { z } from 'zod';
import { auditColumns, listQuery, shortText } from './common.js';

/** A non-negative amount with at most 2 decimals, as a string: "0", "19.9", "1234.50". */
export const money = z
  .string()
  .trim()
  .regex(/^\d{1,12}(\.\d{1,2})?$/, { message: 'an amount like 1234.50: digits, at most 2 decimals, not negative' });

export const product = z.object({
  id: z.number().int(),
  sku: z.string(),
  name: z.string(),
  category: z.string().nullable(),
  unit: z.string().nullable(),
  listPrice: z.string(),
  /** Unit cost; null when unknown (order lines then cost 0 unless given). */
  cost: z.string().nullable(),
  active: z.boolean(),
  ...auditColumns,
});
export type Product = z.infer<typeof product>;

export const productListQuery = listQuery(['sku', 'name', 'category', 'listPrice', 'createdAt', 'updatedAt']).extend({
  'filter[category]': z.string().trim().min(1).max(100).optional(),
  'filter[active]': z.enum(['true', 'false']).optional(),
});
export type ProductListQuery = z.infer<typeof productListQuery>;

export const createProductBody = z.strictObject({
  sku: shortText(64),
  name: shortText(200),
  category: shortText(100).nullable().optional(),
  unit: shortText(20).nullable().optional(),
  listPrice: money,
  cost: money.nullable().optional(),
  active: z.boolean().default(true),
});
export const updateProductBody = z.strictObject({
  sku: shortText(64).optional(),
  name: shortText(200).optional(),
  category: shortText(100).nullable().optional(),
  unit: shortText(20).nullable().optional(),
  listPrice: money.optional(),
  cost: money.nullable().optional(),
  active: z.boolean().optional(),
  version: z.number().int().positive(),
});
