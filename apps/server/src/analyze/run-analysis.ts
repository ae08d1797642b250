// The analysis behind `guanxi analyze`: RFM, ABC, the purchase and spend models, CLV, lifecycle
// stage and churn risk for every customer of a summarised file. Pure computation over arrays.
import {
  abcAnalysis,
  churnRiskScores,
  CHURN_LEVELS,
  compositeTier,
  fitBgNbd,
  fitGammaGamma,
  fitParetoNbd,
  idRanks,
  LIFECYCLE_STAGES,
  lifecycleStages,
  quantileSorted,
  RF_SEGMENTS,
  RFM_SEGMENTS,
  rfmScores,
  rfmSegments,
  scoreCustomers,
  selectSpendRows,
  UNITS_PER_MONTH,
  valueMatrix,
} from '@guanxi/analytics';
import type { BgNbdFit, GammaGammaFit, ParetoNbdFit, PurchaseModel, RfmScores } from '@guanxi/analytics';
import type { TimeUnit } from './summarise-customers.js';

export type ModelName = 'bgnbd' | 'pareto-nbd';

/** What analysis needs per customer; columns a source cannot give are null. */
export interface AnalysisInput {
  ids: string[];
  unit: TimeUnit;
  recencyDays: Float64Array | null;
  frequency: Float64Array | null;
  monetary: Float64Array | null;
  /** Model summary in time units; NaN marks a customer outside the calibration period. */
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  meanSpend: Float64Array | null;
  trend: Float64Array | null;
  spendTrend: Float64Array | null;
  holdout: Float64Array | null;
  /** Length of the holdout period in time units (for the validation line). */
  holdoutLength?: number;
}

export interface AnalysisOptions {
  model: ModelName;
  clvMonths: number;
  discount: number;
  /** Horizon of expected_purchases in time units. */
  horizon: number;
}

export interface AnalysisResult {
  input: AnalysisInput;
  bgnbd: BgNbdFit | null;
  paretoNbd: ParetoNbdFit | null;
  gammaGamma: GammaGammaFit | null;
  spendSkipped: number;
  modelCustomers: number;
  notes: string[];
  rfm: RfmScores | null;
  rfSegment: Uint8Array | null;
  rfmSegment: Uint8Array | null;
  rfmCounts: Record<string, number>;
  abcClass: Uint8Array | null;
  abc: { A: number; B: number; C: number } | null;
  abcShares: { A: number; B: number; C: number } | null;
  top20Share: number | null;
  valueMatrix: Record<string, number> | null;
  tiers: Record<string, number> | null;
  pAlive: Float64Array;
  expectedPurchases: Float64Array;
  expectedSpend: Float64Array;
  clv: Float64Array;
  /** Index into LIFECYCLE_STAGES, 255 outside the calibration period. */
  lifecycle: Uint8Array;
  lifecycleCounts: Record<string, number>;
  churn: Float64Array;
  churnLevels: Record<string, number>;
  holdoutCheck: { actual: number; predicted: number } | null;
}

function subset(a: Float64Array, rows: Uint32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = a[rows[k]!]!;
  return out;
}

export function runAnalysis(input: AnalysisInput, o: AnalysisOptions): AnalysisResult {
  const n = input.ids.length;
  const notes: string[] = [];
  const unitsPerMonth = UNITS_PER_MONTH[input.unit];
  // --- RFM, ABC, value matrix (need transactions) ---
  let rfm: RfmScores | null = null;
  let rfSeg: Uint8Array | null = null;
  let rfmSeg: Uint8Array | null = null;
  let rfmCounts: Record<string, number> = {};
  let abcClass: Uint8Array | null = null;
  let abc: AnalysisResult['abc'] = null;
  let abcShares: AnalysisResult['abcShares'] = null;
  let top20: number | null = null;
  let vm: Record<string, number> | null = null;
  if (input.recencyDays && input.frequency && input.monetary) {
    const ranks = idRanks(input.ids);
    rfm = rfmScores({ ids: input.ids, recency: input.recencyDays, frequency: input.frequency, monetary: input.monetary }, { idRanks: ranks });
    const seg = rfmSegments(rfm);
    rfSeg = seg.rf;
    rfmSeg = seg.rfm;
    rfmCounts = seg.rfmCounts;
    const a = abcAnalysis(input.ids, input.monetary, { idRanks: ranks });
    abcClass = a.classOf;
    abc = a.counts;
    abcShares = a.shares;
    top20 = a.topShareValue;
    const aov = Float64Array.from(input.monetary, (m, i) => (input.frequency![i]! > 0 ? m / input.frequency![i]! : 0));
    vm = valueMatrix(input.frequency, aov).counts;
  }
  // --- purchase models on the calibration customers ---
  const calRows: number[] = [];
  for (let i = 0; i < n; i++) if (!Number.isNaN(input.x[i]!)) calRows.push(i);
  const rows = Uint32Array.from(calRows);
  const summary = { x: subset(input.x, rows), tx: subset(input.tx, rows), T: subset(input.T, rows) };
  const bgnbd = rows.length > 0 ? fitBgNbd(summary) : null;
  // A boundary optimum (a → 0 or b → ∞) means no evidence of dropout: BG/NBD reduces to the NBD.
  const bgBoundary = bgnbd !== null && (bgnbd.params.a < 1e-3 || bgnbd.params.b > 1e4);
  if (bgBoundary) notes.push('BG/NBD: the estimate is at the boundary (a → 0 or b → ∞): the data show almost no dropout, the model reduces to the NBD and P(alive) ≈ 1');
  else if (bgnbd && !bgnbd.converged) notes.push(`BG/NBD: not converged (gradient norm ${bgnbd.gradientNorm.toExponential(2)})`);
  const paretoNbd = o.model === 'pareto-nbd' && rows.length > 0 ? fitParetoNbd(summary) : null;
  if (paretoNbd && (paretoNbd.params.s < 1e-3 || paretoNbd.params.beta > 1e5)) notes.push('Pareto/NBD: the estimate is at the boundary (s → 0): the data show almost no dropout');
  else if (paretoNbd && !paretoNbd.converged) notes.push(`Pareto/NBD: not converged (gradient norm ${paretoNbd.gradientNorm.toExponential(2)})`);
  // --- spend model ---
  let gammaGamma: GammaGammaFit | null = null;
  let spendSkipped = rows.length;
  if (input.meanSpend) {
    const ms = subset(input.meanSpend, rows);
    const sel = selectSpendRows(summary.x, ms);
    spendSkipped = sel.skipped;
    if (sel.rows.length >= 10) {
      gammaGamma = fitGammaGamma({ x: subset(summary.x, sel.rows), meanSpend: subset(ms, sel.rows) });
      if (!(gammaGamma.params.q > 1)) notes.push('Gamma-Gamma: q ≤ 1, the population mean spend is undefined');
    } else notes.push(`Gamma-Gamma: only ${sel.rows.length} customers with repeat purchases and spend; not fitted`);
  }
  // --- per-customer predictions ---
  const pAlive = new Float64Array(n).fill(Number.NaN);
  const expectedPurchases = new Float64Array(n).fill(Number.NaN);
  const expectedSpend = new Float64Array(n).fill(Number.NaN);
  const clv = new Float64Array(n).fill(Number.NaN);
  let holdoutCheck: AnalysisResult['holdoutCheck'] = null;
  if (bgnbd) {
    const model: PurchaseModel = paretoNbd ? { kind: 'pareto-nbd', params: paretoNbd.params } : { kind: 'bgnbd', params: bgnbd.params };
    const sc = scoreCustomers({
      summary,
      model,
      horizon: o.horizon,
      ...(gammaGamma && input.meanSpend ? { meanSpend: subset(input.meanSpend, rows), spend: gammaGamma.params } : {}),
      clv: { months: o.clvMonths, discountRate: o.discount, unitsPerMonth },
    });
    for (let k = 0; k < rows.length; k++) {
      const i = rows[k]!;
      pAlive[i] = sc.pAlive[k]!;
      expectedPurchases[i] = sc.expectedPurchases[k]!;
      expectedSpend[i] = sc.expectedSpend[k]!;
      clv[i] = sc.clv[k]!;
    }
    if (input.holdout && input.holdoutLength && input.holdoutLength > 0) {
      const hs = scoreCustomers({ summary, model, horizon: input.holdoutLength });
      let actual = 0;
      let predicted = 0;
      for (let k = 0; k < rows.length; k++) {
        actual += input.holdout[rows[k]!]!;
        predicted += hs.expectedPurchases[k]!;
      }
      holdoutCheck = { actual, predicted };
    }
  }
  // --- lifecycle and churn ---
  const intervals: number[] = [];
  for (const i of calRows) if (input.x[i]! > 0) intervals.push(input.tx[i]! / input.x[i]!);
  const refInterval = intervals.length ? quantileSorted(Float64Array.from(intervals).sort(), 0.5) : Number.NaN;
  const acquisitionAge = 90 / (input.unit === 'week' ? 7 : 1);
  const lifecycle = new Uint8Array(n).fill(255);
  const lifecycleCounts: Record<string, number> = Object.fromEntries(LIFECYCLE_STAGES.map((s) => [s, 0]));
  const recency = new Float64Array(n).fill(Number.NaN);
  const cycle = new Float64Array(n).fill(Number.NaN);
  const ownCycle = new Float64Array(n).fill(Number.NaN);
  const purchases = new Float64Array(n);
  const referenceInterval = Number.isFinite(refInterval) ? Math.max(refInterval, acquisitionAge / 3) : acquisitionAge;
  for (const i of calRows) {
    const x = input.x[i]!;
    purchases[i] = x + 1;
    recency[i] = input.T[i]! - input.tx[i]!;
    ownCycle[i] = x > 0 ? input.tx[i]! / x : Number.NaN;
    cycle[i] = x > 0 ? ownCycle[i]! : referenceInterval;
  }
  const stages = lifecycleStages(
    { purchases, age: input.T, recency, meanInterval: ownCycle, pAlive, ...(input.trend ? { trend: input.trend } : {}) },
    n,
    { acquisitionAge, referenceInterval },
  );
  for (const i of calRows) {
    const k = stages.stage[i]!;
    lifecycle[i] = k;
    lifecycleCounts[LIFECYCLE_STAGES[k]!]!++;
  }
  const churnCols = {
    recency,
    cycle,
    pAlive,
    ...(input.trend ? { frequencyTrend: input.trend } : {}),
    ...(input.spendTrend ? { spendTrend: input.spendTrend } : {}),
  };
  const ch = churnRiskScores(churnCols, n);
  const churn = ch.score;
  const churnLevels: Record<string, number> = Object.fromEntries(CHURN_LEVELS.map((l) => [l, 0]));
  for (const i of calRows) churnLevels[CHURN_LEVELS[ch.level[i]!]!]!++;
  for (let i = 0; i < n; i++) if (Number.isNaN(input.x[i]!)) churn[i] = Number.NaN;
  // --- composite tier: volume, prospects (CLV) and frequency as the available criteria ---
  let tiers: Record<string, number> | null = null;
  if (input.monetary && input.frequency) {
    const prospects = Float64Array.from(clv, (v) => (Number.isFinite(v) ? v : 0));
    tiers = compositeTier([
      { name: 'volume', values: input.monetary, weight: 0.5 },
      { name: 'prospects', values: prospects, weight: 0.3 },
      { name: 'frequency', values: input.frequency, weight: 0.2 },
    ]).counts;
  }
  return {
    input,
    bgnbd,
    paretoNbd,
    gammaGamma,
    spendSkipped,
    modelCustomers: rows.length,
    notes,
    rfm,
    rfSegment: rfSeg,
    rfmSegment: rfmSeg,
    rfmCounts,
    abcClass,
    abc,
    abcShares,
    top20Share: top20,
    valueMatrix: vm,
    tiers,
    pAlive,
    expectedPurchases,
    expectedSpend,
    clv,
    lifecycle,
    lifecycleCounts,
    churn,
    churnLevels,
    holdoutCheck,
  };
}

export { RF_SEGMENTS, RFM_SEGMENTS };
