// Receivables (回款) and payment plans (回款计划). Every amount is computed by the database in
// numeric; JavaScript only carries the decimal strings. Every query goes through the order's owner
// (`ownedBy(actor, orders.owner_id)`); a plan, payment or order outside the scope is 404. The
// overdue report and the home summary scope instalments by `payment_instalments.owner_id`, the
// order's owner copied onto each instalment (see insertInstalments).
//
// Rules:
// - An order's receivable is `total − returned_amount`; its balance is the receivable minus its
//   live (not voided) payments. Only confirmed and fulfilled orders take plans and payments.
// - An order without a plan has no due dates: it has a balance but is never overdue. Its payments
//   stay unallocated until a plan is written, which then allocates them oldest-due first.
// - Writes that move money lock the order row first (SELECT … FOR UPDATE), so two payments on one
//   order are serialised and cannot together over-pay it.
// - `payment_instalments.paid_amount` always equals the sum of its live allocations.
import { sql, type SQL } from 'drizzle-orm';
import type {
  CreatePaymentBody,
  CreatePaymentPlanBody,
  CustomerReceivables,
  Instalment,
  InstalmentInput,
  InstalmentStatus,
  OrderReceivable,
  OrderStatus,
  OverdueListQuery,
  OverdueRow,
  OverdueSummary,
  OverdueSummaryQuery,
  Payment,
  PaymentListQuery,
  PaymentMethod,
  PaymentPlan,
  PaymentPlanListQuery,
  ReceivablesSummary,
  UpdatePaymentPlanBody,
} from '@guanxi/contracts';
import type { Actor } from '../auth/actor.js';
import type { Database, DbOrTx } from '../db/client.js';
import { paymentPlans, payments } from '../db/schema.js';
import { diff, recordAudit, type Changes } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { ownedBy } from '../platform/data-scope.js';
import { AppError, conflict, invalid, msg, notFound, versionConflict } from '../platform/errors.js';
import { countRows, keyset, pageOf, parseSort, type SortSpec } from '../platform/pagination.js';
import { auditFields, iso, updateVersioned } from '../platform/versioned.js';
import { assertCustomerVisible } from '../customers/customers.service.js';

export interface ReceivablesSettings {
  /** The company's time zone: "today" and days overdue are counted in it. */
  timeZone: string;
}

/** Today's date in the company's time zone, as SQL. */
const todayIn = (timeZone: string): SQL => sql`(now() at time zone ${timeZone})::date`;
/**
 * The same as a scalar subquery, evaluated once per statement, for comparisons made per row inside
 * aggregates: the time zone conversion per row doubled the summaries' cost over 150k instalments.
 */
const todayOnce = (timeZone: string): SQL => sql`(select ${todayIn(timeZone)})`;
/** Orders that are owed: a draft is not yet a sale, a cancelled order is owed nothing. */
const owedStatus = (o: SQL) => sql`${o}.status in ('confirmed', 'fulfilled')`;

const statusZh: Record<OrderStatus, string> = { draft: '草稿', confirmed: '已确认', fulfilled: '已履行', cancelled: '已取消' };

/** A 400 naming the field, with the top-level message in the user's language. */
const refused = (path: string, code: string, en: string, zh: string) => new AppError('VALIDATION_FAILED', msg(en, zh), [{ path, message: en, code }]);

// ---- orders ----

interface LockedOrder {
  id: number;
  number: string;
  status: OrderStatus;
  customerId: number;
  ownerId: number;
  receivable: string;
}

/**
 * The order, visible to the actor, locked for the rest of the transaction: every write that moves
 * money on an order takes this lock first, which serialises payments and plan edits per order.
 */
async function lockOrder(database: Database, tx: DbOrTx, actor: Actor, orderId: number): Promise<LockedOrder | null> {
  const [row] = await database.rows<{ id: string | number; number: string; status: OrderStatus; customer_id: string | number; owner_id: string | number; receivable: string }>(
    sql`select o.id, o.number, o.status, o.customer_id, o.owner_id, (o.total - o.returned_amount)::text as receivable
        from orders o where o.id = ${orderId} and o.deleted_at is null and ${ownedBy(actor, sql`o.owner_id`)}
        for update`,
    tx,
  );
  if (!row) return null;
  return { id: Number(row.id), number: row.number, status: row.status, customerId: Number(row.customer_id), ownerId: Number(row.owner_id), receivable: row.receivable };
}

function assertOwed(order: LockedOrder, what: 'plan' | 'payment', path: string) {
  if (order.status === 'confirmed' || order.status === 'fulfilled') return;
  const [en, zh] = what === 'plan' ? ['can have a payment plan', '制定回款计划'] : ['can take payments', '登记回款'];
  const [hintEn, hintZh] = order.status === 'draft' ? [' Confirm it first.', '请先确认订单。'] : ['', ''];
  throw conflict(
    msg(`Order ${order.number} is ${order.status}: only confirmed or fulfilled orders ${en}.${hintEn}`, `订单 ${order.number} ${statusZh[order.status]}：只有已确认或已履行的订单才能${zh}。${hintZh}`),
    [{ path, message: `order is ${order.status}`, code: 'order_not_owed' }],
  );
}

// ---- instalments ----

interface InstalmentRow extends Record<string, unknown> {
  id: string | number;
  plan_id: string | number;
  seq: number;
  due_date: string;
  amount: string;
  paid_amount: string;
  open_amount: string;
  status: InstalmentStatus;
  days_overdue: number;
  note: string | null;
}

/** Instalments with their status in the company's time zone; an order no longer owed has none overdue. */
function instalmentQuery(where: SQL, timeZone: string): SQL {
  const today = todayIn(timeZone);
  const late = sql`i.paid_amount < i.amount and i.due_date < ${today} and ${owedStatus(sql`o`)}`;
  return sql`
    select i.id, i.plan_id, i.seq, i.due_date::text as due_date, i.amount::text as amount, i.paid_amount::text as paid_amount,
      (i.amount - i.paid_amount)::text as open_amount,
      case when i.paid_amount >= i.amount then 'paid' when ${late} then 'overdue' when i.paid_amount > 0 then 'partly_paid' else 'open' end as status,
      case when ${late} then (${today} - i.due_date) else 0 end::int as days_overdue,
      i.note
    from payment_instalments i join orders o on o.id = i.order_id
    where i.deleted_at is null and ${where}
    order by i.plan_id, i.seq, i.id`;
}

const toInstalment = (r: InstalmentRow): Instalment => ({
  id: Number(r.id),
  seq: Number(r.seq),
  dueDate: r.due_date,
  amount: r.amount,
  paidAmount: r.paid_amount,
  openAmount: r.open_amount,
  status: r.status,
  daysOverdue: Number(r.days_overdue),
  note: r.note,
});

async function instalmentsOfPlans(database: Database, db: DbOrTx, planIds: number[], timeZone: string): Promise<Map<number, Instalment[]>> {
  const out = new Map<number, Instalment[]>(planIds.map((id) => [id, []]));
  if (!planIds.length) return out;
  const rows = await database.rows<InstalmentRow>(instalmentQuery(sql`i.plan_id in (${sql.join(planIds.map((id) => sql`${id}::bigint`), sql`, `)})`, timeZone), db);
  for (const r of rows) out.get(Number(r.plan_id))?.push(toInstalment(r));
  return out;
}

/**
 * Allocates up to `amount` of a payment to the order's open instalments, oldest due first, in one
 * statement: each instalment takes the lesser of its open amount and what is left of the payment
 * after the instalments before it (a running sum over due date, then sequence).
 */
async function allocateOldestFirst(database: Database, tx: DbOrTx, orderId: number, paymentId: number, amount: string): Promise<void> {
  await database.rows(
    sql`with open as (
          select id, amount - paid_amount as open,
            sum(amount - paid_amount) over (order by due_date, seq, id) as running
          from payment_instalments
          where order_id = ${orderId} and deleted_at is null and paid_amount < amount
        ), taken as (
          select id, least(open, ${amount}::numeric - (running - open)) as take from open where running - open < ${amount}::numeric
        ), allocated as (
          insert into payment_allocations (payment_id, instalment_id, amount)
          select ${paymentId}::bigint, id, take from taken returning instalment_id, amount
        )
        update payment_instalments i set paid_amount = i.paid_amount + a.amount from allocated a where i.id = a.instalment_id`,
    tx,
  );
}

/** Money of the order's live payments not yet on an instalment goes to the plan, oldest payment first. */
async function allocateUnallocated(database: Database, tx: DbOrTx, orderId: number): Promise<void> {
  const rows = await database.rows<{ id: string | number; unallocated: string }>(
    sql`select p.id, (p.amount - coalesce(a.sum, 0))::text as unallocated
        from payments p
        left join lateral (select sum(amount) as sum from payment_allocations where payment_id = p.id and reversed_at is null) a on true
        where p.order_id = ${orderId} and p.deleted_at is null and p.amount > coalesce(a.sum, 0)
        order by p.received_on, p.id`,
    tx,
  );
  for (const r of rows) await allocateOldestFirst(database, tx, orderId, Number(r.id), r.unallocated);
}

/** A plan's instalments must sum exactly to the order's receivable; the refusal names the difference. */
async function checkPlanSum(database: Database, tx: DbOrTx, order: LockedOrder, instalments: readonly InstalmentInput[]): Promise<void> {
  const values = sql.join(instalments.map((i) => sql`(${i.amount}::numeric)`), sql`, `);
  const [row] = await database.rows<{ sum: string; difference: string; equal: boolean }>(
    sql`select s.sum::text as sum, (s.sum - ${order.receivable}::numeric)::text as difference, s.sum = ${order.receivable}::numeric as equal
        from (select sum(v.amount) as sum from (values ${values}) as v (amount)) s`,
    tx,
  );
  if (row?.equal) return;
  const sum = row?.sum ?? '0';
  const difference = row?.difference ?? '0';
  const [en, zh] = difference.startsWith('-')
    ? [`${difference.slice(1)} short of`, `少 ${difference.slice(1)}`]
    : [`${difference} over`, `多 ${difference}`];
  throw refused(
    'instalments',
    'sum_mismatch',
    `The instalments sum to ${sum}, ${en} the order's receivable of ${order.receivable}.`,
    `回款计划各期合计 ${sum}，与订单应收金额 ${order.receivable} 不符（${zh}）。`,
  );
}

/** Instalments are numbered by due date; entries with the same date keep the order they were given in. */
function numbered<T extends InstalmentInput>(instalments: readonly T[]): Array<T & { seq: number }> {
  return instalments
    .map((i, index) => ({ i, index }))
    .sort((a, b) => (a.i.dueDate < b.i.dueDate ? -1 : a.i.dueDate > b.i.dueDate ? 1 : a.index - b.index))
    .map(({ i }, n) => ({ ...i, seq: n + 1 }));
}

// ---- payment plans ----

interface PlanRow extends Record<string, unknown> {
  id: string | number;
  order_id: string | number;
  order_number: string;
  notes: string | null;
  created_at: string | Date;
  updated_at: string | Date;
  created_by: string | number | null;
  updated_by: string | number | null;
  version: number;
  sort_value?: string | null;
}

const planSelect = sql`select p.id, p.order_id, o.number as order_number, p.notes, p.created_at, p.updated_at, p.created_by, p.updated_by, p.version
  from payment_plans p join orders o on o.id = p.order_id`;
const planVisible = (actor: Actor) => sql`p.deleted_at is null and o.deleted_at is null and ${ownedBy(actor, sql`o.owner_id`)}`;

const numOrNull = (v: string | number | null) => (v === null ? null : Number(v));
const toPlan = (r: PlanRow, instalments: Instalment[]): PaymentPlan => ({
  id: Number(r.id),
  orderId: Number(r.order_id),
  orderNumber: r.order_number,
  notes: r.notes,
  instalments,
  ...auditFields({ createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at), createdBy: numOrNull(r.created_by), updatedBy: numOrNull(r.updated_by), version: Number(r.version) }),
});

async function readPlan(database: Database, db: DbOrTx, actor: Actor, id: number, timeZone: string): Promise<PaymentPlan> {
  const [row] = await database.rows<PlanRow>(sql`${planSelect} where p.id = ${id} and ${planVisible(actor)}`, db);
  if (!row) throw notFound();
  const instalments = await instalmentsOfPlans(database, db, [id], timeZone);
  return toPlan(row, instalments.get(id) ?? []);
}

export const getPaymentPlan = (database: Database, ctx: Ctx, settings: ReceivablesSettings, id: number) => readPlan(database, database.db, ctx.actor, id, settings.timeZone);

export async function listPaymentPlans(
  database: Database,
  ctx: Ctx,
  settings: ReceivablesSettings,
  query: PaymentPlanListQuery,
): Promise<{ data: PaymentPlan[]; nextCursor: string | null; total: number; totalApproximate: boolean }> {
  const conds: SQL[] = [planVisible(ctx.actor)];
  if (query['filter[orderId]']) conds.push(sql`p.order_id = ${query['filter[orderId]']}`);
  const where = sql.join(conds, sql` and `);
  const page = keyset(
    parseSort(query.sort, { createdAt: { expr: sql`p.created_at`, kind: 'timestamp', notNull: true }, updatedAt: { expr: sql`p.updated_at`, kind: 'timestamp', notNull: true } }, '-createdAt'),
    sql`p.id`,
    query.cursor,
  );
  const fetched = await database.rows<PlanRow>(
    sql`select p.id, p.order_id, o.number as order_number, p.notes, p.created_at, p.updated_at, p.created_by, p.updated_by, p.version, ${page.sortValue} as sort_value
        from payment_plans p join orders o on o.id = p.order_id
        where ${where} and ${page.where} order by ${page.orderBy} limit ${query.limit + 1}`,
  );
  const { rows: kept, nextCursor } = pageOf(fetched, query.limit, (r) => [r.sort_value ?? null, Number(r.id)]);
  const instalments = await instalmentsOfPlans(database, database.db, kept.map((r) => Number(r.id)), settings.timeZone);
  const count = await countRows(database, sql`payment_plans p join orders o on o.id = p.order_id where ${where}`);
  return { data: kept.map((r) => toPlan(r, instalments.get(Number(r.id)) ?? [])), nextCursor, total: count.total, totalApproximate: count.approximate };
}

const instalmentAudit = (list: readonly Instalment[]) => list.map((i) => ({ id: i.id, seq: i.seq, dueDate: i.dueDate, amount: i.amount, paidAmount: i.paidAmount, note: i.note }));
function planChanges(before: PaymentPlan | null, after: PaymentPlan | null): Changes {
  const changes = diff(before, after, ['orderId', 'notes']);
  const b = before ? instalmentAudit(before.instalments) : null;
  const a = after ? instalmentAudit(after.instalments) : null;
  if (JSON.stringify(b) !== JSON.stringify(a)) changes.instalments = { old: b, new: a };
  return changes;
}

/**
 * Instalments carry the order's owner (`owner_id`) so the overdue report filters and groups them
 * without reading orders. The copy stays right: an order's owner can change only while it is a
 * draft (orders.service.ts `updateOrder`), and only confirmed or fulfilled orders have plans, so
 * the owner is fixed by the time any instalment exists. It is taken from the locked order row.
 */
async function insertInstalments(database: Database, tx: DbOrTx, planId: number, order: LockedOrder, list: ReadonlyArray<InstalmentInput & { seq: number }>) {
  if (!list.length) return;
  const values = sql.join(
    list.map(
      (i) => sql`(${planId}::bigint, ${order.id}::bigint, ${order.ownerId}::bigint, ${order.customerId}::bigint, ${i.seq}::int, ${i.dueDate}::date, ${i.amount}::numeric, ${i.note ?? null}::text)`,
    ),
    sql`, `,
  );
  await database.rows(sql`insert into payment_instalments (plan_id, order_id, owner_id, customer_id, seq, due_date, amount, note) values ${values}`, tx);
}

export async function createPaymentPlan(database: Database, ctx: Ctx, settings: ReceivablesSettings, input: CreatePaymentPlanBody): Promise<PaymentPlan> {
  const { actor } = ctx;
  return database.db.transaction(async (tx) => {
    const order = await lockOrder(database, tx, actor, input.orderId);
    if (!order) throw invalid('orderId', `no such order ${input.orderId}`, 'not_found');
    assertOwed(order, 'plan', 'orderId');
    input.instalments.forEach((i, n) => {
      if (i.id !== undefined) throw invalid(`instalments.${n}.id`, 'a new plan has no existing instalments', 'unexpected');
    });
    const [existing] = await database.rows<{ id: string | number }>(sql`select id from payment_plans where order_id = ${order.id} and deleted_at is null`, tx);
    if (existing) {
      throw conflict(msg(`Order ${order.number} already has a payment plan; edit that one.`, `订单 ${order.number} 已有回款计划，请修改现有计划。`), [
        { path: 'orderId', message: `plan ${Number(existing.id)} exists`, code: 'plan_exists' },
      ]);
    }
    await checkPlanSum(database, tx, order, input.instalments);
    const [row] = await tx.insert(paymentPlans).values({ orderId: order.id, notes: input.notes ?? null, createdBy: actor.id, updatedBy: actor.id }).returning({ id: paymentPlans.id });
    const id = Number(row!.id);
    await insertInstalments(database, tx, id, order, numbered(input.instalments));
    await allocateUnallocated(database, tx, order.id);
    const created = await readPlan(database, tx, actor, id, settings.timeZone);
    await recordAudit(tx, ctx, { entity: 'payment_plan', entityId: id, action: 'create', changes: planChanges(null, created) });
    return created;
  });
}

/** The plan's order locked first (the lock order of every money write), then the plan itself. */
async function lockPlan(database: Database, tx: DbOrTx, actor: Actor, id: number): Promise<{ order: LockedOrder; planVersion: number }> {
  const [found] = await database.rows<{ order_id: string | number }>(sql`${planSelect} where p.id = ${id} and ${planVisible(actor)}`, tx);
  if (!found) throw notFound();
  const order = await lockOrder(database, tx, actor, Number(found.order_id));
  if (!order) throw notFound();
  const [plan] = await database.rows<{ version: number }>(sql`select version from payment_plans where id = ${id} and deleted_at is null for update`, tx);
  if (!plan) throw notFound();
  return { order, planVersion: Number(plan.version) };
}

export async function updatePaymentPlan(database: Database, ctx: Ctx, settings: ReceivablesSettings, id: number, input: UpdatePaymentPlanBody): Promise<PaymentPlan> {
  const { actor } = ctx;
  return database.db.transaction(async (tx) => {
    const { order, planVersion } = await lockPlan(database, tx, actor, id);
    const before = await readPlan(database, tx, actor, id, settings.timeZone);
    if (planVersion !== input.version) throw versionConflict(before);
    if (input.instalments) {
      assertOwed(order, 'plan', 'instalments');
      await replaceInstalments(database, tx, id, order, before.instalments, input.instalments);
    }
    await updateVersioned(tx, paymentPlans, {
      id,
      version: input.version,
      actorId: actor.id,
      patch: input.notes !== undefined ? { notes: input.notes } : {},
      toApi: () => before,
    });
    const after = await readPlan(database, tx, actor, id, settings.timeZone);
    await recordAudit(tx, ctx, { entity: 'payment_plan', entityId: id, action: 'update', changes: planChanges(before, after) });
    return after;
  });
}

/**
 * Keeps the listed instalments (by id), adds the new ones and removes the rest. Paid money stays
 * where it was allocated, so a kept instalment cannot drop below its paid amount and a paid one
 * cannot be removed; money that is not allocated (payments before the plan) is allocated afterwards.
 */
async function replaceInstalments(database: Database, tx: DbOrTx, planId: number, order: LockedOrder, current: readonly Instalment[], input: readonly InstalmentInput[]) {
  const byId = new Map(current.map((i) => [i.id, i]));
  const seen = new Set<number>();
  input.forEach((i, n) => {
    if (i.id === undefined) return;
    if (!byId.has(i.id)) throw invalid(`instalments.${n}.id`, `instalment ${i.id} is not part of this plan`, 'not_found');
    if (seen.has(i.id)) throw invalid(`instalments.${n}.id`, `instalment ${i.id} is listed twice`, 'duplicate');
    seen.add(i.id);
  });
  for (const gone of current.filter((i) => !seen.has(i.id))) {
    const [paid] = await database.rows<{ paid: boolean }>(sql`select paid_amount > 0 as paid from payment_instalments where id = ${gone.id}`, tx);
    if (paid?.paid) {
      throw refused(
        'instalments',
        'instalment_paid',
        `Instalment ${gone.seq} (due ${gone.dueDate}) has ${gone.paidAmount} paid and cannot be removed; keep it (with its id).`,
        `第 ${gone.seq} 期（${gone.dueDate} 到期）已回款 ${gone.paidAmount}，不能删除，请保留该期。`,
      );
    }
  }
  for (const [n, i] of input.entries()) {
    if (i.id === undefined) continue;
    const [row] = await database.rows<{ below: boolean; paid: string }>(sql`select ${i.amount}::numeric < paid_amount as below, paid_amount::text as paid from payment_instalments where id = ${i.id}`, tx);
    if (row?.below) {
      throw refused(
        `instalments.${n}.amount`,
        'below_paid',
        `Instalment ${byId.get(i.id)?.seq ?? ''} already has ${row.paid} paid; its amount cannot be less.`,
        `第 ${byId.get(i.id)?.seq ?? ''} 期已回款 ${row.paid}，金额不能低于已回款金额。`,
      );
    }
  }
  await checkPlanSum(database, tx, order, input);
  const removed = current.filter((i) => !seen.has(i.id)).map((i) => i.id);
  if (removed.length) {
    await database.rows(sql`update payment_instalments set deleted_at = now() where id in (${sql.join(removed.map((r) => sql`${r}::bigint`), sql`, `)})`, tx);
  }
  const list = numbered(input);
  for (const i of list.filter((x) => x.id !== undefined)) {
    await database.rows(sql`update payment_instalments set seq = ${i.seq}, due_date = ${i.dueDate}::date, amount = ${i.amount}::numeric, note = ${i.note ?? null}, owner_id = ${order.ownerId} where id = ${i.id!}`, tx);
  }
  await insertInstalments(database, tx, planId, order, list.filter((x) => x.id === undefined));
  await allocateUnallocated(database, tx, order.id);
}

/** Soft delete; the payments stay and their money becomes unallocated until a new plan takes it. */
export async function deletePaymentPlan(database: Database, ctx: Ctx, settings: ReceivablesSettings, id: number): Promise<void> {
  const { actor } = ctx;
  await database.db.transaction(async (tx) => {
    await lockPlan(database, tx, actor, id);
    const before = await readPlan(database, tx, actor, id, settings.timeZone);
    await database.rows(
      sql`with reversed as (
            update payment_allocations a set reversed_at = now()
            from payment_instalments i where i.id = a.instalment_id and i.plan_id = ${id} and a.reversed_at is null
            returning a.instalment_id
          )
          update payment_instalments set paid_amount = 0, deleted_at = now() where plan_id = ${id} and deleted_at is null`,
      tx,
    );
    await database.rows(sql`update payment_plans set deleted_at = now(), deleted_by = ${actor.id} where id = ${id}`, tx);
    await recordAudit(tx, ctx, { entity: 'payment_plan', entityId: id, action: 'delete', changes: planChanges(before, null) });
  });
}

// ---- payments ----

interface PaymentRow extends Record<string, unknown> {
  id: string | number;
  order_id: string | number;
  order_number: string;
  customer_id: string | number;
  customer_name: string | null;
  owner_id: string | number;
  owner_name: string | null;
  amount: string;
  received_on: string;
  method: PaymentMethod;
  reference: string | null;
  notes: string | null;
  unallocated: string;
  voided_reason: string | null;
  deleted_at: string | Date | null;
  deleted_by: string | number | null;
  created_at: string | Date;
  updated_at: string | Date;
  created_by: string | number | null;
  updated_by: string | number | null;
  version: number;
  sort_value?: string | null;
}

const paymentColumns = sql`p.id, p.order_id, o.number as order_number, p.customer_id, c.name as customer_name, o.owner_id, u.name as owner_name,
    p.amount::text as amount, p.received_on::text as received_on, p.method, p.reference, p.notes,
    (p.amount - coalesce((select sum(a.amount) from payment_allocations a where a.payment_id = p.id and a.reversed_at is null), 0))::numeric(14, 2)::text as unallocated,
    p.voided_reason, p.deleted_at, p.deleted_by, p.created_at, p.updated_at, p.created_by, p.updated_by, p.version`;
const paymentFrom = sql`from payments p join orders o on o.id = p.order_id left join customers c on c.id = p.customer_id left join users u on u.id = o.owner_id`;
const paymentSelect = sql`select ${paymentColumns} ${paymentFrom}`;
const paymentVisible = (actor: Actor) => sql`o.deleted_at is null and ${ownedBy(actor, sql`o.owner_id`)}`;

async function allocationsOf(database: Database, db: DbOrTx, paymentIds: number[]): Promise<Map<number, Payment['allocations']>> {
  const out = new Map<number, Payment['allocations']>(paymentIds.map((id) => [id, []]));
  if (!paymentIds.length) return out;
  const rows = await database.rows<{ payment_id: string | number; instalment_id: string | number; seq: number; due_date: string; amount: string; reversed: boolean }>(
    sql`select a.payment_id, a.instalment_id, i.seq, i.due_date::text as due_date, a.amount::text as amount, a.reversed_at is not null as reversed
        from payment_allocations a join payment_instalments i on i.id = a.instalment_id
        where a.payment_id in (${sql.join(paymentIds.map((id) => sql`${id}::bigint`), sql`, `)})
        order by a.payment_id, a.reversed_at nulls first, i.due_date, i.seq, a.id`,
    db,
  );
  for (const r of rows) out.get(Number(r.payment_id))?.push({ instalmentId: Number(r.instalment_id), seq: Number(r.seq), dueDate: r.due_date, amount: r.amount, reversed: r.reversed });
  return out;
}

const toPayment = (r: PaymentRow, allocations: Payment['allocations']): Payment => ({
  id: Number(r.id),
  orderId: Number(r.order_id),
  orderNumber: r.order_number,
  customerId: Number(r.customer_id),
  customerName: r.customer_name,
  ownerId: Number(r.owner_id),
  ownerName: r.owner_name,
  amount: r.amount,
  receivedOn: r.received_on,
  method: r.method,
  reference: r.reference,
  notes: r.notes,
  // a voided payment's money is no longer anyone's
  unallocatedAmount: r.deleted_at === null ? r.unallocated : '0.00',
  allocations,
  voided: r.deleted_at !== null,
  voidedAt: iso(r.deleted_at === null ? null : new Date(r.deleted_at)),
  voidedBy: numOrNull(r.deleted_by),
  voidedReason: r.voided_reason,
  ...auditFields({ createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at), createdBy: numOrNull(r.created_by), updatedBy: numOrNull(r.updated_by), version: Number(r.version) }),
});

async function readPayment(database: Database, db: DbOrTx, actor: Actor, id: number): Promise<Payment> {
  const [row] = await database.rows<PaymentRow>(sql`${paymentSelect} where p.id = ${id} and ${paymentVisible(actor)}`, db);
  if (!row) throw notFound();
  return toPayment(row, (await allocationsOf(database, db, [id])).get(id) ?? []);
}
export const getPayment = (database: Database, ctx: Ctx, id: number) => readPayment(database, database.db, ctx.actor, id);

const paymentSorts = {
  receivedOn: { expr: sql`p.received_on`, kind: 'timestamp' as const, notNull: true },
  amount: { expr: sql`p.amount`, kind: 'number' as const, notNull: true },
  createdAt: { expr: sql`p.created_at`, kind: 'timestamp' as const, notNull: true },
};

export async function listPayments(database: Database, ctx: Ctx, query: PaymentListQuery): Promise<{ data: Payment[]; nextCursor: string | null; total: number; totalApproximate: boolean }> {
  const conds: SQL[] = [paymentVisible(ctx.actor)];
  if (query['filter[orderId]']) conds.push(sql`p.order_id = ${query['filter[orderId]']}`);
  if (query['filter[customerId]']) conds.push(sql`p.customer_id = ${query['filter[customerId]']}`);
  const owner = query['filter[ownerId]'];
  if (owner !== undefined) conds.push(sql`o.owner_id = ${owner === 'me' ? ctx.actor.id : owner}`);
  if (query['filter[voided]']) conds.push(query['filter[voided]'] === 'true' ? sql`p.deleted_at is not null` : sql`p.deleted_at is null`);
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (c: string) => `\\${c}`)}%`;
    conds.push(sql`(p.reference ilike ${like} or o.number ilike ${like})`);
  }
  const where = sql.join(conds, sql` and `);
  const page = keyset(parseSort(query.sort, paymentSorts, '-receivedOn'), sql`p.id`, query.cursor);
  const rows = await database.rows<PaymentRow>(
    sql`select ${paymentColumns}, ${page.sortValue} as sort_value ${paymentFrom} where ${where} and ${page.where} order by ${page.orderBy} limit ${query.limit + 1}`,
  );
  const { rows: kept, nextCursor } = pageOf(rows, query.limit, (r) => [r.sort_value ?? null, Number(r.id)]);
  const allocations = await allocationsOf(database, database.db, kept.map((r) => Number(r.id)));
  const count = await countRows(database, sql`payments p join orders o on o.id = p.order_id where ${where}`);
  return { data: kept.map((r) => toPayment(r, allocations.get(Number(r.id)) ?? [])), nextCursor, total: count.total, totalApproximate: count.approximate };
}

const paymentAudited = ['orderId', 'customerId', 'amount', 'receivedOn', 'method', 'reference', 'notes', 'voided', 'voidedReason'] as const;
function paymentChanges(before: Payment | null, after: Payment): Changes {
  const changes = diff(before, after, paymentAudited);
  const live = (p: Payment | null) => (p ? p.allocations.filter((a) => !a.reversed).map((a) => ({ instalmentId: a.instalmentId, amount: a.amount })) : null);
  const b = live(before);
  const a = live(after);
  if (JSON.stringify(b) !== JSON.stringify(a)) changes.allocations = { old: b, new: a };
  return changes;
}

/** What is still owed on the locked order: receivable minus live payments. */
async function openBalance(database: Database, tx: DbOrTx, order: LockedOrder): Promise<string> {
  const [row] = await database.rows<{ balance: string }>(
    sql`select (${order.receivable}::numeric - coalesce(sum(amount), 0))::numeric(20, 2)::text as balance from payments where order_id = ${order.id} and deleted_at is null`,
    tx,
  );
  return row?.balance ?? order.receivable;
}

/** Explicit allocations: instalments of this order's live plan, each within its open amount, summing to the payment. */
async function allocateExplicitly(database: Database, tx: DbOrTx, order: LockedOrder, paymentId: number, amount: string, allocations: NonNullable<CreatePaymentBody['allocations']>) {
  const seen = new Set<number>();
  for (const [n, a] of allocations.entries()) {
    if (seen.has(a.instalmentId)) throw invalid(`allocations.${n}.instalmentId`, `instalment ${a.instalmentId} is listed twice`, 'duplicate');
    seen.add(a.instalmentId);
    const [row] = await database.rows<{ seq: number; open: string; over: boolean }>(
      sql`select seq, (amount - paid_amount)::text as open, ${a.amount}::numeric > amount - paid_amount as over
          from payment_instalments where id = ${a.instalmentId} and order_id = ${order.id} and deleted_at is null`,
      tx,
    );
    if (!row) throw invalid(`allocations.${n}.instalmentId`, `instalment ${a.instalmentId} is not in the payment plan of order ${order.number}`, 'not_found');
    if (row.over) {
      throw refused(
        `allocations.${n}.amount`,
        'exceeds_open',
        `Instalment ${row.seq} has only ${row.open} open; ${a.amount} cannot be allocated to it.`,
        `第 ${row.seq} 期仅剩 ${row.open} 未回款，不能分配 ${a.amount}。`,
      );
    }
  }
  const values = sql.join(allocations.map((a) => sql`(${a.instalmentId}::bigint, ${a.amount}::numeric)`), sql`, `);
  const [sum] = await database.rows<{ sum: string; equal: boolean }>(
    sql`select sum(v.amount)::text as sum, sum(v.amount) = ${amount}::numeric as equal from (values ${values}) as v (instalment_id, amount)`,
    tx,
  );
  if (!sum?.equal) {
    throw refused('allocations', 'sum_mismatch', `The allocations sum to ${sum?.sum ?? '0'}, not the payment's ${amount}.`, `分配金额合计 ${sum?.sum ?? '0'}，与回款金额 ${amount} 不符。`);
  }
  await database.rows(
    sql`with allocated as (
          insert into payment_allocations (payment_id, instalment_id, amount)
          select ${paymentId}::bigint, v.instalment_id, v.amount from (values ${values}) as v (instalment_id, amount)
          returning instalment_id, amount
        )
        update payment_instalments i set paid_amount = i.paid_amount + a.amount from allocated a where i.id = a.instalment_id`,
    tx,
  );
}

export async function createPayment(database: Database, ctx: Ctx, input: CreatePaymentBody): Promise<Payment> {
  const { actor } = ctx;
  return database.db.transaction(async (tx) => {
    const order = await lockOrder(database, tx, actor, input.orderId);
    if (!order) throw invalid('orderId', `no such order ${input.orderId}`, 'not_found');
    assertOwed(order, 'payment', 'orderId');
    const balance = await openBalance(database, tx, order);
    const [check] = await database.rows<{ over: boolean }>(sql`select ${input.amount}::numeric > ${balance}::numeric as over`, tx);
    if (check?.over) {
      throw refused(
        'amount',
        'exceeds_balance',
        `${input.amount} is more than the open balance of order ${order.number}, ${balance}.`,
        `回款金额 ${input.amount} 超过订单 ${order.number} 的未回款余额 ${balance}。`,
      );
    }
    const [row] = await tx
      .insert(payments)
      .values({
        orderId: order.id,
        customerId: order.customerId,
        amount: input.amount,
        receivedOn: input.receivedOn,
        method: input.method,
        reference: input.reference ?? null,
        notes: input.notes ?? null,
        createdBy: actor.id,
        updatedBy: actor.id,
      })
      .returning({ id: payments.id });
    const id = Number(row!.id);
    if (input.allocations) {
      const [plan] = await database.rows<{ id: string | number }>(sql`select id from payment_plans where order_id = ${order.id} and deleted_at is null`, tx);
      if (!plan) throw invalid('allocations', `order ${order.number} has no payment plan to allocate to`, 'no_plan');
      await allocateExplicitly(database, tx, order, id, input.amount, input.allocations);
    } else {
      await allocateOldestFirst(database, tx, order.id, id, input.amount);
    }
    const created = await readPayment(database, tx, actor, id);
    await recordAudit(tx, ctx, { entity: 'payment', entityId: id, action: 'create', changes: paymentChanges(null, created) });
    return created;
  });
}

/** Voiding keeps the payment for the record, marks it deleted and gives its allocations back. */
export async function voidPayment(database: Database, ctx: Ctx, id: number, input: { version: number; reason: string }): Promise<Payment> {
  const { actor } = ctx;
  return database.db.transaction(async (tx) => {
    const found = await readPayment(database, tx, actor, id);
    const order = await lockOrder(database, tx, actor, found.orderId);
    if (!order) throw notFound();
    const before = await readPayment(database, tx, actor, id);
    if (before.voided) {
      throw conflict(msg(`This payment was already voided on ${before.voidedAt ?? ''}.`, `该回款已于 ${before.voidedAt ?? ''} 作废。`), [{ path: 'id', message: 'already voided', code: 'voided' }]);
    }
    if (before.version !== input.version) throw versionConflict(before);
    await database.rows(
      sql`with reversed as (
            update payment_allocations set reversed_at = now() where payment_id = ${id} and reversed_at is null returning instalment_id, amount
          )
          update payment_instalments i set paid_amount = i.paid_amount - r.amount from reversed r where i.id = r.instalment_id`,
      tx,
    );
    await updateVersioned(tx, payments, { id, version: input.version, actorId: actor.id, patch: { deletedAt: new Date(), deletedBy: actor.id, voidedReason: input.reason }, toApi: () => before });
    const after = await readPayment(database, tx, actor, id);
    await recordAudit(tx, ctx, { entity: 'payment', entityId: id, action: 'void', changes: paymentChanges(before, after) });
    return after;
  });
}

// ---- balances ----

/** Per order: paid (live payments) and, over its open instalments, what is overdue and how long. */
function orderBalances(timeZone: string): { paid: SQL; overdue: SQL } {
  const today = todayIn(timeZone);
  return {
    paid: sql`left join lateral (select coalesce(sum(pm.amount), 0)::numeric(20, 2) as paid from payments pm where pm.order_id = o.id and pm.deleted_at is null) pd on true`,
    overdue: sql`left join lateral (
        select coalesce(sum(i.amount - i.paid_amount), 0)::numeric(20, 2) as amount, coalesce(max(${today} - i.due_date), 0) as days
        from payment_instalments i
        where i.order_id = o.id and i.deleted_at is null and i.paid_amount < i.amount and i.due_date < ${today} and ${owedStatus(sql`o`)}
      ) od on true`,
  };
}

export async function orderReceivable(database: Database, ctx: Ctx, settings: ReceivablesSettings, orderId: number): Promise<OrderReceivable> {
  const b = orderBalances(settings.timeZone);
  const [row] = await database.rows<{
    id: string | number;
    number: string;
    status: OrderStatus;
    order_date: string;
    customer_id: string | number;
    total: string;
    returned_amount: string;
    receivable: string;
    paid: string;
    balance: string;
    overdue_amount: string;
    days_overdue: number;
    plan_id: string | number | null;
    plan_version: number | null;
    plan_notes: string | null;
    plan_difference: string | null;
  }>(sql`
    select o.id, o.number, o.status, o.order_date::text as order_date, o.customer_id, o.total::text as total, o.returned_amount::text as returned_amount,
      (o.total - o.returned_amount)::text as receivable, pd.paid::text as paid, (o.total - o.returned_amount - pd.paid)::text as balance,
      od.amount::text as overdue_amount, od.days::int as days_overdue,
      pl.id as plan_id, pl.version as plan_version, pl.notes as plan_notes,
      case when pl.id is null then null else (o.total - o.returned_amount - (select coalesce(sum(amount), 0) from payment_instalments where plan_id = pl.id and deleted_at is null))::numeric(20, 2)::text end as plan_difference
    from orders o
    ${b.paid}
    ${b.overdue}
    left join payment_plans pl on pl.order_id = o.id and pl.deleted_at is null
    where o.id = ${orderId} and o.deleted_at is null and ${ownedBy(ctx.actor, sql`o.owner_id`)}`);
  if (!row) throw notFound();
  const planId = row.plan_id === null ? null : Number(row.plan_id);
  const instalments = planId === null ? [] : ((await instalmentsOfPlans(database, database.db, [planId], settings.timeZone)).get(planId) ?? []);
  return {
    orderId: Number(row.id),
    orderNumber: row.number,
    orderStatus: row.status,
    orderDate: row.order_date,
    customerId: Number(row.customer_id),
    total: row.total,
    returnedAmount: row.returned_amount,
    receivable: row.receivable,
    paid: row.paid,
    balance: row.balance,
    overdueAmount: row.overdue_amount,
    daysOverdue: Number(row.days_overdue),
    plan: planId === null ? null : { id: planId, version: Number(row.plan_version), notes: row.plan_notes },
    planDifference: row.plan_difference,
    instalments,
  };
}

export async function customerReceivables(database: Database, ctx: Ctx, settings: ReceivablesSettings, customerId: number): Promise<CustomerReceivables> {
  await assertCustomerVisible(database.db, ctx.actor, customerId);
  const b = orderBalances(settings.timeZone);
  const owed = sql`
    select o.id, o.number, o.order_date, o.status, o.owner_id, (o.total - o.returned_amount) as receivable, pd.paid,
      (o.total - o.returned_amount - pd.paid) as balance, od.amount as overdue_amount, od.days as days_overdue
    from orders o ${b.paid} ${b.overdue}
    where o.customer_id = ${customerId} and o.deleted_at is null and ${owedStatus(sql`o`)} and ${ownedBy(ctx.actor, sql`o.owner_id`)}`;
  const [totals] = await database.rows<{ receivable: string; paid: string; balance: string; overdue: string }>(sql`
    select coalesce(sum(r.receivable), 0)::numeric(20, 2)::text as receivable, coalesce(sum(r.paid), 0)::numeric(20, 2)::text as paid,
      coalesce(sum(r.balance), 0)::numeric(20, 2)::text as balance, coalesce(sum(r.overdue_amount), 0)::numeric(20, 2)::text as overdue
    from (${owed}) r`);
  const rows = await database.rows<{
    id: string | number;
    number: string;
    order_date: string;
    status: OrderStatus;
    owner_id: string | number;
    owner_name: string | null;
    receivable: string;
    paid: string;
    balance: string;
    overdue_amount: string;
    days_overdue: number;
  }>(sql`
    select r.id, r.number, r.order_date::text as order_date, r.status, r.owner_id, u.name as owner_name, r.receivable::text as receivable, r.paid::text as paid,
      r.balance::text as balance, r.overdue_amount::text as overdue_amount, r.days_overdue::int as days_overdue
    from (${owed}) r left join users u on u.id = r.owner_id
    order by (r.balance > 0) desc, r.days_overdue desc, r.order_date desc, r.id desc
    limit 200`);
  return {
    customerId,
    receivable: totals?.receivable ?? '0.00',
    paid: totals?.paid ?? '0.00',
    balance: totals?.balance ?? '0.00',
    overdueAmount: totals?.overdue ?? '0.00',
    orders: rows.map((r) => ({
      orderId: Number(r.id),
      orderNumber: r.number,
      orderDate: r.order_date,
      orderStatus: r.status,
      ownerId: Number(r.owner_id),
      ownerName: r.owner_name,
      receivable: r.receivable,
      paid: r.paid,
      balance: r.balance,
      overdueAmount: r.overdue_amount,
      daysOverdue: Number(r.days_overdue),
    })),
  };
}

// ---- overdue (外欠款预警) ----

/**
 * The overdue instalments the actor may see, as a FROM … WHERE fragment over `i` (instalment)
 * alone. Scope, owner, department and customer filters go through the order's owner and customer
 * copied onto the instalment, and the conditions repeat the partial indexes' predicate, so the
 * planner reads only open instalments by due date, owner or customer — index-only for the
 * summaries. No order is read: a cancelled order's plan is withdrawn with it, so an open
 * instalment is always owed (orders/order-payments.ts).
 */
function overdueFrom(actor: Actor, timeZone: string, f: { ownerId?: 'me' | number | undefined; departmentId?: number | undefined; customerId?: number | undefined; minDays?: number | undefined }): SQL {
  const today = todayIn(timeZone);
  const conds: SQL[] = [sql`i.deleted_at is null and i.paid_amount < i.amount and i.due_date < ${today}`, ownedBy(actor, sql`i.owner_id`)];
  if (f.customerId !== undefined) conds.push(sql`i.customer_id = ${f.customerId}`);
  if (f.ownerId !== undefined) conds.push(sql`i.owner_id = ${f.ownerId === 'me' ? actor.id : f.ownerId}`);
  if (f.minDays !== undefined) conds.push(sql`i.due_date <= ${today} - ${f.minDays}::int`);
  if (f.departmentId !== undefined) {
    conds.push(
      sql`i.owner_id in (select u.id from users u where u.department_id in (with recursive tree(id) as (select ${f.departmentId}::bigint union select d.id from departments d join tree on d.parent_id = tree.id) select id from tree))`,
    );
  }
  return sql`payment_instalments i where ${sql.join(conds, sql` and `)}`;
}

export async function listOverdue(
  database: Database,
  ctx: Ctx,
  settings: ReceivablesSettings,
  query: OverdueListQuery,
): Promise<{ data: OverdueRow[]; nextCursor: string | null; total: number; totalApproximate: boolean }> {
  const from = overdueFrom(ctx.actor, settings.timeZone, {
    ownerId: query['filter[ownerId]'],
    departmentId: query['filter[departmentId]'],
    customerId: query['filter[customerId]'],
    minDays: query['filter[minDays]'],
  });
  // Most days overdue is the earliest due date: that sort walks the due-date index forwards.
  const spec: SortSpec =
    query.sort === '-daysOverdue' || query.sort === 'daysOverdue'
      ? { expr: sql`i.due_date`, kind: 'timestamp', desc: query.sort === 'daysOverdue', notNull: true }
      : { expr: sql`(i.amount - i.paid_amount)`, kind: 'number', desc: query.sort === '-overdueAmount', notNull: true };
  const page = keyset(spec, sql`i.id`, query.cursor);
  const today = todayIn(settings.timeZone);
  // orders, owners, customers and departments are joined after paging: they only label the rows
  const labelled = await database.rows<{
    id: string | number;
    seq: number;
    order_id: string | number;
    number: string;
    customer_id: string | number;
    customer_name: string | null;
    owner_id: string | number;
    owner_name: string | null;
    department_id: string | number | null;
    department_name: string | null;
    due_date: string;
    days_overdue: number;
    amount: string;
    paid_amount: string;
    open_amount: string;
    sort_value: string | null;
  }>(sql`
    select q.*, o.number, u.name as owner_name, u.department_id, c.name as customer_name, d.name as department_name
    from (
      select i.id, i.seq, i.order_id, i.owner_id, i.customer_id,
        i.due_date::text as due_date, (${today} - i.due_date)::int as days_overdue, i.amount::text as amount,
        i.paid_amount::text as paid_amount, (i.amount - i.paid_amount)::text as open_amount, ${page.sortValue} as sort_value,
        ${spec.expr} as sort_key
      from ${from} and ${page.where}
      order by ${page.orderBy}
      limit ${query.limit + 1}
    ) q
    join orders o on o.id = q.order_id
    left join users u on u.id = q.owner_id
    left join customers c on c.id = q.customer_id
    left join departments d on d.id = u.department_id
    order by q.sort_key ${spec.desc ? sql`desc` : sql`asc`}, q.id ${spec.desc ? sql`desc` : sql`asc`}`);
  const { rows: kept, nextCursor } = pageOf(labelled, query.limit, (r) => [r.sort_value, Number(r.id)]);
  const count = await countRows(database, from);
  return {
    data: kept.map((r) => ({
      instalmentId: Number(r.id),
      seq: Number(r.seq),
      orderId: Number(r.order_id),
      orderNumber: r.number,
      customerId: Number(r.customer_id),
      customerName: r.customer_name,
      ownerId: Number(r.owner_id),
      ownerName: r.owner_name,
      departmentId: numOrNull(r.department_id),
      departmentName: r.department_name,
      dueDate: r.due_date,
      daysOverdue: Number(r.days_overdue),
      amount: r.amount,
      paidAmount: r.paid_amount,
      openAmount: r.open_amount,
    })),
    nextCursor,
    total: count.total,
    totalApproximate: count.approximate,
  };
}

/** Totals per owner or department and overall, in one grouping-sets query so the total is the sum of the groups. */
export async function overdueSummary(database: Database, ctx: Ctx, settings: ReceivablesSettings, query: OverdueSummaryQuery): Promise<OverdueSummary> {
  const from = overdueFrom(ctx.actor, settings.timeZone, { ownerId: query['filter[ownerId]'], departmentId: query['filter[departmentId]'], minDays: query['filter[minDays]'] });
  const today = todayIn(settings.timeZone);
  // Per owner reads instalments alone; per department adds the owners (users, a small table).
  const key = query.groupBy === 'owner' ? sql`i.owner_id` : sql`u.department_id`;
  const owners = query.groupBy === 'owner' ? sql`` : sql` left join users u on u.id = i.owner_id`;
  const rows = await database.rows<{ key: string | number | null; is_total: boolean; n: number; amount: string; oldest: number }>(sql`
    select ${key} as key, grouping(${key}) = 1 as is_total, count(*)::int as n,
      coalesce(sum(i.amount - i.paid_amount), 0)::numeric(20, 2)::text as amount, coalesce(${today} - min(i.due_date), 0)::int as oldest
    from (select i.* from ${from}) i${owners}
    group by grouping sets ((${key}), ())`);
  const groups = rows.filter((r) => !r.is_total);
  const ids = groups.map((g) => g.key).filter((k): k is string | number => k !== null).map(Number);
  const names = new Map<number, string>();
  if (ids.length) {
    const table = query.groupBy === 'owner' ? sql`users` : sql`departments`;
    const found = await database.rows<{ id: string | number; name: string }>(sql`select id, name from ${table} where id in (${sql.join(ids.map((id) => sql`${id}::bigint`), sql`, `)})`);
    for (const f of found) names.set(Number(f.id), f.name);
  }
  const total = rows.find((r) => r.is_total);
  return {
    groupBy: query.groupBy,
    groups: groups
      .map((g) => ({ id: numOrNull(g.key), name: g.key === null ? null : (names.get(Number(g.key)) ?? null), count: Number(g.n), amount: g.amount, oldestDays: Number(g.oldest) }))
      .sort((a, b) => compareDecimal(b.amount, a.amount) || b.count - a.count),
    total: total ? { count: Number(total.n), amount: total.amount, oldestDays: Number(total.oldest) } : { count: 0, amount: '0.00', oldestDays: 0 },
  };
}

/** Orders two non-negative decimal strings with 2 decimals exactly, without turning them into floats. */
function compareDecimal(a: string, b: string): number {
  const [ai = '0', af = ''] = a.split('.');
  const [bi = '0', bf = ''] = b.split('.');
  if (ai.length !== bi.length) return ai.length - bi.length;
  const x = `${ai}.${af.padEnd(2, '0')}`;
  const y = `${bi}.${bf.padEnd(2, '0')}`;
  return x < y ? -1 : x > y ? 1 : 0;
}

export async function receivablesSummary(database: Database, ctx: Ctx, settings: ReceivablesSettings, scope: 'me' | 'team'): Promise<ReceivablesSummary> {
  const today = todayIn(settings.timeZone);
  const todayConst = todayOnce(settings.timeZone);
  const mine = (owner: SQL) => (scope === 'me' ? sql`${owner} = ${ctx.actor.id}` : ownedBy(ctx.actor, owner));
  const [row] = await database.rows<{ overdue_amount: string; overdue_count: number; soon_amount: string; soon_count: number; balance: string }>(sql`
    select
      coalesce(sum(i.amount - i.paid_amount) filter (where i.due_date < ${todayConst}), 0)::numeric(20, 2)::text as overdue_amount,
      (count(*) filter (where i.due_date < ${todayConst}))::int as overdue_count,
      coalesce(sum(i.amount - i.paid_amount) filter (where i.due_date >= ${todayConst}), 0)::numeric(20, 2)::text as soon_amount,
      (count(*) filter (where i.due_date >= ${todayConst}))::int as soon_count,
      (select (coalesce(sum(o.total - o.returned_amount), 0) - coalesce(sum(pd.paid), 0))::numeric(20, 2)::text
         from orders o
         left join lateral (select sum(pm.amount) as paid from payments pm where pm.order_id = o.id and pm.deleted_at is null) pd on true
         where o.deleted_at is null and ${owedStatus(sql`o`)} and ${mine(sql`o.owner_id`)}) as balance
    from payment_instalments i
    where i.deleted_at is null and i.paid_amount < i.amount and i.due_date <= ${today} + 7 and ${mine(sql`i.owner_id`)}`);
  return {
    scope,
    overdueAmount: row?.overdue_amount ?? '0.00',
    overdueCount: Number(row?.overdue_count ?? 0),
    openBalance: row?.balance ?? '0.00',
    dueSoonAmount: row?.soon_amount ?? '0.00',
    dueSoonCount: Number(row?.soon_count ?? 0),
  };
}
