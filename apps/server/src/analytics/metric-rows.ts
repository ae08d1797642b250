// A run's scores as the write-back sends them: per chunk of customers, their rows in COPY's binary
// format — an incremental run's for a temporary table its upsert reads (METRIC_INPUT), a full run's
// as customer_metrics stores them (STORED_COLUMNS) with their class changes beside, both copied by
// write-metrics.ts — and, as they go, a full run's dashboard class rows (class-rows.ts) and
// importance candidates. Pure, so it runs in the scoring worker: each customer's score object is
// garbage once its row is written, and the chunk's bytes move to the writing thread without a copy.
import { trackedMetrics, type AnalyticsSettings } from '@guanxi/contracts';
import { CopyBinaryWriter } from '../db/copy-in.js';
import { classCounter, startScoring, type FrozenModel, type ScoredCustomer } from './score-population.js';
import { modelCheck } from './model-check.js';
import { amountCents, amountText, centsOf, ClassRowCounter, keptSince, scaled, StoredAmounts, type CountedClassRows } from './class-rows.js';
import type { CustomerSummaryColumns, PreviousScoreColumns } from './customer-summaries.js';

/** Writes one field of a customer's row. */
type Field = (w: CopyBinaryWriter, c: ScoredCustomer, s: CustomerSummaryColumns, i: number) => void;

const money = (v: number | null): string | null => (v === null || !Number.isFinite(v) ? null : v.toFixed(2));

/**
 * The columns of a chunk's rows, in order: name, type in the temporary table, how the field is
 * written and, for exact decimals sent as their text, the type the statement casts them to.
 */
const COLUMNS: ReadonlyArray<readonly [string, string, Field, string?]> = [
  ['customer_id', 'bigint', (w, c) => w.int8(c.customerId)],
  ['first_day', 'int', (w, _, s, i) => w.int4(s.firstDay[i])],
  ['last_day', 'int', (w, _, s, i) => w.int4(s.lastDay[i])],
  ['recency_days', 'int', (w, _, s, i) => w.int4(s.recencyDays[i])],
  ['frequency', 'int', (w, _, s, i) => w.int4(s.frequency[i])],
  ['monetary', 'text', (w, _, s, i) => w.text(amountText(s, 'monetary', i)), 'numeric'],
  ['margin', 'text', (w, _, s, i) => w.text(amountText(s, 'margin', i)), 'numeric'],
  ['rfm_r', 'smallint', (w, c) => w.int2(c.rfmR)],
  ['rfm_f', 'smallint', (w, c) => w.int2(c.rfmF)],
  ['rfm_m', 'smallint', (w, c) => w.int2(c.rfmM)],
  ['rfm_segment', 'text', (w, c) => w.text(c.rfmSegment)],
  ['rf_segment', 'text', (w, c) => w.text(c.rfSegment)],
  ['abc_class', 'text', (w, c) => w.text(c.abcClass)],
  ['value_share', 'float8', (w, c) => w.float8(c.valueShare)],
  ['value_quadrant', 'text', (w, c) => w.text(c.valueQuadrant)],
  ['p_alive', 'float8', (w, c) => w.float8(c.pAlive)],
  ['expected_purchases', 'float8', (w, c) => w.float8(c.expectedPurchases)],
  ['expected_spend', 'float8', (w, c) => w.float8(c.expectedSpend)],
  ['clv', 'text', (w, c) => w.text(money(c.clv)), 'numeric'],
  ['lifecycle_stage', 'text', (w, c) => w.text(c.lifecycleStage)],
  ['tier', 'text', (w, c) => w.text(c.tier)],
  ['tier_score', 'float8', (w, c) => w.float8(c.tierScore)],
  ['loyalty_class', 'text', (w, c) => w.text(c.loyaltyClass)],
  ['attitude_class', 'text', (w, c) => w.text(c.attitudeClass)],
  ['churn_score', 'float8', (w, c) => w.float8(c.churnScore)],
  ['churn_level', 'text', (w, c) => w.text(c.churnLevel)],
  // the JSON text the scoring made, checked as json by the statement
  ['reasons', 'text', (w, c) => w.text(c.reasonsJson ?? JSON.stringify(c.reasons))],
];

/** The columns of a chunk's rows, in order: name, type in the temporary table and, for decimals sent as text, the type to cast to. */
export const METRIC_INPUT: ReadonlyArray<{ name: string; type: string; cast: string | null }> = COLUMNS.map(([name, type, , cast]) => ({ name, type, cast: cast ?? null }));

/** Appends one customer's row. */
function writeRow(w: CopyBinaryWriter, c: ScoredCustomer, s: CustomerSummaryColumns, i: number): void {
  w.row(COLUMNS.length);
  for (let j = 0; j < COLUMNS.length; j++) COLUMNS[j]![2](w, c, s, i);
}

/** round(cents / orders) halved away from zero: the average in cents, for |cents| below 2^50. */
const averageCents = (cents: number, orders: number): number => {
  const q = Math.floor((2 * Math.abs(cents) + orders) / (2 * orders));
  return cents < 0 ? -q : q;
};

/**
 * round(monetary / orders, 2) as numeric computes it (halves away from zero), as text: in cents for
 * amounts of two places or fewer, as a cast of the text would take them.
 */
export function averageOf(amount: string, orders: number): string {
  const dot = amount.indexOf('.');
  const places = dot < 0 ? 0 : amount.length - dot - 1;
  const cents = places <= 2 ? centsOf(amount) : null;
  if (cents !== null && Math.abs(cents) < 2 ** 50) return scaled(averageCents(cents, orders), 2);
  // more places, or beyond what a double holds: the same in integers of any size
  const negative = amount.startsWith('-');
  const digits = BigInt(amount.replace(/^[+-]/, '').replace('.', '') || '0');
  const num = digits * 100n;
  const den = 10n ** BigInt(places) * BigInt(orders);
  const q = (2n * num + den) / (2n * den);
  const text = q.toString().padStart(3, '0');
  const out = `${text.slice(0, -2)}.${text.slice(-2)}`;
  return negative && q !== 0n ? `-${out}` : out;
}

/** A decimal of two places or fewer as numeric: from its cents when known (no text scanned), else from the text. */
function writeMoney(w: CopyBinaryWriter, text: string | null, cents: number | null): void {
  if (text === null) w.null();
  else if (cents !== null) w.numericCents(cents);
  else w.numeric(text);
}

/** A customer's net revenue or margin as numeric: from its cents, or its text where it is not held in cents. */
function writeAmount(w: CopyBinaryWriter, s: CustomerSummaryColumns, which: 'monetary' | 'margin', i: number): void {
  const cents = amountCents(s, which, i);
  if (Number.isNaN(cents)) w.numeric(amountText(s, which, i));
  else w.numericCents(cents);
}

/** What the rows of a full run's next table need besides the scores: its run and when it computed them. */
export interface StoredRowsContext {
  runId: number;
  /** computed_at: microseconds since 2000-01-01 UTC. */
  computedAt: number;
}

/** customer_metrics' columns as a full run stores them, in order. */
export const STORED_COLUMNS = [
  'customer_id', 'run_id', 'as_of', 'first_purchase_on', 'last_purchase_on', 'recency_days', 'frequency', 'monetary', 'margin', 'average_order_value',
  'rfm_r', 'rfm_f', 'rfm_m', 'rfm_segment', 'rf_segment', 'abc_class', 'value_share', 'value_quadrant', 'p_alive', 'expected_purchases', 'expected_spend', 'clv',
  'historical_value', 'lifecycle_stage', 'lifecycle_since', 'tier', 'tier_score', 'loyalty_class', 'attitude_class', 'churn_score', 'churn_level', 'reasons', 'computed_at',
] as const;

/** customer_metric_history's columns as a full run's changes are sent. */
export const HISTORY_COLUMNS = ['customer_id', 'run_id', 'metric', 'from_value', 'to_value'] as const;

/** What writing one stored row needs: the customer, its summary, the run and the decimals worked out once. */
interface StoredRow {
  c: ScoredCustomer;
  s: CustomerSummaryColumns;
  i: number;
  x: StoredRowsContext;
  p: PreviousScoreColumns;
  amounts: StoredAmounts;
}

/**
 * Appends one customer's row of customer_metrics as stored: what the incremental write's statement
 * makes of the input's row (the scores as METRIC_INPUT writes them, the dates, the averages and
 * lifecycle_since worked out), field by field in STORED_COLUMNS' order. One function, not a list
 * of a closure per column: a million rows made 33 million calls through one call site.
 */
function writeStoredRow(w: CopyBinaryWriter, { c, s, i, x, p, amounts }: StoredRow): void {
  w.row(33);
  w.int8(c.customerId);
  w.int8(x.runId);
  w.date(p.asOfDay);
  w.date(s.firstDay[i]);
  w.date(s.lastDay[i]);
  w.int4(s.recencyDays[i]);
  const orders = s.frequency[i]!;
  w.int4(orders);
  // where an amount is not held in cents, the column rounds its text as numeric(16,2) does
  writeAmount(w, s, 'monetary', i);
  writeAmount(w, s, 'margin', i);
  // the average divides the exact amount: from the cents only when they are it
  const cents = amountCents(s, 'monetary', i);
  if (orders > 0 && !Number.isNaN(cents) && Math.abs(cents) < 2 ** 50) w.numericCents(averageCents(cents, orders));
  else w.numeric(orders > 0 ? averageOf(amountText(s, 'monetary', i), orders) : null);
  w.int2(c.rfmR);
  w.int2(c.rfmF);
  w.int2(c.rfmM);
  w.text(c.rfmSegment);
  w.text(c.rfSegment);
  w.text(c.abcClass);
  w.float8(c.valueShare);
  w.text(c.valueQuadrant);
  w.float8(c.pAlive);
  w.float8(c.expectedPurchases);
  w.float8(c.expectedSpend);
  writeMoney(w, amounts.clvText, amounts.clvCents);
  // historical value: the net revenue of a buyer
  if (orders > 0) writeAmount(w, s, 'monetary', i);
  else w.null();
  w.text(c.lifecycleStage);
  w.date(keptSince(p, i, c.lifecycleStage));
  w.text(c.tier);
  w.float8(c.tierScore);
  w.text(c.loyaltyClass);
  w.text(c.attitudeClass);
  w.float8(c.churnScore);
  w.text(c.churnLevel);
  w.text(c.reasonsJson ?? JSON.stringify(c.reasons));
  w.timestamptz(x.computedAt);
}
if (STORED_COLUMNS.length !== 33) throw new Error('writeStoredRow writes 33 columns: keep it in step with STORED_COLUMNS');

/** The new class of each tracked metric, in trackedMetrics' order. */
const newClass = (c: ScoredCustomer, k: number): string | null =>
  k === 0 ? c.rfmSegment : k === 1 ? c.abcClass : k === 2 ? c.lifecycleStage : k === 3 ? c.tier : k === 4 ? c.loyaltyClass : c.churnLevel;

/** Appends a customer's class changes (none for its first scores) to `h`, counting them per metric. */
function writeChanges(h: CopyBinaryWriter, c: ScoredCustomer, i: number, x: StoredRowsContext, p: PreviousScoreColumns, counts: Record<string, number>): number {
  if (p.hadScores[i] !== 1) return 0;
  let n = 0;
  for (let k = 0; k < trackedMetrics.length; k++) {
    const metric = trackedMetrics[k]!;
    const old = p.classes[metric][i]!;
    const from = old < 0 ? null : p.values[old]!;
    const to = newClass(c, k);
    if (from === to) continue;
    h.row(HISTORY_COLUMNS.length);
    h.int8(c.customerId);
    h.int8(x.runId);
    h.text(metric);
    h.text(from);
    h.text(to);
    counts[metric] = (counts[metric] ?? 0) + 1;
    n++;
  }
  return n;
}

/** One chunk of a run's scores as the write-back sends it. */
export interface ScoredChunk {
  /** End (exclusive customer index) of the chunk, and its customers. */
  to: number;
  count: number;
  /** Its lowest and highest customer id. */
  firstId: number;
  lastId: number;
  /**
   * Its rows in COPY's binary format (in a buffer of their own, which the worker hands over): of
   * METRIC_INPUT's columns, or — `stored`, a full run — customer_metrics' own (STORED_COLUMNS).
   */
  rows: Uint8Array;
  stored: boolean;
  /** A full run's class changes (HISTORY_COLUMNS), null when none, and their number per metric. */
  history: Uint8Array | null;
  changes: Record<string, number>;
  /** The slot of ChunkMemory its rows are in, to be given back once they are written; null when in a buffer of their own. */
  slot: number | null;
}

/**
 * Memory the scoring renders its chunks into, slot by slot, instead of a new buffer per chunk: shared
 * with the thread that writes them, which gives a slot back once its chunk is written. (A new 38 MB
 * buffer per chunk of a full run set off a full collection per chunk: scoring 1M customers took
 * 1.3 s more CPU.)
 */
export interface ChunkMemory {
  /** Room for a chunk of about `bytes` (waiting, if need be, for the slot to be given back), or null when a slot is too small. */
  take(bytes: number): { slot: number; into: Uint8Array } | null;
  /** Gives back a slot the chunk was not left in (it outgrew the slot). */
  giveBack(slot: number): void;
}

/** What a scoring says besides its chunks, known once the last chunk is rendered. */
export interface ScoreSummary {
  n: number;
  /** Customers with RFM scores (buyers). */
  scored: number;
  classes: Record<string, Record<string, number>>;
  parameters: Record<string, unknown>;
  frozen: FrozenModel | null;
  /** The model check of a full run (null when not asked for or without calibration buyers). */
  modelCheck: Record<string, unknown> | null;
  /** The dashboards' class rows, when the summary came with its rollup keys and every amount could be counted exactly. */
  classRows: CountedClassRows | null;
  /**
   * With the summary's previous scores: the customers (ascending) whose importance the computed tier
   * would change as they stood when read (not set by hand, and another value or not computed).
   */
  importanceCandidates: number[] | null;
}

/** Room for a chunk of `customers` rows: about 600 bytes a customer, 700 as the table stores them. */
export const chunkBytes = (customers: number, stored: boolean): number => customers * (stored ? 760 : 640) + 64;

/**
 * Scores the summary and renders it in chunks of `chunk` customers, handing each to `onChunk` as
 * soon as it is made (the write-back can send one while the next is rendered); with `checkEnd`,
 * also the model check (summary.check), after the last chunk.
 */
export function scoreForWrite(
  s: CustomerSummaryColumns,
  settings: AnalyticsSettings,
  frozen: FrozenModel | null,
  chunk: number,
  checkEnd: string | null,
  onChunk: (c: ScoredChunk) => void,
  /** A full run's: rows as customer_metrics stores them, with the class changes (needs the summary's previous scores). */
  stored: StoredRowsContext | null = null,
  memory: ChunkMemory | null = null,
): ScoreSummary {
  const previous = s.previous;
  if (stored && !previous) throw new Error('stored rows need the previous scores in the summary');
  const run = startScoring(s, settings, frozen ?? undefined, { explain: 'json' });
  const counter = classCounter();
  // the dashboards' class rows of a full run, counted as each customer is rendered
  const classRows = s.rollup && s.previous ? new ClassRowCounter(s.rollup, s.previous) : null;
  let countable = classRows !== null;
  const amounts = new StoredAmounts();
  const candidates: number[] | null = previous ? [] : null;
  // one row state for every stored row (no object per customer)
  const row: StoredRow = { c: null as unknown as ScoredCustomer, s, i: 0, x: stored ?? { runId: 0, computedAt: 0 }, p: previous!, amounts };
  let scored = 0;
  for (let from = 0; from < run.n; from += chunk) {
    const to = Math.min(run.n, from + chunk);
    // one buffer for the chunk, seldom grown
    const bytes = chunkBytes(to - from, stored !== null);
    const room = memory?.take(bytes) ?? null;
    const w = new CopyBinaryWriter(bytes, room?.into);
    const h = stored ? new CopyBinaryWriter(4096) : null;
    const changes: Record<string, number> = {};
    let changed = 0;
    let firstId = Infinity;
    let lastId = -Infinity;
    for (let i = from; i < to; i++) {
      const c = run.score(i);
      counter.add(c);
      if (stored || countable) amounts.of(c, s, i);
      row.c = c;
      row.i = i;
      if (countable && !classRows!.add(c, s, i, amounts)) countable = false;
      if (c.rfmSegment !== null) scored++;
      if (candidates && c.tier !== null && previous!.importanceSource[i] !== 1) {
        const now = previous!.importance[i]!;
        if (previous!.importanceSource[i] !== 2 || now < 0 || previous!.values[now] !== c.tier) candidates.push(c.customerId);
      }
      if (stored) {
        writeStoredRow(w, row);
        changed += writeChanges(h!, c, i, stored, previous!, changes);
      } else writeRow(w, c, s, i);
      firstId = Math.min(firstId, c.customerId);
      lastId = Math.max(lastId, c.customerId);
    }
    const rows = w.finish();
    let slot: number | null = null;
    if (room && rows.buffer === room.into.buffer) slot = room.slot;
    else if (room) memory!.giveBack(room.slot);
    onChunk({ to, count: to - from, firstId, lastId, rows, stored: Boolean(stored), history: changed ? h!.finish() : null, changes, slot });
  }
  const check = checkEnd ? modelCheck(settings, s, checkEnd) : null;
  return {
    n: run.n,
    scored,
    classes: counter.counts,
    parameters: run.parameters,
    frozen: run.frozen,
    modelCheck: check,
    classRows: countable ? classRows!.finish() : null,
    importanceCandidates: candidates,
  };
}
