// Per-customer predictions in bulk: P(alive), expected purchases, expected spend and CLV,
// computed once per distinct (x, t_x, T) pattern and spread back to customers.
import { collapseSummary } from './summary.js';
import type { PurchaseSummary } from './summary.js';
import { bgnbdPAlive } from './bgnbd.js';
import { paretoNbdPAlive } from './pareto-nbd.js';
import { conditionalExpectedPurchases } from './clv.js';
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
}

/** Bulk scoring; CLV formula as in customerLifetimeValue (discounted monthly increments of E[Y]). */
export function scoreCustomers(input: ScoreCustomersInput): ScoreCustomersResult {
  const d = collapseSummary(input.summary);
  const P = d.x.length;
  const pa = new Float64Array(P);
  const ey = new Float64Array(P);
  const disc = new Float64Array(P);
  const clvOpt = input.spend ? input.clv : undefined;
  const m = input.model;
  for (let k = 0; k < P; k++) {
    const x = d.x[k]!;
    const tx = d.tx[k]!;
    const T = d.T[k]!;
    pa[k] = m.kind === 'bgnbd' ? bgnbdPAlive(m.params, x, tx, T) : paretoNbdPAlive(m.params, x, tx, T);
    ey[k] = conditionalExpectedPurchases(m, input.horizon, x, tx, T);
    if (clvOpt) {
      let prev = 0;
      let f = 1;
      let s = 0;
      for (let i = 1; i <= clvOpt.months; i++) {
        const cur = conditionalExpectedPurchases(m, i * clvOpt.unitsPerMonth, x, tx, T);
        f /= 1 + clvOpt.discountRate;
        s += (cur - prev) * f;
        prev = cur;
      }
      disc[k] = s * (clvOpt.margin ?? 1);
    }
  }
  const n = d.patternOf.length;
  const pAlive = new Float64Array(n);
  const expectedPurchases = new Float64Array(n);
  const expectedSpend = new Float64Array(n).fill(Number.NaN);
  const clv = new Float64Array(n).fill(Number.NaN);
  for (let i = 0; i < n; i++) {
    const k = d.patternOf[i]!;
    pAlive[i] = pa[k]!;
    expectedPurchases[i] = ey[k]!;
    if (input.spend) {
      const ms = input.meanSpend ? input.meanSpend[i]! : Number.NaN;
      const es = gammaGammaExpectedSpend(input.spend, input.summary.x[i]!, ms);
      expectedSpend[i] = es;
      if (clvOpt) clv[i] = disc[k]! * es;
    }
  }
  return { pAlive, expectedPurchases, expectedSpend, clv, patterns: P };
}
