// Orders and contracts (订单/合同): a customer's purchase with line items, created as drafts and
// moved by actions (confirm, fulfil, cancel, and approve/reject when a confirm needs approval).
// Line amounts and order totals are computed by the database in numeric — never in JavaScript
// numbers — and stored on the rows. Every query on orders goes through
// `ownedBy(actor, orders.owner_id)`; an order outside the scope is 404. The one widening: the
// user an approval is assigned to may read that order and decide it, even outside their scope.
import { and, asc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Order, OrderLine, OrderLineInput, OrderListQuery, OrderReturn, OrderStatus, OrderSummary, PurchaseSummary } from '@guanxi/contracts';
import type { Actor } from '../auth/actor.js';
import type { Database, DbOrTx } from '../db/client.js';
import { customers, orderLines, orders, products, users } from '../db/schema.js';
import { diff, recordAudit, type Changes } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { ownedBy } from '../platform/data-scope.js';
import { AppError, conflict, forbidden, invalid, msg, notFound, versionConflict } from '../platform/errors.js';
import { countRows, cursorValue, encodeCursor, keyset, parseSort } from '../platform/pagination.js';
import { auditFields, iso, updateVersioned } from '../platform/versioned.js';
import { assertCustomerVisible } from '../customers/customers.service.js';
import { assignOrderNumber, provisionalOrderNumber } from './order-number.js';
import { approvalReasons, closeApprovalTasks, openApprovalTask, resolveApprover } from './order-approvals.service.js';
import { checkOpportunity, winOpportunity } from './order-opportunity.js';
import { assertNoPayments, withdrawPaymentPlan } from './order-payments.js';

export interface OrderSettings {
  numberPattern: string;
  timeZone: string;
}

const audited = ['number', 'customerId', 'ownerId', 'orderDate', 'status', 'subtotal', 'discountAmount', 'total', 'cost', 'grossMargin', 'opportunityId', 'notes'] as const;
const approvalAudited = ['status', 'approvalStatus', 'approverId', 'approvalNote'] as const;
const approvers = alias(users, 'approver');

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
  returnedAmount: sql<string>`${orders.returnedAmount}::text`,
  opportunityId: orders.opportunityId,
  approvalStatus: orders.approvalStatus,
  approverId: orders.approverId,
  approverName: approvers.name,
  approvalRequestedAt: orders.approvalRequestedAt,
  approvalDecidedAt: orders.approvalDecidedAt,
  approvalNote: orders.approvalNote,
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
  returnedAmount: r.returnedAmount,
  opportunityId: r.opportunityId === null ? null : Number(r.opportunityId),
  approvalStatus: r.approvalStatus,
  approverId: r.approverId === null ? null : Number(r.approverId),
  approverName: r.approverName,
  approvalRequestedAt: iso(r.approvalRequestedAt),
  approvalDecidedAt: iso(r.approvalDecidedAt),
  approvalNote: r.approvalNote,
  notes: r.notes,
  confirmedAt: iso(r.confirmedAt),
  fulfilledAt: iso(r.fulfilledAt),
  cancelledAt: iso(r.cancelledAt),
  ...auditFields(r),
});

const fromOrders = (db: DbOrTx) =>
  db
    .select(orderColumns)
    .from(orders)
    .leftJoin(customers, eq(customers.id, orders.customerId))
    .leftJoin(users, eq(users.id, orders.ownerId))
    .leftJoin(approvers, eq(approvers.id, orders.approverId));

type OrderRow = Awaited<ReturnType<typeof fromOrders>>[number];

/** Orders the actor may change: live and owned within their data scope. */
const liveInScope = (actor: Actor): SQL => and(isNull(orders.deletedAt), ownedBy(actor, orders.ownerId))!;
/** Orders the actor may read and decide: those in scope, plus those whose approval is assigned to them. */
const liveVisible = (actor: Actor): SQL => and(isNull(orders.deletedAt), or(ownedBy(actor, orders.ownerId), eq(orders.approverId, actor.id)))!;

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
      returnedQuantity: sql<string>`(select coalesce(sum(rl.quantity), 0)::numeric(14, 3)::text from order_return_lines rl join order_returns r on r.id = rl.return_id
        where rl.order_line_id = ${orderLines.id} and r.deleted_at is null)`,
    })
    .from(orderLines)
    .innerJoin(products, eq(products.id, orderLines.productId))
    .where(eq(orderLines.orderId, orderId))
    .orderBy(asc(orderLines.position));
  return rows.map((r) => ({ ...r, id: Number(r.id), productId: Number(r.productId) }));
}

async function returnsOf(database: Database, db: DbOrTx, orderId: number): Promise<OrderReturn[]> {
  const rows = await database.rows<{ id: number; returned_on: string; reason: string; amount: string; cost: string; created_at: Date | string; created_by: number | null; created_by_name: string | null; lines: OrderReturn['lines'] }>(
    sql`select r.id, r.returned_on::text as returned_on, r.reason, r.amount::text as amount, r.cost::text as cost, r.created_at, r.created_by, u.name as created_by_name,
          coalesce((select jsonb_agg(jsonb_build_object('id', rl.id, 'orderLineId', rl.order_line_id, 'productSku', p.sku, 'productName', p.name,
              'quantity', rl.quantity::text, 'amount', rl.amount::text, 'cost', rl.cost::text) order by l.position)
            from order_return_lines rl join order_lines l on l.id = rl.order_line_id join products p on p.id = l.product_id
            where rl.return_id = r.id), '[]'::jsonb) as lines
        from order_returns r left join users u on u.id = r.created_by
        where r.order_id = ${orderId} and r.deleted_at is null
        order by r.returned_on, r.id`,
    db,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    returnedOn: r.returned_on,
    reason: r.reason,
    amount: r.amount,
    cost: r.cost,
    createdAt: new Date(r.created_at).toISOString(),
    createdBy: r.created_by === null ? null : Number(r.created_by),
    createdByName: r.created_by_name,
    lines: r.lines.map((l) => ({ ...l, id: Number(l.id), orderLineId: Number(l.orderLineId) })),
  }));
}

/**
 * One order with its lines and returns. `scope`: `change` (in the data scope), `read` (also the
 * assigned approver), `none` only right after the caller created or changed it.
 */
export async function readOrder(database: Database, db: DbOrTx, actor: Actor, id: number, scope: 'change' | 'read' | 'none' = 'change'): Promise<Order> {
  const where = scope === 'change' ? liveInScope(actor) : scope === 'read' ? liveVisible(actor) : isNull(orders.deletedAt);
  const [row] = await fromOrders(db).where(and(eq(orders.id, id), where));
  if (!row) throw notFound();
  return { ...toSummary(row), lines: await linesOf(db, id), returns: await returnsOf(database, db, id) };
}
export const getOrder = (database: Database, ctx: Ctx, id: number) => readOrder(database, database.db, ctx.actor, id, 'read');

const sortColumns = {
  // a date compares with the cursor's timestamptz (both in the session time zone), so the date index serves
  orderDate: { expr: sql`${orders.orderDate}`, kind: 'timestamp' as const, notNull: true },
  number: { expr: sql`${orders.number}`, kind: 'text' as const, notNull: true },
  total: { expr: sql`${orders.total}`, kind: 'number' as const, notNull: true },
  createdAt: { expr: sql`${orders.createdAt}`, kind: 'timestamp' as const, notNull: true },
  updatedAt: { expr: sql`${orders.updatedAt}`, kind: 'timestamp' as const, notNull: true },
};

export async function listOrders(database: Database, ctx: Ctx, query: OrderListQuery): Promise<{ data: OrderSummary[]; nextCursor: string | null; total: number; totalApproximate: boolean }> {
  const conds: SQL[] = [liveVisible(ctx.actor)];
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (c: string) => `\\${c}`)}%`;
    conds.push(sql`(${orders.number} ilike ${like} or ${orders.customerId} in (select c.id from customers c where c.name ilike ${like}))`);
  }
  if (query['filter[status]']) conds.push(sql`${orders.status} = ${query['filter[status]']}`);
  if (query['filter[customerId]']) conds.push(sql`${orders.customerId} = ${query['filter[customerId]']}`);
  const owner = query['filter[ownerId]'];
  if (owner !== undefined) conds.push(sql`${orders.ownerId} = ${owner === 'me' ? ctx.actor.id : owner}`);
  if (query['filter[approval]']) conds.push(sql`${orders.approvalStatus} = ${query['filter[approval]']}`);
  const approver = query['filter[approverId]'];
  if (approver !== undefined) conds.push(sql`${orders.approverId} = ${approver === 'me' ? ctx.actor.id : approver}`);
  const where = sql.join(conds, sql` and `);
  const page = keyset(parseSort(query.sort, sortColumns, '-orderDate'), sql`${orders.id}`, query.cursor);
  const rows = await database.db
    .select({ ...orderColumns, sortValue: sql<string | null>`${page.sortValue}` })
    .from(orders)
    .leftJoin(customers, eq(customers.id, orders.customerId))
    .leftJoin(users, eq(users.id, orders.ownerId))
    .leftJoin(approvers, eq(approvers.id, orders.approverId))
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
  opportunityId?: number | null | undefined;
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
    if (input.opportunityId) await checkOpportunity(database, tx, actor, input.opportunityId, customer.id);
    await checkProducts(tx, input.lines);
    // All the work first, under a provisional number (unique, and never seen outside this
    // transaction); the real number is taken last — see assignOrderNumber.
    const [row] = await tx
      .insert(orders)
      .values({
        number: provisionalOrderNumber(),
        customerId: customer.id,
        ownerId: input.ownerId ?? customer.ownerId ?? actor.id,
        orderDate: input.orderDate ?? todayIn(settings.timeZone),
        opportunityId: input.opportunityId ?? null,
        notes: input.notes ?? null,
        createdBy: actor.id,
        updatedBy: actor.id,
      })
      .returning({ id: orders.id });
    const id = Number(row!.id);
    await replaceLines(database, tx, id, input.lines);
    // Read back without the scope: the default owner (the customer's) may be outside the caller's scope.
    const created = await readOrder(database, tx, actor, id, 'none');
    await recordAudit(tx, ctx, { entity: 'order', entityId: id, action: 'create', changes: orderChanges(null, created) });
    // The very last statement: the counter row for the period is locked from here to the commit
    // only, so concurrent creates no longer queue behind each other's lines and totals. It also
    // puts the number in the audit entry just written. Gap-free, as a rollback undoes it too.
    created.number = await assignOrderNumber(database, tx, id, { pattern: settings.numberPattern, timeZone: settings.timeZone });
    return created;
  });
}

const statusZh: Record<OrderStatus, string> = { draft: '草稿', confirmed: '已确认', fulfilled: '已履行', cancelled: '已取消' };

/** Locks the order row for the rest of the transaction, so status checks and line edits do not race. */
async function lockOrder(database: Database, tx: DbOrTx, actor: Actor, id: number, version: number, scope: 'change' | 'read' = 'change'): Promise<Order> {
  const [locked] = await tx
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.id, id), scope === 'change' ? liveInScope(actor) : liveVisible(actor)))
    .for('update');
  if (!locked) throw notFound();
  const before = await readOrder(database, tx, actor, id, scope);
  if (before.version !== version) throw versionConflict(before);
  return before;
}

const pendingConflict = (path: string) =>
  conflict(msg('This order is waiting for approval: it cannot change until the approver decides.', '该订单正在等待审批：审批人决定之前不能修改。'), [
    { path, message: 'approval pending', code: 'approval_pending' },
  ]);

export interface UpdateOrderInput {
  orderDate?: string | undefined;
  ownerId?: number | undefined;
  opportunityId?: number | null | undefined;
  notes?: string | null | undefined;
  lines?: OrderLineInput[] | undefined;
  version: number;
}

export async function updateOrder(database: Database, ctx: Ctx, id: number, input: UpdateOrderInput): Promise<Order> {
  const { actor } = ctx;
  return database.db.transaction(async (tx) => {
    const before = await lockOrder(database, tx, actor, id, input.version);
    const { version, lines, ...patch } = input;
    const structural = lines !== undefined ? 'lines' : patch.orderDate !== undefined ? 'orderDate' : patch.ownerId !== undefined ? 'ownerId' : patch.opportunityId !== undefined ? 'opportunityId' : null;
    if (before.status !== 'draft' && structural) {
      throw conflict(
        msg(
          `This order is ${before.status}: only a draft order's lines, date, owner and opportunity can change.`,
          `该订单${statusZh[before.status]}：只有草稿订单可以修改明细、日期、负责人和商机。`,
        ),
        [{ path: structural, message: `order is ${before.status}`, code: 'not_draft' }],
      );
    }
    // What the approver is asked to approve must stay what they see.
    if (before.approvalStatus === 'pending' && structural) throw pendingConflict(structural);
    if (patch.ownerId !== undefined && patch.ownerId !== before.ownerId) await checkOwner(tx, actor, patch.ownerId);
    if (patch.opportunityId) await checkOpportunity(database, tx, actor, patch.opportunityId, before.customerId);
    if (lines) await checkProducts(tx, lines);
    await updateVersioned(tx, orders, { id, version, actorId: actor.id, patch, toApi: (r) => r });
    if (lines) await replaceLines(database, tx, id, lines);
    const after = await readOrder(database, tx, actor, id, 'none');
    await recordAudit(tx, ctx, { entity: 'order', entityId: id, action: 'update', changes: orderChanges(before, after) });
    return after;
  });
}

export const orderActions = {
  confirm: { from: ['draft'], to: 'confirmed', en: 'confirmed', zh: '确认' },
  fulfil: { from: ['confirmed'], to: 'fulfilled', en: 'fulfilled', zh: '履行' },
  cancel: { from: ['draft', 'confirmed'], to: 'cancelled', en: 'cancelled', zh: '取消' },
} as const satisfies Record<string, { from: readonly OrderStatus[]; to: OrderStatus; en: string; zh: string }>;
export type OrderAction = keyof typeof orderActions;

/**
 * Confirms a locked draft: the status, the customer's last deal date (the same instant as
 * confirmed_at, so a later cancel can tell whether this order set it) and the linked deal, won.
 */
async function confirmLocked(database: Database, tx: DbOrTx, ctx: Ctx, before: Order, approval: Record<string, unknown>) {
  await updateVersioned(tx, orders, { id: before.id, version: before.version, actorId: ctx.actor.id, patch: { status: 'confirmed', confirmedAt: sql`now()`, ...approval }, toApi: (r) => r });
  // A plain column write: the deal date is derived data, not an edit of the customer (no version bump).
  await tx.update(customers).set({ lastDealAt: sql`now()` }).where(eq(customers.id, before.customerId));
  if (before.opportunityId !== null) await winOpportunity(tx, ctx, before.opportunityId, { orderId: before.id, amount: before.total });
}

/**
 * After a confirmed order is cancelled, the customer's last deal date goes back to the latest
 * other confirmed or fulfilled order — but only if this order's confirmation is what set it
 * (a later deal, e.g. a won opportunity, keeps its date).
 */
async function restoreLastDeal(database: Database, tx: DbOrTx, order: Order) {
  await database.rows(
    sql`update customers c set last_deal_at = (
          select max(greatest(o.confirmed_at, o.fulfilled_at)) from orders o
          where o.customer_id = c.id and o.id <> ${order.id} and o.deleted_at is null and o.status in ('confirmed', 'fulfilled'))
        where c.id = ${order.customerId} and c.last_deal_at = (select confirmed_at from orders where id = ${order.id})`,
    tx,
  );
}

export async function changeOrderStatus(database: Database, ctx: Ctx, id: number, action: OrderAction, version: number): Promise<Order> {
  const { actor } = ctx;
  const rule = orderActions[action];
  return database.db.transaction(async (tx) => {
    const before = await lockOrder(database, tx, actor, id, version);
    if (!(rule.from as readonly OrderStatus[]).includes(before.status)) {
      throw conflict(
        msg(`A ${before.status} order cannot be ${rule.en}.`, `${statusZh[before.status]}的订单不能${rule.zh}。`),
        [{ path: 'status', message: `cannot go from ${before.status} to ${rule.to}`, code: 'invalid_transition' }],
      );
    }
    if (action === 'confirm') {
      if (before.approvalStatus === 'pending') throw pendingConflict('status');
      if (before.lines.length === 0) throw invalid('lines', 'an order needs at least one line to be confirmed', 'too_small');
      const reasons = await approvalReasons(database, tx, id);
      if (reasons.amount || reasons.discount) return requestApproval(database, tx, ctx, before);
      await confirmLocked(database, tx, ctx, before, before.approvalStatus === 'rejected' ? { approvalStatus: 'none' } : {});
    } else if (action === 'fulfil') {
      await updateVersioned(tx, orders, { id, version, actorId: actor.id, patch: { status: 'fulfilled', fulfilledAt: sql`now()` }, toApi: (r) => r });
      await tx.update(customers).set({ lastDealAt: sql`now()` }).where(eq(customers.id, before.customerId));
    } else {
      if (before.status === 'confirmed') await assertNoPayments(database, tx, id);
      // Cancelling withdraws a pending request: the approver has nothing left to decide.
      const withdraw = before.approvalStatus === 'pending' ? { approvalStatus: 'none' as const, approverId: null, approvalRequestedAt: null } : {};
      await updateVersioned(tx, orders, { id, version, actorId: actor.id, patch: { status: 'cancelled', cancelledAt: sql`now()`, ...withdraw }, toApi: (r) => r });
      if (before.approvalStatus === 'pending') await closeApprovalTasks(database, tx, ctx, id);
      if (before.status === 'confirmed') {
        await restoreLastDeal(database, tx, before);
        await withdrawPaymentPlan(database, tx, ctx, id);
      }
    }
    const after = await readOrder(database, tx, actor, id, 'none');
    await recordAudit(tx, ctx, { entity: 'order', entityId: id, action, changes: diff(before, after, action === 'cancel' ? approvalAudited : ['status']) });
    return after;
  });
}

/** The confirm crossed a threshold: the order stays a draft, pending, and the approver gets a task. */
async function requestApproval(database: Database, tx: DbOrTx, ctx: Ctx, before: Order): Promise<Order> {
  const approverId = await resolveApprover(database, tx, before.ownerId);
  await updateVersioned(tx, orders, {
    id: before.id,
    version: before.version,
    actorId: ctx.actor.id,
    patch: { approvalStatus: 'pending', approverId, approvalRequestedAt: sql`now()`, approvalDecidedAt: null, approvalNote: null },
    toApi: (r) => r,
  });
  await openApprovalTask(database, tx, ctx, before, approverId, before.version + 1);
  const after = await readOrder(database, tx, ctx.actor, before.id, 'none');
  await recordAudit(tx, ctx, { entity: 'order', entityId: before.id, action: 'request_approval', changes: diff(before, after, approvalAudited) });
  return after;
}

export type ApprovalDecision = 'approve' | 'reject';

/**
 * Who may decide in the approver's place: someone who manages sales over all data (an
 * administrator, as built in) — the same people the approver falls back to — never the owner.
 */
function mayStandIn(actor: Actor, ownerId: number): boolean {
  return actor.permissions.has('sales.manage') && actor.dataScope === 'all' && actor.id !== ownerId;
}

/**
 * The assigned approver (or an administrator, who may stand in) decides a pending approval:
 * approve confirms the order, reject leaves it a draft with the note. Anyone else: 403.
 */
export async function decideApproval(database: Database, ctx: Ctx, id: number, decision: ApprovalDecision, input: { version: number; note?: string | null | undefined }): Promise<Order> {
  const { actor } = ctx;
  return database.db.transaction(async (tx) => {
    const before = await lockOrder(database, tx, actor, id, input.version, 'read');
    if (before.approvalStatus !== 'pending') {
      throw conflict(msg('This order is not waiting for approval.', '该订单没有待审批的申请。'), [{ path: 'approvalStatus', message: `approval is ${before.approvalStatus}`, code: 'not_pending' }]);
    }
    if (before.approverId !== actor.id && !mayStandIn(actor, before.ownerId)) {
      throw forbidden(
        msg(
          `Only ${before.approverName ?? 'the assigned approver'} (the approver of this order) or an administrator can decide it.`,
          before.approverName ? `只有本订单的审批人（${before.approverName}）或系统管理员可以审批。` : '只有本订单的审批人或系统管理员可以审批。',
        ),
      );
    }
    const decided = { approvalDecidedAt: sql`now()`, approvalNote: input.note ?? null };
    if (decision === 'approve') await confirmLocked(database, tx, ctx, before, { approvalStatus: 'approved', ...decided });
    else await updateVersioned(tx, orders, { id, version: before.version, actorId: actor.id, patch: { approvalStatus: 'rejected', ...decided }, toApi: (r) => r });
    await closeApprovalTasks(database, tx, ctx, id);
    const after = await readOrder(database, tx, actor, id, 'none');
    await recordAudit(tx, ctx, { entity: 'order', entityId: id, action: decision, changes: diff(before, after, approvalAudited) });
    return after;
  });
}

/** Soft delete, for drafts and cancelled orders only: confirmed and fulfilled ones are the record of a sale. */
export async function deleteOrder(database: Database, ctx: Ctx, id: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    const [before] = await tx
      .select({ id: orders.id, number: orders.number, status: orders.status, approvalStatus: orders.approvalStatus })
      .from(orders)
      .where(and(eq(orders.id, id), liveInScope(ctx.actor)))
      .for('update');
    if (!before) throw notFound();
    if (before.status === 'confirmed' || before.status === 'fulfilled') {
      throw conflict(msg(`A ${before.status} order cannot be deleted; cancel it instead.`, `${statusZh[before.status]}的订单不能删除，请改为取消。`));
    }
    await tx.update(orders).set({ deletedAt: new Date(), deletedBy: ctx.actor.id }).where(eq(orders.id, id));
    if (before.approvalStatus === 'pending') await closeApprovalTasks(database, tx, ctx, id);
    await recordAudit(tx, ctx, { entity: 'order', entityId: id, action: 'delete', changes: { number: { old: before.number, new: null } } });
  });
}

export { lockOrder, statusZh, todayIn };

/**
 * What a customer bought, over its confirmed and fulfilled orders within the caller's scope, net
 * of returns: the amount less what came back, the margin less the returned lines' margin
 * (their amount less their cost share).
 */
export async function purchaseSummaryOf(database: Database, ctx: Ctx, customerId: number): Promise<PurchaseSummary> {
  await assertCustomerVisible(database.db, ctx.actor, customerId);
  const [row] = await database.rows<{ n: number; first: string | null; last: string | null; total: string; margin: string }>(sql`
    select count(*)::int as n, min(o.order_date)::text as first, max(o.order_date)::text as last,
      coalesce(sum(o.total - o.returned_amount), 0)::numeric(20, 2)::text as total,
      coalesce(sum(o.gross_margin - coalesce(r.amount - r.cost, 0)), 0)::numeric(20, 2)::text as margin
    from orders o
    left join lateral (select sum(x.amount) as amount, sum(x.cost) as cost from order_returns x where x.order_id = o.id and x.deleted_at is null) r on true
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
