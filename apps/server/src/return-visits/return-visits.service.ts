// Return visits (回访): the call after service or a delivery that asks how it went. Scheduled by
// rules — after a ticket closes, after an order is fulfilled — or by the complaint workflow once its
// solution is carried out; each becomes a task for the person who makes the call. The visit
// records satisfaction (1–5) and would-recommend (0–10), the inputs of CSAT and NPS.
import { and, asc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { ReturnVisit, returnVisitRule } from '@guanxi/contracts';
import type { Database, DbOrTx } from '../db/client.js';
import { customers, orders, returnVisitRules, returnVisits, serviceSettings, tickets, users } from '../db/schema.js';
import { diff, recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { ownedBy } from '../platform/data-scope.js';
import { conflict, msg, notFound } from '../platform/errors.js';
import { keyset, pageOf, parseSort } from '../platform/pagination.js';
import { auditFields, iso, updateVersioned } from '../platform/versioned.js';
import { addStepInTx } from '../tickets/ticket-steps.service.js';
import type { TicketRow } from '../tickets/tickets.service.js';

type VisitRow = typeof returnVisits.$inferSelect;
type RuleRow = typeof returnVisitRules.$inferSelect;
type Rule = z.infer<typeof returnVisitRule>;

async function rowsOf<T>(tx: DbOrTx, query: SQL): Promise<T[]> {
  return ((await tx.execute(query)) as unknown as { rows: T[] }).rows;
}

/** The task that reminds the caller: due at 10:00 local time on the scheduled day, keyed so it is made once. */
function taskInsert(timeZone: string): SQL {
  return sql`insert into tasks (kind, title, notes, due_at, assignee_id, customer_id, related_type, related_id, source_key, priority)
    select 'return_visit', '回访 Return visit：' || c.name, v.note, (v.scheduled_on + time '10:00') at time zone ${timeZone}, v.assignee_id, v.customer_id,
      v.related_type, v.related_id, 'return_visit:' || v.id, 'normal'
    from new_visits v join customers c on c.id = v.customer_id
    on conflict (source_key) where source_key is not null and deleted_at is null do nothing`;
}

/**
 * A visit for a ticket: `complaint` when a complaint's solution has been carried out (the visit is
 * a step of 投诉处理; delay from a matching rule, else the settings), `closed` when any other
 * ticket closes and a ticket_closed rule matches its type. Unknown callers (no customer) get none.
 */
export async function scheduleVisitForTicket(tx: DbOrTx, t: TicketRow, mode: 'complaint' | 'closed', timeZone: string): Promise<number | null> {
  if (t.customerId === null) return null;
  if (mode === 'closed' && t.type === 'complaint') return null;
  const [rule] = await tx
    .select()
    .from(returnVisitRules)
    .where(and(eq(returnVisitRules.trigger, 'ticket_closed'), eq(returnVisitRules.active, true), isNull(returnVisitRules.deletedAt), sql`(${returnVisitRules.ticketType} is null or ${returnVisitRules.ticketType} = ${t.type})`))
    .orderBy(sql`${returnVisitRules.ticketType} is null`, asc(returnVisitRules.id))
    .limit(1);
  if (!rule && mode === 'closed') return null;
  let delay = rule?.delayDays;
  if (delay === undefined) {
    const [s] = await tx.select({ d: serviceSettings.complaintVisitDelayDays }).from(serviceSettings).where(eq(serviceSettings.id, 1));
    delay = s?.d ?? 1;
  }
  const [who] = await rowsOf<{ owner_id: number | null }>(tx, sql`select owner_id from customers where id = ${t.customerId}`);
  const assignee = rule?.assignTo === 'customer_owner' ? (who?.owner_id ?? t.assigneeId ?? t.updatedBy) : (t.assigneeId ?? who?.owner_id ?? t.updatedBy);
  if (assignee === null || assignee === undefined) return null;
  const [visit] = await rowsOf<{ id: number }>(
    tx,
    sql`with new_visits as (
      insert into return_visits (customer_id, ticket_id, rule_id, scheduled_on, assignee_id, created_by, updated_by)
      values (${t.customerId}, ${t.id}, ${rule?.id ?? null}, ((now() at time zone ${timeZone})::date + ${delay}::int), ${assignee}, ${t.updatedBy}, ${t.updatedBy})
      on conflict (ticket_id) where ticket_id is not null and deleted_at is null and status = 'scheduled' do nothing
      returning id, customer_id, assignee_id, scheduled_on, 'ticket'::text as related_type, ticket_id as related_id, ${`工单 Ticket ${t.number}：${t.subject}`}::text as note
    ), tasks_made as (${taskInsert(timeZone)})
    select id from new_visits`,
  );
  if (visit) await recordAudit(tx, null, { entity: 'return_visit', entityId: visit.id, action: 'schedule', changes: { ticketId: { old: null, new: t.id } } });
  return visit ? Number(visit.id) : null;
}

/**
 * The daily job: a visit for every order fulfilled at least `delay` days ago under each active
 * order_fulfilled rule, once per order (unique index), with its task. Set-based, idempotent.
 */
export async function scheduleOrderVisits(database: Database, options: { asOf?: Date; timeZone: string }): Promise<Record<string, unknown>> {
  const asOf = options.asOf ?? new Date();
  const rules = await database.db
    .select()
    .from(returnVisitRules)
    .where(and(eq(returnVisitRules.trigger, 'order_fulfilled'), eq(returnVisitRules.active, true), isNull(returnVisitRules.deletedAt)))
    .orderBy(asc(returnVisitRules.id));
  let scheduled = 0;
  for (const rule of rules) {
    const made = await database.db.transaction(async (tx) => {
      const rows = await rowsOf<{ n: number }>(
        tx,
        sql`with new_visits as (
          insert into return_visits (customer_id, order_id, rule_id, scheduled_on, assignee_id)
          select o.customer_id, o.id, ${rule.id}, (o.fulfilled_at at time zone ${options.timeZone})::date + ${rule.delayDays}::int, coalesce(c.owner_id, o.owner_id)
          from orders o join customers c on c.id = o.customer_id
          where o.status = 'fulfilled' and o.deleted_at is null and o.fulfilled_at is not null
            -- due by now; a new rule reaches back a week past its delay, not through years of history
            and o.fulfilled_at + ${rule.delayDays}::int * interval '1 day' <= ${asOf}::timestamptz
            and o.fulfilled_at >= ${rule.createdAt}::timestamptz - (${rule.delayDays}::int + 7) * interval '1 day'
            and coalesce(c.owner_id, o.owner_id) is not null
          on conflict (order_id) where order_id is not null and deleted_at is null do nothing
          returning id, customer_id, assignee_id, scheduled_on, 'order'::text as related_type, order_id as related_id,
            ('订单 Order ' || (select number from orders where id = order_id))::text as note
        ), tasks_made as (${taskInsert(options.timeZone)}),
        audited as (insert into audit_log (actor_id, entity, entity_id, action, changes)
          select null, 'return_visit', id::text, 'schedule', jsonb_build_object('orderId', jsonb_build_object('old', null, 'new', related_id)) from new_visits)
        select count(*)::int as n from new_visits`,
      );
      return Number(rows[0]?.n ?? 0);
    });
    scheduled += made;
  }
  return { rules: rules.length, scheduled };
}

// ---- visits ----

const selectVisit = {
  v: returnVisits,
  customerName: customers.name,
  assigneeName: users.name,
  ticketNumber: tickets.number,
  orderNumber: orders.number,
};
type VisitJoined = { v: VisitRow; customerName: string | null; assigneeName: string | null; ticketNumber: string | null; orderNumber: string | null };

function toVisit(r: VisitJoined): ReturnVisit {
  const v = r.v;
  return {
    id: v.id,
    customerId: v.customerId,
    customerName: r.customerName,
    ticketId: v.ticketId,
    ticketNumber: r.ticketNumber,
    orderId: v.orderId,
    orderNumber: r.orderNumber,
    scheduledOn: v.scheduledOn,
    assigneeId: v.assigneeId,
    assigneeName: r.assigneeName,
    status: v.status,
    satisfaction: v.satisfaction,
    wouldRecommend: v.wouldRecommend,
    comment: v.comment,
    doneAt: iso(v.doneAt),
    ...auditFields(v),
  };
}
const plain = (v: VisitRow) => toVisit({ v, customerName: null, assigneeName: null, ticketNumber: null, orderNumber: null });

const visitQuery = (db: DbOrTx) =>
  db
    .select(selectVisit)
    .from(returnVisits)
    .leftJoin(customers, eq(customers.id, returnVisits.customerId))
    .leftJoin(users, eq(users.id, returnVisits.assigneeId))
    .leftJoin(tickets, eq(tickets.id, returnVisits.ticketId))
    .leftJoin(orders, eq(orders.id, returnVisits.orderId));

/** Visits are the caller's work: scope over the assignee, like tasks. */
async function findVisit(tx: DbOrTx, ctx: Ctx, id: number): Promise<VisitRow> {
  const [row] = await tx.select().from(returnVisits).where(and(eq(returnVisits.id, id), isNull(returnVisits.deletedAt), ownedBy(ctx.actor, returnVisits.assigneeId)));
  if (!row) throw notFound();
  return row;
}

export async function getVisit(database: Database, ctx: Ctx, id: number): Promise<ReturnVisit> {
  await findVisit(database.db, ctx, id);
  const [row] = await visitQuery(database.db).where(eq(returnVisits.id, id));
  return toVisit(row!);
}

const sortColumns = {
  scheduledOn: { expr: sql`${returnVisits.scheduledOn}`, kind: 'text' as const, notNull: true },
  createdAt: { expr: sql`${returnVisits.createdAt}`, kind: 'timestamp' as const, notNull: true },
};

export async function listVisits(
  database: Database,
  ctx: Ctx,
  query: { sort?: string | undefined; limit: number; cursor?: string | undefined; q?: string | undefined; 'filter[status]'?: VisitRow['status'] | undefined; 'filter[assigneeId]'?: 'me' | number | undefined; 'filter[customerId]'?: number | undefined; 'filter[ticketId]'?: number | undefined },
) {
  const filters: SQL[] = [sql`${returnVisits.deletedAt} is null`, ownedBy(ctx.actor, returnVisits.assigneeId)];
  if (query['filter[status]']) filters.push(sql`${returnVisits.status} = ${query['filter[status]']}`);
  const a = query['filter[assigneeId]'];
  if (a !== undefined) filters.push(sql`${returnVisits.assigneeId} = ${a === 'me' ? ctx.actor.id : a}`);
  if (query['filter[customerId]']) filters.push(sql`${returnVisits.customerId} = ${query['filter[customerId]']}`);
  if (query['filter[ticketId]']) filters.push(sql`${returnVisits.ticketId} = ${query['filter[ticketId]']}`);
  if (query.q) filters.push(sql`${customers.name} ilike ${`%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`);
  const where = sql.join(filters, sql` and `);
  const spec = parseSort(query.sort, sortColumns, 'scheduledOn');
  const page = keyset(spec, sql`${returnVisits.id}`, query.cursor);
  const rows = await database.db
    .select({ ...selectVisit, sortValue: sql<string | null>`${page.sortValue}` })
    .from(returnVisits)
    .leftJoin(customers, eq(customers.id, returnVisits.customerId))
    .leftJoin(users, eq(users.id, returnVisits.assigneeId))
    .leftJoin(tickets, eq(tickets.id, returnVisits.ticketId))
    .leftJoin(orders, eq(orders.id, returnVisits.orderId))
    .where(sql`${where} and ${page.where}`)
    .orderBy(page.orderBy)
    .limit(query.limit + 1);
  const [count] = await database.rows<{ n: number }>(sql`select count(*)::int as n from return_visits left join customers on customers.id = return_visits.customer_id where ${where}`);
  const shown = pageOf(rows, query.limit, (r) => [r.sortValue, r.v.id]);
  return { data: shown.rows.map(toVisit), nextCursor: shown.nextCursor, total: count?.n ?? 0 };
}

const visitAudited = ['status', 'satisfaction', 'wouldRecommend', 'comment'] as const;

interface Answers {
  satisfaction: number;
  wouldRecommend: number | null;
  comment: string | null;
}

async function finishVisit(tx: DbOrTx, ctx: Ctx, before: VisitRow, version: number, answers: Answers): Promise<VisitRow> {
  if (before.status !== 'scheduled') throw conflict(msg('This return visit is already done or cancelled.', '该回访已完成或已取消。'), [{ path: 'status', message: before.status, code: 'not_scheduled' }]);
  const row = await updateVersioned(tx, returnVisits, {
    id: before.id,
    version,
    actorId: ctx.actor.id,
    patch: { status: 'done', satisfaction: answers.satisfaction, wouldRecommend: answers.wouldRecommend, comment: answers.comment, doneAt: new Date(), doneBy: ctx.actor.id },
    toApi: plain,
  });
  await tx.execute(sql`update tasks set done_at = now(), updated_at = now(), version = version + 1 where source_key = ${`return_visit:${before.id}`} and done_at is null and deleted_at is null`);
  await recordAudit(tx, ctx, { entity: 'return_visit', entityId: before.id, action: 'complete', changes: diff(plain(before), plain(row), visitAudited) });
  return row;
}

/** Completing a visit of a complaint records the workflow's `visited` step in the same transaction. */
export async function completeVisit(database: Database, ctx: Ctx, id: number, input: { satisfaction: number; wouldRecommend: number; comment?: string | null | undefined; version: number }, timeZone: string): Promise<ReturnVisit> {
  return database.db.transaction(async (tx) => {
    const before = await findVisit(tx, ctx, id);
    const answers = { satisfaction: input.satisfaction, wouldRecommend: input.wouldRecommend, comment: input.comment ?? null };
    await finishVisit(tx, ctx, before, input.version, answers);
    if (before.ticketId !== null) {
      const [t] = await tx.select().from(tickets).where(and(eq(tickets.id, before.ticketId), isNull(tickets.deletedAt))).for('update');
      if (t && t.type === 'complaint' && t.complaintStage === 'carried_out') {
        await addStepInTx(tx, ctx, t, { step: 'visited', satisfaction: answers.satisfaction, wouldRecommend: answers.wouldRecommend, comment: answers.comment, note: null, version: t.version }, timeZone, { fromVisitId: id });
      }
    }
    const [row] = await visitQuery(tx).where(eq(returnVisits.id, id));
    return toVisit(row!);
  });
}

/** The `visited` step recorded on the ticket completes its scheduled visit, if there is one. */
export async function completeVisitForTicket(tx: DbOrTx, ctx: Ctx, ticketId: number, answers: Answers): Promise<void> {
  const [open] = await tx.select().from(returnVisits).where(and(eq(returnVisits.ticketId, ticketId), eq(returnVisits.status, 'scheduled'), isNull(returnVisits.deletedAt)));
  if (open) await finishVisit(tx, ctx, open, open.version, answers);
}

export async function cancelVisit(database: Database, ctx: Ctx, id: number, version: number): Promise<ReturnVisit> {
  return database.db.transaction(async (tx) => {
    const before = await findVisit(tx, ctx, id);
    if (before.status !== 'scheduled') throw conflict(msg('This return visit is already done or cancelled.', '该回访已完成或已取消。'), [{ path: 'status', message: before.status, code: 'not_scheduled' }]);
    const row = await updateVersioned(tx, returnVisits, { id, version, actorId: ctx.actor.id, patch: { status: 'cancelled' }, toApi: plain });
    await tx.execute(sql`update tasks set deleted_at = now() where source_key = ${`return_visit:${id}`} and done_at is null and deleted_at is null`);
    await recordAudit(tx, ctx, { entity: 'return_visit', entityId: id, action: 'cancel', changes: diff(plain(before), plain(row), ['status']) });
    const [joined] = await visitQuery(tx).where(eq(returnVisits.id, id));
    return toVisit(joined!);
  });
}

// ---- rules ----

const ruleAudited = ['name', 'trigger', 'ticketType', 'delayDays', 'assignTo', 'active'] as const;
function toRule(r: RuleRow): Rule {
  return { id: r.id, name: r.name, trigger: r.trigger, ticketType: r.ticketType, delayDays: r.delayDays, assignTo: r.assignTo, active: r.active, ...auditFields(r) };
}

export async function listVisitRules(database: Database): Promise<Rule[]> {
  return (await database.db.select().from(returnVisitRules).where(isNull(returnVisitRules.deletedAt)).orderBy(asc(returnVisitRules.id))).map(toRule);
}

async function findRule(tx: DbOrTx, id: number): Promise<RuleRow> {
  const [row] = await tx.select().from(returnVisitRules).where(and(eq(returnVisitRules.id, id), isNull(returnVisitRules.deletedAt)));
  if (!row) throw notFound();
  return row;
}

export async function createVisitRule(database: Database, ctx: Ctx, input: Pick<RuleRow, 'name' | 'trigger' | 'ticketType' | 'delayDays' | 'assignTo' | 'active'>): Promise<Rule> {
  return database.db.transaction(async (tx) => {
    const [row] = await tx.insert(returnVisitRules).values({ ...input, createdBy: ctx.actor.id, updatedBy: ctx.actor.id }).returning();
    await recordAudit(tx, ctx, { entity: 'return_visit_rule', entityId: row!.id, action: 'create', changes: diff(null, row!, ruleAudited) });
    return toRule(row!);
  });
}

export async function updateVisitRule(database: Database, ctx: Ctx, id: number, input: Partial<Pick<RuleRow, 'name' | 'ticketType' | 'delayDays' | 'assignTo' | 'active'>> & { version: number }): Promise<Rule> {
  return database.db.transaction(async (tx) => {
    const before = await findRule(tx, id);
    const { version, ...patch } = input;
    if (before.trigger === 'order_fulfilled' && (patch.ticketType || patch.assignTo === 'ticket_assignee')) {
      throw conflict(msg('An order rule has no ticket type or ticket assignee.', '订单回访规则没有工单类型或工单处理人。'));
    }
    const row = await updateVersioned(tx, returnVisitRules, { id, version, actorId: ctx.actor.id, patch, toApi: toRule });
    await recordAudit(tx, ctx, { entity: 'return_visit_rule', entityId: id, action: 'update', changes: diff(before, row, ruleAudited) });
    return toRule(row);
  });
}

export async function deleteVisitRule(database: Database, ctx: Ctx, id: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    await findRule(tx, id);
    await tx.update(returnVisitRules).set({ deletedAt: sql`now()`, updatedBy: ctx.actor.id }).where(eq(returnVisitRules.id, id));
    await recordAudit(tx, ctx, { entity: 'return_visit_rule', entityId: id, action: 'delete' });
  });
}
