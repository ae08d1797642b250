// Per-customer predictions in bulk: P(alive), expected purchases, expected spend and CLV,
// computed once per distinct (x, t_x, T) pattern (the expectations once per (x, T)) and spread
// back to customers.
import { collapseSummary } from './summary.js';
import type { CollapsedSummary, PurchaseSummary } from './summary.js';
import { expectedPurchasesIfAlive, probabilityAlive } from './clv.js';
import type { ClvOptions, PurchaseModel } from './clv.js';
import { gammaGammaExpectedSpend } from './gamma-gamma.js';
import type { GammaGammaParams } from './gamma-gamma.js';

export interface ScoreCustomersInput {
  summary: PurchaseSummary;
  model: PurchaseModel;
  /** Horizon of expectedPurchases, in time units (e.g. 39 weeks). */
  horizon: number;
  /** Mean spend per repeat purchase, for the spend model (customers with x = 0 get the population mean). */
  meanSpend?: ArrayLike<number>;
  spend?: GammaGammaParams;
  clv?: ClvOptions;
}

export interface ScoreCustomersResult {
  pAlive: Float64Array;
  expectedPurchases: Float64Array;
  /** NaN without a spend model. */
  expectedSpend: Float64Array;
  /** NaN without a spend model or CLV options. */
  clv: Float64Array;
  patterns: number;
  /** Distinct (x, T) pairs, over which E[Y] and the CLV sum were evaluated. */
  pairs: number;
}

/** Distinct (x, T) pairs of the patterns: one Map of T per level of x. */
function xTPairs(d: CollapsedSummary): { x: Float64Array; T: Float64Array; of: Uint32Array } {
  const byLevel = Array.from(d.xLevels, () => new Map<number, number>());
  const px: number[] = [];
  const pT: number[] = [];
  const of = new Uint32Array(d.x.length);
  for (let k = 0; k < d.x.length; k++) {
    const m = byLevel[d.xLevel[k]!]!;
    const T = d.T[k]!;
    let q = m.get(T);
    if (q === undefined) {
      q = px.length;
      m.set(T, q);
      px.push(d.x[k]!);
      pT.push(T);
    }
    of[k] = q;
  }
  return { x: Float64Array.from(px), T: Float64Array.from(pT), of };
}

/** Bulk scoring; CLV formula as in customerLifetimeValue (discounted monthly increments of E[Y]). */
export function scoreCustomers(input: ScoreCustomersInput): ScoreCustomersResult {
  const d = collapseSummary(input.summary);
  const P = d.x.length;
  const clvOpt = input.spend ? input.clv : undefined;
  const m = input.model;
  // E[Y(t) | x, t_x, T] = E[Y(t) | alive, x, T] · P(alive | x, t_x, T) in both models: the
  // hypergeometric part (and the CLV's monthly sum of it) is taken once per (x, T) pair, and
  // fractional ages make far fewer of those than of (x, t_x, T) patterns
  const pairs = xTPairs(d);
  const Q = pairs.x.length;
  const eyAlive = new Float64Array(Q);
  const discAlive = new Float64Array(Q);
  for (let q = 0; q < Q; q++) {
    const x = pairs.x[q]!;
    const T = pairs.T[q]!;
    eyAlive[q] = expectedPurchasesIfAlive(m, input.horizon, x, T);
    if (clvOpt) {
      let prev = 0;
      let f = 1;
      let s = 0;
      for (let i = 1; i <= clvOpt.months; i++) {
        const cur = expectedPurchasesIfAlive(m, i * clvOpt.unitsPerMonth, x, T);
        f /= 1 + clvOpt.discountRate;
        s += (cur - prev) * f;
        prev = cur;
      }
      discAlive[q] = s * (clvOpt.margin ?? 1);
    }
  }
  const pa = new Float64Array(P);
  for (let k = 0; k < P; k++) pa[k] = probabilityAlive(m, d.x[k]!, d.tx[k]!, d.T[k]!);
  const n = d.patternOf.length;
  const pAlive = new Float64Array(n);
  const expectedPurchases = new Float64Array(n);
  const expectedSpend = new Float64Array(n).fill(Number.NaN);
  const clv = new Float64Array(n).fill(Number.NaN);
  for (let i = 0; i < n; i++) {
    const k = d.patternOf[i]!;
    const q = pairs.of[k]!;
    pAlive[i] = pa[k]!;
    expectedPurchases[i] = eyAlive[q]! * pa[k]!;
    if (input.spend) {
      const ms = input.meanSpend ? input.meanSpend[i]! : Number.NaN;
      const es = gammaGammaExpectedSpend(input.spend, input.summary.x[i]!, ms);
      expectedSpend[i] = es;
      if (clvOpt) clv[i] = discAlive[q]! * pa[k]! * es;
    }
  }
  return { pAlive, expectedPurchases, expectedSpend, clv, patterns: P, pairs: Q };
}
