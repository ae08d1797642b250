// The Kanban board, the home-page pipeline summary and the forecast. Built for large data
// (2M deals): column totals are one grouped scan of opportunities_board_idx (index-only: every
// column the totals read is in the index), and each column's cards are the first N by
// (stage_entered_at desc, id desc) — fetched per visible owner from the same index and merged, so
// a team's board never reads more than owners × N rows per column instead of every deal.
import { sql, type SQL } from 'drizzle-orm';
import type { Board, BoardColumnQuery, BoardQuery, Forecast, ForecastQuery, OpportunitySummary, PipelineStage, PipelineSummary } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import type { Ctx } from '../platform/context.js';
import { invalid, notFound } from '../platform/errors.js';
import { keyset, pageOf } from '../platform/pagination.js';
import { defaultPipelineId, readPipeline } from '../pipelines/pipelines.service.js';
import { dealOwners, ownerIn, weightedExpr, type OwnerFilters } from './opportunity-scope.js';
import { summariesOf } from './opportunities.service.js';

interface Totals {
  count: number;
  amount: string;
  weightedAmount: string;
}
const zero: Totals = { count: 0, amount: '0.00', weightedAmount: '0.00' };

function closeDateConds(from: string | undefined, to: string | undefined): SQL {
  const conds: SQL[] = [sql`true`];
  if (from) conds.push(sql`o.expected_close_date >= ${from}::date`);
  if (to) conds.push(sql`o.expected_close_date <= ${to}::date`);
  return sql.join(conds, sql` and `);
}

/** Count, amount and weighted amount per stage, summed in numeric over the owner set. */
async function stageTotals(database: Database, stageIds: number[], owners: SQL | null, extra: SQL): Promise<Map<number, Totals>> {
  if (!stageIds.length) return new Map();
  const rows = await database.rows<{ stage_id: number; n: number; amount: string; weighted: string }>(sql`
    select o.stage_id, count(*)::int as n, coalesce(sum(o.amount), 0)::numeric(20, 2)::text as amount,
      coalesce(sum(${weightedExpr}), 0)::numeric(20, 2)::text as weighted
    from opportunities o join pipeline_stages s on s.id = o.stage_id
    where o.stage_id in (${sql.join(stageIds.map((id) => sql`${id}::bigint`), sql`, `)}) and o.deleted_at is null
      and ${ownerIn(owners, sql`o.owner_id`)} and ${extra}
    group by o.stage_id`);
  return new Map(rows.map((r) => [Number(r.stage_id), { count: Number(r.n), amount: r.amount, weightedAmount: r.weighted }]));
}

const columnOrder = { expr: sql`o.stage_entered_at`, desc: true, kind: 'timestamp' as const, notNull: true };

/**
 * The ids of a column's next `limit + 1` cards. With an owner set, the newest N per owner come
 * from the (stage, owner, stage_entered_at, id) index and are merged; with none, the column is
 * read in order from (stage, stage_entered_at, id).
 */
async function columnCardIds(database: Database, stageId: number, owners: SQL | null, extra: SQL, limit: number, cursor: string | undefined) {
  const page = keyset(columnOrder, sql`o.id`, cursor);
  const inner = (ownerCond: SQL) => sql`
    select o.id, o.stage_entered_at, (o.stage_entered_at)::text as sort_value from opportunities o
    where o.stage_id = ${stageId} and o.deleted_at is null and ${ownerCond} and ${extra} and ${page.where}
    order by ${page.orderBy} limit ${limit + 1}`;
  const query =
    owners === null
      ? inner(sql`true`)
      : sql`select x.id, x.sort_value from (${owners}) as w (id) cross join lateral (${inner(sql`o.owner_id = w.id`)}) x
            order by x.stage_entered_at desc, x.id desc limit ${limit + 1}`;
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

export async function loadBoard(database: Database, ctx: Ctx, query: BoardQuery): Promise<Board> {
  const pipeline = await resolvePipeline(database, query.pipelineId);
  const owners = dealOwners(ctx.actor, filtersOf(query));
  const extra = closeDateConds(query['filter[closeFrom]'], query['filter[closeTo]']);
  const stageIds = pipeline.stages.map((s) => s.id);
  const totals = await stageTotals(database, stageIds, owners, extra);
  const pages = await Promise.all(stageIds.map((id) => columnCardIds(database, id, owners, extra, query.perStage, undefined)));
  const cards = await summariesOf(database, pages.flatMap((p) => p.rows.map((r) => Number(r.id))));
  const byId = new Map(cards.map((c) => [c.id, c]));
  return {
    pipeline,
    columns: pipeline.stages.map((stage, i) => {
      const page = pages[i]!;
      return {
        stage,
        ...(totals.get(stage.id) ?? zero),
        cards: page.rows.flatMap((r) => byId.get(Number(r.id)) ?? []),
        nextCursor: page.nextCursor,
      };
    }),
  };
}

/** "Load more" in one column, with the board's filters. */
export async function loadBoardColumn(database: Database, ctx: Ctx, stageId: number, query: BoardColumnQuery): Promise<{ data: OpportunitySummary[]; nextCursor: string | null }> {
  const [stage] = await database.rows<{ id: number }>(sql`select s.id from pipeline_stages s join pipelines p on p.id = s.pipeline_id where s.id = ${stageId} and s.deleted_at is null and p.deleted_at is null`);
  if (!stage) throw notFound();
  const owners = dealOwners(ctx.actor, filtersOf(query));
  const page = await columnCardIds(database, stageId, owners, closeDateConds(query['filter[closeFrom]'], query['filter[closeTo]']), query.limit, query.cursor);
  return { data: await summariesOf(database, page.rows.map((r) => Number(r.id))), nextCursor: page.nextCursor };
}

/** Per-stage totals for the home page: the caller's own deals, or every deal they may see. */
export async function pipelineSummary(database: Database, ctx: Ctx, query: { scope: 'me' | 'team'; pipelineId?: number | undefined }): Promise<PipelineSummary> {
  const pipeline = await resolvePipeline(database, query.pipelineId);
  const owners = dealOwners(ctx.actor, query.scope === 'me' ? { ownerId: 'me' } : {});
  const totals = await stageTotals(database, pipeline.stages.map((s) => s.id), owners, sql`true`);
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
 * each month (by closed_at in the company's time zone), all summed in numeric.
 */
export async function loadForecast(database: Database, ctx: Ctx, timeZone: string, query: ForecastQuery): Promise<Forecast> {
  if (query.to < query.from) throw invalid('to', 'must not be before from', 'too_small');
  const months = monthsBetween(query.from, query.to);
  if (months.length > 36) throw invalid('to', 'at most 36 months', 'too_big');
  const owners = dealOwners(ctx.actor, filtersOf(query));
  const start = sql`${`${query.from}-01`}::date`;
  const end = sql`(${`${query.to}-01`}::date + interval '1 month')::date`;
  const pipeline = query.pipelineId === undefined ? sql`true` : sql`o.pipeline_id = ${query.pipelineId}`;
  const rows = await database.rows<{ month: string | null; owner_id: number | null; owner_name: string | null; open_n: number; open_amount: string; weighted: string; won_n: number; won_amount: string }>(sql`
    with x as (
      select to_char(o.expected_close_date, 'YYYY-MM') as month, o.owner_id, 1 as open_n, o.amount as open_amount, ${weightedExpr} as weighted,
        0 as won_n, 0::numeric as won_amount
      from opportunities o join pipeline_stages s on s.id = o.stage_id
      where o.deleted_at is null and o.status = 'open' and ${ownerIn(owners, sql`o.owner_id`)} and ${pipeline}
        and o.expected_close_date >= ${start} and o.expected_close_date < ${end}
      union all
      select to_char(o.closed_at at time zone ${timeZone}, 'YYYY-MM'), o.owner_id, 0, 0::numeric, 0::numeric, 1, o.amount
      from opportunities o
      where o.deleted_at is null and o.status = 'won' and ${ownerIn(owners, sql`o.owner_id`)} and ${pipeline}
        and o.closed_at >= ${start}::timestamp at time zone ${timeZone} and o.closed_at < ${end}::timestamp at time zone ${timeZone}
    ), g as (
      select month, owner_id, sum(open_n)::int as open_n, sum(open_amount)::numeric(20, 2)::text as open_amount,
        sum(weighted)::numeric(20, 2)::text as weighted, sum(won_n)::int as won_n, sum(won_amount)::numeric(20, 2)::text as won_amount
      from x group by grouping sets ((month, owner_id), ())
    )
    select g.*, u.name as owner_name from g left join users u on u.id = g.owner_id
    order by g.month nulls first, u.name, g.owner_id`);
  const total = rows.find((r) => r.month === null);
  return {
    from: query.from,
    to: query.to,
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
