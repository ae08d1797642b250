// Sales targets and their progress (销售进度预警).
//
// Visibility: a user target is visible when its user is in the caller's data scope (ownedBy on
// user_id), so a rep sees their own; a department target when the department is one the caller's
// scope covers (see visibleDepartments). Writing needs sales.manage and the same visibility.
//
// Progress: a department target counts the sales of every user whose *current* department is the
// department or one of its sub-departments — a region's target (华东大区) covers its teams, and a
// transfer moves a rep's past sales with them. Actuals are also limited to owners in the caller's
// data scope, as every total is; for the scopes that may see a department that is all of it.
import { and, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { CreateTargetBody, MyTargetProgress, SalesTarget, TargetProgress, TargetProgressReport, UpdateTargetBody } from '@guanxi/contracts';
import type { Actor } from '../auth/actor.js';
import type { Database, DbOrTx } from '../db/client.js';
import { departments, salesTargets, users } from '../db/schema.js';
import { diff, recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { ownedBy } from '../platform/data-scope.js';
import { AppError, invalid, msg, notFound } from '../platform/errors.js';
import { countRows, keyset, pageOf, parseSort } from '../platform/pagination.js';
import { auditFields, updateVersioned } from '../platform/versioned.js';
import { expectedPercent, parsePeriod, periodStartingOn, todayIn, type Period } from './target-period.js';
import { getTargetSettings } from './target-settings.js';

type TargetRow = typeof salesTargets.$inferSelect;
const audited = ['subject', 'userId', 'departmentId', 'period', 'periodStart', 'amountTarget', 'countTarget', 'basis', 'notes'] as const;

/**
 * The departments whose targets the actor may see, as a subquery; null means all.
 * department / department_tree follow the user scope; own_subordinates covers the departments
 * the actor (or someone below them) manages; own covers none.
 */
export function visibleDepartments(actor: Pick<Actor, 'id' | 'dataScope' | 'departmentId'>): SQL | null {
  const none = sql`select null::bigint where false`;
  switch (actor.dataScope) {
    case 'all':
      return null;
    case 'own':
      return none;
    case 'own_subordinates':
      return sql`with recursive sub(id) as (
          select ${actor.id}::bigint
          union select u.id from users u join sub on u.manager_id = sub.id
        ) select d.id from departments d where d.manager_id in (select id from sub)`;
    case 'department':
      return actor.departmentId === null ? none : sql`select ${actor.departmentId}::bigint`;
    case 'department_tree':
      if (actor.departmentId === null) return none;
      return sql`with recursive tree(id) as (
          select ${actor.departmentId}::bigint
          union select d.id from departments d join tree on d.parent_id = tree.id
        ) select id from tree`;
  }
}

const departmentVisible = (actor: Actor, column: SQL): SQL => {
  const d = visibleDepartments(actor);
  return d === null ? sql`true` : sql`${column} in (${d})`;
};

/** The visibility of a target row, for lists, reads and writes. */
function targetVisible(actor: Actor): SQL {
  return sql`((${salesTargets.subject} = 'user' and ${ownedBy(actor, sql`${salesTargets.userId}`)})
    or (${salesTargets.subject} = 'department' and ${departmentVisible(actor, sql`${salesTargets.departmentId}`)}))`;
}

const selectTarget = { target: salesTargets, userName: users.name, departmentName: departments.name };
type TargetListRow = { target: TargetRow; userName: string | null; departmentName: string | null };

function toTarget(r: TargetListRow): SalesTarget {
  const t = r.target;
  return {
    id: t.id,
    subject: t.subject,
    userId: t.userId,
    departmentId: t.departmentId,
    subjectName: t.subject === 'user' ? r.userName : r.departmentName,
    period: t.period,
    periodStart: t.periodStart,
    periodEnd: periodStartingOn(t.period, t.periodStart).end,
    amountTarget: t.amountTarget,
    countTarget: t.countTarget,
    basis: t.basis,
    notes: t.notes,
    ...auditFields(t),
  };
}

const baseQuery = (db: DbOrTx) =>
  db.select(selectTarget).from(salesTargets).leftJoin(users, eq(users.id, salesTargets.userId)).leftJoin(departments, eq(departments.id, salesTargets.departmentId));

async function findTarget(db: DbOrTx, actor: Actor, id: number): Promise<SalesTarget> {
  const [row] = await baseQuery(db).where(and(eq(salesTargets.id, id), isNull(salesTargets.deletedAt), targetVisible(actor)));
  if (!row) throw notFound();
  return toTarget(row);
}
export const getTarget = (database: Database, ctx: Ctx, id: number) => findTarget(database.db, ctx.actor, id);

const sortColumns = {
  periodStart: { expr: sql`${salesTargets.periodStart}`, kind: 'text' as const, notNull: true },
  createdAt: { expr: sql`${salesTargets.createdAt}`, kind: 'timestamp' as const, notNull: true },
};

export interface TargetListQuery {
  q?: string | undefined;
  sort?: string | undefined;
  limit: number;
  cursor?: string | undefined;
  'filter[subject]'?: TargetRow['subject'] | undefined;
  'filter[period]'?: TargetRow['period'] | undefined;
  'filter[periodStart]'?: string | undefined;
  'filter[userId]'?: number | undefined;
  'filter[departmentId]'?: number | undefined;
}

export async function listTargets(database: Database, ctx: Ctx, query: TargetListQuery): Promise<{ data: SalesTarget[]; nextCursor: string | null; total: number; totalApproximate: boolean }> {
  const conds: SQL[] = [sql`${salesTargets.deletedAt} is null`, targetVisible(ctx.actor)];
  if (query['filter[subject]']) conds.push(sql`${salesTargets.subject} = ${query['filter[subject]']}`);
  if (query['filter[period]']) conds.push(sql`${salesTargets.period} = ${query['filter[period]']}`);
  if (query['filter[periodStart]']) conds.push(sql`${salesTargets.periodStart} = ${query['filter[periodStart]']}::date`);
  if (query['filter[userId]']) conds.push(sql`${salesTargets.userId} = ${query['filter[userId]']}`);
  if (query['filter[departmentId]']) conds.push(sql`${salesTargets.departmentId} = ${query['filter[departmentId]']}`);
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conds.push(sql`(${users.name} ilike ${like} or ${departments.name} ilike ${like})`);
  }
  const where = sql.join(conds, sql` and `);
  // period_start is a date: compared as its ISO text, which sorts like the date
  const page = keyset(parseSort(query.sort, sortColumns, '-periodStart'), sql`${salesTargets.id}`, query.cursor);
  const rows = await database.db
    .select({ ...selectTarget, sortValue: sql<string | null>`${page.sortValue}` })
    .from(salesTargets)
    .leftJoin(users, eq(users.id, salesTargets.userId))
    .leftJoin(departments, eq(departments.id, salesTargets.departmentId))
    .where(sql`${where} and ${page.where}`)
    .orderBy(page.orderBy)
    .limit(query.limit + 1);
  const count = await countRows(database, sql`sales_targets left join users on users.id = sales_targets.user_id left join departments on departments.id = sales_targets.department_id where ${where}`);
  const shown = pageOf(rows, query.limit, (r) => [r.sortValue, r.target.id]);
  return { data: shown.rows.map(toTarget), total: count.total, totalApproximate: count.approximate, nextCursor: shown.nextCursor };
}

async function checkSubject(db: DbOrTx, actor: Actor, input: Pick<CreateTargetBody, 'subject' | 'userId' | 'departmentId'>): Promise<void> {
  if (input.subject === 'user') {
    const rows = await db.execute(sql`select 1 from users where id = ${input.userId ?? 0} and deleted_at is null and ${ownedBy(actor, sql`id`)}`);
    if (!(rows as unknown as { rows: unknown[] }).rows.length) throw invalid('userId', 'not a user in your data scope', 'out_of_scope');
  } else {
    const rows = await db.execute(sql`select 1 from departments where id = ${input.departmentId ?? 0} and deleted_at is null and ${departmentVisible(actor, sql`id`)}`);
    if (!(rows as unknown as { rows: unknown[] }).rows.length) throw invalid('departmentId', 'not a department in your data scope', 'out_of_scope');
  }
}

const duplicate = () =>
  new AppError('CONFLICT', msg('This user or department already has a target for that period.', '该人员或部门在此期间已有销售目标。'), [
    { path: 'periodStart', message: 'a target for this subject and period exists', code: 'duplicate' },
  ]);

/** A unique-index violation from a concurrent insert is the same conflict as the one we check for. */
function isUniqueViolation(e: unknown): boolean {
  for (let c: unknown = e; c && typeof c === 'object'; c = (c as { cause?: unknown }).cause) {
    if ((c as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

export async function createTarget(database: Database, ctx: Ctx, input: CreateTargetBody): Promise<SalesTarget> {
  try {
    return await database.db.transaction(async (tx) => {
      await checkSubject(tx, ctx.actor, input);
      const subjectCol = input.subject === 'user' ? sql`user_id = ${input.userId ?? 0}` : sql`department_id = ${input.departmentId ?? 0}`;
      const exists = await database.rows(
        sql`select 1 from sales_targets where subject = ${input.subject} and ${subjectCol} and period = ${input.period} and period_start = ${input.periodStart}::date and deleted_at is null`,
        tx,
      );
      if (exists.length) throw duplicate();
      const basis = input.basis ?? (await getTargetSettings(tx)).defaultBasis;
      const [row] = await tx
        .insert(salesTargets)
        .values({
          subject: input.subject,
          userId: input.subject === 'user' ? (input.userId ?? null) : null,
          departmentId: input.subject === 'department' ? (input.departmentId ?? null) : null,
          period: input.period,
          periodStart: input.periodStart,
          amountTarget: input.amountTarget ?? null,
          countTarget: input.countTarget ?? null,
          basis,
          notes: input.notes ?? null,
          createdBy: ctx.actor.id,
          updatedBy: ctx.actor.id,
        })
        .returning();
      await recordAudit(tx, ctx, { entity: 'sales_target', entityId: row!.id, action: 'create', changes: diff(null, row!, audited) });
      return findTarget(tx, ctx.actor, row!.id);
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw duplicate();
    throw e;
  }
}

export async function updateTarget(database: Database, ctx: Ctx, id: number, input: UpdateTargetBody): Promise<SalesTarget> {
  return database.db.transaction(async (tx) => {
    await findTarget(tx, ctx.actor, id);
    const [before] = await tx.select().from(salesTargets).where(eq(salesTargets.id, id));
    const { version, ...patch } = input;
    const amount = patch.amountTarget === undefined ? before!.amountTarget : patch.amountTarget;
    const count = patch.countTarget === undefined ? before!.countTarget : patch.countTarget;
    if (amount === null && count === null) throw invalid('amountTarget', 'give an amount target, a count target or both', 'required');
    const after = await updateVersioned(tx, salesTargets, { id, version, actorId: ctx.actor.id, patch, toApi: (r) => r });
    await recordAudit(tx, ctx, { entity: 'sales_target', entityId: id, action: 'update', changes: diff(before!, after, audited) });
    return findTarget(tx, ctx.actor, id);
  });
}

export async function deleteTarget(database: Database, ctx: Ctx, id: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    const target = await findTarget(tx, ctx.actor, id);
    await tx
      .update(salesTargets)
      .set({ deletedAt: sql`now()`, deletedBy: ctx.actor.id, updatedAt: sql`now()`, updatedBy: ctx.actor.id, version: sql`${salesTargets.version} + 1` })
      .where(eq(salesTargets.id, id));
    await recordAudit(tx, ctx, { entity: 'sales_target', entityId: id, action: 'delete', changes: { periodStart: { old: target.periodStart, new: null } } });
  });
}

// ---------------------------------------------------------------------------------------------
// Progress

export interface ProgressOptions {
  period: string;
  asOf?: string | undefined;
  subject?: TargetRow['subject'] | undefined;
  userId?: number | undefined;
  departmentId?: number | undefined;
}

interface ActualRow extends Record<string, unknown> {
  target_id: number | string;
  amount: string;
  cnt: number;
  amount_percent: string | null;
  count_percent: string | null;
}

const idList = (ids: number[]) => sql.join(ids.map((i) => sql`${i}::bigint`), sql`, `);

/**
 * Actuals and completion percentages of the given targets (all of one basis). `members` pairs
 * each target with the users whose sales count toward it: the user of a user target; every user
 * whose current department is in the subtree of a department target's department. Sums, and the
 * percentages of them, stay in SQL numeric.
 */
async function actuals(database: Database, targetIds: number[], actual: SQL): Promise<ActualRow[]> {
  if (!targetIds.length) return [];
  return database.rows<ActualRow>(sql`
    with recursive dept_tree(root, id) as (
      select d.id, d.id from departments d
        where d.id in (select department_id from sales_targets where id in (${idList(targetIds)}) and department_id is not null)
      union
      select dt.root, d.id from departments d join dept_tree dt on d.parent_id = dt.id
    ),
    members(target_id, user_id) as (
      select st.id, st.user_id from sales_targets st where st.id in (${idList(targetIds)}) and st.subject = 'user'
      union
      select st.id, u.id from sales_targets st
        join dept_tree dt on dt.root = st.department_id
        join users u on u.department_id = dt.id
        where st.id in (${idList(targetIds)}) and st.subject = 'department'
    ),
    actual(target_id, amount, cnt) as (${actual})
    select st.id as target_id,
      coalesce(a.amount, 0)::numeric(14,2)::text as amount,
      coalesce(a.cnt, 0)::int as cnt,
      case when st.amount_target is null or st.amount_target = 0 then null else round(coalesce(a.amount, 0) * 100 / st.amount_target, 1)::text end as amount_percent,
      case when st.count_target is null or st.count_target = 0 then null else round(coalesce(a.cnt, 0)::numeric * 100 / st.count_target, 1)::text end as count_percent
    from sales_targets st left join actual a on a.target_id = st.id
    where st.id in (${idList(targetIds)})`);
}

/**
 * Orders basis: net sales of confirmed and fulfilled orders dated in the period — total less
 * returned_amount — and how many such orders. Drafts and cancelled orders never count.
 */
const orderActuals = (database: Database, actor: Actor, targetIds: number[], period: Period) =>
  actuals(
    database,
    targetIds,
    sql`select m.target_id, sum(o.total - o.returned_amount), count(o.id)
      from members m
      join orders o on o.owner_id = m.user_id
        and o.deleted_at is null and o.status in ('confirmed', 'fulfilled')
        and o.order_date >= ${period.start}::date and o.order_date < ${period.next}::date
        and ${ownedBy(actor, sql`o.owner_id`)}
      group by m.target_id`,
  );

/**
 * Payments basis: money received in the period (live payments by received_on), attributed to the
 * owner of the order paid, and the number of distinct orders paid on.
 */
const paymentActuals = (database: Database, actor: Actor, targetIds: number[], period: Period) =>
  actuals(
    database,
    targetIds,
    sql`select m.target_id, sum(p.amount), count(distinct p.order_id)
      from members m
      join orders o on o.owner_id = m.user_id and ${ownedBy(actor, sql`o.owner_id`)}
      join payments p on p.order_id = o.id and p.deleted_at is null
        and p.received_on >= ${period.start}::date and p.received_on < ${period.next}::date
      group by m.target_id`,
  );

export async function targetProgress(database: Database, ctx: Ctx, options: ProgressOptions, timeZone: string): Promise<TargetProgressReport> {
  const asOf = options.asOf ?? todayIn(timeZone);
  const period = parsePeriod(options.period, asOf);
  const settings = await getTargetSettings(database.db);
  const conds: SQL[] = [
    sql`${salesTargets.deletedAt} is null`,
    targetVisible(ctx.actor),
    sql`${salesTargets.period} = ${period.kind}`,
    sql`${salesTargets.periodStart} = ${period.start}::date`,
  ];
  if (options.subject) conds.push(sql`${salesTargets.subject} = ${options.subject}`);
  if (options.userId) conds.push(sql`${salesTargets.userId} = ${options.userId}`);
  if (options.departmentId) conds.push(sql`${salesTargets.departmentId} = ${options.departmentId}`);
  const rows = await baseQuery(database.db)
    .where(sql.join(conds, sql` and `))
    .orderBy(desc(salesTargets.subject), departments.name, users.name, salesTargets.id);
  const targets = rows.map(toTarget);

  const [byOrders, byPayments] = await Promise.all([
    orderActuals(database, ctx.actor, targets.filter((t) => t.basis === 'orders').map((t) => t.id), period),
    paymentActuals(database, ctx.actor, targets.filter((t) => t.basis === 'payments').map((t) => t.id), period),
  ]);
  const actual = new Map([...byOrders, ...byPayments].map((r) => [Number(r.target_id), r]));
  const expected = expectedPercent(period, asOf);
  const threshold = expected - settings.tolerancePoints;
  const data: TargetProgress[] = targets.map((t) => {
    const a = actual.get(t.id);
    const amountPercent = a?.amount_percent == null ? null : Number(a.amount_percent);
    const countPercent = a?.count_percent == null ? null : Number(a.count_percent);
    // Behind when any measure the target sets lags the calendar by more than the tolerance.
    const behind = [amountPercent, countPercent].some((x) => x !== null && x < threshold);
    return { target: t, actualAmount: a?.amount ?? '0.00', actualCount: Number(a?.cnt ?? 0), amountPercent, countPercent, expectedPercent: expected, behind };
  });
  return { period: period.label, periodKind: period.kind, periodStart: period.start, periodEnd: period.end, asOf, expectedPercent: expected, tolerancePoints: settings.tolerancePoints, data };
}

/** The home page's card: the caller's own targets for the current month and quarter. */
export async function myTargetProgress(database: Database, ctx: Ctx, asOf: string | undefined, timeZone: string): Promise<MyTargetProgress> {
  const day = asOf ?? todayIn(timeZone);
  const [month, quarter] = await Promise.all([
    targetProgress(database, ctx, { period: 'month', asOf: day, subject: 'user', userId: ctx.actor.id }, timeZone),
    targetProgress(database, ctx, { period: 'quarter', asOf: day, subject: 'user', userId: ctx.actor.id }, timeZone),
  ]);
  return { month, quarter };
}
