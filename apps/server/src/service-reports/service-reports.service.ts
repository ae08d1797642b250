// Service reports: the service metrics of DESIGN §1.3 — response and resolution time, SLA
// attainment, resolution rate (问题解决率), complaint rate, satisfaction (CSAT) and loyalty (NPS) from
// return visits, top complaint causes and the backlog — over the tickets the caller may see.
// Times are business minutes stored on each ticket when it was answered or resolved, so the
// median and p90 are one percentile_cont in SQL.
import { sql, type SQL } from 'drizzle-orm';
import type { ServiceReport } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import type { Ctx } from '../platform/context.js';
import { ownedBy } from '../platform/data-scope.js';
import { ticketVisibleRow } from '../tickets/ticket-scope.js';

export interface ReportQuery {
  from: string;
  to: string;
  'filter[teamId]'?: number | undefined;
  'filter[importance]'?: 'vip' | 'important' | 'ordinary' | undefined;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Math.round(Number(v) * 10_000) / 10_000);
const int = (v: unknown): number => Number(v ?? 0);
const rate = (a: number, b: number): number | null => (a + b === 0 ? null : Math.round((a / (a + b)) * 10_000) / 10_000);

export async function serviceReport(database: Database, ctx: Ctx, q: ReportQuery, timeZone: string): Promise<ServiceReport> {
  const start = sql`(${q.from}::date::timestamp at time zone ${timeZone})`;
  const end = sql`((${q.to}::date + 1)::timestamp at time zone ${timeZone})`;
  // The period (or the visit) picks the rows; the scope is a test of each row's columns, not the
  // set of every ticket the caller may see, which is the team's whole history (notes.md).
  const ticketFilters: SQL[] = [sql`t.deleted_at is null`, ticketVisibleRow(ctx.actor, 't')];
  if (q['filter[teamId]']) ticketFilters.push(sql`t.team_id = ${q['filter[teamId]']}`);
  if (q['filter[importance]']) ticketFilters.push(sql`t.customer_tier = ${q['filter[importance]']}`);
  const scoped = sql.join(ticketFilters, sql` and `);
  const inPeriod = sql`${scoped} and t.created_at >= ${start} and t.created_at < ${end}`;

  const [totals] = await database.rows<Record<string, unknown>>(sql`
    select count(*)::int as tickets,
      count(t.response_business_minutes)::int as response_n,
      percentile_cont(0.5) within group (order by t.response_business_minutes) as response_median,
      percentile_cont(0.9) within group (order by t.response_business_minutes) as response_p90,
      count(t.resolution_business_minutes)::int as resolution_n,
      percentile_cont(0.5) within group (order by t.resolution_business_minutes) as resolution_median,
      percentile_cont(0.9) within group (order by t.resolution_business_minutes) as resolution_p90,
      count(*) filter (where t.resolved_at is not null)::int as resolved,
      count(*) filter (where t.type = 'complaint')::int as complaints
    from tickets t where ${inPeriod}`);

  const attainment = (prefix: string) => sql.raw(`
      count(*) filter (where t.sla_first_response = 'achieved')::int as ${prefix}fr_ok,
      count(*) filter (where t.sla_first_response = 'breached')::int as ${prefix}fr_bad,
      count(*) filter (where t.sla_resolution = 'achieved')::int as ${prefix}res_ok,
      count(*) filter (where t.sla_resolution = 'breached')::int as ${prefix}res_bad`);
  const byTier = await database.rows<Record<string, unknown>>(sql`
    select coalesce(t.customer_tier, 'none') as tier, ${attainment('')}
    from tickets t where ${inPeriod} and t.sla_policy_id is not null group by 1 order by 1`);
  const byTeam = await database.rows<Record<string, unknown>>(sql`
    select t.team_id, d.name as team_name, ${attainment('')}
    from tickets t left join departments d on d.id = t.team_id where ${inPeriod} and t.sla_policy_id is not null
    group by t.team_id, d.name order by d.name nulls last`);
  const att = (r: Record<string, unknown>) => ({
    firstResponse: { achieved: int(r.fr_ok), breached: int(r.fr_bad), rate: rate(int(r.fr_ok), int(r.fr_bad)) },
    resolution: { achieved: int(r.res_ok), breached: int(r.res_bad), rate: rate(int(r.res_ok), int(r.res_bad)) },
  });

  // The complaint rate's denominator is the company's orders in the period (orders belong to sales, not to a service team).
  const [orders] = await database.rows<{ n: number }>(sql`
    select count(*)::int as n from orders o where o.deleted_at is null and o.status <> 'cancelled' and o.order_date between ${q.from}::date and ${q.to}::date`);

  // Visits about tickets in scope, or made by people in scope (order visits). The ticket is probed
  // by primary key per visit of the period: an `in (every ticket in scope)` under an OR cannot
  // become a semi-join and was rescanned per visit once the list outgrew work_mem.
  const visitFilters: SQL[] = [
    sql`v.status = 'done' and v.deleted_at is null and v.done_at >= ${start} and v.done_at < ${end}`,
    sql`(case when v.ticket_id is null then ${ownedBy(ctx.actor, sql`v.assignee_id`)} else exists (select 1 from tickets t where t.id = v.ticket_id and ${scoped}) end)`,
  ];
  if (q['filter[teamId]']) visitFilters.push(sql`(v.ticket_id is not null or v.assignee_id in (select id from users where department_id = ${q['filter[teamId]']}))`);
  if (q['filter[importance]']) visitFilters.push(sql`v.customer_id in (select id from customers where importance = ${q['filter[importance]']})`);
  // NPS (Reichheld): % promoters (9–10) − % detractors (0–6) among those who answered.
  const [visits] = await database.rows<Record<string, unknown>>(sql`
    select count(*)::int as n, avg(v.satisfaction)::float8 as csat,
      count(v.would_recommend)::int as answered,
      count(*) filter (where v.would_recommend >= 9)::int as promoters,
      count(*) filter (where v.would_recommend <= 6)::int as detractors
    from return_visits v where ${sql.join(visitFilters, sql` and `)}`);

  const causes = await database.rows<{ cause: string; n: number }>(sql`
    select coalesce(t.root_cause, 'unknown') as cause, count(*)::int as n from tickets t
    where ${inPeriod} and t.type = 'complaint' group by 1 order by 2 desc, 1 limit 10`);

  const backlog = await database.rows<{ day: string; open: number }>(backlogSeries(scoped, q, start, end, timeZone));

  const t = totals ?? {};
  const answered = int(visits?.answered);
  const ticketsN = int(t.tickets);
  return {
    from: q.from,
    to: q.to,
    tickets: ticketsN,
    responseMinutes: { count: int(t.response_n), median: num(t.response_median), p90: num(t.response_p90) },
    resolutionMinutes: { count: int(t.resolution_n), median: num(t.resolution_median), p90: num(t.resolution_p90) },
    slaByTier: byTier.map((r) => ({ tier: String(r.tier), ...att(r) })),
    slaByTeam: byTeam.map((r) => ({ teamId: r.team_id === null ? null : Number(r.team_id), teamName: (r.team_name as string | null) ?? null, ...att(r) })),
    resolutionRate: ticketsN === 0 ? null : num(int(t.resolved) / ticketsN),
    complaints: int(t.complaints),
    orders: orders?.n ?? 0,
    complaintsPer100Orders: orders?.n ? num((int(t.complaints) / orders.n) * 100) : null,
    visits: int(visits?.n),
    csat: num(visits?.csat),
    nps: answered === 0 ? null : num(((int(visits?.promoters) - int(visits?.detractors)) / answered) * 100),
    topComplaintCauses: causes.map((c) => ({ cause: c.cause, count: Number(c.n) })),
    backlog: backlog.map((b) => ({ date: b.day, open: Number(b.open) })),
  };
}

/**
 * Backlog: tickets open at the end of each local day (created by then and not yet resolved), in one
 * pass — those open when the period starts, then a running sum of created − resolved per local day —
 * instead of a count over the whole history per day. A ticket resolved before it was created (only
 * possible in imported data) was never open: it is neither added nor removed.
 */
function backlogSeries(scoped: SQL, q: Pick<ReportQuery, 'from' | 'to'>, start: SQL, end: SQL, timeZone: string): SQL {
  const localDay = (column: string) => sql`(${sql.raw(column)} at time zone ${timeZone})::date`;
  return sql`
    with opening as (
      select count(*)::int as n from tickets t
      where ${scoped} and t.created_at < ${start} and (t.resolved_at is null or t.resolved_at >= ${start})
    ), moves as (
      select ${localDay('t.created_at')} as day, 1 as delta from tickets t
      where ${scoped} and t.created_at >= ${start} and t.created_at < ${end} and (t.resolved_at is null or t.resolved_at >= t.created_at)
      union all
      select ${localDay('t.resolved_at')}, -1 from tickets t
      where ${scoped} and t.resolved_at >= ${start} and t.resolved_at < ${end} and t.resolved_at >= t.created_at
    ), per_day as (select day, sum(delta)::int as delta from moves group by day)
    select to_char(d, 'YYYY-MM-DD') as day, ((select n from opening) + coalesce(sum(p.delta) over (order by d), 0))::int as open
    from generate_series(${q.from}::date::timestamp, ${q.to}::date::timestamp, interval '1 day') d
    left join per_day p on p.day = d::date
    order by d`;
}
