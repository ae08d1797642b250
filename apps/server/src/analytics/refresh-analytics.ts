// One analytics refresh (DESIGN §1.5): SQL summary per customer → models and classes → bulk
// write-back with history → importance, warnings and dashboard roll-ups; recorded in analytics_runs,
// one at a time under an advisory lock, full or incremental (customers whose orders changed).
import { sql } from 'drizzle-orm';
import type { AnalyticsSettings } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { recordAudit } from '../platform/audit.js';
import { readAnalyticsSettings } from './analytics-settings.js';
import { readCustomerSummaries, type CustomerSummaryColumns } from './customer-summaries.js';
import type { FrozenModel } from './score-population.js';
import { scoreInWorker, warmScorer, type Scoring } from './score-in-worker.js';
import { feedImportance, LOAD_CHUNK, replaceMetrics, WRITE_CHUNK, writeMetrics } from './write-metrics.js';
import { syncCustomerWarnings } from './warnings.service.js';
import {
  orderDeltaPossible,
  readRolledUpScores,
  rebuildOrderRollups,
  refreshDashboardRollups,
  rollupRevision,
  type OrderRollupCounts,
  type ScoredClassRows,
} from './dashboard-rollups.js';

/** Advisory lock key of the analytics refresh (unique among jobs/run-job.ts keys). */
export const ANALYTICS_LOCK = 7_361_361;

export interface RefreshProgress {
  phase: string;
  done: number;
  total: number;
}

export interface RefreshAnalyticsOptions {
  mode: 'full' | 'incremental';
  trigger: 'schedule' | 'manual' | 'cli';
  requestedBy?: number | null;
  /** Exclusive end of the observation (yyyy-mm-dd); by default from settings.asOf in the time zone. */
  asOf?: string;
  timeZone?: string;
  /** Called once the run is recorded, before the work, so that a request can answer at once. */
  onStarted?: (runId: number) => void;
  onProgress?: (p: RefreshProgress) => void;
}

export type RefreshOutcome =
  | { status: 'succeeded'; runId: number; mode: 'full' | 'incremental'; counts: Record<string, unknown>; durationMs: number }
  | { status: 'failed'; runId: number; error: string }
  | { status: 'busy'; runningRunId: number | null };

/** As-of day for the settings: today, or the first day of this month (complete months only), in the company's time zone. */
export async function asOfFor(database: Database, settings: AnalyticsSettings, timeZone: string): Promise<string> {
  const [r] = await database.rows<{ d: string }>(
    settings.asOf === 'month_start'
      ? sql`select to_char(date_trunc('month', now() at time zone ${timeZone}), 'YYYY-MM-DD') as d`
      : sql`select to_char(now() at time zone ${timeZone}, 'YYYY-MM-DD') as d`,
  );
  return r!.d;
}

export async function windowStartFor(database: Database, settings: AnalyticsSettings, asOf: string): Promise<string | null> {
  if (settings.windowMonths === 0) return null;
  const [r] = await database.rows<{ d: string }>(sql`select to_char(${asOf}::date - ${settings.windowMonths}::int * interval '1 month', 'YYYY-MM-DD') as d`);
  return r!.d;
}

async function setProgress(database: Database, runId: number, p: RefreshProgress, o: RefreshAnalyticsOptions): Promise<void> {
  o.onProgress?.(p);
  await database.db.execute(sql`update analytics_runs set progress = ${JSON.stringify(p)}::jsonb where id = ${runId}`);
}

/** The database's now() as microseconds since 2000-01-01 UTC (a timestamptz as COPY's binary format has it). */
async function microsNow(database: Database): Promise<number> {
  const [r] = await database.rows<{ us: number }>(sql`select ((extract(epoch from now()) - 946684800) * 1000000)::float8 as us`);
  return Number(r!.us);
}

/** Last day of the model check's calibration: `nextPeriodDays` before the as-of, the rest is its holdout. */
async function checkEndFor(database: Database, settings: AnalyticsSettings, asOf: string): Promise<string> {
  const [r] = await database.rows<{ d: string }>(sql`select to_char(${asOf}::date - ${settings.clv.nextPeriodDays + 1}::int, 'YYYY-MM-DD') as d`);
  return r!.d;
}

interface LastRuns {
  seenUntil: string | null;
  frozen: FrozenModel | null;
}

async function lastRuns(database: Database): Promise<LastRuns> {
  const [seen] = await database.rows<{ t: string | null }>(
    sql`select orders_seen_until::text as t from analytics_runs where status = 'succeeded' and orders_seen_until is not null order by id desc limit 1`,
  );
  const [full] = await database.rows<{ frozen: FrozenModel | null }>(
    sql`select parameters -> 'frozen' as frozen from analytics_runs where status = 'succeeded' and mode = 'full' order by id desc limit 1`,
  );
  return { seenUntil: seen?.t ?? null, frozen: full?.frozen ?? null };
}

/** Customers whose orders (or their returns) changed since the mark: new, edited, deleted. */
async function changedCustomers(database: Database, since: string): Promise<number[]> {
  const rows = await database.rows<{ id: number }>(sql`
    select customer_id as id from orders where deleted_at is null and updated_at > ${since}::timestamptz
    union select customer_id from orders where deleted_at > ${since}::timestamptz
    union select o.customer_id from order_returns r join orders o on o.id = r.order_id where r.updated_at > ${since}::timestamptz
    order by 1`);
  return rows.map((r) => Number(r.id));
}

async function work(database: Database, runId: number, settings: AnalyticsSettings, asOf: string, o: RefreshAnalyticsOptions): Promise<{ mode: 'full' | 'incremental'; counts: Record<string, unknown>; parameters: Record<string, unknown> }> {
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - t);
    t = now;
  };
  // the mark is the database clock at the start, so returns and deletions after it count as changes
  // too; an order committed later by a transaction that began earlier would be missed until the next full run
  await database.db.execute(sql`update analytics_runs set orders_seen_until = now() where id = ${runId}`);
  let mode = o.mode;
  let frozen: FrozenModel | null = null;
  let ids: number[] | undefined;
  const last = await lastRuns(database);
  if (mode === 'incremental') {
    // without a full run there are no parameters to score against: run full
    if (!last.frozen || !last.seenUntil) mode = 'full';
    else {
      frozen = last.frozen;
      ids = await changedCustomers(database, last.seenUntil);
    }
  }
  if (mode !== o.mode) await database.db.execute(sql`update analytics_runs set mode = ${mode} where id = ${runId}`);
  // finding the changed customers (incremental) apart from the aggregate of them
  lap('changes');
  const windowStart = await windowStartFor(database, settings, asOf);
  const unitDays = settings.clv.unit === 'week' ? 7 : 1;
  await setProgress(database, runId, { phase: 'aggregate', done: 0, total: 1 }, o);
  // What the changed customers count for in the dashboards now, read before their scores are
  // overwritten (the rollups take it away): on another connection while they are aggregated and
  // scored, which reads nothing it changes. Awaited (and its error thrown) before the write.
  const rolledUpRead = ids ? readRolledUpScores(database, ids) : Promise.resolve(null);
  rolledUpRead.catch(() => {});
  // An incremental run's rollups start now, on PostgreSQL: their transaction does the order-only part
  // of the delta (the cohorts) while the run aggregates, scores and writes, and waits for the scores
  // where it needs them. A full run's rebuild needs the new table whole, and PGlite has one
  // connection, on which an open transaction would hold the run's own writes back: those start after.
  let scoresWritten!: { resolve: () => void; reject: (e: unknown) => void };
  const written$ = new Promise<void>((resolve, reject) => (scoresWritten = { resolve, reject }));
  written$.catch(() => {});
  // A full run's rebuild needs the new scores for its class rows only: the record and the cohorts are
  // brought up to date in a transaction of their own — by the delta of the customers whose orders
  // changed since the last run, or (no usable state) from every order. A delta takes a moment and is
  // done first, on either database, so that the aggregate reads the record (owner and region) the
  // scoring counts the class rows under (class-rows.ts); a rebuild from every order runs beside the
  // aggregate on PostgreSQL (PGlite's one connection: within the rollups), and the database groups the class rows.
  let orderRollupsMs = 0;
  const runOrderRollups = async () => {
    const from = performance.now();
    // the customers whose orders changed since the last run: the record and cohorts of the others stand
    const counts = await rebuildOrderRollups(database, { runId, changedCustomerIds: last.seenUntil ? await changedCustomers(database, last.seenUntil) : null });
    orderRollupsMs = Math.round(performance.now() - from);
    return counts;
  };
  const orderPartFirst = !ids && last.seenUntil !== null && (await orderDeltaPossible(database, runId));
  let orderRollups: Promise<OrderRollupCounts> | null = null;
  if (orderPartFirst) orderRollups = Promise.resolve(await runOrderRollups());
  else if (!ids && database.driver !== 'pglite') orderRollups = runOrderRollups();
  orderRollups?.catch(() => {});
  // the record as the aggregate reads it: the class rows hold only if no one changes it before the rollups (its revision)
  const revisionRead = orderPartFirst ? await rollupRevision(database) : null;
  if (orderPartFirst) lap('orderPart');
  const startRollups = (classRows: ScoredClassRows | null = null) =>
    rolledUpRead.then(async (before) =>
      refreshDashboardRollups(database, {
        runId,
        asOf,
        ...(ids ? { changed: { customerIds: ids, before } } : {}),
        scoresWritten: written$,
        ordersRebuilt: orderRollups ? await orderRollups : null,
        classRows,
      }),
    );
  const earlyRollups = ids && database.driver !== 'pglite' ? startRollups() : null;
  earlyRollups?.catch(() => {});
  let summary: CustomerSummaryColumns;
  let written: Awaited<ReturnType<typeof writeMetrics>>;
  let scores: Awaited<Scoring['done']>;
  // An incremental run's scoring worker loads its modules while the aggregate runs (a quarter of a
  // second of a few seconds' run); a full run starts its own when the summary is in, as it always did
  // (an early start gained nothing measurable in a full run: bench/analytics-refresh/notes.md).
  // Whichever it is, it is ended whatever happens.
  const scorer = ids ? warmScorer() : null;
  let scoring: Scoring | null = null;
  // set when the record did not change during the aggregate
  let classRowsRevision: number | null = null;
  try {
    // a full run's model check gets its calibration summary from the same pass (extra columns)
    const checkEnd = mode === 'full' ? await checkEndFor(database, settings, asOf) : null;
    summary = await readCustomerSummaries(database, {
      asOf,
      windowStart,
      unitDays,
      ...(ids ? { customerIds: ids } : {}),
      ...(checkEnd ? { checkEnd } : {}),
      ...(mode === 'full' ? { previous: true } : {}),
      ...(orderPartFirst ? { rollupKeys: true } : {}),
    });
    if (revisionRead !== null && (await rollupRevision(database)) === revisionRead) classRowsRevision = revisionRead;
    lap('aggregate');
    // the write overwrites what the before-read reads
    await rolledUpRead;
    // only what the read still took after the aggregate
    lap('rollupsBefore');
    await setProgress(database, runId, { phase: 'score', done: 0, total: summary.n }, o);
    // off the event loop: the server keeps answering while a million customers are scored
    // a full run's rows are rendered as the table stores them, computed at this moment (the database's clock)
    const stored = mode === 'full' ? { runId, computedAt: await microsNow(database) } : null;
    const job = { summary, settings, frozen, chunk: mode === 'full' ? LOAD_CHUNK : WRITE_CHUNK, checkEnd, stored };
    scoring = scorer ? scoreInWorker(job, scorer) : scoreInWorker(job);
    const total = summary.n;
    // Each chunk is written while the worker renders the next. (A full run once wrote after the
    // scoring: when the scoring took 41 s, overlapping it with the load had the customer list's p95
    // under 4 clients go past 100 ms; bench/analytics-refresh/notes.md.)
    // a full run replaces the table as a whole (customers deleted or merged since keep no stale scores)
    written = await (mode === 'full' ? replaceMetrics : writeMetrics)(database, {
      runId,
      asOf,
      chunks: scoring.chunks,
      onChunk: (done) => setProgress(database, runId, { phase: 'write', done, total }, o),
    });
    scores = await scoring.done;
  } catch (e) {
    if (scoring) scoring.stop();
    else void scorer?.worker.terminate();
    // the early rollups roll back before the run ends and lets go of its lock
    scoresWritten.reject(e);
    await earlyRollups?.catch(() => {});
    await orderRollups?.catch(() => {});
    throw e;
  }
  // the scoring's own time; the write is the wall time of scoring and writing together
  timings.score = scores.ms;
  scoresWritten.resolve();
  lap('write');
  // Three phases read the written scores and none reads what another writes, so they go on two
  // connections at once: importance then warnings (the warnings look at customers whose importance
  // this run changed) beside the dashboard rollups. Each phase's time is its own; afterWrite is the three's wall time.
  const afterWrite = performance.now();
  const since = () => Math.round(performance.now() - afterWrite);
  let rollupsDone = false;
  const importanceAndWarnings = (async () => {
    let importanceChanged = 0;
    if (settings.tier.feedImportance) {
      await setProgress(database, runId, { phase: 'importance', done: 0, total: summary.n }, o);
      // a full run: the customers whose importance the scoring found would change (the statement checks
      // each again; one whose hand-set importance was cleared during the run is fed by the next)
      const candidates = scores.importanceCandidates;
      importanceChanged = await feedImportance(database, runId, candidates ?? summary.ids, { ranges: !ids && !candidates });
      if (importanceChanged > 0) {
        await recordAudit(database.db, { actor: null, requestId: `analytics-run:${runId}`, ip: 'system' }, {
          entity: 'customers',
          entityId: `analytics-run:${runId}`,
          action: 'importance_computed',
          changes: { importance: { old: null, new: { customers: importanceChanged, runId } } },
        });
      }
      timings.importance = since();
    }
    await setProgress(database, runId, { phase: 'warnings', done: 0, total: 1 }, o);
    const warningsFrom = since();
    // incremental: churn warnings for its own customers and what changed since the last run; overdue ones are the daily job's
    const warnings = await syncCustomerWarnings(database, { runId, asOf, settings, ...(o.timeZone ? { timeZone: o.timeZone } : {}), ...(ids ? { scoredIds: summary.ids } : {}) });
    timings.warnings = since() - warningsFrom;
    if (!rollupsDone) await setProgress(database, runId, { phase: 'rollups', done: 0, total: 1 }, o);
    return { importanceChanged, warnings };
  })();
  // incremental: by the delta of the changed customers (and of those moved to another owner or region meanwhile);
  // its time here is what was left of it after the write
  const counted = scores.classRows && classRowsRevision !== null ? { revision: classRowsRevision, rows: scores.classRows } : null;
  const rollupsRun = (earlyRollups ?? startRollups(counted)).then((r) => {
    rollupsDone = true;
    timings.rollups = since();
    if (orderRollups) timings.rollupOrders = orderRollupsMs;
    return r;
  });
  // both settle before the run ends (and its lock is released), even when one fails
  const [first, second] = await Promise.allSettled([importanceAndWarnings, rollupsRun]);
  if (first.status === 'rejected') throw first.reason;
  if (second.status === 'rejected') throw second.reason;
  const { importanceChanged, warnings } = first.value;
  const rollups = second.value;
  // made by the scoring worker from the same aggregate pass (full runs only)
  const check = scores.modelCheck;
  timings.afterWrite = since();
  const counts: Record<string, unknown> = {
    customers: summary.n,
    scored: scores.scored,
    written: written.written,
    changes: written.changes,
    importanceChanged,
    classes: scores.classes,
    scoredInWorker: scores.inWorker,
    warnings,
    rollups,
    timingsMs: timings,
  };
  const parameters: Record<string, unknown> =
    mode === 'full'
      ? { ...scores.parameters, modelCheck: check, frozen: scores.frozen }
      : {
          basedOnFullRun: true,
          model: frozen?.model ?? null,
          rfmBreakpoints: frozen?.rfm ?? null,
          // what the analysis card needs to explain the scores of this run's customers
          medians: frozen?.medians ?? null,
          referenceIntervalDays: frozen ? frozen.referenceInterval * unitDays : null,
          changedCustomers: ids?.length ?? 0,
        };
  return { mode, counts, parameters };
}

/** Runs one refresh; `busy` (with the running run) when another holds the lock. */
export async function refreshAnalytics(database: Database, o: RefreshAnalyticsOptions): Promise<RefreshOutcome> {
  const locked = await database.withAdvisoryLock(ANALYTICS_LOCK, false, async (): Promise<RefreshOutcome> => {
    const settings = await readAnalyticsSettings(database);
    const asOf = o.asOf ?? (await asOfFor(database, settings, o.timeZone ?? 'UTC'));
    const [run] = await database.rows<{ id: number }>(sql`
      insert into analytics_runs (mode, trigger, requested_by, status, as_of, settings, progress)
      values (${o.mode}, ${o.trigger}, ${o.requestedBy ?? null}, 'running', ${asOf}::date, ${JSON.stringify(settings)}::jsonb, ${JSON.stringify({ phase: 'start', done: 0, total: 0 })}::jsonb)
      returning id`);
    const runId = Number(run!.id);
    o.onStarted?.(runId);
    const started = performance.now();
    try {
      const { mode, counts, parameters } = await work(database, runId, settings, asOf, o);
      const durationMs = Math.round(performance.now() - started);
      await database.db.execute(sql`update analytics_runs set status = 'succeeded', mode = ${mode}, finished_at = now(), duration_ms = ${durationMs},
        counts = ${JSON.stringify(counts)}::jsonb, parameters = ${JSON.stringify(parameters)}::jsonb, progress = ${JSON.stringify({ phase: 'done', done: 1, total: 1 })}::jsonb
        where id = ${runId}`);
      return { status: 'succeeded', runId, mode, counts, durationMs };
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      await database.db.execute(sql`update analytics_runs set status = 'failed', finished_at = now(), duration_ms = ${Math.round(performance.now() - started)}, error = ${error} where id = ${runId}`);
      return { status: 'failed', runId, error };
    }
  });
  if (locked.acquired) return locked.value;
  const [running] = await database.rows<{ id: number }>(sql`select id from analytics_runs where status = 'running' order by id desc limit 1`);
  return { status: 'busy', runningRunId: running ? Number(running.id) : null };
}

/** At start: a run left 'running' by a crashed process is failed — unless another instance holds the lock and is running it. */
export async function failInterruptedRuns(database: Database): Promise<number> {
  const r = await database.withAdvisoryLock(ANALYTICS_LOCK, false, async () => {
    const rows = await database.rows<{ id: number }>(sql`
      update analytics_runs set status = 'failed', finished_at = now(), error = 'interrupted: the server stopped during the run' where status = 'running' returning id`);
    return rows.length;
  });
  return r.acquired ? r.value : 0;
}
