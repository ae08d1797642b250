// A run's scores as the write-back sends them: per chunk of customers, their rows in COPY's text
// format (UTF-8 bytes), copied by write-metrics.ts into a temporary table its statement reads. Pure,
// so it runs in the scoring worker: the customers' score objects live only while their chunk is
// rendered, and the bytes move to the writing thread without a copy.
import type { AnalyticsSettings } from '@guanxi/contracts';
import { copyField } from '../db/copy-in.js';
import type { CustomerSummaryColumns } from './customer-summaries.js';
import { classCounter, startScoring, type FrozenModel, type ScoredCustomer } from './score-population.js';
import { modelCheck } from './model-check.js';

/** One field of a customer's row, as COPY text (`\\N` for null). */
type Field = (c: ScoredCustomer, s: CustomerSummaryColumns, i: number) => string;

const NULL = '\\N';

const number =
  (get: (c: ScoredCustomer, s: CustomerSummaryColumns, i: number) => number | null | undefined): Field =>
  (c, s, i) => {
    const v = get(c, s, i);
    return v === null || v === undefined || !Number.isFinite(v) ? NULL : String(v);
  };

/** Decimal text from the aggregate or toFixed: nothing COPY reserves. */
const decimal =
  (get: (c: ScoredCustomer, s: CustomerSummaryColumns, i: number) => string | null | undefined): Field =>
  (c, s, i) =>
    get(c, s, i) ?? NULL;

/** A class key: each distinct value's field is made once. */
const key = (get: (c: ScoredCustomer) => string | null): Field => {
  const made = new Map<string | null, string>();
  return (c) => {
    const v = get(c);
    let f = made.get(v);
    if (f === undefined) made.set(v, (f = copyField(v)));
    return f;
  };
};

const money = (v: number | null): string | null => (v === null || !Number.isFinite(v) ? null : v.toFixed(2));

/** The columns of a chunk's rows, in order: name, SQL type and how the field is made. */
const COLUMNS: ReadonlyArray<readonly [string, string, Field]> = [
  ['customer_id', 'bigint', number((c) => c.customerId)],
  ['first_day', 'int', number((_, s, i) => s.firstDay[i])],
  ['last_day', 'int', number((_, s, i) => s.lastDay[i])],
  ['recency_days', 'int', number((_, s, i) => s.recencyDays[i])],
  ['frequency', 'int', number((_, s, i) => s.frequency[i])],
  ['monetary', 'numeric', decimal((_, s, i) => s.monetaryText[i])],
  ['margin', 'numeric', decimal((_, s, i) => s.marginText[i])],
  ['rfm_r', 'smallint', number((c) => c.rfmR)],
  ['rfm_f', 'smallint', number((c) => c.rfmF)],
  ['rfm_m', 'smallint', number((c) => c.rfmM)],
  ['rfm_segment', 'text', key((c) => c.rfmSegment)],
  ['rf_segment', 'text', key((c) => c.rfSegment)],
  ['abc_class', 'text', key((c) => c.abcClass)],
  ['value_share', 'float8', number((c) => c.valueShare)],
  ['value_quadrant', 'text', key((c) => c.valueQuadrant)],
  ['p_alive', 'float8', number((c) => c.pAlive)],
  ['expected_purchases', 'float8', number((c) => c.expectedPurchases)],
  ['expected_spend', 'float8', number((c) => c.expectedSpend)],
  ['clv', 'numeric', decimal((c) => money(c.clv))],
  ['lifecycle_stage', 'text', key((c) => c.lifecycleStage)],
  ['tier', 'text', key((c) => c.tier)],
  ['tier_score', 'float8', number((c) => c.tierScore)],
  ['loyalty_class', 'text', key((c) => c.loyaltyClass)],
  ['attitude_class', 'text', key((c) => c.attitudeClass)],
  ['churn_score', 'float8', number((c) => c.churnScore)],
  ['churn_level', 'text', key((c) => c.churnLevel)],
  // the JSON text the scoring made (nothing in it that COPY reserves), or the object's
  ['reasons', 'text', (c) => c.reasonsJson ?? copyField(JSON.stringify(c.reasons))],
];

/** The columns of a chunk's rows, in order: name and SQL type. */
export const METRIC_INPUT: ReadonlyArray<readonly [string, string]> = COLUMNS.map(([name, type]) => [name, type] as const);

/** The chunk's customers as COPY text lines of the METRIC_INPUT columns. */
export function renderRows(s: CustomerSummaryColumns, rows: ScoredCustomer[], from: number): string {
  const lines = new Array<string>(rows.length + 1);
  const fields = new Array<string>(COLUMNS.length);
  for (let k = 0; k < rows.length; k++) {
    const c = rows[k]!;
    for (let j = 0; j < COLUMNS.length; j++) fields[j] = COLUMNS[j]![2](c, s, from + k);
    lines[k] = fields.join('\t');
  }
  lines[rows.length] = '';
  return lines.join('\n');
}

const utf8 = new TextEncoder();

/** One chunk of a run's scores as the write-back sends it. */
export interface ScoredChunk {
  /** End (exclusive customer index) of the chunk. */
  to: number;
  /** Its lowest and highest customer id. */
  firstId: number;
  lastId: number;
  /** Its rows: COPY text of the METRIC_INPUT columns, UTF-8 (in a buffer of their own, which the worker hands over). */
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
  let scored = 0;
  for (let from = 0; from < run.n; from += chunk) {
    const to = Math.min(run.n, from + chunk);
    // the chunk's score objects are garbage once its literals are made
    const rows = new Array<ScoredCustomer>(to - from);
    let firstId = Infinity;
    let lastId = -Infinity;
    for (let i = from; i < to; i++) {
      const c = run.score(i);
      counter.add(c);
      if (c.rfmSegment !== null) scored++;
      rows[i - from] = c;
      firstId = Math.min(firstId, c.customerId);
      lastId = Math.max(lastId, c.customerId);
    }
    onChunk({ to, firstId, lastId, rows: utf8.encode(renderRows(s, rows, from)) });
  }
  const check = checkEnd ? modelCheck(settings, s, checkEnd) : null;
  return { n: run.n, scored, classes: counter.counts, parameters: run.parameters, frozen: run.frozen, modelCheck: check };
}
