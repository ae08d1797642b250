// Scores of every customer of a summary under the analytics settings: runAnalysis (the code behind
// `guanxi analyze`) for the models and classes, then the CRM-only classes (loyalty matrices), the
// reasons, and — for an incremental refresh — the same scores against a full run's frozen parameters.
import {
  CHURN_LEVELS,
  churnRisk,
  dickBasu,
  LIFECYCLE_RULES,
  LIFECYCLE_STAGES,
  quantileSorted,
  reinartzKumar,
  RF_SEGMENTS,
  RFM_SEGMENTS,
  rfSegment,
  rfmSegment,
  TIERS,
  VALUE_QUADRANTS,
  type ChurnSignal,
  type PurchaseModel,
} from '@guanxi/analytics';
import type { AnalyticsSettings } from '@guanxi/contracts';
import { runAnalysis, type AnalysisResult } from '../analyze/run-analysis.js';
import type { CustomerSummaryColumns } from './customer-summaries.js';

/**
 * Customers the purchase and spend models are fitted on, at most (a fixed sample by id hash beyond
 * it): a million near-unique (x, t_x, T) patterns cost the fit a minute and add nothing to four parameters.
 */
export const FIT_SAMPLE = 100_000;

/** What an incremental refresh needs from the last full run to score a few customers alone. */
export interface FrozenModel {
  model: PurchaseModel;
  gammaGamma: { p: number; q: number; gamma: number } | null;
  referenceInterval: number;
  /** RFM cut values: score = 1 + cuts passed (see scoreByCuts). */
  rfm: { method: 'ntile' | 'quantile'; r: number[]; f: number[]; m: number[] };
  /** Sampled Pareto curve, value descending: [value, cumulative share up to and including it]. */
  abcCurve: [number, number][];
  abcMin: { A: number; B: number };
  medians: { frequency: number; averageOrderValue: number; margin: number };
  /** Sorted samples (101 quantiles) of each tier criterion, for a percentile rank. */
  tierSamples: Record<string, number[]>;
}

export interface ScoredCustomer {
  customerId: number;
  rfmR: number | null;
  rfmF: number | null;
  rfmM: number | null;
  rfmSegment: string | null;
  rfSegment: string | null;
  abcClass: string | null;
  valueShare: number | null;
  valueQuadrant: string | null;
  pAlive: number | null;
  expectedPurchases: number | null;
  expectedSpend: number | null;
  clv: number | null;
  lifecycleStage: string;
  tier: string | null;
  tierScore: number | null;
  loyaltyClass: string | null;
  attitudeClass: string | null;
  churnScore: number | null;
  churnLevel: string | null;
  reasons: Record<string, unknown>;
  /** The reasons as JSON text (reasonsJson), made instead of `reasons` when scoring with `explain: 'json'` (the write-back). */
  reasonsJson?: string;
}

export interface PopulationScores {
  customers: ScoredCustomer[];
  /** Fitted parameters, diagnostics and breakpoints (analytics_runs.parameters). */
  parameters: Record<string, unknown>;
  frozen: FrozenModel | null;
  analysis: AnalysisResult | null;
}

const round = (v: number, digits = 6): number | null => (Number.isFinite(v) ? Number(v.toPrecision(digits)) : null);
const finite = (v: number | undefined): number | null => (v !== undefined && Number.isFinite(v) ? v : null);

/**
 * JSON text of round(v, digits): toPrecision's own digits, which parse to the same number. Formatting
 * a number, parsing it and formatting it again for JSON.stringify was most of the reasons' rendering
 * (6 of a full run's 30 s of scoring at 1M customers).
 */
const roundJson = (v: number, digits = 6): string =>
  !Number.isFinite(v) ? 'null' : v === 0 ? '0' : Number.isInteger(v) && Math.abs(v) < 10 ** digits ? String(v) : v.toPrecision(digits);
const numJson = (v: number): string => (Number.isFinite(v) ? String(v) : 'null');

/** What a customer's stored reasons say, before they are an object or JSON text. */
export interface ReasonParts {
  clv: { unit: string; x: number; tx: number; T: number } | null;
  lifecycle: { rule: string; purchases: number; trend: number } | null;
  overdueDays: number | null;
  satisfaction: number | null;
  signals: ChurnSignal[] | null;
}

export function reasonsObject(r: ReasonParts): Record<string, unknown> {
  if (!r.lifecycle) return { lifecycle: { rule: 'no_purchase' } };
  return {
    ...(r.clv ? { clv: { unit: r.clv.unit, x: r.clv.x, tx: round(r.clv.tx), T: round(r.clv.T) } } : {}),
    lifecycle: { rule: r.lifecycle.rule, purchases: r.lifecycle.purchases, trend: round(r.lifecycle.trend, 4) },
    ...(r.overdueDays !== null ? { tier: { overdueDays: r.overdueDays } } : {}),
    ...(r.satisfaction !== null ? { attitude: { satisfaction: r.satisfaction } } : {}),
    ...(r.signals ? { churn: { signals: r.signals.map((g) => ({ signal: g.signal, strength: round(g.strength, 4), contribution: round(g.contribution, 4) })) } } : {}),
  };
}

/**
 * reasonsObject as JSON text, written directly: its keys and names need no escaping (made this way
 * rather than by JSON.stringify of the object, which with the rounding took most of the rendering).
 */
export function reasonsJson(r: ReasonParts): string {
  if (!r.lifecycle) return '{"lifecycle":{"rule":"no_purchase"}}';
  // pieces joined once: one flat string per customer (concatenated, each was a tree of small strings
  // living until its chunk is rendered, and garbage collection took twice as long)
  const out: string[] = ['{'];
  const c = r.clv;
  if (c) out.push('"clv":{"unit":"', c.unit, '","x":', numJson(c.x), ',"tx":', roundJson(c.tx), ',"T":', roundJson(c.T), '},');
  out.push('"lifecycle":{"rule":"', r.lifecycle.rule, '","purchases":', numJson(r.lifecycle.purchases), ',"trend":', roundJson(r.lifecycle.trend, 4), '}');
  if (r.overdueDays !== null) out.push(',"tier":{"overdueDays":', numJson(r.overdueDays), '}');
  if (r.satisfaction !== null) out.push(',"attitude":{"satisfaction":', numJson(r.satisfaction), '}');
  if (r.signals) {
    out.push(',"churn":{"signals":[');
    for (let k = 0; k < r.signals.length; k++) {
      const g = r.signals[k]!;
      out.push(k ? ',{"signal":"' : '{"signal":"', g.signal, '","strength":', roundJson(g.strength, 4), ',"contribution":', roundJson(g.contribution, 4), '}');
    }
    out.push(']}');
  }
  out.push('}');
  return out.join('');
}

function pick(a: Float64Array, rows: number[]): Float64Array {
  // a plain loop: Float64Array.from with a callback is several times slower on a million rows
  const out = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = a[rows[k]!]!;
  return out;
}

/** 1 + number of cuts passed: ascending cuts for F and M (≥ for ntile, > for quantile), descending recency. */
function scoreByCuts(v: number, cuts: number[], method: 'ntile' | 'quantile', recency: boolean): number {
  let s = 1;
  for (const c of cuts) {
    if (recency ? (method === 'ntile' ? v <= c : v < c) : method === 'ntile' ? v >= c : v > c) s++;
  }
  return recency && method === 'quantile' ? 6 - (1 + cuts.filter((c) => v > c).length) : s;
}

/** Cut values of scores 2–5: the bucket's lowest value (highest recency) — or the quantiles for 'quantile'. */
function rfmCuts(values: Float64Array, scores: Uint8Array, method: 'ntile' | 'quantile', recency: boolean): number[] {
  if (method === 'quantile') {
    const sorted = Float64Array.from(values).sort();
    return [1, 2, 3, 4].map((k) => quantileSorted(sorted, k / 5));
  }
  const edge = new Array<number>(6).fill(recency ? -Infinity : Infinity);
  for (let i = 0; i < values.length; i++) {
    const s = scores[i]!;
    edge[s] = recency ? Math.max(edge[s]!, values[i]!) : Math.min(edge[s]!, values[i]!);
  }
  return [2, 3, 4, 5].map((s) => edge[s]!);
}

function samples(values: Float64Array): number[] {
  // a plain loop, as in pick: Float64Array.from with a callback took most of the five samples' second
  const sorted = new Float64Array(values.length);
  for (let k = 0; k < values.length; k++) sorted[k] = Number.isFinite(values[k]!) ? values[k]! : 0;
  sorted.sort();
  return Array.from({ length: 101 }, (_, k) => quantileSorted(sorted, k / 100));
}

/** Percentile rank (0–1) of v among the sampled population, ties at their middle as compositeTier does. */
function rankIn(sample: number[], v: number): number {
  const x = Number.isFinite(v) ? v : 0;
  let lo = 0;
  let hi = 0;
  for (let k = 0; k < sample.length; k++) {
    if (sample[k]! < x) lo = k + 1;
    if (sample[k]! <= x) hi = k + 1;
  }
  if (lo === hi) {
    // between two samples: interpolate
    if (lo === 0) return 0;
    if (lo >= sample.length) return 1;
    const a = sample[lo - 1]!;
    const b = sample[lo]!;
    return (lo - 1 + (b > a ? (x - a) / (b - a) : 0)) / (sample.length - 1);
  }
  return (lo + hi - 1) / 2 / (sample.length - 1);
}

interface Prepared {
  rows: number[];
  unitDays: number;
  abcValues: Float64Array;
  credit: Float64Array;
}

function prepare(s: CustomerSummaryColumns, settings: AnalyticsSettings): Prepared {
  const rows: number[] = [];
  for (let i = 0; i < s.n; i++) if (s.purchased[i]) rows.push(i);
  const abcValues = Float64Array.from(rows, (i) => Math.max(0, settings.clv.basis === 'margin' ? s.margin[i]! : s.monetary[i]!));
  // credit (payment punctuality): fewer days overdue is better; no instalment counts as punctual
  const credit = Float64Array.from(rows, (i) => (Number.isFinite(s.overdueDays[i]!) ? -s.overdueDays[i]! : 0));
  return { rows, unitDays: settings.clv.unit === 'week' ? 7 : 1, abcValues, credit };
}

function analyse(s: CustomerSummaryColumns, settings: AnalyticsSettings, p: Prepared, fitted?: FrozenModel): AnalysisResult {
  const { rows } = p;
  const sat = pick(s.satisfaction, rows);
  return runAnalysis(
    {
      ids: rows.map((i) => String(s.ids[i]!)),
      unit: settings.clv.unit,
      recencyDays: pick(s.recencyDays, rows),
      frequency: pick(s.frequency, rows),
      monetary: pick(s.monetary, rows),
      x: pick(s.x, rows),
      tx: pick(s.tx, rows),
      T: pick(s.T, rows),
      meanSpend: pick(s.meanSpend, rows),
      trend: pick(s.trend, rows),
      spendTrend: pick(s.spendTrend, rows),
      holdout: null,
    },
    {
      model: settings.clv.model,
      clvMonths: settings.clv.months,
      discount: settings.clv.discountRate,
      horizon: settings.clv.nextPeriodDays / p.unitDays,
      rfmMethod: settings.rfm.method,
      abcCutoffs: [settings.abc.a, settings.abc.b],
      abcValues: p.abcValues,
      lifecycle: settings.lifecycle,
      tier: { weights: settings.tier.weights, cutoffs: settings.tier.cutoffs, profit: pick(s.margin, rows), credit: p.credit },
      churn: {
        weights: settings.churn.weights,
        levels: settings.churn.levels,
        overdueDays: pick(s.overdueDays, rows),
        // CSAT 1–5 as a share of the top score, the scale churnRisk expects (threshold 0.6 = 3 of 5)
        survey: Float64Array.from(sat, (v) => v / 5),
        openComplaints: pick(s.openComplaints, rows),
      },
      fitSampleSize: FIT_SAMPLE,
      ...(fitted ? { fitted: { model: fitted.model, gammaGamma: fitted.gammaGamma, referenceInterval: fitted.referenceInterval } } : {}),
    },
  );
}

function median(values: Float64Array): number {
  return quantileSorted(Float64Array.from(values).sort(), 0.5);
}

function freeze(a: AnalysisResult, s: CustomerSummaryColumns, settings: AnalyticsSettings, p: Prepared): FrozenModel | null {
  if (!a.rfm || !a.purchaseModel || !a.valueShare || !a.abcClass || !a.abcOrder) return null;
  const rec = a.input.recencyDays!;
  const freq = a.input.frequency!;
  const mon = a.input.monetary!;
  const method = settings.rfm.method;
  // sampled Pareto curve: 201 points by rank, value descending (the ABC's own order: rows are in id order, so ties too)
  const order = a.abcOrder;
  const curve: [number, number][] = [];
  const pts = Math.min(order.length, 201);
  for (let k = 0; k < pts; k++) {
    const i = order[Math.round((k * (order.length - 1)) / Math.max(1, pts - 1))]!;
    curve.push([p.abcValues[i]!, a.valueShare[i]!]);
  }
  let minA = Infinity;
  let minB = Infinity;
  for (let k = 0; k < a.abcClass.length; k++) {
    if (a.abcClass[k] === 0) minA = Math.min(minA, p.abcValues[k]!);
    if (a.abcClass[k] === 1) minB = Math.min(minB, p.abcValues[k]!);
  }
  const prospects = Float64Array.from(a.clv, (v) => (Number.isFinite(v) ? v : 0));
  return {
    model: a.purchaseModel,
    gammaGamma: a.spendParams,
    referenceInterval: a.referenceInterval,
    rfm: { method, r: rfmCuts(rec, a.rfm.r, method, true), f: rfmCuts(freq, a.rfm.f, method, false), m: rfmCuts(mon, a.rfm.m, method, false) },
    abcCurve: curve,
    abcMin: { A: Number.isFinite(minA) ? minA : Infinity, B: Number.isFinite(minB) ? minB : Infinity },
    medians: { frequency: a.medianFrequency ?? 0, averageOrderValue: a.medianAverageOrderValue ?? 0, margin: median(pick(s.margin, p.rows)) },
    tierSamples: {
      volume: samples(mon),
      prospects: samples(prospects),
      profit: samples(pick(s.margin, p.rows)),
      frequency: samples(freq),
      credit: samples(p.credit),
    },
  };
}

/** Overrides the population-relative classes of a subset with the frozen full-run cut values. */
function applyFrozen(a: AnalysisResult, settings: AnalyticsSettings, p: Prepared, f: FrozenModel): void {
  const n = p.rows.length;
  const rec = a.input.recencyDays!;
  const freq = a.input.frequency!;
  const mon = a.input.monetary!;
  const r = new Uint8Array(n);
  const fr = new Uint8Array(n);
  const m = new Uint8Array(n);
  const share = new Float64Array(n);
  const abc = new Uint8Array(n);
  const quad = new Uint8Array(n);
  const tierScore = new Float64Array(n);
  const tierOf = new Uint8Array(n);
  const w = settings.tier.weights;
  const wsum = w.volume + w.prospects + w.profit + w.frequency + w.credit;
  for (let i = 0; i < n; i++) {
    r[i] = scoreByCuts(rec[i]!, f.rfm.r, f.rfm.method, true);
    fr[i] = scoreByCuts(freq[i]!, f.rfm.f, f.rfm.method, false);
    m[i] = scoreByCuts(mon[i]!, f.rfm.m, f.rfm.method, false);
    const v = p.abcValues[i]!;
    abc[i] = v >= f.abcMin.A ? 0 : v >= f.abcMin.B ? 1 : 2;
    // share of value held by customers worth at least v, interpolated on the sampled curve
    let s = f.abcCurve.length ? f.abcCurve[f.abcCurve.length - 1]![1] : 1;
    for (let k = 0; k < f.abcCurve.length; k++) {
      if (f.abcCurve[k]![0] <= v) {
        s = f.abcCurve[k]![1];
        break;
      }
    }
    share[i] = s;
    const aov = freq[i]! > 0 ? mon[i]! / freq[i]! : 0;
    quad[i] = freq[i]! > f.medians.frequency ? (aov > f.medians.averageOrderValue ? 0 : 1) : aov > f.medians.averageOrderValue ? 2 : 3;
    const crit: Record<string, number> = { volume: mon[i]!, prospects: Number.isFinite(a.clv[i]!) ? a.clv[i]! : 0, profit: 0, frequency: freq[i]!, credit: p.credit[i]! };
    let score = 0;
    for (const [name, weight] of Object.entries(w)) {
      if (weight > 0 && name !== 'profit') score += (weight / wsum) * rankIn(f.tierSamples[name] ?? [], crit[name]!);
    }
    tierScore[i] = score;
    tierOf[i] = score >= settings.tier.cutoffs.vip ? 0 : score >= settings.tier.cutoffs.important ? 1 : 2;
  }
  a.rfm = { r, f: fr, m };
  a.abcClass = abc;
  a.valueShare = share;
  a.valueQuadrant = quad;
  a.tierScore = tierScore;
  a.tierOf = tierOf;
  a.medianFrequency = f.medians.frequency;
  a.medianAverageOrderValue = f.medians.averageOrderValue;
}

/** Fits (or takes the frozen parameters) once; `score(i)` then gives customer i's scores, so a caller can stream them without holding a million objects. */
export function startScoring(s: CustomerSummaryColumns, settings: AnalyticsSettings, frozen?: FrozenModel, options: { explain?: Explain } = {}): ScoringRun {
  // the preview needs only the classes: no reasons to build; the write-back needs them as JSON text
  const explain = options.explain ?? true;
  const p = prepare(s, settings);
  const a = p.rows.length ? analyse(s, settings, p, frozen) : null;
  if (a && frozen) {
    applyFrozen(a, settings, p, frozen);
    // the tier's profit criterion needs the margin, known only here
    const w = settings.tier.weights;
    const wsum = w.volume + w.prospects + w.profit + w.frequency + w.credit;
    if (w.profit > 0) {
      for (let k = 0; k < p.rows.length; k++) {
        const sc = a.tierScore![k]! + (w.profit / wsum) * rankIn(frozen.tierSamples.profit ?? [], s.margin[p.rows[k]!]!);
        a.tierScore![k] = sc;
        a.tierOf![k] = sc >= settings.tier.cutoffs.vip ? 0 : sc >= settings.tier.cutoffs.important ? 1 : 2;
      }
    }
  }
  const froz = frozen ?? (a ? freeze(a, s, settings, p) : null);
  const marginMedian = froz?.medians.margin ?? 0;
  const unitDays = p.unitDays;
  const rowOf = new Int32Array(s.n).fill(-1);
  p.rows.forEach((i, k) => (rowOf[i] = k));
  const explained = (r: ReasonParts): { reasons: Record<string, unknown>; reasonsJson?: string } =>
    explain === 'json' ? { reasons: {}, reasonsJson: reasonsJson(r) } : explain ? { reasons: reasonsObject(r) } : { reasons: {} };
  const churnOptions = { weights: settings.churn.weights, levels: settings.churn.levels };
  const score = (i: number): ScoredCustomer => {
    const k = rowOf[i]!;
    const id = s.ids[i]!;
    if (k < 0 || !a) {
      return {
        customerId: id,
        rfmR: null,
        rfmF: null,
        rfmM: null,
        rfmSegment: null,
        rfSegment: null,
        abcClass: null,
        valueShare: null,
        valueQuadrant: null,
        pAlive: null,
        expectedPurchases: null,
        expectedSpend: null,
        clv: null,
        lifecycleStage: 'acquisition',
        tier: null,
        tierScore: null,
        loyaltyClass: null,
        attitudeClass: null,
        churnScore: null,
        churnLevel: null,
        ...explained({ clv: null, lifecycle: null, overdueDays: null, satisfaction: null, signals: null }),
      };
    }
    const r = a.rfm!.r[k]!;
    const f = a.rfm!.f[k]!;
    const m = a.rfm!.m[k]!;
    const inCal = Number.isFinite(s.x[i]!);
    const pAlive = finite(a.pAlive[k]);
    const x = s.x[i]!;
    const purchases = inCal ? x + 1 : 0;
    const margin = s.margin[i]!;
    const loyalty = pAlive !== null ? reinartzKumar(pAlive, margin, { loyalty: 0.5, profitability: marginMedian }) : null;
    const sat = s.satisfaction[i]!;
    // Dick & Basu only where a survey exists: attitude = satisfaction on 0–1 ((s − 1) / 4), patronage = a repeat buyer
    const attitude = Number.isFinite(sat) ? dickBasu((sat - 1) / 4, s.frequency[i]! >= 2 ? 1 : 0) : null;
    const churnInput = {
      recency: inCal ? s.T[i]! - s.tx[i]! : Number.NaN,
      cycle: inCal ? (x > 0 ? s.tx[i]! / x : a.referenceInterval) : Number.NaN,
      frequencyTrend: s.trend[i]!,
      spendTrend: s.spendTrend[i]!,
      pAlive: pAlive ?? Number.NaN,
      overdueDays: s.overdueDays[i]!,
      survey: s.satisfaction[i]! / 5,
      openComplaints: s.openComplaints[i]!,
    };
    const churnOk = Number.isFinite(a.churn[k]!);
    const churnExplained = churnOk && explain ? churnRisk(churnInput, churnOptions) : null;
    const lifeRule = inCal ? LIFECYCLE_RULES[a.lifecycleRule[k]!]! : 'new_customer';
    const stage = inCal ? LIFECYCLE_STAGES[a.lifecycle[k]!]! : 'acquisition';
    const clv = finite(a.clv[k]);
    const monetary = s.monetary[i]!;
    // margin basis: the predicted revenue scaled by the customer's own margin rate
    const clvValue = clv === null ? null : settings.clv.basis === 'margin' ? clv * (monetary > 0 ? Math.max(0, margin / monetary) : 0) : clv;
    const tier = a.tierOf ? TIERS[a.tierOf[k]!]! : null;
    return {
      customerId: id,
      rfmR: r,
      rfmF: f,
      rfmM: m,
      rfmSegment: a.rfmSegment && !frozen ? RFM_SEGMENTS[a.rfmSegment[k]!]! : rfmSegment(r, f, m),
      rfSegment: a.rfSegment && !frozen ? RF_SEGMENTS[a.rfSegment[k]!]! : rfSegment(r, f),
      abcClass: a.abcClass ? (['A', 'B', 'C'] as const)[a.abcClass[k]!]! : null,
      valueShare: a.valueShare ? a.valueShare[k]! : null,
      valueQuadrant: a.valueQuadrant ? VALUE_QUADRANTS[a.valueQuadrant[k]!]! : null,
      pAlive,
      expectedPurchases: finite(a.expectedPurchases[k]),
      expectedSpend: finite(a.expectedSpend[k]),
      clv: clvValue,
      lifecycleStage: stage,
      tier,
      tierScore: a.tierScore ? a.tierScore[k]! : null,
      loyaltyClass: loyalty,
      attitudeClass: attitude,
      churnScore: churnOk ? a.churn[k]! : null,
      churnLevel: churnOk ? CHURN_LEVELS[a.churnLevel[k]!]! : null,
      // only what the stored columns and the run's settings and parameters do not already say;
      // customer-analysis.service.ts (explainScores) puts the card's full reasons back together
      ...(explain
        ? explained({
            clv: inCal ? { unit: settings.clv.unit, x, tx: s.tx[i]!, T: s.T[i]! } : null,
            lifecycle: { rule: lifeRule, purchases, trend: s.trend[i]! },
            overdueDays: tier && Number.isFinite(s.overdueDays[i]!) ? s.overdueDays[i]! : null,
            satisfaction: attitude ? sat : null,
            signals: churnExplained ? churnExplained.signals : null,
          })
        : { reasons: {} }),
    };
  };
  const parameters: Record<string, unknown> = a
    ? {
        model: a.purchaseModel?.kind ?? null,
        unit: settings.clv.unit,
        purchaseModel: a.purchaseModel?.params ?? null,
        bgnbd: a.bgnbd ? { params: a.bgnbd.params, standardErrors: a.bgnbd.standardErrors, logLikelihood: a.bgnbd.logLikelihood, converged: a.bgnbd.converged, stoppedBy: a.bgnbd.stoppedBy, iterations: a.bgnbd.iterations } : null,
        paretoNbd: a.paretoNbd
          ? { params: a.paretoNbd.params, standardErrors: a.paretoNbd.standardErrors, logLikelihood: a.paretoNbd.logLikelihood, converged: a.paretoNbd.converged, stoppedBy: a.paretoNbd.stoppedBy, iterations: a.paretoNbd.iterations }
          : null,
        gammaGamma: a.gammaGamma
          ? { params: a.gammaGamma.params, standardErrors: a.gammaGamma.standardErrors, logLikelihood: a.gammaGamma.logLikelihood, converged: a.gammaGamma.converged, stoppedBy: a.gammaGamma.stoppedBy, iterations: a.gammaGamma.iterations }
          : null,
        notes: a.notes,
        // the same remarks as codes and values, which the runs page shows in the reader's language
        noteCodes: a.modelNotes,
        modelCustomers: a.modelCustomers,
        // the models' fit used a sample of the calibration customers (null: all of them)
        fitSample: a.fitSample,
        referenceIntervalDays: a.referenceInterval * unitDays,
        rfmBreakpoints: froz?.rfm ?? null,
        abcThresholds: froz ? { minValueA: froz.abcMin.A, minValueB: froz.abcMin.B, cutoffs: [settings.abc.a, settings.abc.b], shares: a.abcShares, top20Share: a.top20Share } : null,
        medians: froz?.medians ?? null,
      }
    : { model: null, notes: ['no customer with a purchase'], noteCodes: [{ code: 'no_purchases' }] };
  return { n: s.n, score, parameters, frozen: froz, analysis: a };
}

/** Whether scoring explains: reasons as objects (true), as JSON text ('json', the write-back's rows), or not at all. */
export type Explain = boolean | 'json';

export interface ScoringRun {
  n: number;
  score: (i: number) => ScoredCustomer;
  parameters: Record<string, unknown>;
  frozen: FrozenModel | null;
  analysis: AnalysisResult | null;
}

/** Scores every customer of the summary; with `frozen`, the fitted parameters and breakpoints of the last full run are used instead of fitting. */
export function scorePopulation(s: CustomerSummaryColumns, settings: AnalyticsSettings, frozen?: FrozenModel, options: { explain?: Explain } = {}): PopulationScores {
  const run = startScoring(s, settings, frozen, options);
  const customers = new Array<ScoredCustomer>(run.n);
  for (let i = 0; i < run.n; i++) customers[i] = run.score(i);
  return { customers, parameters: run.parameters, frozen: run.frozen, analysis: run.analysis };
}

/** Counts customers per class of each stored score ('none' = without that score) as they stream by. */
export function classCounter(): { add(c: ScoredCustomer): void; counts: Record<string, Record<string, number>> } {
  const metrics = {
    rfmSegment: [...RFM_SEGMENTS],
    abcClass: ['A', 'B', 'C'],
    valueQuadrant: [...VALUE_QUADRANTS],
    lifecycleStage: [...LIFECYCLE_STAGES],
    tier: [...TIERS],
    loyaltyClass: ['true_friends', 'butterflies', 'barnacles', 'strangers'],
    attitudeClass: ['loyalty', 'latent', 'spurious', 'none'],
    churnLevel: [...CHURN_LEVELS],
  } as const;
  const counts: Record<string, Record<string, number>> = {};
  for (const [metric, keys] of Object.entries(metrics)) counts[metric] = Object.fromEntries([...keys, 'none'].map((k) => [k, 0]));
  const names = Object.keys(metrics);
  return {
    counts,
    add(c) {
      for (const metric of names) {
        const v = (c as unknown as Record<string, string | null>)[metric] ?? 'none';
        const m = counts[metric]!;
        m[v] = (m[v] ?? 0) + 1;
      }
    },
  };
}

/** Customers per class of each stored score ('none' = without that score). */
export function classCounts(customers: ScoredCustomer[]): Record<string, Record<string, number>> {
  const counter = classCounter();
  for (const c of customers) counter.add(c);
  return counter.counts;
}
