// The Kanban board, the home-page pipeline summary and the forecast. Built for large data
// (2M deals). Open-stage column totals are read from opportunity_board_totals (per pipeline,
// owner and stage, kept on write by triggers on opportunities, migration 0022): about owners ×
// stages rows instead of every open deal of the team. With an expected-close filter they are summed
// live from opportunities_board_open_idx instead. The won and lost columns total and show only deals
// closed in a period (the board's expected-close filter if given, else the current quarter in the
// company's time zone) from opportunities_board_closed_idx, live. Both indexes lead with
// (pipeline_id, owner_id), and the live totals and the cards walk the owner set owner by owner (a
// lateral), so a team's board reads only its owners' rows: at most owners × N entries per column
// for the cards.
import { sql, type SQL } from 'drizzle-orm';
import { defaultCurrency, type Board, type BoardColumnQuery, type BoardQuery, type CurrencyTotals, type Forecast, type ForecastQuery, type OpportunitySummary, type PipelineStage, type PipelineSummary } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import type { Ctx } from '../platform/context.js';
import { invalid, notFound } from '../platform/errors.js';
import { keyset, pageOf } from '../platform/pagination.js';
import { defaultPipelineId, readPipeline } from '../pipelines/pipelines.service.js';
import { dealOwners, ownerIn, weightedExpr, type OwnerFilters } from './opportunity-scope.js';
import { summariesOf } from './opportunities.service.js';

interface Totals {
  count: number;
  amounts: CurrencyTotals[];
}
const zero: Totals = { count: 0, amounts: [] };

/** Closed between two dates (inclusive, company time zone); null is unbounded. */
export interface ClosedPeriod {
  from: string | null;
  to: string | null;
}

/** The expected-close filter on open deals, or null without one (every open deal). */
function closeDateConds(from: string | undefined, to: string | undefined): SQL | null {
  if (!from && !to) return null;
  const conds: SQL[] = [sql`true`];
  if (from) conds.push(sql`o.expected_close_date >= ${from}::date`);
  if (to) conds.push(sql`o.expected_close_date <= ${to}::date`);
  return sql.join(conds, sql` and `);
}

/** The current quarter's first and last day in `timeZone`. */
export function currentQuarter(timeZone: string, now = new Date()): { from: string; to: string } {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(now);
  const year = Number(parts.find((p) => p.type === 'year')!.value);
  const month = Number(parts.find((p) => p.type === 'month')!.value);
  const first = Math.floor((month - 1) / 3) * 3 + 1;
  const lastDay = new Date(Date.UTC(year, first + 2, 0)).getUTCDate();
  const pad = (n: number) => String(n).padStart(2, '0');
  return { from: `${year}-${pad(first)}-01`, to: `${year}-${pad(first + 2)}-${pad(lastDay)}` };
}

/** The won and lost columns' period: the expected-close filter if given, else the current quarter. */
export function closedPeriodOf(query: { 'filter[closeFrom]'?: string | undefined; 'filter[closeTo]'?: string | undefined }, timeZone: string): ClosedPeriod {
  const from = query['filter[closeFrom]'];
  const to = query['filter[closeTo]'];
  if (from === undefined && to === undefined) return currentQuarter(timeZone);
  return { from: from ?? null, to: to ?? null };
}

function closedConds(period: ClosedPeriod, timeZone: string): SQL {
  const conds: SQL[] = [sql`o.closed_at is not null`];
  if (period.from) conds.push(sql`o.closed_at >= (${period.from}::date)::timestamp at time zone ${timeZone}`);
  if (period.to) conds.push(sql`o.closed_at < (${period.to}::date + 1)::timestamp at time zone ${timeZone}`);
  return sql.join(conds, sql` and `);
}

/**
 * Count, amount and weighted amount per stage and currency, summed in numeric: closed deals matching
 * `closedCond`, live per owner when there is an owner set (each owner one index-only range of
 * opportunities_board_closed_idx); open deals from opportunity_board_totals when `openCond` is null
 * (no expected-close filter: every open deal counts, which is what the totals hold), else live
 * from opportunities_board_open_idx.
 */
async function stageTotals(database: Database, pipelineId: number, owners: SQL | null, openCond: SQL | null, closedCond: SQL): Promise<Map<number, Totals>> {
  const deals = (ownerCond: SQL) => {
    const closed = sql`
      select o.stage_id, o.currency, o.amount, o.probability_override from opportunities o
      where o.pipeline_id = ${pipelineId} and ${ownerCond} and o.closed_at is not null and o.deleted_at is null and ${closedCond}`;
    if (openCond === null) return closed;
    return sql`
      select o.stage_id, o.currency, o.amount, o.probability_override from opportunities o
      where o.pipeline_id = ${pipelineId} and ${ownerCond} and o.closed_at is null and o.deleted_at is null and ${openCond}
      union all ${closed}`;
  };
  const live =
    owners === null ? sql`(${deals(sql`true`)}) o` : sql`(${owners}) as w (id) cross join lateral (${deals(sql`o.owner_id = w.id`)}) o`;
  const kept =
    openCond !== null
      ? sql``
      : sql`union all
        select t.stage_id, t.currency, t.deals, t.amount, t.weighted_amount from opportunity_board_totals t
        where t.pipeline_id = ${pipelineId} and ${ownerIn(owners, sql`t.owner_id`)}`;
  const rows = await database.rows<{ stage_id: number; currency: string; n: number; amount: string; weighted: string }>(sql`
    select x.stage_id, x.currency, sum(x.n)::int as n, coalesce(sum(x.amount), 0)::numeric(20, 2)::text as amount,
      coalesce(sum(x.weighted), 0)::numeric(20, 2)::text as weighted
    from (
      select o.stage_id, o.currency, 1 as n, o.amount, ${weightedExpr} as weighted
      from ${live} join pipeline_stages s on s.id = o.stage_id
      ${kept}
    ) x
    group by x.stage_id, x.currency
    having sum(x.n) <> 0
    order by x.stage_id, x.currency = ${defaultCurrency} desc, sum(x.n) desc, x.currency`);
  const totals = new Map<number, Totals>();
  for (const r of rows) {
    const stage = totals.get(Number(r.stage_id)) ?? { count: 0, amounts: [] };
    stage.count += Number(r.n);
    stage.amounts.push({ currency: r.currency, count: Number(r.n), amount: r.amount, weightedAmount: r.weighted });
    totals.set(Number(r.stage_id), stage);
  }
  return totals;
}

interface ColumnStage {
  id: number;
  pipelineId: number;
  kind: string;
}

const openOrder = { expr: sql`o.stage_entered_at`, desc: true, kind: 'timestamp' as const, notNull: true };
const closedOrder = { expr: sql`o.closed_at`, desc: true, kind: 'timestamp' as const, notNull: true };

/**
 * The ids of a column's next `limit + 1` cards: in an open stage the newest in the stage, open
 * deals only; in a won or lost stage the most recently closed within `closedCond`. With an owner
 * set, the first N per owner come from the board index ((pipeline, owner, stage, stage_entered_at,
 * id) for open deals, (pipeline, owner, closed_at, id) for closed ones) and are merged; with none,
 * the column is read in order from (stage, stage_entered_at, id) or (closed_at).
 */
async function columnCardIds(database: Database, stage: ColumnStage, owners: SQL | null, openCond: SQL | null, closedCond: SQL, limit: number, cursor: string | undefined) {
  const open = stage.kind === 'open';
  const order = open ? openOrder : closedOrder;
  const page = keyset(order, sql`o.id`, cursor);
  const cond = open ? sql`o.closed_at is null and ${openCond ?? sql`true`}` : closedCond;
  const inner = (ownerCond: SQL) => sql`
    select o.id, ${order.expr} as sort_at, (${order.expr})::text as sort_value from opportunities o
    where o.pipeline_id = ${stage.pipelineId} and ${ownerCond} and o.stage_id = ${stage.id} and o.deleted_at is null and ${cond} and ${page.where}
    order by ${page.orderBy} limit ${limit + 1}`;
  const query =
    owners === null
      ? inner(sql`true`)
      : sql`select x.id, x.sort_value from (${owners}) as w (id) cross join lateral (${inner(sql`o.owner_id = w.id`)}) x
            order by x.sort_at desc, x.id desc limit ${limit + 1}`;
  const rows = await database.rows<{ id: number; sort_value: string }>(query);
  return pageOf(rows, limit, (r) => [r.sort_value, Number(r.id)]);
}

async function resolvePipeline(database: Database, pipelineId: number | undefined) {
  return readPipeline(database.db, pipelineId ?? (await defaultPipelineId(database.db)));
}

const filtersOf = (q: { 'filter[ownerId]'?: 'me' | number | undefined; 'filter[departmentId]'?: number | undefined }): OwnerFilters => ({
  ownerId: q['filter[ownerId]'],
  departmentId: q['filter[departmentId]'],
});

export async function loadBoard(database: Database, ctx: Ctx, timeZone: string, query: BoardQuery): Promise<Board> {
  const pipeline = await resolvePipeline(database, query.pipelineId);
  const owners = dealOwners(ctx.actor, filtersOf(query));
  const openCond = closeDateConds(query['filter[closeFrom]'], query['filter[closeTo]']);
  const period = closedPeriodOf(query, timeZone);
  const closedCond = closedConds(period, timeZone);
  const totals = await stageTotals(database, pipeline.id, owners, openCond, closedCond);
  const pages = await Promise.all(
    pipeline.stages.map((s) => columnCardIds(database, { id: s.id, pipelineId: pipeline.id, kind: s.kind }, owners, openCond, closedCond, query.perStage, undefined)),
  );
  const cards = await summariesOf(database, pages.flatMap((p) => p.rows.map((r) => Number(r.id))));
  const byId = new Map(cards.map((c) => [c.id, c]));
  return {
    pipeline,
    columns: pipeline.stages.map((stage, i) => {
      const page = pages[i]!;
      return {
        stage,
        ...(totals.get(stage.id) ?? zero),
        ...(stage.kind === 'open' ? {} : { closedFrom: period.from, closedTo: period.to }),
        cards: page.rows.flatMap((r) => byId.get(Number(r.id)) ?? []),
        nextCursor: page.nextCursor,
      };
    }),
  };
}

/** "Load more" in one column, with the board's filters. */
export async function loadBoardColumn(
  database: Database,
  ctx: Ctx,
  timeZone: string,
  stageId: number,
  query: BoardColumnQuery,
): Promise<{ data: OpportunitySummary[]; nextCursor: string | null }> {
  const [stage] = await database.rows<{ id: number; pipeline_id: number; kind: string }>(
    sql`select s.id, s.pipeline_id, s.kind from pipeline_stages s join pipelines p on p.id = s.pipeline_id where s.id = ${stageId} and s.deleted_at is null and p.deleted_at is null`,
  );
  if (!stage) throw notFound();
  const owners = dealOwners(ctx.actor, filtersOf(query));
  const openCond = closeDateConds(query['filter[closeFrom]'], query['filter[closeTo]']);
  const closedCond = closedConds(closedPeriodOf(query, timeZone), timeZone);
  const column = { id: Number(stage.id), pipelineId: Number(stage.pipeline_id), kind: stage.kind };
  const page = await columnCardIds(database, column, owners, openCond, closedCond, query.limit, query.cursor);
  return { data: await summariesOf(database, page.rows.map((r) => Number(r.id))), nextCursor: page.nextCursor };
}

/** Per-stage totals for the home page: the caller's own deals, or every deal they may see. */
export async function pipelineSummary(database: Database, ctx: Ctx, query: { scope: 'me' | 'team'; pipelineId?: number | undefined }): Promise<PipelineSummary> {
  const pipeline = await resolvePipeline(database, query.pipelineId);
  const owners = dealOwners(ctx.actor, query.scope === 'me' ? { ownerId: 'me' } : {});
  const totals = await stageTotals(database, pipeline.id, owners, null, sql`true`);
  return {
    pipelineId: pipeline.id,
    pipelineName: pipeline.name,
    scope: query.scope,
    stages: pipeline.stages.map((stage: PipelineStage) => ({ stage, ...(totals.get(stage.id) ?? zero) })),
  };
}

function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

/**
 * Open deals by expected-close month and owner (amount and weighted amount), and deals won in
 * each month (by closed_at in the company's time zone), all summed in numeric, in one currency:
 * the one asked for, else CNY if any deal is in it, else the one with the most deals in the period.
 */
export async function loadForecast(database: Database, ctx: Ctx, timeZone: string, query: ForecastQuery): Promise<Forecast> {
  if (query.to < query.from) throw invalid('to', 'must not be before from', 'too_small');
  const months = monthsBetween(query.from, query.to);
  if (months.length > 36) throw invalid('to', 'at most 36 months', 'too_big');
  const owners = dealOwners(ctx.actor, filtersOf(query));
  const start = sql`${`${query.from}-01`}::date`;
  const end = sql`(${`${query.to}-01`}::date + interval '1 month')::date`;
  const pipeline = query.pipelineId === undefined ? sql`true` : sql`o.pipeline_id = ${query.pipelineId}`;
  const rows = await database.rows<{
    month: string | null; owner_id: number | null; owner_name: string | null; open_n: number; open_amount: string; weighted: string; won_n: number; won_amount: string;
    currency: string; currencies: string | null;
  }>(sql`
    with x as (
      select to_char(o.expected_close_date, 'YYYY-MM') as month, o.owner_id, o.currency, 1 as open_n, o.amount as open_amount, ${weightedExpr} as weighted,
        0 as won_n, 0::numeric as won_amount
      from opportunities o join pipeline_stages s on s.id = o.stage_id
      where o.deleted_at is null and o.status = 'open' and ${ownerIn(owners, sql`o.owner_id`)} and ${pipeline}
        and o.expected_close_date >= ${start} and o.expected_close_date < ${end}
      union all
      select to_char(o.closed_at at time zone ${timeZone}, 'YYYY-MM'), o.owner_id, o.currency, 0, 0::numeric, 0::numeric, 1, o.amount
      from opportunities o
      where o.deleted_at is null and o.status = 'won' and ${ownerIn(owners, sql`o.owner_id`)} and ${pipeline}
        and o.closed_at >= ${start}::timestamp at time zone ${timeZone} and o.closed_at < ${end}::timestamp at time zone ${timeZone}
    ), c as (
      select x.currency, count(*) as n from x group by x.currency
    ), pick as (
      select coalesce(${query.currency ?? null}::text, (select c.currency from c order by c.currency = ${defaultCurrency} desc, c.n desc, c.currency limit 1), ${defaultCurrency}) as currency
    ), g as (
      select month, owner_id, sum(open_n)::int as open_n, sum(open_amount)::numeric(20, 2)::text as open_amount,
        sum(weighted)::numeric(20, 2)::text as weighted, sum(won_n)::int as won_n, sum(won_amount)::numeric(20, 2)::text as won_amount
      from x where x.currency = (select pick.currency from pick)
      group by grouping sets ((month, owner_id), ())
    )
    select g.*, u.name as owner_name, (select pick.currency from pick) as currency,
      (select string_agg(c.currency, ',' order by c.currency = ${defaultCurrency} desc, c.n desc, c.currency) from c) as currencies
    from g left join users u on u.id = g.owner_id
    order by g.month nulls first, u.name, g.owner_id`);
  const total = rows.find((r) => r.month === null);
  return {
    from: query.from,
    to: query.to,
    currency: total?.currency ?? query.currency ?? defaultCurrency,
    currencies: total?.currencies ? total.currencies.split(',') : [],
    months,
    rows: rows
      .filter((r) => r.month !== null)
      .map((r) => ({
        month: r.month!,
        ownerId: Number(r.owner_id),
        ownerName: r.owner_name,
        openCount: Number(r.open_n),
        openAmount: r.open_amount,
        weightedAmount: r.weighted,
        wonCount: Number(r.won_n),
        wonAmount: r.won_amount,
      })),
    totals: { openAmount: total?.open_amount ?? '0.00', weightedAmount: total?.weighted ?? '0.00', wonAmount: total?.won_amount ?? '0.00' },
  };
}
