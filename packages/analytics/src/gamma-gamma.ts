// Gamma-Gamma model of spend per transaction: Fader, Hardie & Lee (2005), "RFM and CLV: using
// iso-value curves for customer base analysis", J. Marketing Research 42(4) (Colombo & Jiang 1999).
import { digamma, gammaln } from './special.js';
import { hessianFromGradient, minimizeBfgs, standardErrors } from './optimize.js';
import { FIT_FUNCTION_TOLERANCE, type FitOptions, type FitReport } from './fit-common.js';

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export type GammaGammaFit = FitReport<GammaGammaParams>;

export interface SpendSummary {
  /** Number of transactions the mean is taken over (x > 0; repeat purchases in the CDNOW convention). */
  x: ArrayLike<number>;
  /** Mean spend per transaction (> 0). */
  meanSpend: ArrayLike<number>;
  weights?: ArrayLike<number>;
}

/** Rows a spend fit cannot use: x ≤ 0 or mean spend ≤ 0 (or not finite). */
export function isSpendRowUsable(x: number, meanSpend: number): boolean {
  return x > 0 && meanSpend > 0 && Number.isFinite(x) && Number.isFinite(meanSpend);
}

function check(d: SpendSummary): void {
  const n = d.x.length;
  if (d.meanSpend.length !== n || (d.weights && d.weights.length !== n)) throw new RangeError('Gamma-Gamma: x, meanSpend (and weights) must have the same length');
  for (let i = 0; i < n; i++) {
    if (!isSpendRowUsable(d.x[i]!, d.meanSpend[i]!)) {
      throw new RangeError(`Gamma-Gamma row ${i}: needs x > 0 and mean spend > 0 (got x=${d.x[i]}, mean spend=${d.meanSpend[i]}); filter such customers first (see selectSpendRows)`);
    }
  }
}

/** Indices of the rows usable by the spend model, and how many were skipped. */
export function selectSpendRows(x: ArrayLike<number>, meanSpend: ArrayLike<number>): { rows: Uint32Array; skipped: number } {
  const rows: number[] = [];
  for (let i = 0; i < x.length; i++) if (isSpendRowUsable(x[i]!, meanSpend[i]!)) rows.push(i);
  return { rows: Uint32Array.from(rows), skipped: x.length - rows.length };
}

/** Per-row constants of a spend summary, taken once per fit: ln z̄ and the index of the row's x among the distinct x. */
interface SpendRows {
  logMean: Float64Array;
  xLevels: Float64Array;
  xLevel: Uint32Array;
}
const rowCache = new WeakMap<SpendSummary, SpendRows>();

function spendRows(d: SpendSummary): SpendRows {
  let r = rowCache.get(d);
  if (!r) {
    const n = d.x.length;
    const levels = new Map<number, number>();
    const xLevel = new Uint32Array(n);
    const logMean = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x = d.x[i]!;
      let k = levels.get(x);
      if (k === undefined) levels.set(x, (k = levels.size));
      xLevel[i] = k;
      logMean[i] = Math.log(d.meanSpend[i]!);
    }
    r = { logMean, xLevels: Float64Array.from(levels.keys()), xLevel };
    rowCache.set(d, r);
  }
  return r;
}

// Gamma-Gamma log-likelihood per customer, Fader, Hardie & Lee (2005b), appendix:
// ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln z̄ + px ln x − (px+q) ln(γ + x z̄)
function llAndGrad(par: GammaGammaParams, d: SpendSummary, grad: Float64Array | null): number {
  const { p, q, gamma } = par;
  const lgQ = gammaln(q);
  const lGamma = Math.log(gamma);
  const psiQ = grad ? digamma(q) : 0;
  const rows = spendRows(d);
  // ln Γ(px+q) − ln Γ(px) and the digammas depend on x only: computed once per distinct x.
  const L = rows.xLevels.length;
  const c0 = new Float64Array(L);
  const c1 = new Float64Array(L);
  const c2 = new Float64Array(L);
  const logX = new Float64Array(L);
  for (let k = 0; k < L; k++) {
    const x = rows.xLevels[k]!;
    const px = p * x;
    logX[k] = Math.log(x);
    c0[k] = gammaln(px + q) - gammaln(px) + px * logX[k]!;
    if (grad) {
      c1[k] = digamma(px + q);
      c2[k] = digamma(px);
    }
  }
  let ll = 0;
  let gp = 0;
  let gq = 0;
  let gg = 0;
  for (let i = 0; i < d.x.length; i++) {
    const w = d.weights ? d.weights[i]! : 1;
    if (w === 0) continue;
    const x = d.x[i]!;
    const m = d.meanSpend[i]!;
    const k = rows.xLevel[i]!;
    const px = p * x;
    const lm = rows.logMean[i]!;
    const lden = Math.log(gamma + x * m);
    ll += w * (c0[k]! - lgQ + q * lGamma + (px - 1) * lm - (px + q) * lden);
    if (grad) {
      gp += w * x * (c1[k]! - c2[k]! + lm + logX[k]! - lden);
      gq += w * (c1[k]! - psiQ + lGamma - lden);
      gg += w * (q / gamma - (px + q) / (gamma + x * m));
    }
  }
  if (grad) {
    grad[0] = gp;
    grad[1] = gq;
    grad[2] = gg;
  }
  return ll;
}

export function gammaGammaLogLikelihood(params: GammaGammaParams, data: SpendSummary): number {
  check(data);
  return llAndGrad(params, data, null);
}

const toParams = (v: ArrayLike<number>): GammaGammaParams => ({ p: v[0]!, q: v[1]!, gamma: v[2]! });

/** Maximum-likelihood fit of the Gamma-Gamma spend model (BFGS on log-parameters, analytic gradient). */
export function fitGammaGamma(data: SpendSummary, options: FitOptions<GammaGammaParams> = {}): GammaGammaFit {
  check(data);
  let W = 0;
  for (let i = 0; i < data.x.length; i++) W += data.weights ? data.weights[i]! : 1;
  if (W <= 0) throw new RangeError('fitGammaGamma: no customers with x > 0 and positive mean spend');
  const g3 = new Float64Array(3);
  const objective = (u: Float64Array, grad: Float64Array | null): number => {
    const par = toParams(u.map(Math.exp));
    if (![par.p, par.q, par.gamma].every((v) => v > 0 && Number.isFinite(v))) return Number.NaN;
    const ll = llAndGrad(par, data, grad ? g3 : null);
    if (grad) {
      grad[0] = (-g3[0]! * par.p) / W;
      grad[1] = (-g3[1]! * par.q) / W;
      grad[2] = (-g3[2]! * par.gamma) / W;
    }
    return -ll / W;
  };
  const st = options.start ?? {};
  const res = minimizeBfgs(objective, [st.p ?? 1, st.q ?? 1, st.gamma ?? 1].map(Math.log), {
    gradientTolerance: options.gradientTolerance ?? 1e-8,
    maxIterations: options.maxIterations ?? 500,
    functionTolerance: options.functionTolerance ?? FIT_FUNCTION_TOLERANCE,
  });
  const params = toParams(res.x.map(Math.exp));
  let se: GammaGammaParams = { p: Number.NaN, q: Number.NaN, gamma: Number.NaN };
  if (!options.skipStandardErrors) {
    const H = hessianFromGradient((v, out) => {
      llAndGrad(toParams(v), data, out);
      for (let i = 0; i < 3; i++) out[i] = -out[i]!;
    }, [params.p, params.q, params.gamma]);
    se = toParams(standardErrors(H, 3));
  }
  return {
    params,
    logLikelihood: -res.value * W,
    standardErrors: se,
    gradientNorm: res.gradientNorm,
    converged: res.converged,
    stoppedBy: res.stoppedBy,
    iterations: res.iterations,
    customers: W,
    patterns: data.x.length,
  };
}

/**
 * Expected mean spend per transaction E[M | x, z̄] = (γ + x z̄) p / (p x + q − 1); Fader, Hardie &
 * Lee (2005b), eq. 5. With x = 0 it is the population mean p γ / (q − 1) (needs q > 1).
 */
export function gammaGammaExpectedSpend(par: GammaGammaParams, x: number, meanSpend: number): number {
  if (!(x > 0) || !(meanSpend > 0)) return (par.p * par.gamma) / (par.q - 1);
  return ((par.gamma + x * meanSpend) * par.p) / (par.p * x + par.q - 1);
}
