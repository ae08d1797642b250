// Products and their prices: company-wide, one row per SKU among live products.
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, numeric, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { auditColumns } from '../db/schema-platform.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const products = pgTable(
  'products',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    category: text('category'),
    unit: text('unit'),
    listPrice: numeric('list_price', { precision: 14, scale: 2 }).notNull(),
    cost: numeric('cost', { precision: 14, scale: 2 }),
    active: boolean('active').notNull().default(true),
    deletedAt: ts('deleted_at'),
    deletedBy: bigint('deleted_by', { mode: 'number' }),
    ...auditColumns(),
  },
  (t) => [
    uniqueIndex('products_sku_key').on(t.sku).where(sql`deleted_at is null`),
    index('products_name_idx').on(t.name, t.id).where(sql`deleted_at is null`),
    index('products_category_idx').on(t.category).where(sql`deleted_at is null`),
  ],
);
