// Tickets: create (routed by the assignment rules, SLA clock started), read, change, assign,
// move through statuses (waiting on the customer pauses the clock), and the reply thread.
// The complaint workflow lives in ticket-steps.service.ts, attachments in ticket-attachments.service.ts.
import { and, asc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Ticket, TicketDetail, TicketReply } from '@guanxi/contracts';
import type { Actor } from '../auth/actor.js';
import type { Database, DbOrTx } from '../db/client.js';
import { customers, departments, slaPolicies, ticketReplies, tickets, users } from '../db/schema.js';
import { queueReplyMail, type Delivery, type MailSettings } from '../mail/outbound-mail.js';
import { diff, recordAudit } from '../platform/audit.js';
import type { Ctx, SystemCtx } from '../platform/context.js';
import { conflict, invalid, msg, notFound } from '../platform/errors.js';
import { countRows, keyset, pageOf, parseSort } from '../platform/pagination.js';
import { auditFields, iso, isoNN, updateVersioned } from '../platform/versioned.js';
import { customerVisible, customerVisibleRow } from '../customers/customer-scope.js';
import { businessMinutesTaken, resumeClock, startClock } from '../sla/sla-clock.js';
import { scheduleVisitForTicket } from '../return-visits/return-visits.service.js';
import { chooseAssignee } from './ticket-assignment.service.js';
import { listAttachments } from './ticket-attachments.service.js';
import { activeStatuses, queueFilter, queueImpliesScope, resolveScope, ticketVisible, ticketVisibleRow } from './ticket-scope.js';
import { listSteps, nextStepsAfter } from './ticket-steps.service.js';

export type TicketRow = typeof tickets.$inferSelect;
type Status = TicketRow['status'];
type Priority = TicketRow['priority'];

const audited = [
  'type', 'subtype', 'customerId', 'contactId', 'callerName', 'callerPhone', 'callerEmail', 'channel', 'subject', 'description', 'category', 'rootCause',
  'priority', 'productId', 'orderId', 'teamId', 'assigneeId', 'status', 'complaintStage',
] as const;

interface Joined {
  ticket: TicketRow;
  customerName: string | null;
  teamName: string | null;
  assigneeName: string | null;
  lastStep: { step: string; data: Record<string, unknown> } | null;
}

export function toTicket(r: Joined): Ticket {
  const t = r.ticket;
  return {
    id: t.id,
    number: t.number,
    type: t.type,
    subtype: t.subtype,
    customerId: t.customerId,
    customerName: r.customerName,
    contactId: t.contactId,
    callerName: t.callerName,
    callerPhone: t.callerPhone,
    callerEmail: t.callerEmail,
    channel: t.channel,
    subject: t.subject,
    description: t.description,
    category: t.category,
    rootCause: t.rootCause,
    priority: t.priority,
    productId: t.productId,
    orderId: t.orderId,
    teamId: t.teamId,
    teamName: r.teamName,
    assigneeId: t.assigneeId,
    assigneeName: r.assigneeName,
    status: t.status,
    complaintStage: t.complaintStage,
    nextSteps: t.type === 'complaint' ? nextStepsAfter(r.lastStep) : [],
    sla: {
      customerTier: t.customerTier,
      policyId: t.slaPolicyId,
      firstResponseDueAt: iso(t.firstResponseDueAt),
      resolutionDueAt: iso(t.resolutionDueAt),
      firstRespondedAt: iso(t.firstRespondedAt),
      resolvedAt: iso(t.resolvedAt),
      closedAt: iso(t.closedAt),
      pausedSince: iso(t.pausedSince),
      pausedMinutes: t.pausedMinutes,
      firstResponse: t.slaFirstResponse,
      resolution: t.slaResolution,
      nearBreach: t.nearBreach,
      escalatedAt: iso(t.escalatedAt),
    },
    ...auditFields(t),
  };
}

const lastStepExpr = sql<{ step: string; data: Record<string, unknown> } | null>`(select jsonb_build_object('step', s.step, 'data', s.data) from ticket_steps s where s.ticket_id = ${tickets.id} order by s.id desc limit 1)`;
const selectJoined = {
  ticket: tickets,
  customerName: customers.name,
  teamName: departments.name,
  assigneeName: users.name,
  lastStep: sql<{ step: string; data: Record<string, unknown> } | null>`case when ${tickets.type} = 'complaint' then ${lastStepExpr} end`,
};
const joinedQuery = (db: DbOrTx) =>
  db.select(selectJoined).from(tickets).leftJoin(customers, eq(customers.id, tickets.customerId)).leftJoin(departments, eq(departments.id, tickets.teamId)).leftJoin(users, eq(users.id, tickets.assigneeId));

/**
 * A ticket the caller may see: in their team scope, or about a customer they may see. Tested on
 * the row's own columns (a primary-key lookup): `id in (scope)` here listed the whole scope per call.
 */
export function canSeeTicket(actor: Actor): SQL {
  if (actor.dataScope === 'all') return sql`true`;
  return sql`(${ticketVisibleRow(actor, 'tickets')}
    or exists (select 1 from customers c where c.id = tickets.customer_id and c.deleted_at is null and ${customerVisibleRow(actor, 'c')}))`;
}

export async function findTicketRow(tx: DbOrTx, actor: Actor, id: number, forUpdate = false): Promise<TicketRow> {
  const q = tx.select().from(tickets).where(and(eq(tickets.id, id), isNull(tickets.deletedAt), canSeeTicket(actor)));
  const [row] = forUpdate ? await q.for('update') : await q;
  if (!row) throw notFound();
  return row;
}

export async function loadTicket(tx: DbOrTx, id: number): Promise<Ticket> {
  const [row] = await joinedQuery(tx).where(eq(tickets.id, id));
  if (!row) throw notFound();
  return toTicket(row);
}

export async function getTicket(database: Database, ctx: Ctx, id: number): Promise<TicketDetail> {
  await findTicketRow(database.db, ctx.actor, id);
  const [t, replies, steps, attachments] = await Promise.all([
    loadTicket(database.db, id),
    listReplies(database.db, id),
    listSteps(database.db, id),
    listAttachments(database.db, id),
  ]);
  return { ...t, replies, steps, attachments };
}

// ---- list and queues ----

const priorityRank = sql`(case ${tickets.priority} when 'urgent' then 4 when 'high' then 3 when 'normal' then 2 else 1 end)`;
const sortColumns = {
  createdAt: { expr: sql`${tickets.createdAt}`, kind: 'timestamp' as const, notNull: true },
  updatedAt: { expr: sql`${tickets.updatedAt}`, kind: 'timestamp' as const, notNull: true },
  priority: { expr: priorityRank, kind: 'number' as const, notNull: true },
  resolutionDueAt: { expr: sql`${tickets.resolutionDueAt}`, kind: 'timestamp' as const },
  number: { expr: sql`${tickets.number}`, kind: 'text' as const, notNull: true },
};

export interface TicketListQuery {
  q?: string | undefined;
  sort?: string | undefined;
  limit: number;
  cursor?: string | undefined;
  'filter[queue]'?: 'mine' | 'team' | 'unassigned' | 'breaching_soon' | 'breached' | undefined;
  'filter[status]'?: Status | 'active' | undefined;
  'filter[type]'?: TicketRow['type'] | undefined;
  'filter[priority]'?: Priority | undefined;
  'filter[customerId]'?: number | undefined;
  'filter[assigneeId]'?: number | undefined;
  'filter[teamId]'?: number | undefined;
}

const activeStatusList: readonly Status[] = ['new', 'open', 'pending_customer'];

export async function listTickets(database: Database, ctx: Ctx, query: TicketListQuery) {
  const customerId = query['filter[customerId]'];
  const queue = query['filter[queue]'];
  const status = query['filter[status]'];
  // Every queue, and a status filter among the active ones, lists only active tickets.
  const activeOnly = queue !== undefined || status === 'active' || (status !== undefined && activeStatusList.includes(status));
  const actor = await resolveScope(database, ctx.actor);
  // With the owners and teams named, the row test is index conditions (a BitmapOr over the active
  // indexes for queues; newest first, a walk of created_at for history) — measured fastest in
  // bench/service/notes.md; a scope too wide to name keeps the set shape, on active tickets only
  // when that is all the list shows. The customer's page lists all its tickets for whoever may see
  // the customer; every other list is the team scope.
  let scope = queueImpliesScope(actor, queue) ? sql`true` : actor.owners !== null ? ticketVisibleRow(actor, 'tickets') : ticketVisible(actor, 'tickets', { activeOnly });
  if (customerId !== undefined) {
    const [visible] = await database.rows<{ ok: boolean }>(sql`select exists (select 1 from customers c where c.id = ${customerId} and c.deleted_at is null and ${customerVisible(ctx.actor, 'c')}) as ok`);
    if (visible?.ok) scope = sql`true`;
  }
  const filters: SQL[] = [sql`tickets.deleted_at is null`, scope];
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    filters.push(sql`(tickets.number ilike ${like} or tickets.subject ilike ${like} or tickets.caller_name ilike ${like} or tickets.caller_phone ilike ${like})`);
  }
  if (queue) filters.push(queueFilter(actor, queue, 'tickets'));
  if (status === 'active') filters.push(sql`tickets.status in ${activeStatuses}`);
  else if (status) filters.push(sql`tickets.status = ${status}`);
  if (query['filter[type]']) filters.push(sql`tickets.type = ${query['filter[type]']}`);
  if (query['filter[priority]']) filters.push(sql`tickets.priority = ${query['filter[priority]']}`);
  if (customerId !== undefined) filters.push(sql`tickets.customer_id = ${customerId}`);
  if (query['filter[assigneeId]']) filters.push(sql`tickets.assignee_id = ${query['filter[assigneeId]']}`);
  if (query['filter[teamId]']) filters.push(sql`tickets.team_id = ${query['filter[teamId]']}`);
  const where = sql.join(filters, sql` and `);
  const spec = parseSort(query.sort, sortColumns, queue === 'breaching_soon' || queue === 'breached' ? 'resolutionDueAt' : '-createdAt');
  const page = keyset(spec, sql`${tickets.id}`, query.cursor);
  // The page's ids first, on tickets alone (an index walk in the sort order that stops at limit + 1);
  // the names are joined to those rows only, not to every ticket in the queue before the sort.
  const ids = database.db.$with('page').as(
    database.db
      .select({ id: sql<number>`${tickets.id}`.as('page_id'), sortValue: sql<string | null>`${page.sortValue}`.as('sort_value') })
      .from(tickets)
      .where(sql`${where} and ${page.where}`)
      .orderBy(page.orderBy)
      .limit(query.limit + 1),
  );
  const rows = await database.db
    .with(ids)
    .select({ ...selectJoined, sortValue: ids.sortValue })
    .from(ids)
    .innerJoin(tickets, eq(tickets.id, ids.id))
    .leftJoin(customers, eq(customers.id, tickets.customerId))
    .leftJoin(departments, eq(departments.id, tickets.teamId))
    .leftJoin(users, eq(users.id, tickets.assigneeId))
    .orderBy(page.orderBy);
  const shown = pageOf(rows, query.limit, (r) => [r.sortValue, r.ticket.id]);
  // exact up to countRows' cap, else the planner's estimate, flagged totalApproximate
  const count = await countRows(database, sql`tickets where ${where}`);
  return { data: shown.rows.map(toTicket), nextCursor: shown.nextCursor, total: count.total, ...(count.approximate ? { totalApproximate: true } : {}) };
}

// ---- create ----

export interface CreateTicketInput {
  type: TicketRow['type'];
  subtype?: TicketRow['subtype'] | undefined;
  customerId?: number | null | undefined;
  contactId?: number | null | undefined;
  callerName?: string | null | undefined;
  callerPhone?: string | null | undefined;
  callerEmail?: string | null | undefined;
  channel: TicketRow['channel'];
  subject: string;
  description?: string | null | undefined;
  category?: string | null | undefined;
  priority: Priority;
  productId?: number | null | undefined;
  orderId?: number | null | undefined;
  teamId?: number | null | undefined;
  assigneeId?: number | null | undefined;
}

async function exists(tx: DbOrTx, query: SQL): Promise<boolean> {
  const r = (await tx.execute(sql`select exists (${query}) as ok`)) as unknown as { rows: Array<{ ok: boolean }> };
  return r.rows[0]?.ok === true;
}

/** References a ticket may hold: live customers, a contact of that customer, live products and orders (of that customer). */
async function checkRefs(tx: DbOrTx, v: { customerId: number | null; contactId: number | null; productId: number | null; orderId: number | null }): Promise<void> {
  if (v.customerId !== null && !(await exists(tx, sql`select 1 from customers where id = ${v.customerId} and deleted_at is null`))) throw invalid('customerId', 'no such customer', 'not_found');
  if (v.contactId !== null) {
    if (v.customerId === null) throw invalid('contactId', 'a contact needs the customer it belongs to', 'required');
    if (!(await exists(tx, sql`select 1 from customer_contacts cc join contacts c on c.id = cc.contact_id where cc.contact_id = ${v.contactId} and cc.customer_id = ${v.customerId} and c.deleted_at is null`))) {
      throw invalid('contactId', 'not a contact of this customer', 'not_found');
    }
  }
  if (v.productId !== null && !(await exists(tx, sql`select 1 from products where id = ${v.productId} and deleted_at is null`))) throw invalid('productId', 'no such product', 'not_found');
  if (v.orderId !== null) {
    const sameCustomer = v.customerId === null ? sql`true` : sql`customer_id = ${v.customerId}`;
    if (!(await exists(tx, sql`select 1 from orders where id = ${v.orderId} and deleted_at is null and ${sameCustomer}`))) throw invalid('orderId', 'no such order of this customer', 'not_found');
  }
}

async function checkTeam(tx: DbOrTx, teamId: number): Promise<void> {
  if (!(await exists(tx, sql`select 1 from departments where id = ${teamId} and deleted_at is null`))) throw invalid('teamId', 'no such team (department)', 'not_found');
}

/** An assignee is an active user who may work tickets (service.write). */
export async function checkAgent(tx: DbOrTx, userId: number, path = 'assigneeId'): Promise<{ departmentId: number | null }> {
  const r = (await tx.execute(sql`select u.department_id from users u join roles r on r.id = u.role_id
    where u.id = ${userId} and u.active and u.deleted_at is null and 'service.write' = any(r.permissions)`)) as unknown as { rows: Array<{ department_id: number | null }> };
  const row = r.rows[0];
  if (!row) throw invalid(path, 'not an active user who may work tickets', 'not_found');
  return { departmentId: row.department_id === null ? null : Number(row.department_id) };
}

async function customerTier(tx: DbOrTx, customerId: number | null): Promise<TicketRow['customerTier']> {
  if (customerId === null) return null;
  const [c] = await tx.select({ importance: customers.importance }).from(customers).where(eq(customers.id, customerId));
  return c?.importance ?? null;
}

/** T + local date + the id, zero-padded: unique (the id is), sortable and readable on the phone. */
function ticketNumber(id: number, createdAt: Date, timeZone: string): string {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(createdAt).replaceAll('-', '');
  return `T${day}${String(id).padStart(6, '0')}`;
}

export async function createTicket(database: Database, ctx: Ctx, input: CreateTicketInput, timeZone: string): Promise<Ticket> {
  return database.db.transaction((tx) => createTicketInTx(tx, ctx, input, timeZone));
}

/** Creates a ticket in the caller's transaction; a ticket nobody took in (inbound email) has ctx.actor null. */
export async function createTicketInTx(tx: DbOrTx, ctx: Ctx | SystemCtx, input: CreateTicketInput, timeZone: string): Promise<Ticket> {
  const customerId = input.customerId ?? null;
  await checkRefs(tx, { customerId, contactId: input.contactId ?? null, productId: input.productId ?? null, orderId: input.orderId ?? null });
  let teamId = input.teamId ?? null;
  let assigneeId = input.assigneeId ?? null;
  if (teamId !== null) await checkTeam(tx, teamId);
  if (assigneeId !== null) {
    const agent = await checkAgent(tx, assigneeId);
    teamId ??= agent.departmentId;
  } else {
    const routed = await chooseAssignee(tx, { type: input.type, category: input.category ?? null, customerId, teamId });
    assigneeId = routed.assigneeId;
    teamId = routed.teamId ?? teamId;
  }
  // a ticket nobody routed stays with the team of whoever took it in
  teamId ??= ctx.actor?.departmentId ?? null;
  const now = new Date();
  const tier = await customerTier(tx, customerId);
  const clock = await startClock(tx, { importance: tier, priority: input.priority, start: now, pausedMinutes: 0 }, timeZone);
  const [row] = await tx
    .insert(tickets)
    .values({
      number: `pending-${now.getTime()}-${Math.random().toString(36).slice(2)}`,
      type: input.type,
      subtype: input.subtype ?? null,
      customerId,
      contactId: input.contactId ?? null,
      callerName: input.callerName ?? null,
      callerPhone: input.callerPhone ?? null,
      callerEmail: input.callerEmail ?? null,
      channel: input.channel,
      subject: input.subject,
      description: input.description ?? null,
      category: input.category ?? null,
      priority: input.priority,
      productId: input.productId ?? null,
      orderId: input.orderId ?? null,
      teamId,
      assigneeId,
      assignedAt: assigneeId === null ? null : now,
      status: 'new',
      complaintStage: input.type === 'complaint' ? 'received' : null,
      customerTier: tier,
      ...clock,
      createdAt: now,
      updatedAt: now,
      createdBy: ctx.actor?.id ?? null,
      updatedBy: ctx.actor?.id ?? null,
    })
    .returning();
  const [numbered] = await tx.update(tickets).set({ number: ticketNumber(row!.id, now, timeZone) }).where(eq(tickets.id, row!.id)).returning();
  if (input.type === 'complaint') {
    // 投诉处理 starts with receiving the complaint: the first step is the intake itself.
    await tx.execute(sql`insert into ticket_steps (ticket_id, step, actor_id, at, note, data) values (${row!.id}, 'received', ${ctx.actor?.id ?? null}, ${now}, null, ${JSON.stringify({ channel: input.channel })}::jsonb)`);
  }
  await recordAudit(tx, ctx, { entity: 'ticket', entityId: row!.id, action: 'create', changes: diff(null, numbered!, audited) });
  return loadTicket(tx, row!.id);
}

// ---- update ----

export type UpdateTicketInput = Partial<Pick<TicketRow, 'subtype' | 'customerId' | 'contactId' | 'callerName' | 'callerPhone' | 'callerEmail' | 'subject' | 'description' | 'category' | 'rootCause' | 'priority' | 'productId' | 'orderId'>> & { version: number };

async function policyOf(tx: DbOrTx, id: number | null) {
  if (id === null) return null;
  const [p] = await tx.select().from(slaPolicies).where(eq(slaPolicies.id, id));
  return p ?? null;
}

export async function updateTicket(database: Database, ctx: Ctx, id: number, input: UpdateTicketInput, timeZone: string): Promise<Ticket> {
  return database.db.transaction(async (tx) => {
    const before = await findTicketRow(tx, ctx.actor, id);
    const { version, ...patch } = input;
    const merged = { ...before, ...patch };
    if (merged.subtype && merged.type !== 'after_sales') throw invalid('subtype', 'only after-sales tickets have a subtype');
    await checkRefs(tx, {
      customerId: patch.customerId !== undefined ? patch.customerId : null,
      contactId: patch.contactId !== undefined || patch.customerId !== undefined ? merged.contactId : null,
      productId: patch.productId ?? null,
      orderId: patch.orderId ?? null,
    });
    const full: Record<string, unknown> = { ...patch };
    // A new customer (an unknown caller linked) or a new priority is a new promise: the policy is
    // chosen again and the open clocks recomputed from the ticket's start, keeping the time paused.
    const customerChanged = patch.customerId !== undefined && patch.customerId !== before.customerId;
    if (customerChanged || (patch.priority !== undefined && patch.priority !== before.priority)) {
      const tier = customerChanged ? await customerTier(tx, merged.customerId) : before.customerTier;
      full.customerTier = tier;
      const clock = await startClock(tx, { importance: tier, priority: merged.priority, start: before.createdAt, pausedMinutes: before.pausedMinutes }, timeZone);
      full.slaPolicyId = clock.slaPolicyId;
      if (before.slaFirstResponse === 'pending') Object.assign(full, { firstResponseDueAt: clock.firstResponseDueAt, firstResponseWarnAt: clock.firstResponseWarnAt });
      if (before.slaResolution === 'pending') Object.assign(full, { resolutionDueAt: clock.resolutionDueAt, resolutionWarnAt: clock.resolutionWarnAt });
      full.nearBreach = false;
    }
    const row = await updateVersioned(tx, tickets, { id, version, actorId: ctx.actor.id, patch: full, toApi: (r) => toTicket({ ticket: r, customerName: null, teamName: null, assigneeName: null, lastStep: null }) });
    await recordAudit(tx, ctx, { entity: 'ticket', entityId: id, action: 'update', changes: diff(before, row, audited) });
    return loadTicket(tx, id);
  });
}

export async function deleteTicket(database: Database, ctx: Ctx, id: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    await findTicketRow(tx, ctx.actor, id);
    await tx.update(tickets).set({ deletedAt: sql`now()`, deletedBy: ctx.actor.id, updatedBy: ctx.actor.id, version: sql`${tickets.version} + 1` }).where(eq(tickets.id, id));
    await tx.execute(sql`update tasks set deleted_at = now() where related_type = 'ticket' and related_id = ${id} and done_at is null and deleted_at is null`);
    await tx.execute(sql`update return_visits set status = 'cancelled', updated_at = now(), version = version + 1 where ticket_id = ${id} and status = 'scheduled'`);
    await recordAudit(tx, ctx, { entity: 'ticket', entityId: id, action: 'delete' });
  });
}

// ---- status and the SLA clock ----

const transitions: Record<Status, readonly Status[]> = {
  new: ['open', 'pending_customer', 'resolved', 'closed'],
  open: ['pending_customer', 'resolved', 'closed'],
  pending_customer: ['open', 'resolved', 'closed'],
  resolved: ['open', 'closed'],
  closed: ['open'],
};

/**
 * The fields that change when a ticket moves to `to` at `now`: pausing and resuming the clock,
 * the resolution's SLA verdict and business time, reopening. Shared by the status endpoint, the
 * complaint steps and replies, so every path keeps the clock the same way.
 */
export async function statusPatch(tx: DbOrTx, t: TicketRow, to: Status, now: Date, timeZone: string): Promise<Partial<TicketRow>> {
  const patch: Partial<TicketRow> = { status: to };
  const policy = await policyOf(tx, t.slaPolicyId);
  let clock: Pick<TicketRow, 'pausedMinutes' | 'resolutionDueAt'> = t;
  if (t.status === 'pending_customer' && to !== 'pending_customer') {
    const resumed = await resumeClock(tx, t, policy, now, timeZone);
    Object.assign(patch, resumed);
    clock = { ...t, ...resumed };
  }
  if (to === 'pending_customer' && !t.pausedSince) patch.pausedSince = now;
  const resolving = (to === 'resolved' || to === 'closed') && t.resolvedAt === null;
  if (resolving) {
    patch.resolvedAt = now;
    patch.nearBreach = false;
    patch.resolutionBusinessMinutes = await businessMinutesTaken(tx, policy, t.createdAt, now, clock.pausedMinutes, timeZone);
    if (t.slaResolution === 'pending' && clock.resolutionDueAt) patch.slaResolution = now <= clock.resolutionDueAt ? 'achieved' : 'breached';
  }
  if (to === 'closed') patch.closedAt = now;
  if (to === 'open' && (t.status === 'resolved' || t.status === 'closed')) {
    // reopened: not resolved after all; a limit already missed stays missed
    Object.assign(patch, { resolvedAt: null, closedAt: null, resolutionBusinessMinutes: null });
    if (t.slaResolution === 'achieved') patch.slaResolution = 'pending';
  }
  return patch;
}

export async function changeStatus(database: Database, ctx: Ctx, id: number, input: { status: Status; note?: string | null | undefined; version: number }, timeZone: string): Promise<Ticket> {
  return database.db.transaction(async (tx) => {
    const before = await findTicketRow(tx, ctx.actor, id, true);
    if (before.status === input.status) return loadTicket(tx, id);
    if (!transitions[before.status].includes(input.status)) {
      throw conflict(msg(`A ${before.status} ticket cannot become ${input.status}.`, `工单状态不能从 ${before.status} 变为 ${input.status}。`), [
        { path: 'status', message: `allowed: ${transitions[before.status].join(', ')}`, code: 'invalid_transition' },
      ]);
    }
    // Complaints resolve, close and reopen through their workflow, so no step is skipped.
    if (before.type === 'complaint' && (input.status === 'resolved' || input.status === 'closed' || before.status === 'resolved' || before.status === 'closed')) {
      throw conflict(msg('A complaint is resolved, closed and reopened through its workflow steps.', '投诉工单的解决、关闭和重开须通过投诉处理步骤完成。'), [
        { path: 'status', message: 'use POST /tickets/:id/steps', code: 'use_steps' },
      ]);
    }
    const patch = await statusPatch(tx, before, input.status, new Date(), timeZone);
    const row = await updateVersioned(tx, tickets, { id, version: input.version, actorId: ctx.actor.id, patch, toApi: (r) => toTicket({ ticket: r, customerName: null, teamName: null, assigneeName: null, lastStep: null }) });
    await recordAudit(tx, ctx, { entity: 'ticket', entityId: id, action: 'status', changes: { ...diff(before, row, ['status']), ...(input.note ? { note: { old: null, new: input.note } } : {}) } });
    if (input.status === 'closed') await scheduleVisitForTicket(tx, row, 'closed', timeZone);
    return loadTicket(tx, id);
  });
}

export async function assignTicket(database: Database, ctx: Ctx, id: number, input: { assigneeId: number | null; teamId?: number | null | undefined; version: number }): Promise<Ticket> {
  return database.db.transaction(async (tx) => {
    const before = await findTicketRow(tx, ctx.actor, id);
    const patch: Partial<TicketRow> = { assigneeId: input.assigneeId, assignedAt: input.assigneeId === null ? null : new Date() };
    if (input.teamId !== undefined) {
      if (input.teamId !== null) await checkTeam(tx, input.teamId);
      patch.teamId = input.teamId;
    }
    if (input.assigneeId !== null) {
      const agent = await checkAgent(tx, input.assigneeId);
      if (input.teamId === undefined && agent.departmentId !== null) patch.teamId = agent.departmentId;
    }
    const row = await updateVersioned(tx, tickets, { id, version: input.version, actorId: ctx.actor.id, patch, toApi: (r) => toTicket({ ticket: r, customerName: null, teamName: null, assigneeName: null, lastStep: null }) });
    await recordAudit(tx, ctx, { entity: 'ticket', entityId: id, action: 'assign', changes: diff(before, row, ['assigneeId', 'teamId']) });
    // open escalation and visit tasks follow the ticket to its new agent
    if (input.assigneeId !== null) {
      await tx.execute(sql`update tasks set assignee_id = ${input.assigneeId}, updated_at = now(), version = version + 1
        where related_type = 'ticket' and related_id = ${id} and kind = 'return_visit' and done_at is null and deleted_at is null`);
    }
    return loadTicket(tx, id);
  });
}

// ---- replies ----

type DeliveryRow = { status: Delivery['status']; to: string | null; attempts: number; lastError: string | null; nextAttemptAt: string | null; sentAt: string | null };
const replySelect = {
  reply: ticketReplies,
  authorName: users.name,
  // an outbound email reply's mail (mail/outbound-mail.ts)
  delivery: sql<DeliveryRow | null>`(select jsonb_build_object('status', o.status, 'to', o.to_address, 'attempts', o.attempts, 'lastError', o.last_error, 'nextAttemptAt', o.next_attempt_at, 'sentAt', o.sent_at) from mail_outbox o where o.reply_id = ${ticketReplies.id})`,
};
const isoOrNull = (v: string | null) => (v === null ? null : new Date(v).toISOString());
function toReply(r: { reply: typeof ticketReplies.$inferSelect; authorName: string | null; delivery: DeliveryRow | null }): TicketReply {
  const x = r.reply;
  const d = r.delivery;
  return {
    id: x.id, ticketId: x.ticketId, direction: x.direction, channel: x.channel, body: x.body, authorId: x.authorId, authorName: r.authorName, contactId: x.contactId, fromAddress: x.fromAddress, at: isoNN(x.at),
    delivery: d ? { ...d, nextAttemptAt: isoOrNull(d.nextAttemptAt), sentAt: isoOrNull(d.sentAt) } : null,
  };
}

export async function listReplies(db: DbOrTx, ticketId: number): Promise<TicketReply[]> {
  const rows = await db.select(replySelect).from(ticketReplies).leftJoin(users, eq(users.id, ticketReplies.authorId)).where(eq(ticketReplies.ticketId, ticketId)).orderBy(asc(ticketReplies.at), asc(ticketReplies.id));
  return rows.map(toReply);
}

export interface ReplyInput {
  direction: 'inbound' | 'outbound' | 'internal';
  channel?: TicketRow['channel'] | undefined;
  body: string;
  contactId?: number | null | undefined;
  at?: string | undefined;
  /** For channels that deliver messages (email): sender and message id, which makes storing idempotent. */
  fromAddress?: string | null | undefined;
  externalId?: string | null | undefined;
}

/**
 * Adds a message to the thread, in one transaction with its effect on the ticket: the first
 * outbound reply is the first response (its SLA verdict and business time are kept); an outbound
 * reply opens a new ticket; a customer's message on a ticket waiting for them resumes the clock.
 * An email channel calls `addReplyInTx` with the sender and message id.
 */
export async function addReply(database: Database, ctx: Ctx, ticketId: number, input: ReplyInput, timeZone: string, mail: MailSettings = { smtpUrl: undefined, mailFrom: undefined }): Promise<TicketReply> {
  return database.db.transaction(async (tx) => {
    const t = await findTicketRow(tx, ctx.actor, ticketId, true);
    const reply = await addReplyInTx(tx, ctx, t, input, timeZone);
    if (reply.direction !== 'outbound' || reply.channel !== 'email') return reply;
    // an agent's email reply goes to the customer through the outbox, once this commits
    await queueReplyMail(tx, t, reply.id, mail);
    return loadReply(tx, reply.id);
  });
}

async function loadReply(tx: DbOrTx, id: number): Promise<TicketReply> {
  const [row] = await tx.select(replySelect).from(ticketReplies).leftJoin(users, eq(users.id, ticketReplies.authorId)).where(eq(ticketReplies.id, id));
  return toReply(row!);
}

export async function addReplyInTx(tx: DbOrTx, ctx: Ctx | SystemCtx | null, t: TicketRow, input: ReplyInput, timeZone: string): Promise<TicketReply> {
  const now = new Date();
  const at = input.at ? new Date(input.at) : now;
  if (at.getTime() > now.getTime() + 60_000) throw invalid('at', 'must not be in the future', 'too_big');
  if (at < t.createdAt) throw invalid('at', 'must not be before the ticket was created', 'too_small');
  if (input.contactId && !(await exists(tx, sql`select 1 from customer_contacts where contact_id = ${input.contactId} and customer_id = ${t.customerId}`))) {
    throw invalid('contactId', 'not a contact of this ticket’s customer', 'not_found');
  }
  const [reply] = await tx
    .insert(ticketReplies)
    .values({
      ticketId: t.id,
      direction: input.direction,
      channel: input.channel ?? t.channel,
      body: input.body,
      authorId: ctx?.actor?.id ?? null,
      contactId: input.contactId ?? null,
      fromAddress: input.fromAddress ?? null,
      externalId: input.externalId ?? null,
      at,
    })
    .returning();
  const patch: Partial<TicketRow> = {};
  if (input.direction === 'outbound' && t.firstRespondedAt === null) {
    patch.firstRespondedAt = at;
    const policy = await policyOf(tx, t.slaPolicyId);
    patch.responseBusinessMinutes = await businessMinutesTaken(tx, policy, t.createdAt, at, 0, timeZone);
    if (t.slaFirstResponse === 'pending' && t.firstResponseDueAt) patch.slaFirstResponse = at <= t.firstResponseDueAt ? 'achieved' : 'breached';
  }
  if (input.direction === 'outbound' && t.status === 'new' && t.type !== 'complaint') patch.status = 'open';
  if (input.direction === 'inbound' && t.status === 'pending_customer') Object.assign(patch, await statusPatch(tx, t, 'open', now, timeZone));
  if (Object.keys(patch).length) {
    await tx
      .update(tickets)
      .set({ ...patch, version: sql`${tickets.version} + 1`, updatedAt: now, updatedBy: ctx?.actor?.id ?? null })
      .where(eq(tickets.id, t.id));
  }
  await recordAudit(tx, ctx, {
    entity: 'ticket',
    entityId: t.id,
    action: 'reply',
    changes: { reply: { old: null, new: { id: reply!.id, direction: input.direction } }, ...diff(t, { ...t, ...patch }, ['status']) },
  });
  return loadReply(tx, reply!.id);
}
