// Write-back of a run's scores. A full run copies every customer's row, as the table stores it, into
// a fresh customer_metrics_next (big chunks, no index to maintain; the scoring made the rows from the
// summary's previous scores: lifecycle_since kept, class changes for customer_metric_history), builds
// the key, indexes and foreign key afterwards and swaps it in with one short transaction, so readers
// see the old scores or the new, never a mix. An incremental run copies its few customers' rows into
// a temporary table that one statement upserts, appending the class changes and keeping
// lifecycle_since from one join against the scores being replaced.
import { sql } from 'drizzle-orm';
import { trackedMetrics } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { copyThen } from '../db/copy-in.js';
import { HISTORY_COLUMNS, METRIC_INPUT, STORED_COLUMNS, type ScoredChunk } from './metric-rows.js';

/** Customers per upsert of an incremental run. */
export const WRITE_CHUNK = 5000;
/** Customers per statement of a full run's load into the next table (about 30 MB of rows). */
export const LOAD_CHUNK = 50_000;

const NEXT = 'customer_metrics_next';
/** The table a full run's swap moves aside, dropped right after the swap (and before the next run's load, if a crash left it). */
const OLD = 'customer_metrics_old';

/** The column of customer_metrics each tracked metric lives in. */
const metricColumn: Record<(typeof trackedMetrics)[number], string> = {
  rfm_segment: 'rfm_segment',
  abc_class: 'abc_class',
  lifecycle_stage: 'lifecycle_stage',
  tier: 'tier',
  loyalty_class: 'loyalty_class',
  churn_level: 'churn_level',
};

/** The temporary table a chunk's rows are copied into, dropped at the end of its transaction. */
const INPUT = 'customer_metrics_input';
const createInput = `create temp table ${INPUT} (${METRIC_INPUT.map((c) => `${c.name} ${c.type}`).join(', ')}) on commit drop`;
/** The input's columns as the statement reads them: decimals sent as text cast once. */
const inputColumns = METRIC_INPUT.map((c) => (c.cast ? `i.${c.name}::${c.cast} as ${c.name}` : `i.${c.name}`)).join(', ');

const TARGET_COLUMNS = `customer_id, run_id, as_of, first_purchase_on, last_purchase_on, recency_days, frequency, monetary, margin, average_order_value,
  rfm_r, rfm_f, rfm_m, rfm_segment, rf_segment, abc_class, value_share, value_quadrant, p_alive, expected_purchases, expected_spend, clv, historical_value,
  lifecycle_stage, lifecycle_since, tier, tier_score, loyalty_class, attitude_class, churn_score, churn_level, reasons, computed_at`;

/**
 * Upserts one chunk of an incremental run into customer_metrics; returns the class changes per
 * metric. A customer's first scores are not a change (no history row); `lifecycle_since` is kept
 * while the stage stays the same.
 */
async function writeChunk(database: Database, o: { runId: number; asOf: string }, chunk: ScoredChunk): Promise<Record<string, number>> {
  const oldColumns = [...new Set(Object.values(metricColumn))];
  const changes = trackedMetrics.map((m) => sql.raw(`('${m}', i.old_${metricColumn[m]}, i.${metricColumn[m]})`));
  const asOf = sql`${o.asOf}::date`;
  const upsert = sql`on conflict (customer_id) do update set
        run_id = excluded.run_id, as_of = excluded.as_of, first_purchase_on = excluded.first_purchase_on, last_purchase_on = excluded.last_purchase_on,
        recency_days = excluded.recency_days, frequency = excluded.frequency, monetary = excluded.monetary, margin = excluded.margin,
        average_order_value = excluded.average_order_value, rfm_r = excluded.rfm_r, rfm_f = excluded.rfm_f, rfm_m = excluded.rfm_m,
        rfm_segment = excluded.rfm_segment, rf_segment = excluded.rf_segment, abc_class = excluded.abc_class, value_share = excluded.value_share,
        value_quadrant = excluded.value_quadrant, p_alive = excluded.p_alive, expected_purchases = excluded.expected_purchases,
        expected_spend = excluded.expected_spend, clv = excluded.clv, historical_value = excluded.historical_value,
        lifecycle_since = excluded.lifecycle_since, lifecycle_stage = excluded.lifecycle_stage, tier = excluded.tier, tier_score = excluded.tier_score,
        loyalty_class = excluded.loyalty_class, attitude_class = excluded.attitude_class, churn_score = excluded.churn_score, churn_level = excluded.churn_level,
        reasons = excluded.reasons, computed_at = excluded.computed_at`;
  const statement = sql`
    -- each customer's row beside its old scores, joined once for both inserts
    with input as materialized (
      select ${sql.raw(inputColumns)}, o.customer_id is not null as had_scores, o.lifecycle_since as old_lifecycle_since, ${sql.raw(oldColumns.map((c) => `o.${c} as old_${c}`).join(', '))}
      from ${sql.raw(INPUT)} i left join customer_metrics o
        -- the chunk's id range keeps the planner from hashing the whole table
        on o.customer_id = i.customer_id and o.customer_id between ${chunk.firstId} and ${chunk.lastId}
    ),
    history as (
      insert into customer_metric_history (customer_id, run_id, metric, from_value, to_value)
      select i.customer_id, ${o.runId}, v.metric, v.from_value, v.to_value
      from input i cross join lateral (values ${sql.join(changes, sql`, `)}) as v(metric, from_value, to_value)
      where i.had_scores and v.from_value is distinct from v.to_value
      returning metric
    ),
    written as (
      insert into customer_metrics (${sql.raw(TARGET_COLUMNS)})
      select i.customer_id, ${o.runId}, ${asOf}, date '1970-01-01' + i.first_day, date '1970-01-01' + i.last_day, i.recency_days, i.frequency, i.monetary, i.margin,
        case when i.frequency > 0 then round(i.monetary / i.frequency, 2) end,
        i.rfm_r, i.rfm_f, i.rfm_m, i.rfm_segment, i.rf_segment, i.abc_class, i.value_share, i.value_quadrant, i.p_alive, i.expected_purchases, i.expected_spend, i.clv,
        case when i.frequency > 0 then i.monetary end,
        i.lifecycle_stage,
        case when i.had_scores and i.old_lifecycle_stage is not distinct from i.lifecycle_stage then coalesce(i.old_lifecycle_since, ${asOf}) else ${asOf} end,
        i.tier, i.tier_score, i.loyalty_class, i.attitude_class, i.churn_score, i.churn_level, i.reasons::json, now()
      from input i
      ${upsert}
      returning 1
    )
    select metric, count(*)::int as n from history group by metric
    union all select '_written', count(*)::int from written`;
  const result = await copyThen<{ metric: string; n: number }>(database, {
    prepare: [
      createInput,
      // the chunk's rows and old scores are joined and kept for both inserts: in memory, not in temp files
      `set local work_mem = '256MB'`,
      // Compiling the statement took as long as a few customers' statement (the planner took the
      // input for millions of rows): the expressions run once per row.
      ...(database.driver !== 'pglite' ? ['set local jit = off'] : []),
    ],
    into: `${INPUT} (${METRIC_INPUT.map((c) => c.name).join(', ')})`,
    data: chunk.rows,
    then: statement,
  });
  return Object.fromEntries(result.map((r) => [r.metric, Number(r.n)]));
}

export interface WriteResult {
  written: number;
  changes: Record<string, number>;
}

/** Each chunk as soon as the scoring has rendered it, by `write`; the customers written and the class changes per metric. */
async function writeAll(
  chunks: AsyncIterable<ScoredChunk>,
  write: (chunk: ScoredChunk) => Promise<{ written: number; changes: Record<string, number> }>,
  onChunk?: (done: number) => Promise<void>,
): Promise<WriteResult> {
  const changes: Record<string, number> = Object.fromEntries(trackedMetrics.map((m) => [m, 0]));
  let written = 0;
  for await (const chunk of chunks) {
    const got = await write(chunk);
    written += got.written;
    for (const m of trackedMetrics) changes[m]! += got.changes[m] ?? 0;
    await onChunk?.(chunk.to);
  }
  return { written, changes };
}

/** Incremental runs: upserts the scored customers (rendered in chunks of WRITE_CHUNK) into customer_metrics. */
export async function writeMetrics(
  database: Database,
  o: { runId: number; asOf: string; chunks: AsyncIterable<ScoredChunk>; onChunk?: (done: number) => Promise<void> },
): Promise<WriteResult> {
  return writeAll(
    o.chunks,
    async (chunk) => {
      const { _written, ...changes } = await writeChunk(database, o, chunk);
      return { written: _written ?? 0, changes };
    },
    o.onChunk,
  );
}

/** The temporary table a full run's chunk of class changes is copied into, dropped at the end of its transaction. */
const HISTORY_INPUT = 'customer_metric_history_input';

/**
 * Copies one chunk of a full run, rows as customer_metrics stores them, into the next table, and its
 * class changes into customer_metric_history — in one transaction, so that a chunk's changes are in
 * only with its rows. A customer deleted for good since the summary has no history to keep (its
 * foreign key would refuse it); its row goes at the validation below.
 */
async function loadChunk(database: Database, chunk: ScoredChunk): Promise<{ written: number; changes: Record<string, number> }> {
  if (!chunk.stored) throw new Error('a full run loads rows as customer_metrics stores them');
  const history = chunk.history;
  const rows = await copyThen<{ metric: string; n: number }>(database, {
    prepare: history ? [`create temp table ${HISTORY_INPUT} (customer_id bigint, run_id bigint, metric text, from_value text, to_value text) on commit drop`] : [],
    into: `${NEXT} (${STORED_COLUMNS.join(', ')})`,
    data: chunk.rows,
    ...(history ? { more: [{ into: `${HISTORY_INPUT} (${HISTORY_COLUMNS.join(', ')})`, data: history }] } : {}),
    then: history
      ? sql`with kept as (
          insert into customer_metric_history (${sql.raw(HISTORY_COLUMNS.join(', '))})
          select ${sql.raw(HISTORY_COLUMNS.map((c) => `h.${c}`).join(', '))} from ${sql.raw(HISTORY_INPUT)} h
          where exists (select 1 from customers c where c.id = h.customer_id)
          returning metric)
        select metric, count(*)::int as n from kept group by metric`
      : sql`select null::text as metric, 0 as n where false`,
  });
  return { written: chunk.count, changes: Object.fromEntries(rows.map((r) => [r.metric, Number(r.n)])) };
}

/**
 * Full runs: every live customer's scores replace the table as a whole. Customers deleted or merged
 * since the last run simply are not in the new table. The key, indexes and foreign key are the live
 * table's own definitions (read from the catalogue), renamed to its names at the swap, so the
 * schema stays what the Drizzle snapshot says.
 */
export async function replaceMetrics(
  database: Database,
  // the rows carry their run and as-of (rendered as the table stores them)
  o: { chunks: AsyncIterable<ScoredChunk>; onChunk?: (done: number) => Promise<void> },
): Promise<WriteResult> {
  const run = (q: string) => database.db.execute(sql.raw(q));
  await dropOld(database);
  await run(`drop table if exists ${NEXT}`);
  await run(`create table ${NEXT} (like customer_metrics including defaults)`);
  const result = await writeAll(o.chunks, (chunk) => loadChunk(database, chunk), o.onChunk);
  const indexes = await database.rows<{ name: string; def: string }>(sql`
    select c.relname as name, pg_get_indexdef(i.indexrelid) as def
    from pg_index i join pg_class c on c.oid = i.indexrelid
    where i.indrelid = 'customer_metrics'::regclass and not i.indisprimary`);
  const fks = await database.rows<{ name: string; def: string }>(sql`
    select conname as name, pg_get_constraintdef(oid) as def from pg_constraint where conrelid = 'customer_metrics'::regclass and contype = 'f'`);
  const tmp = (name: string) => `${name.slice(0, 55)}_next`;
  // the key and indexes sort a million rows each: in memory rather than in temp files
  await database.db.transaction(async (tx) => {
    const t = (q: string) => tx.execute(sql.raw(q));
    await t(`set local maintenance_work_mem = '256MB'`);
    await t(`alter table ${NEXT} add constraint ${NEXT}_pkey primary key (customer_id)`);
    for (const ix of indexes) {
      // pg_get_indexdef names the live table and index: point the same definition at the next table
      await t(ix.def.replace(/^CREATE (UNIQUE )?INDEX \S+ ON (\S+\.)?customer_metrics /, (_m, u: string | undefined) => `CREATE ${u ?? ''}INDEX ${tmp(ix.name)} ON ${NEXT} `));
    }
  });
  // not valid first: from here on a deleted customer cascades into the next table too, so the
  // orphans removed below cannot come back before the validation
  for (const fk of fks) await run(`alter table ${NEXT} add constraint ${tmp(fk.name)} ${fk.def} not valid`);
  // Customers purged from the recycle bin during the run (rare) fail the validation: their rows are
  // removed and it runs again. Removing first took 1.9 s at 1M customers, validating 0.8 s.
  const validate = async () => {
    for (const fk of fks) await run(`alter table ${NEXT} validate constraint ${tmp(fk.name)}`);
  };
  try {
    await validate();
  } catch (e) {
    if (!isForeignKeyViolation(e)) throw e;
    await run(`delete from ${NEXT} n where not exists (select 1 from customers c where c.id = n.customer_id)`);
    await validate();
  }
  await run(`analyze ${NEXT}`);
  // The swap only renames: the old table moves aside and the next takes its names, locking
  // customer_metrics alone. Dropping the old table in the same transaction also took an exclusive lock
  // on customers (its foreign key's triggers), while the customer list locks customers and then
  // customer_metrics: a list request arriving in between deadlocked with the swap and, the first to
  // wait, was the one PostgreSQL cancelled after deadlock_timeout (one failed list request per full
  // run in the analytics-refresh bench). A request waiting on the swap reads the new table once it
  // commits (PostgreSQL looks the name up again after a wait).
  const old = (name: string) => `${name.slice(0, 55)}_old`;
  await retryOnDeadlock(() =>
    database.db.transaction(async (tx) => {
      const t = (q: string) => tx.execute(sql.raw(q));
      await t('lock table customer_metrics in access exclusive mode');
      await t(`alter table customer_metrics rename to ${OLD}`);
      await t(`alter table ${OLD} rename constraint customer_metrics_pkey to ${OLD}_pkey`);
      for (const ix of indexes) await t(`alter index ${ix.name} rename to ${old(ix.name)}`);
      await t(`alter table ${NEXT} rename to customer_metrics`);
      await t(`alter table customer_metrics rename constraint ${NEXT}_pkey to customer_metrics_pkey`);
      for (const ix of indexes) await t(`alter index ${tmp(ix.name)} rename to ${ix.name}`);
      for (const fk of fks) await t(`alter table customer_metrics rename constraint ${tmp(fk.name)} to ${fk.name}`);
    }),
  );
  // Then the old table goes on its own: its exclusive lock on customers waits for the requests under
  // way, none of which waits for the old table.
  await dropOld(database);
  return result;
}

const dropOld = (database: Database) => retryOnDeadlock(() => database.db.execute(sql.raw(`drop table if exists ${OLD}`)));

const SWAP_ATTEMPTS = 5;

/** Runs `f` again when PostgreSQL picks it as a deadlock's victim: short statements that change nothing until they commit. */
async function retryOnDeadlock(f: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await f();
      return;
    } catch (e) {
      if (attempt >= SWAP_ATTEMPTS || !isDeadlock(e)) throw e;
    }
  }
}

/** Whether `e` (or an error it wraps, as the driver or Drizzle do) has this SQLSTATE. */
function hasCode(e: unknown, code: string): boolean {
  for (let c: unknown = e; c && typeof c === 'object'; c = (c as { cause?: unknown }).cause) {
    if ((c as { code?: unknown }).code === code) return true;
  }
  return false;
}

const isDeadlock = (e: unknown) => hasCode(e, '40P01');
const isForeignKeyViolation = (e: unknown) => hasCode(e, '23503');

/** Customers per statement of a full run's importance feed: an id range read in key order on both tables. */
const IMPORTANCE_RANGE = 50_000;

/**
 * Computed tier → customers.importance where the importance was not set by hand, only rows whose
 * value changes, in chunks so no statement holds many customer rows at once. `ids` ascending; with
 * `ranges` (a full run: every customer) each chunk is the id range it spans, read as a merge of the
 * two keys (3.3 ms per 1,000 customers at 1M, against 5.6 ms for the same ids as a list).
 */
export async function feedImportance(database: Database, runId: number, ids: number[], o: { ranges?: boolean } = {}): Promise<number> {
  let changed = 0;
  const size = o.ranges ? IMPORTANCE_RANGE : WRITE_CHUNK;
  for (let k = 0; k < ids.length; k += size) {
    const last = ids[Math.min(ids.length, k + size) - 1]!;
    // an incremental run's few customers are spread over all ids: its chunks are their own ids, not their range
    const which = o.ranges
      ? sql`m.customer_id between ${ids[k]!} and ${last} and c.id between ${ids[k]!} and ${last}`
      : sql`m.customer_id = any(${`{${ids.slice(k, k + size).join(',')}}`}::bigint[])`;
    const [r] = await database.rows<{ n: number }>(sql`
      with done as (
        update customers c set importance = m.tier, importance_source = 'computed'
        from customer_metrics m
        where ${which} and c.id = m.customer_id and m.run_id = ${runId} and m.tier is not null
          and c.deleted_at is null and c.importance_source is distinct from 'manual'
          and (c.importance is distinct from m.tier or c.importance_source is distinct from 'computed')
        returning 1)
      select count(*)::int as n from done`);
    changed += Number(r?.n ?? 0);
  }
  return changed;
}
