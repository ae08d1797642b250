// A run's scores as the write-back sends them: per chunk of customers, their rows in COPY's binary
// format, copied by write-metrics.ts into a temporary table its statement reads. Pure, so it runs
// in the scoring worker: each customer's score object is garbage once its row is written, and the
// chunk's bytes move to the writing thread without a copy.
import type { AnalyticsSettings } from '@guanxi/contracts';
import { CopyBinaryWriter } from '../db/copy-in.js';
import type { CustomerSummaryColumns } from './customer-summaries.js';
import { classCounter, startScoring, type FrozenModel, type ScoredCustomer } from './score-population.js';
import { modelCheck } from './model-check.js';
import { ClassRowCounter, type CountedClassRows } from './class-rows.js';

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
  ['monetary', 'text', (w, _, s, i) => w.text(s.monetaryText[i]), 'numeric'],
  ['margin', 'text', (w, _, s, i) => w.text(s.marginText[i]), 'numeric'],
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

/** One chunk of a run's scores as the write-back sends it. */
export interface ScoredChunk {
  /** End (exclusive customer index) of the chunk. */
  to: number;
  /** Its lowest and highest customer id. */
  firstId: number;
  lastId: number;
  /** Its rows: COPY binary of the METRIC_INPUT columns (in a buffer of their own, which the worker hands over). */
  rows: Uint8Array;
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
}

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
): ScoreSummary {
  const run = startScoring(s, settings, frozen ?? undefined, { explain: 'json' });
  const counter = classCounter();
  // the dashboards' class rows of a full run, counted as each customer is rendered
  const classRows = s.rollup ? new ClassRowCounter(s.rollup) : null;
  let countable = classRows !== null;
  let scored = 0;
  for (let from = 0; from < run.n; from += chunk) {
    const to = Math.min(run.n, from + chunk);
    // about 600 bytes a customer: one buffer for the chunk, seldom grown
    const w = new CopyBinaryWriter((to - from) * 640 + 64);
    let firstId = Infinity;
    let lastId = -Infinity;
    for (let i = from; i < to; i++) {
      const c = run.score(i);
      counter.add(c);
      if (countable && !classRows!.add(c, s, i)) countable = false;
      if (c.rfmSegment !== null) scored++;
      writeRow(w, c, s, i);
      firstId = Math.min(firstId, c.customerId);
      lastId = Math.max(lastId, c.customerId);
    }
    onChunk({ to, firstId, lastId, rows: w.finish() });
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
  };
}
