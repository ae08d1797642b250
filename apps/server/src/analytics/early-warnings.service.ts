// The early-warnings dashboard (预警管理): overdue receivables (外欠款预警), sales progress against
// target (销售进度预警), sales expenses against revenue (销售费用预警) and churn risk (客户流失预警),
// each a list with owners, amounts and reasons; and the open warnings that became tasks, by owner.
//
// Permission: sales.read. These are the sales team's own working lists — receivables, targets,
// expenses, the owners' customers — scoped by owner: a rep sees their own (reps have sales.read,
// not analytics.read), a manager their team. A role with analytics.read only (marketing) sees
// company-wide scores elsewhere but not who owes what and who spent what.
import { sql, type SQL } from 'drizzle-orm';
import type { AnalyticsSettings, EarlyWarnings, EarlyWarningsQuery, OpenWarnings, OpenWarningsQuery } from '@guanxi/contracts';
import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/client.js';
import type { Ctx } from '../platform/context.js';
import { ownedBy } from '../platform/data-scope.js';
import { parsePeriod, todayIn } from '../targets/target-period.js';
import { targetProgress } from '../targets/targets.service.js';
import { readAnalyticsSettings } from './analytics-settings.js';
import { storedSignals } from './warnings.service.js';

const num = (v: string | number | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));

/** Owner filters over an owner column: one owner (`me` or an id), or the owners of a department and its sub-departments. */
function ownerFilters(actor: Actor, owner: SQL, q: { 'filter[ownerId]'?: 'me' | number | undefined; 'filter[departmentId]'?: number | undefined }): SQL[] {
  const out: SQL[] = [];
  const o = q['filter[ownerId]'];
  if (o !== undefined) out.push(sql`${owner} = ${o === 'me' ? actor.id : o}`);
  const d = q['filter[departmentId]'];
  if (d !== undefined) {
    out.push(sql`${owner} in (select u.id from users u where u.department_id in (with recursive tree(id) as (select ${d}::bigint union select x.id from departments x join tree on x.parent_id = tree.id) select id from tree))`);
  }
  return out;
}

const and = (conds: SQL[]) => (conds.length ? sql.join(conds, sql` and `) : sql`true`);

/**
 * Per customer: the overdue balance of the instalments the caller may see (scope over the
 * instalment's owner, as the overdue report), with the customer's owner (else the oldest overdue
 * instalment's, as the warning sync), flagged at the warning thresholds.
 *
 * Instalments carry their order's customer and owner, and a cancelled order's are withdrawn, so
 * the per-customer totals are one index-only pass over the open instalments, with no order read;
 * customers, owners and departments label only the page. An owner or department filter (on the
 * customer's owner, else the oldest instalment's) first narrows the instalments to a superset —
 * customers of those owners, and customers with an open instalment of theirs — and is then
 * applied exactly to the grouped rows.
 */
async function overdueList(database: Database, actor: Actor, q: EarlyWarningsQuery, s: AnalyticsSettings, timeZone: string): Promise<Extract<EarlyWarnings, { kind: 'overdue' }>> {
  const today = sql`(now() at time zone ${timeZone})::date`;
  const minDays = q['filter[minDays]'] ?? 0;
  const amount = s.warnings.overdueAmount;
  const open = (alias: string) => sql.raw(`${alias}.deleted_at is null and ${alias}.paid_amount < ${alias}.amount`);
  const owned = ownerFilters(actor, sql`v.owner_id`, q);
  const candidates = owned.length
    ? sql` and i.customer_id in (
        select v.id from customers v where v.deleted_at is null and ${and(owned)}
        union all select v.id from customers v where v.deleted_at is not null and ${and(owned)}
        union all select v.customer_id from payment_instalments v where ${open('v')} and ${and(owned)})`
    : sql``;
  const overdue = (alias: string) =>
    sql`${open(alias)} and ${sql.raw(alias)}.due_date < ${today} and ${sql.raw(alias)}.due_date <= ${today} - ${minDays}::int and ${ownedBy(actor, sql.raw(`${alias}.owner_id`))}`;
  // One row per customer, nothing else per group: 125k customers owe at 1M, and every byte of the
  // group state or expression per group showed in the time. Today is taken once (a subquery).
  const grouped = sql`
    select i.customer_id, sum(i.amount - i.paid_amount) as amount, min(i.due_date) as oldest, count(*) as n
    from payment_instalments i
    where ${overdue('i')}${candidates}
    group by i.customer_id`;
  // The oldest overdue instalment's owner, for a customer without an owner: one index-only probe.
  const oldestOwner = (customer: SQL) =>
    sql`(select j.owner_id from payment_instalments j where j.customer_id = ${customer} and ${overdue('j')} order by j.due_date, j.id limit 1)`;
  const conds = ownerFilters(actor, sql`coalesce(fc.owner_id, ${oldestOwner(sql`g.customer_id`)})`, q);
  const filtered = conds.length ? sql` join customers fc on fc.id = g.customer_id where ${and(conds)}` : sql``;
  const flagged =
    amount === null ? sql`false` : sql`(g.amount >= ${String(amount)}::numeric and g.oldest <= (select ${today} - ${s.warnings.overdueDays}::int))`;
  // Unfiltered, the total is every overdue instalment in scope: summed apart (in parallel on
  // PostgreSQL) rather than over the 125k grouped rows. Filtered, it sums the few rows that pass.
  const total = conds.length
    ? null
    : database.rows<{ total_amount: string }>(
        sql`select coalesce(sum(i.amount - i.paid_amount), 0)::numeric(20, 2)::text as total_amount from payment_instalments i where ${overdue('i')}`,
      );
  const page = database.db.transaction(async (tx) => {
    // The per-customer hash table (one entry per owing customer) spilled to disk at the default 4MB.
    await database.rows(sql`set local work_mem = '32MB'`, tx);
    return database.rows<{
      customer_id: string | number;
      customer_name: string | null;
      owner_id: string | number | null;
      owner_name: string | null;
      department_name: string | null;
      amount: string;
      n: number;
      days: number;
      flagged: boolean;
      total_amount: string | null;
    }>(sql`
      select p.customer_id, c.name as customer_name, p.owner_id, u.name as owner_name, d.name as department_name,
        p.amount::numeric(20, 2)::text as amount, p.n::int as n, ((select ${today}) - p.oldest)::int as days, p.flagged, p.total_amount
      from (
        select p.*, coalesce(c.owner_id, ${oldestOwner(sql`p.customer_id`)}) as owner_id
        from (
          select g.*, ${flagged} as flagged, ${conds.length ? sql`(sum(g.amount) over ())::numeric(20, 2)::text` : sql`null::text`} as total_amount
          from (${grouped}) g${filtered}
          order by ${flagged} desc, g.amount desc, g.customer_id
          limit ${q.limit + 1}
        ) p
        join customers c on c.id = p.customer_id
      ) p
      join customers c on c.id = p.customer_id
      left join users u on u.id = p.owner_id
      left join departments d on d.id = u.department_id
      order by p.flagged desc, p.amount desc, p.customer_id`, tx);
  });
  const [rows, totals] = await Promise.all([page, total]);
  return {
    kind: 'overdue',
    thresholds: { amount: amount === null ? null : amount.toFixed(2), days: s.warnings.overdueDays },
    totalAmount: (totals ? totals[0]?.total_amount : rows[0]?.total_amount) ?? '0.00',
    truncated: rows.length > q.limit,
    rows: rows.slice(0, q.limit).map((r) => ({
      customerId: Number(r.customer_id),
      customerName: r.customer_name,
      ownerId: num(r.owner_id),
      ownerName: r.owner_name,
      departmentName: r.department_name,
      amount: r.amount,
      instalments: Number(r.n),
      daysOverdue: Number(r.days),
      flagged: Boolean(r.flagged),
    })),
  };
}

/** The targets' own progress report (targets.service), behind-schedule first. */
async function progressList(database: Database, ctx: Ctx, q: EarlyWarningsQuery, timeZone: string): Promise<Extract<EarlyWarnings, { kind: 'progress' }>> {
  const owner = q['filter[ownerId]'];
  const report = await targetProgress(
    database,
    ctx,
    {
      period: q.period,
      ...(owner !== undefined ? { subject: 'user' as const, userId: owner === 'me' ? ctx.actor.id : owner } : {}),
      ...(q['filter[departmentId]'] !== undefined && owner === undefined ? { subject: 'department' as const, departmentId: q['filter[departmentId]'] } : {}),
    },
    timeZone,
  );
  const rows = report.data
    .map((p) => ({
      targetId: p.target.id,
      subject: p.target.subject,
      subjectName: p.target.subjectName,
      amountTarget: p.target.amountTarget,
      countTarget: p.target.countTarget,
      actualAmount: p.actualAmount,
      actualCount: p.actualCount,
      amountPercent: p.amountPercent,
      countPercent: p.countPercent,
      expectedPercent: p.expectedPercent,
      behind: p.behind,
    }))
    // stable: behind first, the report's own order (departments, then people by name) within
    .sort((a, b) => Number(b.behind) - Number(a.behind));
  return {
    kind: 'progress',
    period: report.period,
    periodStart: report.periodStart,
    periodEnd: report.periodEnd,
    expectedPercent: report.expectedPercent,
    tolerancePoints: report.tolerancePoints,
    truncated: rows.length > q.limit,
    rows: rows.slice(0, q.limit),
  };
}

/**
 * Per owner in scope: expenses spent in the period against net sales (orders basis of the targets:
 * confirmed and fulfilled orders dated in the period, less returns). Flagged when expenses exceed
 * the expense-ratio share of revenue, or when there are expenses and no revenue at all.
 */
async function expenseList(database: Database, actor: Actor, q: EarlyWarningsQuery, s: AnalyticsSettings, timeZone: string): Promise<Extract<EarlyWarnings, { kind: 'expense' }>> {
  const period = parsePeriod(q.period, todayIn(timeZone));
  const ratio = String(s.warnings.expenseRatio);
  const conds = [ownedBy(actor, sql`x.user_id`), ...ownerFilters(actor, sql`x.user_id`, q)];
  const rows = await database.rows<{ user_id: string | number; owner_name: string | null; department_name: string | null; expenses: string; revenue: string; ratio: string | null; flagged: boolean }>(sql`
    with ex as (
      select e.user_id, sum(e.amount) as expenses from sales_expenses e
      where e.deleted_at is null and e.spent_on >= ${period.start}::date and e.spent_on < ${period.next}::date
      group by e.user_id
    ), rev as (
      select o.owner_id as user_id, sum(o.total - o.returned_amount) as revenue from orders o
      where o.deleted_at is null and o.status in ('confirmed', 'fulfilled') and o.order_date >= ${period.start}::date and o.order_date < ${period.next}::date
        and o.owner_id in (select user_id from ex)
      group by o.owner_id
    ), x as (
      select ex.user_id, ex.expenses, coalesce(rev.revenue, 0) as revenue from ex left join rev on rev.user_id = ex.user_id
    )
    select x.user_id, u.name as owner_name, d.name as department_name, x.expenses::numeric(16, 2)::text as expenses, x.revenue::numeric(16, 2)::text as revenue,
      case when x.revenue > 0 then round(x.expenses / x.revenue, 4)::text end as ratio,
      (x.expenses > 0 and (x.revenue <= 0 or x.expenses > x.revenue * ${ratio}::numeric)) as flagged
    from x left join users u on u.id = x.user_id left join departments d on d.id = u.department_id
    where ${and(conds)}
    order by flagged desc, (case when x.revenue > 0 then x.expenses / x.revenue end) desc nulls first, x.expenses desc, x.user_id
    limit ${q.limit + 1}`);
  return {
    kind: 'expense',
    period: period.label,
    periodStart: period.start,
    periodEnd: period.end,
    expenseRatio: s.warnings.expenseRatio,
    truncated: rows.length > q.limit,
    rows: rows.slice(0, q.limit).map((r) => ({
      ownerId: num(r.user_id),
      ownerName: r.owner_name,
      departmentName: r.department_name,
      expenses: r.expenses,
      revenue: r.revenue,
      ratio: r.ratio,
      flagged: Boolean(r.flagged),
    })),
  };
}

/**
 * The live customers the actor may see (customer-scope.ts's rule: owned in scope, or collaborated
 * on by someone in scope, never the pool for a scoped role) whose owner passes the filters, as a
 * set of ids the owner index answers; null for every live customer (scope all, no filter).
 */
function visibleCustomerIds(actor: Actor, q: EarlyWarningsQuery): SQL | null {
  const owned = ownerFilters(actor, sql`v.owner_id`, q);
  if (actor.dataScope === 'all') return owned.length ? sql`select v.id from customers v where v.deleted_at is null and ${and(owned)}` : null;
  return sql`select v.id from customers v where v.deleted_at is null and ${ownedBy(actor, sql`v.owner_id`)} and ${and(owned)}
    union all
    select cc.customer_id from customer_collaborators cc join customers v on v.id = cc.customer_id
    where ${ownedBy(actor, sql`cc.user_id`)} and v.deleted_at is null and v.owner_id is not null and ${and(owned)}`;
}

/**
 * Customers in scope at churn level medium or high (or high only), most value at stake first, with
 * their signals. The page walks `customer_metrics_churn_page_idx` in its order, probing the visible
 * customers' ids, and stops at the limit; the CLV at stake is a separate sum over the same index,
 * which for every live customer subtracts the few deleted ones instead of reading every customer.
 */
async function churnList(database: Database, actor: Actor, q: EarlyWarningsQuery): Promise<Extract<EarlyWarnings, { kind: 'churn' }>> {
  const levels = q['filter[level]'] === 'high' ? sql`('high')` : sql`('medium', 'high')`;
  const visible = visibleCustomerIds(actor, q);
  const seen =
    visible === null
      ? sql`not exists (select 1 from customers x where x.id = m.customer_id and x.deleted_at is not null)`
      : sql`m.customer_id in (${visible})`;
  const conds = [sql`m.churn_level in ${levels}`, seen];
  const atStake = database.rows<{ clv_total: string }>(sql`
    select coalesce(sum(m.clv), 0)::numeric(20, 2)::text as clv_total from customer_metrics m where ${and(conds)}`);
  const page = database.rows<{
    customer_id: string | number;
    customer_name: string | null;
    owner_id: string | number | null;
    owner_name: string | null;
    department_name: string | null;
    level: 'low' | 'medium' | 'high';
    score: number | null;
    tier: 'vip' | 'important' | 'ordinary' | null;
    clv: string | null;
    signals: unknown;
    warning_open: boolean;
  }>(sql`
    select c.id as customer_id, c.name as customer_name, c.owner_id, u.name as owner_name, d.name as department_name, m.churn_level as level, m.churn_score as score,
      (case when c.importance_source = 'manual' then c.importance else coalesce(m.tier, c.importance) end) as tier, m.clv::text as clv,
      case when jsonb_typeof(${storedSignals}) = 'array' then ${storedSignals} else '[]'::jsonb end as signals,
      exists (select 1 from customer_warnings w where w.customer_id = c.id and w.kind = 'churn' and w.closed_at is null) as warning_open
    from customer_metrics m
    join customers c on c.id = m.customer_id
    left join users u on u.id = c.owner_id
    left join departments d on d.id = u.department_id
    where ${and(conds)}
    order by (m.churn_level = 'high') desc, m.clv desc nulls last, m.churn_score desc nulls last, m.customer_id
    limit ${q.limit + 1}`);
  const [rows, [total]] = await Promise.all([page, atStake]);
  const toSignals = (v: unknown) =>
    (Array.isArray(v) ? v : []).map((e: unknown) =>
      typeof e === 'string' ? { signal: e, contribution: null } : { signal: String((e as { signal?: unknown }).signal ?? ''), contribution: num((e as { contribution?: number | null }).contribution ?? null) },
    );
  return {
    kind: 'churn',
    clvAtStake: total?.clv_total ?? '0.00',
    truncated: rows.length > q.limit,
    rows: rows.slice(0, q.limit).map((r) => ({
      customerId: Number(r.customer_id),
      customerName: r.customer_name,
      ownerId: num(r.owner_id),
      ownerName: r.owner_name,
      departmentName: r.department_name,
      level: r.level,
      score: r.score === null ? null : Number(r.score),
      tier: r.tier,
      clv: r.clv,
      signals: toSignals(r.signals),
      warningOpen: Boolean(r.warning_open),
    })),
  };
}

export async function earlyWarnings(database: Database, ctx: Ctx, q: EarlyWarningsQuery, timeZone: string): Promise<EarlyWarnings> {
  switch (q.kind) {
    case 'overdue':
      return overdueList(database, ctx.actor, q, await readAnalyticsSettings(database), timeZone);
    case 'progress':
      return progressList(database, ctx, q, timeZone);
    case 'expense':
      return expenseList(database, ctx.actor, q, await readAnalyticsSettings(database), timeZone);
    case 'churn':
      return churnList(database, ctx.actor, q);
  }
}

/** Open warnings in scope (over the warning's owner): counts and overdue amounts per owner, and the list with tasks. */
export async function openWarnings(database: Database, ctx: Ctx, q: OpenWarningsQuery): Promise<OpenWarnings> {
  const conds = [sql`w.closed_at is null`, ownedBy(ctx.actor, sql`w.owner_id`), ...ownerFilters(ctx.actor, sql`w.owner_id`, q)];
  const forList = [...conds];
  if (q['filter[kind]']) forList.push(sql`w.kind = ${q['filter[kind]']}`);
  const [groups, rows] = await Promise.all([
    database.rows<{ owner_id: string | number | null; owner_name: string | null; churn: number; overdue: number; amount: string; is_total: boolean }>(sql`
      select w.owner_id, min(u.name) as owner_name, grouping(w.owner_id) = 1 as is_total,
        (count(*) filter (where w.kind = 'churn'))::int as churn, (count(*) filter (where w.kind = 'overdue'))::int as overdue,
        coalesce(sum(w.amount) filter (where w.kind = 'overdue'), 0)::numeric(20, 2)::text as amount
      from customer_warnings w left join users u on u.id = w.owner_id
      where ${and(conds)}
      group by grouping sets ((w.owner_id), ())
      order by is_total, count(*) desc, amount desc, owner_name`),
    database.rows<{
      id: string | number;
      kind: 'churn' | 'overdue';
      level: 'medium' | 'high';
      customer_id: string | number;
      customer_name: string | null;
      owner_id: string | number | null;
      owner_name: string | null;
      score: number | null;
      amount: string | null;
      reasons: Record<string, unknown>;
      opened_at: Date | string;
      task_id: string | number | null;
      task_title: string | null;
      task_due_at: Date | string | null;
      task_done: boolean | null;
    }>(sql`
      select w.id, w.kind, w.level, w.customer_id, c.name as customer_name, w.owner_id, u.name as owner_name, w.score, w.amount::text as amount, w.reasons, w.opened_at,
        t.id as task_id, t.title as task_title, t.due_at as task_due_at, (t.done_at is not null) as task_done
      from customer_warnings w
      join customers c on c.id = w.customer_id
      left join users u on u.id = w.owner_id
      left join tasks t on t.id = w.task_id and t.deleted_at is null
      where ${and(forList)}
      order by w.opened_at desc, w.id desc
      limit ${q.limit + 1}`),
  ]);
  const total = groups.find((g) => g.is_total);
  return {
    byOwner: groups
      .filter((g) => !g.is_total)
      .map((g) => ({ ownerId: num(g.owner_id), ownerName: g.owner_name, churn: Number(g.churn), overdue: Number(g.overdue), overdueAmount: g.amount })),
    total: { churn: Number(total?.churn ?? 0), overdue: Number(total?.overdue ?? 0), overdueAmount: total?.amount ?? '0.00' },
    truncated: rows.length > q.limit,
    data: rows.slice(0, q.limit).map((r) => ({
      id: Number(r.id),
      kind: r.kind,
      level: r.level,
      customerId: Number(r.customer_id),
      customerName: r.customer_name,
      ownerId: num(r.owner_id),
      ownerName: r.owner_name,
      score: r.score === null ? null : Number(r.score),
      amount: r.amount,
      reasons: r.reasons ?? {},
      openedAt: new Date(r.opened_at).toISOString(),
      task:
        r.task_id === null
          ? null
          : { id: Number(r.task_id), title: r.task_title ?? '', dueAt: new Date(r.task_due_at!).toISOString(), done: Boolean(r.task_done) },
    })),
  };
}
