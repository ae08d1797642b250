// Tasks and reminders. A user sees the tasks assigned to users in their data scope (ownedBy on
// assignee_id); "today" and "overdue" are computed in the company's time zone.
import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Reminders, Task } from '@guanxi/contracts';
import type { Database, DbOrTx } from '../db/client.js';
import { customers, tasks, users } from '../db/schema.js';
import { diff, recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { ownedBy } from '../platform/data-scope.js';
import { AppError, invalid, msg, notFound } from '../platform/errors.js';
import { keyset, pageOf, parseSort } from '../platform/pagination.js';
import { auditFields, iso, isoNN, updateVersioned } from '../platform/versioned.js';

type TaskRow = typeof tasks.$inferSelect;
const audited = ['title', 'notes', 'dueAt', 'assigneeId', 'customerId', 'priority', 'doneAt'] as const;

const selectTask = { task: tasks, customerName: customers.name, assigneeName: users.name };
type TaskListRow = { task: TaskRow; customerName: string | null; assigneeName: string | null };

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
}

export async function listTasks(database: Database, ctx: Ctx, query: TaskListQuery, timeZone: string): Promise<{ data: Task[]; nextCursor: string | null; total: number }> {
  const filters: SQL[] = [sql`${tasks.deletedAt} is null`, ownedBy(ctx.actor, tasks.assigneeId)];
  if (query.q) filters.push(sql`${tasks.title} ilike ${`%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`);
  const assignee = query['filter[assigneeId]'];
  if (assignee !== undefined) filters.push(sql`${tasks.assigneeId} = ${assignee === 'me' ? ctx.actor.id : assignee}`);
  if (query['filter[done]']) filters.push(query['filter[done]'] === 'true' ? sql`${tasks.doneAt} is not null` : sql`${tasks.doneAt} is null`);
  if (query['filter[kind]']) filters.push(sql`${tasks.kind} = ${query['filter[kind]']}`);
  if (query['filter[customerId]']) filters.push(sql`${tasks.customerId} = ${query['filter[customerId]']}`);
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

export interface CreateTaskInput {
  title: string;
  notes?: string | null | undefined;
  dueAt: string;
  assigneeId?: number | undefined;
  customerId?: number | null | undefined;
  priority: TaskRow['priority'];
}

export async function createTask(database: Database, ctx: Ctx, input: CreateTaskInput): Promise<Task> {
  return database.db.transaction(async (tx) => {
    const assigneeId = input.assigneeId ?? ctx.actor.id;
    if (assigneeId !== ctx.actor.id) await checkAssignee(tx, ctx, assigneeId);
    if (input.customerId) await checkCustomer(tx, ctx, input.customerId);
    const [row] = await tx
      .insert(tasks)
      .values({
        kind: 'manual',
        title: input.title,
        notes: input.notes ?? null,
        dueAt: new Date(input.dueAt),
        assigneeId,
        customerId: input.customerId ?? null,
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
  input: { title?: string | undefined; notes?: string | null | undefined; dueAt?: string | undefined; assigneeId?: number | undefined; priority?: TaskRow['priority'] | undefined; done?: boolean | undefined; version: number },
): Promise<Task> {
  return database.db.transaction(async (tx) => {
    await findTask(tx, ctx, id);
    const [before] = await tx.select().from(tasks).where(eq(tasks.id, id));
    const { version, done, dueAt, ...rest } = input;
    if (rest.assigneeId !== undefined && rest.assigneeId !== before!.assigneeId) await checkAssignee(tx, ctx, rest.assigneeId);
    const patch: Record<string, unknown> = { ...rest };
    if (dueAt !== undefined) patch.dueAt = new Date(dueAt);
    if (done !== undefined && done !== (before!.doneAt !== null)) patch.doneAt = done ? new Date() : null;
    const after = await updateVersioned(tx, tasks, { id, version, actorId: ctx.actor.id, patch, toApi: (r) => r });
    const action = patch.doneAt instanceof Date ? 'complete' : 'update';
    await recordAudit(tx, ctx, { entity: 'task', entityId: id, action, changes: diff(before!, after, audited) });
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

/** The home page's reminders: the caller's own open tasks due today and overdue, with counts. */
export async function getReminders(database: Database, ctx: Ctx, timeZone: string): Promise<Reminders> {
  const { today, tomorrow } = dayBounds(timeZone);
  const mine = sql`${tasks.assigneeId} = ${ctx.actor.id} and ${tasks.doneAt} is null and ${tasks.deletedAt} is null`;
  const [dueToday, overdue, counts] = await Promise.all([
    baseQuery(database.db).where(sql`${mine} and ${tasks.dueAt} >= ${today} and ${tasks.dueAt} < ${tomorrow}`).orderBy(tasks.dueAt, tasks.id).limit(REMINDER_LIMIT),
    baseQuery(database.db).where(sql`${mine} and ${tasks.dueAt} < ${today}`).orderBy(sql`${tasks.dueAt} desc, ${tasks.id} desc`).limit(REMINDER_LIMIT),
    database.rows<{ due_today: number; overdue: number; upcoming: number }>(sql`
      select count(*) filter (where due_at >= ${today} and due_at < ${tomorrow})::int as due_today,
             count(*) filter (where due_at < ${today})::int as overdue,
             count(*) filter (where due_at >= ${tomorrow})::int as upcoming
      from tasks where assignee_id = ${ctx.actor.id} and done_at is null and deleted_at is null`),
  ]);
  const c = counts[0];
  return { dueToday: dueToday.map(toTask), overdue: overdue.map(toTask), counts: { dueToday: c?.due_today ?? 0, overdue: c?.overdue ?? 0, upcoming: c?.upcoming ?? 0 } };
}
