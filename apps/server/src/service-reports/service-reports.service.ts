// Service reports: the service metrics of DESIGN §1.3 — response and resolution time, SLA
// attainment, resolution rate (问题解决率), complaint rate, satisfaction (CSAT) and loyalty (NPS) from
// return visits, top complaint causes and the backlog — over the tickets the caller may see.
// Times are business minutes stored on each ticket when it was answered or resolved.
//
// The period's tickets are counted in one statement by grouping sets — a cell per (tier, team,
// cause, SLA verdicts), a histogram per business-minute value, creations and resolutions per local
// day — and everything else is summed from those few thousand rows. The counts come from daily
// rollups kept by triggers (service-reports.table.ts; a quarter at 5M tickets is ~420k tickets but
// tens of thousands of rollup rows, and business minutes of 1,000 and more are kept to three
// digits) for a caller who sees every ticket, and for a department scope's own teams; the rest is
// counted from the period's tickets (periodGroups). The backlog's starting point is one probe of an
// index of each ticket's open span. The statements run in one read-only snapshot, without JIT (they are
// compiled once and run once: bench/service/notes.md).
import { sql, type SQL } from 'drizzle-orm';
import type { ServiceReport } from '@guanxi/contracts';
import type { Database, DbOrTx } from '../db/client.js';
import type { Ctx } from '../platform/context.js';
import { ownedBy } from '../platform/data-scope.js';
import { owned, resolveScope, teamIds, ticketVisibleRow } from '../tickets/ticket-scope.js';
import { rollupTimeZone } from './service-report-rollups.js';

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
  return database.db.transaction(
    async (tx) => {
      if (database.driver === 'postgres') await tx.execute(sql`set local jit = off`);
      return buildReport(database, tx, ctx, q, timeZone);
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

type Row = Record<string, unknown>;

async function buildReport(database: Database, tx: DbOrTx, ctx: Ctx, q: ReportQuery, timeZone: string): Promise<ServiceReport> {
  const start = sql`(${q.from}::date::timestamp at time zone ${timeZone})`;
  const end = sql`((${q.to}::date + 1)::timestamp at time zone ${timeZone})`;
  // The period (or the visit) picks the rows; the scope is a test of each row's columns, not the
  // set of every ticket the caller may see, which is the team's whole history (notes.md).
  const scoped = sql.join([sql`t.deleted_at is null`, ticketVisibleRow(ctx.actor, 't'), ...filtersOf(q)], sql` and `);

  // The complaint rate's denominator is the company's orders in the period (orders belong to sales, not to a service team).
  const [orders] = await database.rows<{ n: number }>(sql`
    select count(*)::int as n from orders o where o.deleted_at is null and o.status <> 'cancelled' and o.order_date between ${q.from}::date and ${q.to}::date`, tx);

  // Visits about tickets in scope, or made by people in scope (order visits). The ticket is probed
  // by primary key per visit of the period: an `in (every ticket in scope)` under an OR cannot
  // become a semi-join and was rescanned per visit once the list outgrew work_mem.
  // Seeing every ticket without a filter, the only tickets to leave out are the deleted ones: one
  // hashed anti-join over their (partial) index, not a probe per visit (340 ms for a quarter at 5M).
  const everyTicket = ctx.actor.dataScope === 'all' && !q['filter[teamId]'] && !q['filter[importance]'];
  const visitFilters: SQL[] = [
    sql`v.status = 'done' and v.deleted_at is null and v.done_at >= ${start} and v.done_at < ${end}`,
    everyTicket
      ? sql`(v.ticket_id is null or v.ticket_id not in (select t.id from tickets t where t.deleted_at is not null))`
      : sql`(case when v.ticket_id is null then ${ownedBy(ctx.actor, sql`v.assignee_id`)} else exists (select 1 from tickets t where t.id = v.ticket_id and ${scoped}) end)`,
  ];
  if (q['filter[teamId]']) visitFilters.push(sql`(v.ticket_id is not null or v.assignee_id in (select id from users where department_id = ${q['filter[teamId]']}))`);
  if (q['filter[importance]']) visitFilters.push(sql`v.customer_id in (select id from customers where importance = ${q['filter[importance]']})`);
  // NPS (Reichheld): % promoters (9–10) − % detractors (0–6) among those who answered.
  const [visits] = await database.rows<Row>(sql`
    select count(*)::int as n, avg(v.satisfaction)::float8 as csat,
      count(v.would_recommend)::int as answered,
      count(*) filter (where v.would_recommend >= 9)::int as promoters,
      count(*) filter (where v.would_recommend <= 6)::int as detractors
    from return_visits v where ${sql.join(visitFilters, sql` and `)}`, tx);

  // Tickets open when the period starts — created before it, not resolved by then — by the local
  // day they were resolved in the period (null: later or never). These are the backlog's starting
  // point and the only resolutions of the period that the period's own tickets do not include.
  // tickets_open_span_idx holds each ticket's span, so this reads only those tickets.
  const openAtStart = await database.rows<{ day: string | null; n: number }>(sql`
    select to_char(day, 'YYYY-MM-DD') as day, n from (
      select case when t.resolved_at < ${end} then (t.resolved_at at time zone ${timeZone})::date end as day, count(*)::int as n
      from tickets t where ${scoped} and ${openSpan} @> ${start} group by 1) s`, tx);

  // Last, with more memory: the grouping sets hold a few thousand groups, but the planner cannot
  // estimate the days and minutes; with room for its guess it hashes every set in one pass instead
  // of sorting the period's rows once per set (and spilling: 7.8 s for a quarter at 32MB). Not
  // before the visits: there it would hash every ticket id instead of probing the visits' tickets.
  if (database.driver === 'postgres') await database.rows(sql`select set_config('work_mem', '128MB', true)`, tx);
  const period = await database.rows<Row>(periodSql(await periodGroups(database, tx, ctx, q, scoped, start, end, timeZone)), tx);
  const of = (kind: string) => period.filter((r) => r.kind === kind);

  const t = of('all')[0] ?? {};
  const ticketsN = int(t.n);
  const complaints = int(t.complaints);
  const response = histogram(of('response'));
  const resolution = histogram(of('resolution'));
  const att = (r: Row) => ({
    firstResponse: { achieved: int(r.fr_ok), breached: int(r.fr_bad), rate: rate(int(r.fr_ok), int(r.fr_bad)) },
    resolution: { achieved: int(r.res_ok), breached: int(r.res_bad), rate: rate(int(r.res_ok), int(r.res_bad)) },
  });
  const answered = int(visits?.answered);
  return {
    from: q.from,
    to: q.to,
    tickets: ticketsN,
    responseMinutes: { count: count(response), median: num(percentileCont(response, 0.5)), p90: num(percentileCont(response, 0.9)) },
    resolutionMinutes: { count: count(resolution), median: num(percentileCont(resolution, 0.5)), p90: num(percentileCont(resolution, 0.9)) },
    slaByTier: of('tier').map((r) => ({ tier: String(r.label), ...att(r) })),
    slaByTeam: of('team').map((r) => ({ teamId: r.team_id === null ? null : Number(r.team_id), teamName: (r.label as string | null) ?? null, ...att(r) })),
    resolutionRate: ticketsN === 0 ? null : num(int(t.resolved) / ticketsN),
    complaints,
    orders: orders?.n ?? 0,
    complaintsPer100Orders: orders?.n ? num((complaints / orders.n) * 100) : null,
    visits: int(visits?.n),
    csat: num(visits?.csat),
    nps: answered === 0 ? null : num(((int(visits?.promoters) - int(visits?.detractors)) / answered) * 100),
    topComplaintCauses: of('cause').slice(0, 10).map((c) => ({ cause: String(c.label), count: int(c.n) })),
    backlog: backlogSeries(q, openAtStart, [...of('opened'), ...of('closed')]),
  };
}

/**
 * A ticket's open span: from its creation (excluded) to its resolution (included), unbounded while
 * unresolved; empty when resolved at or before creation (imported data), which was never open. It
 * contains an instant when the ticket was open at it: created before and not resolved by then.
 * Word for word the expression of tickets_open_span_idx (tickets.table.ts), so the planner uses it.
 */
const openSpan = sql.raw(
  `tstzrange(t.created_at, case when t.resolved_at is null then null else greatest(t.resolved_at, t.created_at) end, '(]')`,
);

/**
 * Where the period's counts come from. The daily rollups keep tickets by team, not by assignee, so:
 *   scope all: the rollups alone;
 *   department scopes (a team's tickets, and those assigned to its people): the rollups of the
 *   caller's teams, plus the tickets of the period assigned to its people in other teams (or none),
 *   read by assignee — usually few;
 *   own scopes, or rollups not built in this time zone: the period's tickets, tested one by one.
 */
async function periodGroups(database: Database, tx: DbOrTx, ctx: Ctx, q: ReportQuery, scoped: SQL, start: SQL, end: SQL, timeZone: string): Promise<SQL[]> {
  const scope = ctx.actor.dataScope;
  const department = scope === 'department' || scope === 'department_tree';
  if ((scope !== 'all' && !department) || (await rollupTimeZone(database, tx)) !== timeZone) return [ticketGroups(scoped, start, end, timeZone)];
  if (scope === 'all') return [rollupGroups(q, null)];
  // named ids, so that the planner seeks the assignee index per person instead of guessing the subquery's size
  const resolved = await resolveScope({ rows: (query) => database.rows(query, tx) }, ctx.actor);
  const teams = teamIds(resolved);
  if (teams === null) return [ticketGroups(scoped, start, end, timeZone)];
  const elsewhere = sql.join([sql`t.deleted_at is null`, owned(resolved, sql`t.assignee_id`), sql`not coalesce(t.team_id in (${teams}), false)`, ...filtersOf(q)], sql` and `);
  return [rollupGroups(q, teams), ticketGroups(elsewhere, start, end, timeZone)];
}

/** The report's team and tier filters on a ticket `t`. */
function filtersOf(q: ReportQuery): SQL[] {
  const filters: SQL[] = [];
  if (q['filter[teamId]']) filters.push(sql`t.team_id = ${q['filter[teamId]']}`);
  if (q['filter[importance]']) filters.push(sql`t.customer_tier = ${q['filter[importance]']}`);
  return filters;
}

/**
 * The period's tickets counted by grouping sets, one read of the tickets created in it:
 *   cell: by (tier, team, complaint cause, SLA policy, verdicts, resolved);
 *   response / resolution: by business-minute value (for the percentiles);
 *   opened / closed: backlog moves per local day — created (unless resolved before it was
 *   created: never open), and resolved in the period (after creation).
 */
function ticketGroups(scoped: SQL, start: SQL, end: SQL, timeZone: string): SQL {
  return sql`
    select case when grouping(tier) = 0 then 'cell' when grouping(response) = 0 then 'response' when grouping(resolution) = 0 then 'resolution'
        when grouping(created_day) = 0 then 'opened' else 'closed' end as kind,
      tier, team_id, cause, has_policy, fr, res, resolved, coalesce(response, resolution)::float8 as value,
      to_char(coalesce(created_day, resolved_day), 'YYYY-MM-DD') as day,
      count(*)::int as n
    from (
      select coalesce(t.customer_tier, 'none') as tier, t.team_id,
        case when t.type = 'complaint' then coalesce(t.root_cause, 'unknown') end as cause,
        t.sla_policy_id is not null as has_policy, t.sla_first_response as fr, t.sla_resolution as res,
        t.resolved_at is not null as resolved,
        t.response_business_minutes as response, t.resolution_business_minutes as resolution,
        (t.resolved_at is null or t.resolved_at >= t.created_at) as opens,
        coalesce(t.resolved_at < ${end} and t.resolved_at >= t.created_at, false) as closes,
        (t.created_at at time zone ${timeZone})::date as created_day, (t.resolved_at at time zone ${timeZone})::date as resolved_day
      from tickets t
      where ${scoped} and t.created_at >= ${start} and t.created_at < ${end}
    ) p
    group by grouping sets ((tier, team_id, cause, has_policy, fr, res, resolved), (response), (resolution), (opens, created_day), (closes, resolved_day))
    having (grouping(opens) = 1 or opens) and (grouping(closes) = 1 or closes)`;
}

/**
 * The same groups from the daily rollups of the period's days (a local day is the rollups' unit and
 * the period's). The histograms come from the grain that splits by exactly the filters given, each
 * value standing for the middle of its bucket (the value itself below 1,000).
 */
function rollupGroups(q: ReportQuery, teams: SQL | null): SQL {
  const team = q['filter[teamId]'];
  const tier = q['filter[importance]'];
  const days = sql`day between ${q.from}::date and ${q.to}::date`;
  const ofTeams = sql.join([team ? sql`team = ${team}` : sql`true`, teams ? sql`team in (${teams})` : sql`true`], sql` and `);
  const filters = sql.join([days, ofTeams, tier ? sql`tier = ${tier}` : sql`true`], sql` and `);
  const byTeam = Boolean(team || teams);
  const grain = (byTeam ? 1 : 0) + (tier ? 2 : 0);
  const histogramRows = sql.join([days, byTeam ? ofTeams : sql`team = -1`, tier ? sql`tier = ${tier}` : sql`tier = '*'`], sql` and `);
  return sql`
      select 'cell' as kind, tier, nullif(team, 0) as team_id, nullif(cause, '') as cause, has_policy, fr, res, resolved,
        null::float8 as value, null::text as day, sum(n)::int as n
      from ticket_report_cells where ${filters}
      group by tier, team, cause, has_policy, fr, res, resolved having sum(n) <> 0
      union all
      select kind, null, null, null, null, null, null, null,
        case when u.v < 1000 then u.v else u.v + ((10 ^ (length(u.v::text) - 3)) - 1) / 2 end::float8, null, sum(u.c)::int
      from ticket_report_minutes m cross join lateral unnest(m.minutes, m.tickets) u (v, c)
      where grain = ${grain} and ${histogramRows}
      group by kind, u.v having sum(u.c) <> 0
      union all
      select 'opened', null, null, null, null, null, null, null, null, to_char(day, 'YYYY-MM-DD'), sum(n)::int
      from ticket_report_flow where ${filters} and opens
      group by day having sum(n) <> 0
      union all
      select 'closed', null, null, null, null, null, null, null, null, to_char(resolved_day, 'YYYY-MM-DD'), sum(n)::int
      from ticket_report_flow where ${filters} and opens and resolved_day <= ${q.to}::date
      group by resolved_day having sum(n) <> 0`;
}

/**
 * The groups rolled up into the totals, tiers, teams and causes; tiers and teams count the tickets
 * under an SLA policy and appear only when they have one. Rows come ordered as shown: by tier, by
 * team name, by cause frequency.
 */
function periodSql(groups: SQL[]): SQL {
  return sql`
    with g as (${sql.join(groups.map((x) => sql`(${x})`), sql` union all `)})
    select * from (
      select case when grouping(c.tier) = 0 then 'tier' when grouping(c.team_id) = 0 then 'team' when grouping(c.cause) = 0 then 'cause' else 'all' end as kind,
        coalesce(c.tier, d.name, c.cause) as label, c.team_id, null::float8 as value,
        sum(c.n)::int as n,
        coalesce(sum(c.n) filter (where c.resolved), 0)::int as resolved,
        coalesce(sum(c.n) filter (where c.cause is not null), 0)::int as complaints,
        coalesce(sum(c.n) filter (where c.has_policy), 0)::int as with_policy,
        coalesce(sum(c.n) filter (where c.has_policy and c.fr = 'achieved'), 0)::int as fr_ok,
        coalesce(sum(c.n) filter (where c.has_policy and c.fr = 'breached'), 0)::int as fr_bad,
        coalesce(sum(c.n) filter (where c.has_policy and c.res = 'achieved'), 0)::int as res_ok,
        coalesce(sum(c.n) filter (where c.has_policy and c.res = 'breached'), 0)::int as res_bad
      from g c left join departments d on d.id = c.team_id
      where c.kind = 'cell'
      group by grouping sets ((), (c.tier), (c.team_id, d.name), (c.cause))
      having not ((grouping(c.tier) = 0 or grouping(c.team_id) = 0) and coalesce(sum(c.n) filter (where c.has_policy), 0) = 0)
        and not (grouping(c.cause) = 0 and c.cause is null)
      union all
      select kind, day, null, value, n, 0, 0, 0, 0, 0, 0, 0 from g where kind <> 'cell' and (kind in ('opened', 'closed') or value is not null)
    ) r
    order by r.kind, case when r.kind = 'cause' then r.n end desc, r.label nulls last, r.team_id, r.value`;
}

type Histogram = Array<{ value: number; n: number }>;

const histogram = (rows: Row[]): Histogram => rows.map((r) => ({ value: Number(r.value), n: int(r.n) }));
const count = (h: Histogram): number => h.reduce((s, b) => s + b.n, 0);

/**
 * PostgreSQL's percentile_cont over a histogram sorted by value: the value at 0-based rank
 * p·(n − 1), interpolated linearly between ranks floor and ceil (as in percentile_cont_final_common).
 */
export function percentileCont(h: Histogram, p: number): number | null {
  const n = count(h);
  if (n === 0) return null;
  const pos = p * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const at = (rank: number): number => {
    let seen = 0;
    for (const b of h) {
      seen += b.n;
      if (rank < seen) return b.value;
    }
    return h[h.length - 1]!.value;
  };
  const first = at(lo);
  if (hi === lo) return first;
  return first + (pos - lo) * (at(hi) - first);
}

/**
 * Backlog: tickets open at the end of each local day (created by then and not yet resolved) — those
 * open when the period starts, then a running sum of created − resolved per local day.
 */
function backlogSeries(q: Pick<ReportQuery, 'from' | 'to'>, openAtStart: Array<{ day: string | null; n: number }>, moves: Row[]): ServiceReport['backlog'] {
  const delta = new Map<string, number>();
  const add = (day: string, n: number) => delta.set(day, (delta.get(day) ?? 0) + n);
  let open = 0;
  for (const r of openAtStart) {
    open += int(r.n);
    if (r.day !== null) add(r.day, -int(r.n));
  }
  for (const r of moves) add(String(r.label), r.kind === 'opened' ? int(r.n) : -int(r.n));
  const series: ServiceReport['backlog'] = [];
  const last = Date.parse(`${q.to}T00:00:00Z`);
  for (let d = Date.parse(`${q.from}T00:00:00Z`); d <= last; d += 86_400_000) {
    const date = new Date(d).toISOString().slice(0, 10);
    open += delta.get(date) ?? 0;
    series.push({ date, open });
  }
  return series;
}
