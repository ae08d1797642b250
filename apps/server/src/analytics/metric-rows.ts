// A run's scores as the write-back sends them: per chunk of customers, one PostgreSQL array literal
// per column of customer_metrics (unnested by write-metrics.ts). Pure, so it runs in the scoring
// worker: the customers' score objects live only while their chunk is rendered.
import type { AnalyticsSettings } from '@guanxi/contracts';
import type { CustomerSummaryColumns } from './customer-summaries.js';
import { classCounter, startScoring, type FrozenModel, type ScoredCustomer } from './score-population.js';
import { modelCheck } from './model-check.js';

type Render = (s: CustomerSummaryColumns, rows: ScoredCustomer[], from: number) => string;

const quote = (v: string): string => `"${v.replace(/["\\]/g, '\\$&')}"`;

// one specialised loop per column: the elements are written straight into the literal, no per-row arrays
const numbers =
  (get: (c: ScoredCustomer, s: CustomerSummaryColumns, i: number) => number | null | undefined): Render =>
  (s, rows, from) => {
    const out = new Array<string>(rows.length);
    for (let k = 0; k < rows.length; k++) {
      const v = get(rows[k]!, s, from + k);
      out[k] = v === null || v === undefined || !Number.isFinite(v) ? 'NULL' : String(v);
    }
    return `{${out.join(',')}}`;
  };

/** Class keys and decimal text need no quotes unless they hold a character the array syntax reserves. */
const element = (v: string): string => (/^[\w.-]+$/.test(v) && v.toUpperCase() !== 'NULL' ? v : quote(v));

const words =
  (get: (c: ScoredCustomer, s: CustomerSummaryColumns, i: number) => string | null | undefined): Render =>
  (s, rows, from) => {
    const out = new Array<string>(rows.length);
    for (let k = 0; k < rows.length; k++) {
      const v = get(rows[k]!, s, from + k);
      out[k] = v === null || v === undefined ? 'NULL' : element(v);
    }
    return `{${out.join(',')}}`;
  };

/** words for a column of a few distinct values (class keys): each one's element is made once. */
const classes = (get: (c: ScoredCustomer) => string | null): Render => {
  const made = new Map<string | null, string>();
  return (_s, rows) => {
    const out = new Array<string>(rows.length);
    for (let k = 0; k < rows.length; k++) {
      const v = get(rows[k]!);
      let e = made.get(v);
      if (e === undefined) made.set(v, (e = v === null ? 'NULL' : element(v)));
      out[k] = e;
    }
    return `{${out.join(',')}}`;
  };
};

const money = (v: number | null): string | null => (v === null || !Number.isFinite(v) ? null : v.toFixed(2));

/** The input columns of a chunk, in order: name, SQL element type and how its literal is made. */
const COLUMNS: ReadonlyArray<readonly [string, string, Render]> = [
  ['customer_id', 'bigint', numbers((c) => c.customerId)],
  ['first_day', 'int', numbers((_, s, i) => s.firstDay[i])],
  ['last_day', 'int', numbers((_, s, i) => s.lastDay[i])],
  ['recency_days', 'int', numbers((_, s, i) => s.recencyDays[i])],
  ['frequency', 'int', numbers((_, s, i) => s.frequency[i])],
  ['monetary', 'numeric', words((_, s, i) => s.monetaryText[i])],
  ['margin', 'numeric', words((_, s, i) => s.marginText[i])],
  ['rfm_r', 'smallint', numbers((c) => c.rfmR)],
  ['rfm_f', 'smallint', numbers((c) => c.rfmF)],
  ['rfm_m', 'smallint', numbers((c) => c.rfmM)],
  ['rfm_segment', 'text', classes((c) => c.rfmSegment)],
  ['rf_segment', 'text', classes((c) => c.rfSegment)],
  ['abc_class', 'text', classes((c) => c.abcClass)],
  ['value_share', 'float8', numbers((c) => c.valueShare)],
  ['value_quadrant', 'text', classes((c) => c.valueQuadrant)],
  ['p_alive', 'float8', numbers((c) => c.pAlive)],
  ['expected_purchases', 'float8', numbers((c) => c.expectedPurchases)],
  ['expected_spend', 'float8', numbers((c) => c.expectedSpend)],
  ['clv', 'numeric', words((c) => money(c.clv))],
  ['lifecycle_stage', 'text', classes((c) => c.lifecycleStage)],
  ['tier', 'text', classes((c) => c.tier)],
  ['tier_score', 'float8', numbers((c) => c.tierScore)],
  ['loyalty_class', 'text', classes((c) => c.loyaltyClass)],
  ['attitude_class', 'text', classes((c) => c.attitudeClass)],
  ['churn_score', 'float8', numbers((c) => c.churnScore)],
  ['churn_level', 'text', classes((c) => c.churnLevel)],
  // the JSON text the scoring made, escaped already
  ['reasons', 'text', (_s, rows) => `{${rows.map((c) => (c.reasonsJson !== undefined ? `"${c.reasonsJson}"` : quote(JSON.stringify(c.reasons)))).join(',')}}`],
];

/** The input columns of a chunk, in order: name and SQL element type. */
export const METRIC_INPUT: ReadonlyArray<readonly [string, string]> = COLUMNS.map(([name, type]) => [name, type] as const);

/** One chunk of a run's scores as the write-back sends it. */
export interface ScoredChunk {
  /** End (exclusive customer index) of the chunk. */
  to: number;
  /** Its lowest and highest customer id. */
  firstId: number;
  lastId: number;
  /** One array literal per METRIC_INPUT column. */
  columns: string[];
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
    onChunk({ to, firstId, lastId, columns: COLUMNS.map(([, , render]) => render(s, rows, from)) });
  }
  const check = checkEnd ? modelCheck(settings, s, checkEnd) : null;
  return { n: run.n, scored, classes: counter.counts, parameters: run.parameters, frozen: run.frozen, modelCheck: check };
}
