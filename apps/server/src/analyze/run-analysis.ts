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
  fitSample,
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
import type { BgNbdFit, ChurnSignalName, GammaGammaFit, ParetoNbdFit, PurchaseModel, RfmScores } from '@guanxi/analytics';
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
  /** The product's analytics settings (apps/server/src/analytics); absent, `guanxi analyze` keeps its defaults. */
  rfmMethod?: 'ntile' | 'quantile';
  /** Cumulative value shares closing A and B (default 0.8, 0.95). */
  abcCutoffs?: readonly [number, number];
  /** Value ranked by ABC (default monetary), e.g. gross margin. */
  abcValues?: Float64Array;
  /** Lifecycle thresholds; acquisitionDays is in days whatever the unit. */
  lifecycle?: { acquisitionDays: number; matureMinPurchases: number; growthTrend: number; declineTrend: number; declineSilence: number; terminationSilence: number };
  /** Tier criteria beyond volume, prospects and frequency (profit, credit) and their weights and cut-offs. */
  tier?: { weights: Record<'volume' | 'prospects' | 'profit' | 'frequency' | 'credit', number>; cutoffs: { vip: number; important: number }; profit: Float64Array; credit: Float64Array };
  /** Churn weights and levels, and the signals that only the CRM knows (NaN = unknown for that customer). */
  churn?: { weights: Partial<Record<ChurnSignalName, number>>; levels: { medium: number; high: number }; overdueDays?: Float64Array; survey?: Float64Array; openComplaints?: Float64Array };
  /** Fit the models on at most this many calibration customers (the lowest id hashes, see fitSample) and score everyone with the estimates. */
  fitSampleSize?: number;
  /** Parameters fitted by an earlier run: skip fitting and score with these (incremental refresh). */
  fitted?: { model: PurchaseModel; gammaGamma: GammaGammaFit['params'] | null; referenceInterval: number };
}

export interface AnalysisResult {
  input: AnalysisInput;
  bgnbd: BgNbdFit | null;
  paretoNbd: ParetoNbdFit | null;
  gammaGamma: GammaGammaFit | null;
  spendSkipped: number;
  modelCustomers: number;
  /** The fits' sample when they used one (fitSampleSize below the calibration customers), else null. */
  fitSample: { customers: number; population: number } | null;
  /** The models' remarks in English (the command line's report). */
  notes: string[];
  /** The same remarks as codes with their values, for a reader in another language (the admin's runs page). */
  modelNotes: ModelNote[];
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
  /** Per customer (for the stored scores): cumulative value share up to and including the customer, value quadrant, lifecycle rule, churn level, tier and its score. */
  valueShare: Float64Array | null;
  /** Rows by ABC value, highest first (ties by id ascending), as valueShare accumulates them. */
  abcOrder: Uint32Array | null;
  valueQuadrant: Uint8Array | null;
  lifecycleRule: Uint8Array;
  churnLevel: Uint8Array;
  tierOf: Uint8Array | null;
  tierScore: Float64Array | null;
  /** Median own purchase cycle (time units), the cycle of customers without a repeat purchase. */
  referenceInterval: number;
  /** The purchase model the predictions used (fitted here or given). */
  purchaseModel: PurchaseModel | null;
  spendParams: GammaGammaFit['params'] | null;
  medianFrequency: number | null;
  medianAverageOrderValue: number | null;
}

function subset(a: Float64Array, rows: Uint32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = a[rows[k]!]!;
  return out;
}

/** A remark on a fit: an estimate at a boundary, no convergence, too little data. */
export type ModelNote =
  | { code: 'bgnbd_boundary' | 'pareto_boundary' | 'gamma_gamma_q' }
  | { code: 'bgnbd_not_converged' | 'pareto_not_converged'; gradient: number }
  | { code: 'gamma_gamma_too_few'; customers: number };

export function modelNoteText(note: ModelNote): string {
  switch (note.code) {
    case 'bgnbd_boundary':
      return 'BG/NBD: the estimate is at the boundary (a → 0 or b → ∞): the data show almost no dropout, the model reduces to the NBD and P(alive) ≈ 1';
    case 'bgnbd_not_converged':
      return `BG/NBD: not converged (gradient norm ${note.gradient.toExponential(2)})`;
    case 'pareto_boundary':
      return 'Pareto/NBD: the estimate is at the boundary (s → 0): the data show almost no dropout';
    case 'pareto_not_converged':
      return `Pareto/NBD: not converged (gradient norm ${note.gradient.toExponential(2)})`;
    case 'gamma_gamma_q':
      return 'Gamma-Gamma: q ≤ 1, the population mean spend is undefined';
    case 'gamma_gamma_too_few':
      return `Gamma-Gamma: only ${note.customers} customers with repeat purchases and spend; not fitted`;
  }
}

export function runAnalysis(input: AnalysisInput, o: AnalysisOptions): AnalysisResult {
  const n = input.ids.length;
  const modelNotes: ModelNote[] = [];
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
  let valueShare: Float64Array | null = null;
  let abcOrder: Uint32Array | null = null;
  let quadrant: Uint8Array | null = null;
  let medianFrequency: number | null = null;
  let medianAov: number | null = null;
  if (input.recencyDays && input.frequency && input.monetary) {
    const ranks = idRanks(input.ids);
    rfm = rfmScores({ ids: input.ids, recency: input.recencyDays, frequency: input.frequency, monetary: input.monetary }, { idRanks: ranks, ...(o.rfmMethod ? { method: o.rfmMethod } : {}) });
    const seg = rfmSegments(rfm);
    rfSeg = seg.rf;
    rfmSeg = seg.rfm;
    rfmCounts = seg.rfmCounts;
    const abcValues = o.abcValues ?? input.monetary;
    const a = abcAnalysis(input.ids, abcValues, { idRanks: ranks, ...(o.abcCutoffs ? { cutoffs: o.abcCutoffs } : {}) });
    valueShare = new Float64Array(n);
    let cum = 0;
    for (let k = 0; k < n; k++) {
      const i = a.order[k]!;
      cum += abcValues[i]!;
      valueShare[i] = a.total > 0 ? cum / a.total : 1;
    }
    abcClass = a.classOf;
    abcOrder = a.order;
    abc = a.counts;
    abcShares = a.shares;
    top20 = a.topShareValue;
    const aov = Float64Array.from(input.monetary, (m, i) => (input.frequency![i]! > 0 ? m / input.frequency![i]! : 0));
    const v = valueMatrix(input.frequency, aov);
    vm = v.counts;
    quadrant = v.quadrant;
    medianFrequency = v.medianFrequency;
    medianAov = v.medianAverageOrderValue;
  }
  // --- purchase models on the calibration customers ---
  const calRows: number[] = [];
  for (let i = 0; i < n; i++) if (!Number.isNaN(input.x[i]!)) calRows.push(i);
  const rows = Uint32Array.from(calRows);
  const summary = { x: subset(input.x, rows), tx: subset(input.tx, rows), T: subset(input.T, rows) };
  // a sample of a large population estimates four parameters about as well, in a fraction of the time
  const fitRows = o.fitSampleSize !== undefined && !o.fitted && rows.length > o.fitSampleSize ? fitSample(input.ids, rows, o.fitSampleSize) : rows;
  const fitSummary = fitRows === rows ? summary : { x: subset(input.x, fitRows), tx: subset(input.tx, fitRows), T: subset(input.T, fitRows) };
  const bgnbd = rows.length > 0 && !o.fitted ? fitBgNbd(fitSummary) : null;
  // A boundary optimum (a → 0, or b → ∞ against a) means no evidence of dropout: the mean dropout
  // probability per purchase a/(a+b) → 0 and BG/NBD reduces to the NBD. Large a and b together are
  // not that: they say every customer has about the same dropout probability, a/(a+b).
  const bgBoundary = bgnbd !== null && bgnbd.params.a / (bgnbd.params.a + bgnbd.params.b) < 1e-3;
  if (bgBoundary) modelNotes.push({ code: 'bgnbd_boundary' });
  else if (bgnbd && !bgnbd.converged) modelNotes.push({ code: 'bgnbd_not_converged', gradient: bgnbd.gradientNorm });
  const paretoNbd = o.model === 'pareto-nbd' && rows.length > 0 && !o.fitted ? fitParetoNbd(fitSummary) : null;
  if (paretoNbd && (paretoNbd.params.s < 1e-3 || paretoNbd.params.beta > 1e5)) modelNotes.push({ code: 'pareto_boundary' });
  else if (paretoNbd && !paretoNbd.converged) modelNotes.push({ code: 'pareto_not_converged', gradient: paretoNbd.gradientNorm });
  // --- spend model ---
  let gammaGamma: GammaGammaFit | null = null;
  let spendSkipped = rows.length;
  if (input.meanSpend && !o.fitted) {
    const ms = subset(input.meanSpend, fitRows);
    const sel = selectSpendRows(fitSummary.x, ms);
    spendSkipped = sel.skipped;
    if (sel.rows.length >= 10) {
      gammaGamma = fitGammaGamma({ x: subset(fitSummary.x, sel.rows), meanSpend: subset(ms, sel.rows) });
      if (!(gammaGamma.params.q > 1)) modelNotes.push({ code: 'gamma_gamma_q' });
    } else modelNotes.push({ code: 'gamma_gamma_too_few', customers: sel.rows.length });
  }
  // --- per-customer predictions ---
  const pAlive = new Float64Array(n).fill(Number.NaN);
  const expectedPurchases = new Float64Array(n).fill(Number.NaN);
  const expectedSpend = new Float64Array(n).fill(Number.NaN);
  const clv = new Float64Array(n).fill(Number.NaN);
  let holdoutCheck: AnalysisResult['holdoutCheck'] = null;
  const purchaseModel: PurchaseModel | null = o.fitted
    ? o.fitted.model
    : bgnbd
      ? paretoNbd
        ? { kind: 'pareto-nbd', params: paretoNbd.params }
        : { kind: 'bgnbd', params: bgnbd.params }
      : null;
  const spendParams = o.fitted ? o.fitted.gammaGamma : (gammaGamma?.params ?? null);
  if (purchaseModel && rows.length > 0) {
    const model = purchaseModel;
    const sc = scoreCustomers({
      summary,
      model,
      horizon: o.horizon,
      ...(spendParams && input.meanSpend ? { meanSpend: subset(input.meanSpend, rows), spend: spendParams } : {}),
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
  const acquisitionAge = (o.lifecycle?.acquisitionDays ?? 90) / (input.unit === 'week' ? 7 : 1);
  const lifecycle = new Uint8Array(n).fill(255);
  const lifecycleCounts: Record<string, number> = Object.fromEntries(LIFECYCLE_STAGES.map((s) => [s, 0]));
  const recency = new Float64Array(n).fill(Number.NaN);
  const cycle = new Float64Array(n).fill(Number.NaN);
  const ownCycle = new Float64Array(n).fill(Number.NaN);
  const purchases = new Float64Array(n);
  const referenceInterval = o.fitted ? o.fitted.referenceInterval : Number.isFinite(refInterval) ? Math.max(refInterval, acquisitionAge / 3) : acquisitionAge;
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
    {
      acquisitionAge,
      referenceInterval,
      ...(o.lifecycle
        ? {
            matureMinPurchases: o.lifecycle.matureMinPurchases,
            growthTrend: o.lifecycle.growthTrend,
            declineTrend: o.lifecycle.declineTrend,
            declineSilence: o.lifecycle.declineSilence,
            terminationSilence: o.lifecycle.terminationSilence,
          }
        : {}),
    },
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
    ...(o.churn?.overdueDays ? { overdueDays: o.churn.overdueDays } : {}),
    ...(o.churn?.survey ? { survey: o.churn.survey } : {}),
    ...(o.churn?.openComplaints ? { openComplaints: o.churn.openComplaints } : {}),
  };
  const ch = churnRiskScores(churnCols, n, o.churn ? { weights: o.churn.weights, levels: o.churn.levels } : {});
  const churn = ch.score;
  const churnLevels: Record<string, number> = Object.fromEntries(CHURN_LEVELS.map((l) => [l, 0]));
  for (const i of calRows) churnLevels[CHURN_LEVELS[ch.level[i]!]!]!++;
  for (let i = 0; i < n; i++) if (Number.isNaN(input.x[i]!)) churn[i] = Number.NaN;
  // --- composite tier: volume, prospects (CLV) and frequency as the available criteria ---
  let tiers: Record<string, number> | null = null;
  let tierOf: Uint8Array | null = null;
  let tierScore: Float64Array | null = null;
  if (input.monetary && input.frequency) {
    const prospects = Float64Array.from(clv, (v) => (Number.isFinite(v) ? v : 0));
    const t = o.tier;
    // criteria with weight 0 are left out, so that they cannot move anyone
    const criteria = t
      ? [
          { name: 'volume', values: input.monetary, weight: t.weights.volume },
          { name: 'prospects', values: prospects, weight: t.weights.prospects },
          { name: 'profit', values: t.profit, weight: t.weights.profit },
          { name: 'frequency', values: input.frequency, weight: t.weights.frequency },
          { name: 'credit', values: t.credit, weight: t.weights.credit },
        ].filter((c) => c.weight > 0)
      : [
          { name: 'volume', values: input.monetary, weight: 0.5 },
          { name: 'prospects', values: prospects, weight: 0.3 },
          { name: 'frequency', values: input.frequency, weight: 0.2 },
        ];
    const tr = compositeTier(criteria, t ? { cutoffs: t.cutoffs } : {});
    tiers = tr.counts;
    tierOf = tr.tier;
    tierScore = tr.score;
  }
  return {
    input,
    bgnbd,
    paretoNbd,
    gammaGamma,
    spendSkipped,
    modelCustomers: rows.length,
    fitSample: fitRows === rows ? null : { customers: fitRows.length, population: rows.length },
    notes: modelNotes.map(modelNoteText),
    modelNotes,
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
    valueShare,
    abcOrder,
    valueQuadrant: quadrant,
    lifecycleRule: stages.rule,
    churnLevel: ch.level,
    tierOf,
    tierScore,
    referenceInterval,
    purchaseModel,
    spendParams,
    medianFrequency,
    medianAverageOrderValue: medianAov,
  };
}

export { RF_SEGMENTS, RFM_SEGMENTS };
