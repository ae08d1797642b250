// Products (产品): company-wide catalogue with list price and unit cost; no owner scope.
// Amounts are read as text from the database so they stay exact decimal strings.
import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Product, ProductListQuery } from '@guanxi/contracts';
import type { Database, DbOrTx } from '../db/client.js';
import { products } from '../db/schema.js';
import { diff, recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { conflict, msg, notFound, versionConflict } from '../platform/errors.js';
import { countRows, cursorValue, encodeCursor, keyset, parseSort } from '../platform/pagination.js';
import { auditFields, updateVersioned } from '../platform/versioned.js';

const audited = ['sku', 'name', 'category', 'unit', 'listPrice', 'cost', 'active'] as const;

export const productColumns = {
  id: products.id,
  sku: products.sku,
  name: products.name,
  category: products.category,
  unit: products.unit,
  listPrice: sql<string>`${products.listPrice}::text`,
  cost: sql<string | null>`${products.cost}::text`,
  active: products.active,
  createdAt: products.createdAt,
  updatedAt: products.updatedAt,
  createdBy: products.createdBy,
  updatedBy: products.updatedBy,
  version: products.version,
};
const selectProducts = (db: DbOrTx) => db.select(productColumns).from(products);
type ProductRow = Awaited<ReturnType<typeof selectProducts>>[number];

const toProduct = (r: ProductRow): Product => ({
  id: Number(r.id),
  sku: r.sku,
  name: r.name,
  category: r.category,
  unit: r.unit,
  listPrice: r.listPrice,
  cost: r.cost,
  active: r.active,
  ...auditFields(r),
});

const live = isNull(products.deletedAt);

async function findProduct(db: DbOrTx, id: number): Promise<Product> {
  const [row] = await selectProducts(db).where(and(eq(products.id, id), live));
  if (!row) throw notFound();
  return toProduct(row);
}
export const getProduct = (database: Database, _ctx: Ctx, id: number) => findProduct(database.db, id);

const sortColumns = {
  sku: { expr: sql`${products.sku}`, kind: 'text' as const, notNull: true },
  name: { expr: sql`${products.name}`, kind: 'text' as const, notNull: true },
  category: { expr: sql`${products.category}`, kind: 'text' as const },
  listPrice: { expr: sql`${products.listPrice}`, kind: 'number' as const, notNull: true },
  createdAt: { expr: sql`${products.createdAt}`, kind: 'timestamp' as const, notNull: true },
  updatedAt: { expr: sql`${products.updatedAt}`, kind: 'timestamp' as const, notNull: true },
};

export async function listProducts(database: Database, _ctx: Ctx, query: ProductListQuery): Promise<{ data: Product[]; nextCursor: string | null; total: number; totalApproximate: boolean }> {
  const conds: SQL[] = [sql`${products.deletedAt} is null`];
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conds.push(sql`(${products.sku} ilike ${like} or ${products.name} ilike ${like})`);
  }
  if (query['filter[category]']) conds.push(sql`${products.category} = ${query['filter[category]']}`);
  if (query['filter[active]']) conds.push(sql`${products.active} = ${query['filter[active]'] === 'true'}`);
  const where = sql.join(conds, sql` and `);
  const page = keyset(parseSort(query.sort, sortColumns, 'sku'), sql`${products.id}`, query.cursor);
  const rows = await database.db
    .select({ ...productColumns, sortValue: sql<string | null>`${page.sortValue}` })
    .from(products)
    .where(sql`${where} and ${page.where}`)
    .orderBy(page.orderBy)
    .limit(query.limit + 1);
  const count = await countRows(database, sql`products where ${where}`);
  const pageRows = rows.slice(0, query.limit);
  const last = pageRows[pageRows.length - 1];
  return {
    data: pageRows.map(toProduct),
    total: count.total,
    totalApproximate: count.approximate,
    nextCursor: rows.length > query.limit && last ? encodeCursor(cursorValue(last.sortValue), last.id) : null,
  };
}

async function assertSkuFree(tx: DbOrTx, sku: string, exceptId?: number) {
  const [taken] = await tx
    .select({ id: products.id })
    .from(products)
    .where(and(eq(products.sku, sku), live, exceptId === undefined ? undefined : sql`${products.id} <> ${exceptId}`));
  if (taken) throw conflict(msg(`Another product already has SKU ${sku}.`, `已有其他产品使用编码 ${sku}。`), [{ path: 'sku', message: 'already used by another product', code: 'taken' }]);
}

export interface ProductInput {
  sku: string;
  name: string;
  category?: string | null | undefined;
  unit?: string | null | undefined;
  listPrice: string;
  cost?: string | null | undefined;
  active: boolean;
}

export async function createProduct(database: Database, ctx: Ctx, input: ProductInput): Promise<Product> {
  return database.db.transaction(async (tx) => {
    await assertSkuFree(tx, input.sku);
    const [row] = await tx
      .insert(products)
      .values({ ...input, createdBy: ctx.actor.id, updatedBy: ctx.actor.id })
      .returning({ id: products.id });
    const created = await findProduct(tx, row!.id);
    await recordAudit(tx, ctx, { entity: 'product', entityId: created.id, action: 'create', changes: diff(null, created, audited) });
    return created;
  });
}

export async function updateProduct(database: Database, ctx: Ctx, id: number, input: Partial<ProductInput> & { version: number }): Promise<Product> {
  return database.db.transaction(async (tx) => {
    const before = await findProduct(tx, id);
    if (before.version !== input.version) throw versionConflict(before);
    const { version, ...patch } = input;
    if (patch.sku !== undefined && patch.sku !== before.sku) await assertSkuFree(tx, patch.sku, id);
    await updateVersioned(tx, products, { id, version, actorId: ctx.actor.id, patch, toApi: (r) => r });
    const after = await findProduct(tx, id);
    await recordAudit(tx, ctx, { entity: 'product', entityId: id, action: 'update', changes: diff(before, after, audited) });
    return after;
  });
}

export async function deleteProduct(database: Database, ctx: Ctx, id: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    const before = await findProduct(tx, id);
    await tx.update(products).set({ deletedAt: new Date(), deletedBy: ctx.actor.id }).where(eq(products.id, id));
    await recordAudit(tx, ctx, { entity: 'product', entityId: id, action: 'delete', changes: { sku: { old: before.sku, new: null }, name: { old: before.name, new: null } } });
  });
}
