// Tasks and reminders. A user sees the tasks assigned to users in their data scope (ownedBy on
// assignee_id); "today" and "overdue" are computed in the company's time zone.
import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Reminders, Task, taskRelatedTypes } from '@guanxi/contracts';
import type { Database, DbOrTx } from '../db/client.js';
import { customers, tasks, users } from '../db/schema.js';
import { diff, recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { ownedBy } from '../platform/data-scope.js';
import { AppError, invalid, msg, notFound } from '../platform/errors.js';
import { keyset, pageOf, parseSort } from '../platform/pagination.js';
import { auditFields, iso, isoNN, updateVersioned } from '../platform/versioned.js';
import { closeWarningsOfDoneTask } from '../analytics/warnings.service.js';

type TaskRow = typeof tasks.$inferSelect;
const audited = ['title', 'notes', 'dueAt', 'assigneeId', 'customerId', 'relatedType', 'relatedId', 'priority', 'doneAt'] as const;
type RelatedType = (typeof taskRelatedTypes)[number];

/** A task with only a customer (as follow-ups and pool warnings make them) is about that customer. */
const relatedTypeExpr = sql`coalesce(${tasks.relatedType}, case when ${tasks.customerId} is not null then 'customer' end)`;
const relatedIdExpr = sql`coalesce(${tasks.relatedId}, ${tasks.customerId})`;

/**
 * The records a task may be about: where they live, whose they are (for the scope check on
 * create), their label and their customer. A ticket is its assignee's.
 */
const relatedRecords: Partial<Record<RelatedType, { table: SQL; owner: SQL; label: SQL; customer: SQL; ownerNullable: boolean }>> = {
  customer: { table: sql`customers`, owner: sql`owner_id`, label: sql`name`, customer: sql`id`, ownerNullable: true },
  lead: { table: sql`leads`, owner: sql`owner_id`, label: sql`name`, customer: sql`null::bigint`, ownerNullable: true },
  opportunity: { table: sql`opportunities`, owner: sql`owner_id`, label: sql`name`, customer: sql`customer_id`, ownerNullable: false },
  order: { table: sql`orders`, owner: sql`owner_id`, label: sql`number`, customer: sql`customer_id`, ownerNullable: false },
  ticket: { table: sql`tickets`, owner: sql`assignee_id`, label: sql`number || ' ' || subject`, customer: sql`customer_id`, ownerNullable: true },
};

const relatedLabelExpr = sql`case ${relatedTypeExpr} ${sql.join(
  Object.entries(relatedRecords).map(([type, r]) => sql`when ${type} then (select ${r.label} from ${r.table} r where r.id = ${relatedIdExpr})`),
  sql` `,
)} end`;

const selectTask = { task: tasks, customerName: customers.name, assigneeName: users.name, relatedLabel: sql<string | null>`${relatedLabelExpr}` };
type TaskListRow = { task: TaskRow; customerName: string | null; assigneeName: string | null; relatedLabel: string | null };

function toTask(r: TaskListRow): Task {
  const t = r.task;
  return {
    id: t.id,
    kind: t.kind,
    title: t.title,
    notes: t.notes,
    dueAt: isoNN(t.dueAt),
    assigneeId: t.assigneeId,
    assigneeName: r.assigneeName,
    customerId: t.customerId,
    customerName: r.customerName,
    relatedType: t.relatedType ?? (t.customerId !== null ? 'customer' : null),
    relatedId: t.relatedId ?? t.customerId,
    relatedLabel: r.relatedLabel,
    priority: t.priority,
    done: t.doneAt !== null,
    doneAt: iso(t.doneAt),
    ...auditFields(t),
  };
}

const baseQuery = (db: DbOrTx) => db.select(selectTask).from(tasks).leftJoin(customers, eq(customers.id, tasks.customerId)).leftJoin(users, eq(users.id, tasks.assigneeId));

/** Midnight today and tomorrow in the company's time zone, as SQL timestamptz expressions. */
function dayBounds(timeZone: string): { today: SQL; tomorrow: SQL } {
  const today = sql`(date_trunc('day', now() at time zone ${timeZone}) at time zone ${timeZone})`;
  return { today, tomorrow: sql`(${today} + interval '1 day')` };
}

async function findTask(db: DbOrTx, ctx: Ctx, id: number): Promise<Task> {
  const [row] = await baseQuery(db).where(and(eq(tasks.id, id), isNull(tasks.deletedAt), ownedBy(ctx.actor, tasks.assigneeId)));
  if (!row) throw notFound();
  return toTask(row);
}
export const getTask = (database: Database, ctx: Ctx, id: number) => findTask(database.db, ctx, id);

const sortColumns = {
  dueAt: { expr: sql`${tasks.dueAt}`, kind: 'timestamp' as const },
  createdAt: { expr: sql`${tasks.createdAt}`, kind: 'timestamp' as const },
  title: { expr: sql`${tasks.title}`, kind: 'text' as const },
};

export interface TaskListQuery {
  q?: string | undefined;
  sort?: string | undefined;
  limit: number;
  cursor?: string | undefined;
  'filter[due]'?: 'today' | 'overdue' | 'upcoming' | undefined;
  'filter[assigneeId]'?: 'me' | number | undefined;
  'filter[done]'?: 'true' | 'false' | undefined;
  'filter[kind]'?: TaskRow['kind'] | undefined;
  'filter[customerId]'?: number | undefined;
  'filter[scope]'?: 'mine' | 'team' | undefined;
  'filter[priority]'?: TaskRow['priority'] | undefined;
  'filter[relatedType]'?: RelatedType | undefined;
  'filter[relatedId]'?: number | undefined;
}

export async function listTasks(database: Database, ctx: Ctx, query: TaskListQuery, timeZone: string): Promise<{ data: Task[]; nextCursor: string | null; total: number }> {
  const filters: SQL[] = [sql`${tasks.deletedAt} is null`, ownedBy(ctx.actor, tasks.assigneeId)];
  if (query.q) filters.push(sql`${tasks.title} ilike ${`%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`);
  const assignee = query['filter[assigneeId]'];
  if (assignee !== undefined) filters.push(sql`${tasks.assigneeId} = ${assignee === 'me' ? ctx.actor.id : assignee}`);
  if (query['filter[done]']) filters.push(query['filter[done]'] === 'true' ? sql`${tasks.doneAt} is not null` : sql`${tasks.doneAt} is null`);
  if (query['filter[kind]']) filters.push(sql`${tasks.kind} = ${query['filter[kind]']}`);
  if (query['filter[customerId]']) filters.push(sql`${tasks.customerId} = ${query['filter[customerId]']}`);
  // team: the others whose tasks my scope shows (a rep with scope "own" has no team)
  if (query['filter[scope]'] === 'mine') filters.push(sql`${tasks.assigneeId} = ${ctx.actor.id}`);
  if (query['filter[scope]'] === 'team') filters.push(sql`${tasks.assigneeId} <> ${ctx.actor.id}`);
  if (query['filter[priority]']) filters.push(sql`${tasks.priority} = ${query['filter[priority]']}`);
  if (query['filter[relatedType]']) filters.push(sql`${relatedTypeExpr} = ${query['filter[relatedType]']}`);
  if (query['filter[relatedId]']) filters.push(sql`${relatedIdExpr} = ${query['filter[relatedId]']}`);
  const due = query['filter[due]'];
  if (due) {
    const { today, tomorrow } = dayBounds(timeZone);
    if (due === 'today') filters.push(sql`${tasks.dueAt} >= ${today} and ${tasks.dueAt} < ${tomorrow}`);
    // Overdue means late and still open; a done task is never overdue.
    if (due === 'overdue') filters.push(sql`${tasks.dueAt} < ${today} and ${tasks.doneAt} is null`);
    if (due === 'upcoming') filters.push(sql`${tasks.dueAt} >= ${tomorrow}`);
  }
  const where = sql.join(filters, sql` and `);
  const spec = parseSort(query.sort, sortColumns, 'dueAt');
  const page = keyset(spec, sql`${tasks.id}`, query.cursor);
  const rows = await database.db
    .select({ ...selectTask, sortValue: sql<string | null>`${page.sortValue}` })
    .from(tasks)
    .leftJoin(customers, eq(customers.id, tasks.customerId))
    .leftJoin(users, eq(users.id, tasks.assigneeId))
    .where(sql`${where} and ${page.where}`)
    .orderBy(page.orderBy)
    .limit(query.limit + 1);
  const [count] = await database.rows<{ total: number }>(sql`select count(*)::int as total from tasks where ${where}`);
  const shown = pageOf(rows, query.limit, (r) => [r.sortValue, r.task.id]);
  return { data: shown.rows.map(toTask), total: count?.total ?? 0, nextCursor: shown.nextCursor };
}

async function checkAssignee(db: DbOrTx, ctx: Ctx, userId: number): Promise<void> {
  const rows = (await db.execute(sql`select 1 from users where id = ${userId} and active and deleted_at is null and ${ownedBy(ctx.actor, sql`id`)}`)) as unknown as { rows: unknown[] };
  if (!rows.rows.length) throw invalid('assigneeId', 'not an active user in your data scope', 'out_of_scope');
}

async function checkCustomer(db: DbOrTx, ctx: Ctx, customerId: number): Promise<void> {
  const rows = (await db.execute(
    sql`select 1 from customers where id = ${customerId} and deleted_at is null and (owner_id is null or ${ownedBy(ctx.actor, sql`owner_id`)})`,
  )) as unknown as { rows: unknown[] };
  if (!rows.rows.length) throw invalid('customerId', 'no such customer in your data scope', 'not_found');
}

/**
 * Checks that a related record exists and is visible, and returns its customer (if it has one).
 * Records without an owner (a customer in the pool, an unassigned lead) are visible to all.
 */
async function checkRelated(db: DbOrTx, ctx: Ctx, type: RelatedType, id: number): Promise<number | null> {
  const r = relatedRecords[type];
  if (!r) throw invalid('relatedType', `tasks cannot be linked to a ${type} yet`, 'unsupported');
  const owner = r.ownerNullable ? sql`(${r.owner} is null or ${ownedBy(ctx.actor, r.owner)})` : ownedBy(ctx.actor, r.owner);
  const rows = (await db.execute(sql`select ${r.customer} as customer_id from ${r.table} where id = ${id} and deleted_at is null and ${owner}`)) as unknown as {
    rows: Array<{ customer_id: number | string | null }>;
  };
  const row = rows.rows[0];
  if (!row) throw invalid('relatedId', `no such ${type} in your data scope`, 'not_found');
  return row.customer_id === null ? null : Number(row.customer_id);
}

interface RelatedInput {
  customerId?: number | null | undefined;
  relatedType?: RelatedType | null | undefined;
  relatedId?: number | null | undefined;
}

/**
 * The customer and related columns to store. A customer alone is stored as customer_id only (as
 * the older callers do); a related record also fills customer_id with its own customer, so the
 * task shows on that customer's page too.
 */
async function relatedColumns(db: DbOrTx, ctx: Ctx, input: RelatedInput): Promise<{ customerId: number | null; relatedType: RelatedType | null; relatedId: number | null }> {
  if (input.relatedType && input.relatedId) {
    const customerOfRecord = await checkRelated(db, ctx, input.relatedType, input.relatedId);
    if (input.relatedType === 'customer') return { customerId: input.relatedId, relatedType: null, relatedId: null };
    if (input.customerId) await checkCustomer(db, ctx, input.customerId);
    return { customerId: input.customerId ?? customerOfRecord, relatedType: input.relatedType, relatedId: input.relatedId };
  }
  if (input.customerId) await checkCustomer(db, ctx, input.customerId);
  return { customerId: input.customerId ?? null, relatedType: null, relatedId: null };
}

export interface CreateTaskInput extends RelatedInput {
  title: string;
  notes?: string | null | undefined;
  dueAt: string;
  assigneeId?: number | undefined;
  priority: TaskRow['priority'];
}

export async function createTask(database: Database, ctx: Ctx, input: CreateTaskInput): Promise<Task> {
  return database.db.transaction(async (tx) => {
    const assigneeId = input.assigneeId ?? ctx.actor.id;
    if (assigneeId !== ctx.actor.id) await checkAssignee(tx, ctx, assigneeId);
    const related = await relatedColumns(tx, ctx, input);
    const [row] = await tx
      .insert(tasks)
      .values({
        kind: 'manual',
        title: input.title,
        notes: input.notes ?? null,
        dueAt: new Date(input.dueAt),
        assigneeId,
        ...related,
        priority: input.priority,
        createdBy: ctx.actor.id,
        updatedBy: ctx.actor.id,
      })
      .returning();
    await recordAudit(tx, ctx, { entity: 'task', entityId: row!.id, action: 'create', changes: diff(null, row!, audited) });
    return findTask(tx, ctx, row!.id);
  });
}

export async function updateTask(
  database: Database,
  ctx: Ctx,
  id: number,
  input: RelatedInput & { title?: string | undefined; notes?: string | null | undefined; dueAt?: string | undefined; assigneeId?: number | undefined; priority?: TaskRow['priority'] | undefined; done?: boolean | undefined; version: number },
): Promise<Task> {
  return database.db.transaction(async (tx) => {
    await findTask(tx, ctx, id);
    const [before] = await tx.select().from(tasks).where(eq(tasks.id, id));
    const { version, done, dueAt, customerId, relatedType, relatedId, ...rest } = input;
    if (rest.assigneeId !== undefined && rest.assigneeId !== before!.assigneeId) await checkAssignee(tx, ctx, rest.assigneeId);
    const patch: Record<string, unknown> = { ...rest };
    // The link is replaced as a whole when either part is given; unchanged links are not re-checked.
    if (customerId !== undefined || relatedType !== undefined) {
      const next = relatedType !== undefined ? { customerId, relatedType, relatedId } : { customerId, relatedType: before!.relatedType, relatedId: before!.relatedId };
      const unchanged = (next.customerId ?? null) === before!.customerId && (next.relatedType ?? null) === before!.relatedType && (next.relatedId ?? null) === before!.relatedId;
      if (!unchanged) Object.assign(patch, await relatedColumns(tx, ctx, next));
    }
    if (dueAt !== undefined) patch.dueAt = new Date(dueAt);
    if (done !== undefined && done !== (before!.doneAt !== null)) patch.doneAt = done ? new Date() : null;
    const after = await updateVersioned(tx, tasks, { id, version, actorId: ctx.actor.id, patch, toApi: (r) => r });
    const action = patch.doneAt instanceof Date ? 'complete' : 'update';
    await recordAudit(tx, ctx, { entity: 'task', entityId: id, action, changes: diff(before!, after, audited) });
    // a warning's task done closes the warning with it (analytics/warnings.service.ts)
    if (action === 'complete' && (before!.kind === 'churn_warning' || before!.kind === 'overdue_warning')) await closeWarningsOfDoneTask(tx, ctx, id);
    return findTask(tx, ctx, id);
  });
}

export async function deleteTask(database: Database, ctx: Ctx, id: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    const task = await findTask(tx, ctx, id);
    if (task.kind !== 'manual' && task.assigneeId !== ctx.actor.id && !ctx.actor.permissions.has('customers.assign')) {
      throw new AppError('FORBIDDEN', msg('Only the assignee can delete a generated reminder.', '系统生成的提醒只能由负责人删除。'));
    }
    await tx.update(tasks).set({ deletedAt: sql`now()`, updatedAt: sql`now()`, updatedBy: ctx.actor.id, version: sql`${tasks.version} + 1` }).where(eq(tasks.id, id));
    await recordAudit(tx, ctx, { entity: 'task', entityId: id, action: 'delete', changes: { title: { old: task.title, new: null } } });
  });
}

const REMINDER_LIMIT = 100;

/**
 * The home page's reminders: open tasks due today and overdue, with counts. `me`: the caller's
 * own; `team`: those of the others in the caller's data scope, with counts per assignee so the
 * manager can drill down to one person's list.
 */
export async function getReminders(database: Database, ctx: Ctx, timeZone: string, scope: 'me' | 'team' = 'me'): Promise<Reminders> {
  const { today, tomorrow } = dayBounds(timeZone);
  const whose = scope === 'me' ? sql`${tasks.assigneeId} = ${ctx.actor.id}` : sql`${tasks.assigneeId} <> ${ctx.actor.id} and ${ownedBy(ctx.actor, tasks.assigneeId)}`;
  const open = sql`${whose} and ${tasks.doneAt} is null and ${tasks.deletedAt} is null`;
  const [dueToday, overdue, counts] = await Promise.all([
    baseQuery(database.db).where(sql`${open} and ${tasks.dueAt} >= ${today} and ${tasks.dueAt} < ${tomorrow}`).orderBy(tasks.dueAt, tasks.id).limit(REMINDER_LIMIT),
    baseQuery(database.db).where(sql`${open} and ${tasks.dueAt} < ${today}`).orderBy(sql`${tasks.dueAt} desc, ${tasks.id} desc`).limit(REMINDER_LIMIT),
    database.rows<{ assignee_id: number | string; name: string | null; due_today: number; overdue: number; upcoming: number }>(sql`
      select tasks.assignee_id, min(users.name) as name,
             count(*) filter (where due_at >= ${today} and due_at < ${tomorrow})::int as due_today,
             count(*) filter (where due_at < ${today})::int as overdue,
             count(*) filter (where due_at >= ${tomorrow})::int as upcoming
      from tasks left join users on users.id = tasks.assignee_id
      where ${open}
      group by tasks.assignee_id
      order by overdue desc, due_today desc, name`),
  ]);
  const sum = (k: 'due_today' | 'overdue' | 'upcoming') => counts.reduce((n, r) => n + Number(r[k]), 0);
  return {
    dueToday: dueToday.map(toTask),
    overdue: overdue.map(toTask),
    counts: { dueToday: sum('due_today'), overdue: sum('overdue'), upcoming: sum('upcoming') },
    ...(scope === 'team'
      ? { byAssignee: counts.map((r) => ({ userId: Number(r.assignee_id), name: r.name, dueToday: Number(r.due_today), overdue: Number(r.overdue), upcoming: Number(r.upcoming) })) }
      : {}),
  };
}
