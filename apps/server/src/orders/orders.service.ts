// Orders and contracts (订单/合同): a customer's purchase with line items, created as drafts and
// moved by actions (confirm, fulfil, cancel). Line amounts and order totals are computed by the
// database in numeric — never in JavaScript numbers — and stored on the rows. Every query on
// orders goes through `ownedBy(actor, orders.owner_id)`; an order outside the scope is 404.
import { and, asc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Order, OrderLine, OrderLineInput, OrderListQuery, OrderStatus, OrderSummary, PurchaseSummary } from '@guanxi/contracts';
import type { Actor } from '../auth/actor.js';
import type { Database, DbOrTx } from '../db/client.js';
import { customers, orderLines, orders, products, users } from '../db/schema.js';
import { diff, recordAudit, type Changes } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { ownedBy } from '../platform/data-scope.js';
import { AppError, conflict, invalid, msg, notFound, versionConflict } from '../platform/errors.js';
import { countRows, cursorValue, encodeCursor, keyset, parseSort } from '../platform/pagination.js';
import { auditFields, iso, updateVersioned } from '../platform/versioned.js';
import { assertCustomerVisible } from '../customers/customers.service.js';
import { nextOrderNumber } from './order-number.js';

export interface OrderSettings {
  numberPattern: string;
  timeZone: string;
}

const audited = ['number', 'customerId', 'ownerId', 'orderDate', 'status', 'subtotal', 'discountAmount', 'total', 'cost', 'grossMargin', 'notes'] as const;

const orderColumns = {
  id: orders.id,
  number: orders.number,
  customerId: orders.customerId,
  customerName: customers.name,
  ownerId: orders.ownerId,
  ownerName: users.name,
  orderDate: sql<string>`${orders.orderDate}::text`,
  status: orders.status,
  subtotal: sql<string>`${orders.subtotal}::text`,
  discountAmount: sql<string>`${orders.discountAmount}::text`,
  total: sql<string>`${orders.total}::text`,
  cost: sql<string>`${orders.cost}::text`,
  grossMargin: sql<string>`${orders.grossMargin}::text`,
  notes: orders.notes,
  confirmedAt: orders.confirmedAt,
  fulfilledAt: orders.fulfilledAt,
  cancelledAt: orders.cancelledAt,
  createdAt: orders.createdAt,
  updatedAt: orders.updatedAt,
  createdBy: orders.createdBy,
  updatedBy: orders.updatedBy,
  version: orders.version,
};

const toSummary = (r: OrderRow): OrderSummary => ({
  id: Number(r.id),
  number: r.number,
  customerId: Number(r.customerId),
  customerName: r.customerName,
  ownerId: Number(r.ownerId),
  ownerName: r.ownerName,
  orderDate: r.orderDate,
  status: r.status,
  subtotal: r.subtotal,
  discountAmount: r.discountAmount,
  total: r.total,
  cost: r.cost,
  grossMargin: r.grossMargin,
  notes: r.notes,
  confirmedAt: iso(r.confirmedAt),
  fulfilledAt: iso(r.fulfilledAt),
  cancelledAt: iso(r.cancelledAt),
  ...auditFields(r),
});

const fromOrders = (db: DbOrTx) =>
  db.select(orderColumns).from(orders).leftJoin(customers, eq(customers.id, orders.customerId)).leftJoin(users, eq(users.id, orders.ownerId));

type OrderRow = Awaited<ReturnType<typeof fromOrders>>[number];

const liveInScope = (actor: Actor): SQL => and(isNull(orders.deletedAt), ownedBy(actor, orders.ownerId))!;

async function linesOf(db: DbOrTx, orderId: number): Promise<OrderLine[]> {
  const rows = await db
    .select({
      id: orderLines.id,
      productId: orderLines.productId,
      productSku: products.sku,
      productName: products.name,
      quantity: sql<string>`${orderLines.quantity}::text`,
      unitPrice: sql<string>`${orderLines.unitPrice}::text`,
      discountRate: sql<string>`${orderLines.discountRate}::text`,
      grossAmount: sql<string>`${orderLines.grossAmount}::text`,
      discountAmount: sql<string>`${orderLines.discountAmount}::text`,
      amount: sql<string>`${orderLines.amount}::text`,
      unitCost: sql<string>`${orderLines.unitCost}::text`,
      cost: sql<string>`${orderLines.cost}::text`,
    })
    .from(orderLines)
    .innerJoin(products, eq(products.id, orderLines.productId))
    .where(eq(orderLines.orderId, orderId))
    .orderBy(asc(orderLines.position));
  return rows.map((r) => ({ ...r, id: Number(r.id), productId: Number(r.productId) }));
}

/** One order with its lines; `scoped: false` only right after the caller created it. */
async function readOrder(db: DbOrTx, actor: Actor, id: number, scoped = true): Promise<Order> {
  const [row] = await fromOrders(db).where(and(eq(orders.id, id), scoped ? liveInScope(actor) : isNull(orders.deletedAt)));
  if (!row) throw notFound();
  return { ...toSummary(row), lines: await linesOf(db, id) };
}
export const getOrder = (database: Database, ctx: Ctx, id: number) => readOrder(database.db, ctx.actor, id);

const sortColumns = {
  // a date compares with the cursor's timestamptz (both in the session time zone), so the date index serves
  orderDate: { expr: sql`${orders.orderDate}`, kind: 'timestamp' as const, notNull: true },
  number: { expr: sql`${orders.number}`, kind: 'text' as const, notNull: true },
  total: { expr: sql`${orders.total}`, kind: 'number' as const, notNull: true },
  createdAt: { expr: sql`${orders.createdAt}`, kind: 'timestamp' as const, notNull: true },
  updatedAt: { expr: sql`${orders.updatedAt}`, kind: 'timestamp' as const, notNull: true },
};

export async function listOrders(database: Database, ctx: Ctx, query: OrderListQuery): Promise<{ data: OrderSummary[]; nextCursor: string | null; total: number; totalApproximate: boolean }> {
  const conds: SQL[] = [liveInScope(ctx.actor)];
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (c: string) => `\\${c}`)}%`;
    conds.push(sql`(${orders.number} ilike ${like} or ${orders.customerId} in (select c.id from customers c where c.name ilike ${like}))`);
  }
  if (query['filter[status]']) conds.push(sql`${orders.status} = ${query['filter[status]']}`);
  if (query['filter[customerId]']) conds.push(sql`${orders.customerId} = ${query['filter[customerId]']}`);
  const owner = query['filter[ownerId]'];
  if (owner !== undefined) conds.push(sql`${orders.ownerId} = ${owner === 'me' ? ctx.actor.id : owner}`);
  const where = sql.join(conds, sql` and `);
  const page = keyset(parseSort(query.sort, sortColumns, '-orderDate'), sql`${orders.id}`, query.cursor);
  const rows = await database.db
    .select({ ...orderColumns, sortValue: sql<string | null>`${page.sortValue}` })
    .from(orders)
    .leftJoin(customers, eq(customers.id, orders.customerId))
    .leftJoin(users, eq(users.id, orders.ownerId))
    .where(sql`${where} and ${page.where}`)
    .orderBy(page.orderBy)
    .limit(query.limit + 1);
  const count = await countRows(database, sql`orders where ${where}`);
  const pageRows = rows.slice(0, query.limit);
  const last = pageRows[pageRows.length - 1];
  return {
    data: pageRows.map(toSummary),
    total: count.total,
    totalApproximate: count.approximate,
    nextCursor: rows.length > query.limit && last ? encodeCursor(cursorValue(last.sortValue), last.id) : null,
  };
}

/** Lines are checked against live, active products; refusals name the line (`lines.2.productId`). */
async function checkProducts(tx: DbOrTx, lines: readonly OrderLineInput[]) {
  const ids = [...new Set(lines.map((l) => l.productId))];
  if (!ids.length) return;
  const found = await tx.select({ id: products.id, active: products.active }).from(products).where(and(inArray(products.id, ids), isNull(products.deletedAt)));
  lines.forEach((l, i) => {
    const p = found.find((f) => Number(f.id) === l.productId);
    if (!p) throw invalid(`lines.${i}.productId`, `no such product ${l.productId}`, 'not_found');
    if (!p.active) throw invalid(`lines.${i}.productId`, `product ${l.productId} is inactive`, 'inactive');
  });
}

/**
 * Writes the lines and the order's totals, all arithmetic in SQL numeric: each line's gross
 * (quantity × unit price) and discount (gross × rate) are rounded to the cent, amount = gross −
 * discount; the order sums its lines, and gross margin = total − cost.
 */
async function replaceLines(database: Database, tx: DbOrTx, orderId: number, lines: readonly OrderLineInput[]) {
  try {
    await writeLines(database, tx, orderId, lines);
  } catch (err) {
    if (pgCodeOf(err) === '22003') throw invalid('lines', 'an amount would exceed 999999999999.99', 'too_big');
    throw err;
  }
}

function pgCodeOf(err: unknown): string | undefined {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const c = (e as { code?: unknown }).code;
    if (typeof c === 'string') return c;
  }
  return undefined;
}

async function writeLines(database: Database, tx: DbOrTx, orderId: number, lines: readonly OrderLineInput[]) {
  await tx.delete(orderLines).where(eq(orderLines.orderId, orderId));
  if (lines.length) {
    const values = sql.join(
      lines.map((l, i) => sql`(${i + 1}::int, ${l.productId}::bigint, ${l.quantity}::numeric, ${l.unitPrice ?? null}::numeric, ${l.discountRate}::numeric, ${l.unitCost ?? null}::numeric)`),
      sql`, `,
    );
    await database.rows(
      sql`insert into order_lines (order_id, position, product_id, quantity, unit_price, discount_rate, gross_amount, discount_amount, amount, unit_cost, cost)
          select ${orderId}::bigint, v.pos, p.id, v.qty, g.price, v.rate, g.gross, g.discount, g.gross - g.discount, g.unit_cost, round(v.qty * g.unit_cost, 2)
          from (values ${values}) as v (pos, product_id, qty, price, rate, unit_cost)
          join products p on p.id = v.product_id
          cross join lateral (select coalesce(v.price, p.list_price) as price, coalesce(v.unit_cost, p.cost, 0) as unit_cost) c
          cross join lateral (select c.price, c.unit_cost, round(v.qty * c.price, 2) as gross, round(round(v.qty * c.price, 2) * v.rate, 2) as discount) g`,
      tx,
    );
  }
  await database.rows(
    sql`update orders o set subtotal = s.subtotal, discount_amount = s.discount, total = s.total, cost = s.cost, gross_margin = s.total - s.cost
        from (select coalesce(sum(gross_amount), 0) as subtotal, coalesce(sum(discount_amount), 0) as discount,
                     coalesce(sum(amount), 0) as total, coalesce(sum(cost), 0) as cost
              from order_lines where order_id = ${orderId}) s
        where o.id = ${orderId}`,
    tx,
  );
}

const lineAudit = (lines: readonly OrderLine[]) => lines.map((l) => ({ productId: l.productId, quantity: l.quantity, unitPrice: l.unitPrice, discountRate: l.discountRate, unitCost: l.unitCost }));
function orderChanges(before: Order | null, after: Order): Changes {
  const changes = diff(before, after, audited);
  const lb = before ? lineAudit(before.lines) : null;
  const la = lineAudit(after.lines);
  if (JSON.stringify(lb) !== JSON.stringify(la)) changes.lines = { old: lb, new: la };
  return changes;
}

/** The owner must be an active user inside the caller's data scope. */
async function checkOwner(tx: DbOrTx, actor: Actor, ownerId: number) {
  const [u] = await tx.select({ id: users.id }).from(users).where(and(eq(users.id, ownerId), isNull(users.deletedAt), eq(users.active, true), ownedBy(actor, users.id)));
  if (!u) throw invalid('ownerId', `no such active user ${ownerId} in your data scope`, 'not_found');
}

const todayIn = (timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

export interface CreateOrderInput {
  customerId: number;
  orderDate?: string | undefined;
  ownerId?: number | undefined;
  notes?: string | null | undefined;
  lines: OrderLineInput[];
}

export async function createOrder(database: Database, ctx: Ctx, settings: OrderSettings, input: CreateOrderInput): Promise<Order> {
  const { actor } = ctx;
  return database.db.transaction(async (tx) => {
    const customer = await assertCustomerVisible(tx, actor, input.customerId).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'NOT_FOUND') throw invalid('customerId', `no such customer ${input.customerId}`, 'not_found');
      throw err;
    });
    if (input.ownerId !== undefined) await checkOwner(tx, actor, input.ownerId);
    await checkProducts(tx, input.lines);
    const number = await nextOrderNumber(database, tx, { pattern: settings.numberPattern, timeZone: settings.timeZone });
    const [row] = await tx
      .insert(orders)
      .values({
        number,
        customerId: customer.id,
        ownerId: input.ownerId ?? customer.ownerId ?? actor.id,
        orderDate: input.orderDate ?? todayIn(settings.timeZone),
        notes: input.notes ?? null,
        createdBy: actor.id,
        updatedBy: actor.id,
      })
      .returning({ id: orders.id });
    const id = Number(row!.id);
    await replaceLines(database, tx, id, input.lines);
    // Read back without the scope: the default owner (the customer's) may be outside the caller's scope.
    const created = await readOrder(tx, actor, id, false);
    await recordAudit(tx, ctx, { entity: 'order', entityId: id, action: 'create', changes: orderChanges(null, created) });
    return created;
  });
}

const statusZh: Record<OrderStatus, string> = { draft: '草稿', confirmed: '已确认', fulfilled: '已履行', cancelled: '已取消' };

/** Locks the order row for the rest of the transaction, so status checks and line edits do not race. */
async function lockOrder(tx: DbOrTx, actor: Actor, id: number, version: number): Promise<Order> {
  const [locked] = await tx.select({ id: orders.id }).from(orders).where(and(eq(orders.id, id), liveInScope(actor))).for('update');
  if (!locked) throw notFound();
  const before = await readOrder(tx, actor, id);
  if (before.version !== version) throw versionConflict(before);
  return before;
}

export interface UpdateOrderInput {
  orderDate?: string | undefined;
  ownerId?: number | undefined;
  notes?: string | null | undefined;
  lines?: OrderLineInput[] | undefined;
  version: number;
}

export async function updateOrder(database: Database, ctx: Ctx, id: number, input: UpdateOrderInput): Promise<Order> {
  const { actor } = ctx;
  return database.db.transaction(async (tx) => {
    const before = await lockOrder(tx, actor, id, input.version);
    const { version, lines, ...patch } = input;
    if (before.status !== 'draft' && (lines !== undefined || patch.orderDate !== undefined || patch.ownerId !== undefined)) {
      throw conflict(
        msg(
          `This order is ${before.status}: only a draft order's lines, date and owner can change.`,
          `该订单${statusZh[before.status]}：只有草稿订单可以修改明细、日期和负责人。`,
        ),
        [{ path: lines !== undefined ? 'lines' : patch.orderDate !== undefined ? 'orderDate' : 'ownerId', message: `order is ${before.status}`, code: 'not_draft' }],
      );
    }
    if (patch.ownerId !== undefined && patch.ownerId !== before.ownerId) await checkOwner(tx, actor, patch.ownerId);
    if (lines) await checkProducts(tx, lines);
    await updateVersioned(tx, orders, { id, version, actorId: actor.id, patch, toApi: (r) => r });
    if (lines) await replaceLines(database, tx, id, lines);
    const after = await readOrder(tx, actor, id, false);
    await recordAudit(tx, ctx, { entity: 'order', entityId: id, action: 'update', changes: orderChanges(before, after) });
    return after;
  });
}

export const orderActions = {
  confirm: { from: ['draft'], to: 'confirmed', stamp: 'confirmedAt', en: 'confirmed', zh: '确认' },
  fulfil: { from: ['confirmed'], to: 'fulfilled', stamp: 'fulfilledAt', en: 'fulfilled', zh: '履行' },
  cancel: { from: ['draft', 'confirmed'], to: 'cancelled', stamp: 'cancelledAt', en: 'cancelled', zh: '取消' },
} as const satisfies Record<string, { from: readonly OrderStatus[]; to: OrderStatus; stamp: 'confirmedAt' | 'fulfilledAt' | 'cancelledAt'; en: string; zh: string }>;
export type OrderAction = keyof typeof orderActions;

export async function changeOrderStatus(database: Database, ctx: Ctx, id: number, action: OrderAction, version: number): Promise<Order> {
  const { actor } = ctx;
  const rule = orderActions[action];
  return database.db.transaction(async (tx) => {
    const before = await lockOrder(tx, actor, id, version);
    if (!(rule.from as readonly OrderStatus[]).includes(before.status)) {
      throw conflict(
        msg(`A ${before.status} order cannot be ${rule.en}.`, `${statusZh[before.status]}的订单不能${rule.zh}。`),
        [{ path: 'status', message: `cannot go from ${before.status} to ${rule.to}`, code: 'invalid_transition' }],
      );
    }
    if (action === 'confirm' && before.lines.length === 0) throw invalid('lines', 'an order needs at least one line to be confirmed', 'too_small');
    await updateVersioned(tx, orders, { id, version, actorId: actor.id, patch: { status: rule.to, [rule.stamp]: new Date() }, toApi: (r) => r });
    if (rule.to === 'confirmed' || rule.to === 'fulfilled') {
      // A plain column write: the deal date is derived data, not an edit of the customer (no version bump).
      await tx.update(customers).set({ lastDealAt: sql`now()` }).where(eq(customers.id, before.customerId));
    }
    const after = await readOrder(tx, actor, id, false);
    await recordAudit(tx, ctx, { entity: 'order', entityId: id, action, changes: diff(before, after, ['status']) });
    return after;
  });
}

/** Soft delete, for drafts and cancelled orders only: confirmed and fulfilled ones are the record of a sale. */
export async function deleteOrder(database: Database, ctx: Ctx, id: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    const [before] = await tx.select({ id: orders.id, number: orders.number, status: orders.status }).from(orders).where(and(eq(orders.id, id), liveInScope(ctx.actor))).for('update');
    if (!before) throw notFound();
    if (before.status === 'confirmed' || before.status === 'fulfilled') {
      throw conflict(msg(`A ${before.status} order cannot be deleted; cancel it instead.`, `${statusZh[before.status]}的订单不能删除，请改为取消。`));
    }
    await tx.update(orders).set({ deletedAt: new Date(), deletedBy: ctx.actor.id }).where(eq(orders.id, id));
    await recordAudit(tx, ctx, { entity: 'order', entityId: id, action: 'delete', changes: { number: { old: before.number, new: null } } });
  });
}

/** What a customer bought, over its confirmed and fulfilled orders within the caller's scope. */
export async function purchaseSummaryOf(database: Database, ctx: Ctx, customerId: number): Promise<PurchaseSummary> {
  await assertCustomerVisible(database.db, ctx.actor, customerId);
  const [row] = await database.rows<{ n: number; first: string | null; last: string | null; total: string; margin: string }>(sql`
    select count(*)::int as n, min(o.order_date)::text as first, max(o.order_date)::text as last,
      coalesce(sum(o.total), 0)::numeric(20, 2)::text as total, coalesce(sum(o.gross_margin), 0)::numeric(20, 2)::text as margin
    from orders o
    where o.customer_id = ${customerId} and o.deleted_at is null and o.status in ('confirmed', 'fulfilled')
      and ${ownedBy(ctx.actor, sql`o.owner_id`)}`);
  return {
    customerId,
    orderCount: Number(row?.n ?? 0),
    firstPurchaseOn: row?.first ?? null,
    lastPurchaseOn: row?.last ?? null,
    totalAmount: row?.total ?? '0.00',
    totalMargin: row?.margin ?? '0.00',
  };
}
