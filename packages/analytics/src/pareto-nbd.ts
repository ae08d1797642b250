// Pareto/NBD model of repeat purchasing, Schmittlein, Morrison & Colombo (1987), in the closed
// form of Fader & Hardie (2005), "A note on deriving the Pareto/NBD model and related expressions".
import { collapseSummary } from './summary.js';
import type { CollapsedSummary, PurchaseSummary } from './summary.js';
import { gammaln, logAddExp, logHyp2f1 } from './special.js';
import { hessianFromGradient, minimizeBfgs, numericalGradient, standardErrors } from './optimize.js';
import { FIT_FUNCTION_TOLERANCE, type FitOptions, type FitReport } from './fit-common.js';

export interface ParetoNbdParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
}

export type ParetoNbdFit = FitReport<ParetoNbdParams>;

/**
 * ln A₀ of Fader & Hardie (2005), eqs. 19–20, in log space. With m = max(α, β), |α − β| and
 * b₂ = s + 1 when α ≥ β, r + x when α < β:
 *   A₀ = ₂F₁(r+s+x, b₂; r+s+x+1; |α−β|/(m+t_x)) / (m+t_x)^(r+s+x) − (same at T).
 * Returns −Infinity when t_x = T.
 */
export function paretoNbdLogA0(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const ge = alpha >= beta;
  const m = ge ? alpha : beta;
  const diff = ge ? alpha - beta : beta - alpha;
  const b2 = ge ? s + 1 : r + x;
  const rsx = r + s + x;
  const l1 = logHyp2f1(rsx, b2, rsx + 1, diff / (m + tx)) - rsx * Math.log(m + tx);
  const l2 = logHyp2f1(rsx, b2, rsx + 1, diff / (m + T)) - rsx * Math.log(m + T);
  if (!(l1 > l2)) return -Infinity;
  return l1 + Math.log1p(-Math.exp(l2 - l1));
}

/** Unique (x, t) pairs of the patterns: A₀'s two terms depend on (x, t_x) and (x, T) only. */
interface PairIndex {
  x: Float64Array;
  t: Float64Array;
  of: Uint32Array;
}

function pairs(d: CollapsedSummary, t: Float64Array): PairIndex {
  const map = new Map<string, number>();
  const px: number[] = [];
  const pt: number[] = [];
  const of = new Uint32Array(d.x.length);
  for (let i = 0; i < d.x.length; i++) {
    const key = `${d.x[i]}|${t[i]}`;
    let k = map.get(key);
    if (k === undefined) {
      k = px.length;
      map.set(key, k);
      px.push(d.x[i]!);
      pt.push(t[i]!);
    }
    of[i] = k;
  }
  return { x: Float64Array.from(px), t: Float64Array.from(pt), of };
}

interface Prepared {
  d: CollapsedSummary;
  atTx: PairIndex;
  atT: PairIndex;
}

const prepare = (d: CollapsedSummary): Prepared => ({ d, atTx: pairs(d, d.tx), atT: pairs(d, d.T) });

// ln of one term of A₀: ₂F₁(r+s+x, b₂; r+s+x+1; |α−β|/(m+t)) / (m+t)^(r+s+x), per pair.
function termLogs(p: ParetoNbdParams, pi: PairIndex): Float64Array {
  const { r, alpha, s, beta } = p;
  const ge = alpha >= beta;
  const m = ge ? alpha : beta;
  const diff = ge ? alpha - beta : beta - alpha;
  const out = new Float64Array(pi.x.length);
  for (let k = 0; k < out.length; k++) {
    const x = pi.x[k]!;
    const rsx = r + s + x;
    const t = pi.t[k]!;
    out[k] = logHyp2f1(rsx, ge ? s + 1 : r + x, rsx + 1, diff / (m + t)) - rsx * Math.log(m + t);
  }
  return out;
}

function logLikelihood(p: ParetoNbdParams, prep: Prepared): number {
  const { r, alpha, s, beta } = p;
  const d = prep.d;
  const L = d.xLevels.length;
  const c0 = new Float64Array(L);
  const lgR = gammaln(r);
  const head = r * Math.log(alpha) + s * Math.log(beta) - lgR;
  for (let k = 0; k < L; k++) c0[k] = gammaln(r + d.xLevels[k]!) + head;
  const logS = Math.log(s);
  const l1 = termLogs(p, prep.atTx);
  const l2 = termLogs(p, prep.atT);
  let ll = 0;
  for (let i = 0; i < d.x.length; i++) {
    const w = d.weight[i]!;
    if (w === 0) continue;
    const x = d.x[i]!;
    const T = d.T[i]!;
    const a = l1[prep.atTx.of[i]!]!;
    const b = l2[prep.atT.of[i]!]!;
    const logA0 = a > b ? a + Math.log1p(-Math.exp(b - a)) : -Infinity;
    // Pareto/NBD likelihood, Fader & Hardie (2005), eq. 18.
    const first = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
    const second = logS - Math.log(r + s + x) + logA0;
    ll += w * (c0[d.xLevel[i]!]! + logAddExp(first, second));
  }
  return ll;
}

/** Total Pareto/NBD log-likelihood of a (possibly weighted) summary. */
export function paretoNbdLogLikelihood(params: ParetoNbdParams, data: PurchaseSummary | CollapsedSummary): number {
  if (!(params.r > 0 && params.alpha > 0 && params.s > 0 && params.beta > 0)) throw new RangeError('Pareto/NBD parameters must be > 0');
  const d = 'xLevels' in data ? data : collapseSummary(data);
  return logLikelihood(params, prepare(d));
}

const toParams = (v: ArrayLike<number>): ParetoNbdParams => ({ r: v[0]!, alpha: v[1]!, s: v[2]!, beta: v[3]! });

/**
 * Maximum-likelihood fit of the Pareto/NBD model: collapsed patterns, BFGS on log-parameters with
 * a central-difference gradient (the ₂F₁ terms have no convenient analytic derivative).
 */
export function fitParetoNbd(data: PurchaseSummary | CollapsedSummary, options: FitOptions<ParetoNbdParams> = {}): ParetoNbdFit {
  const d = 'xLevels' in data ? data : collapseSummary(data);
  if (d.totalWeight <= 0) throw new RangeError('fitParetoNbd: no customers');
  const W = d.totalWeight;
  const prep = prepare(d);
  const meanNegLL = (u: Float64Array): number => {
    const p = toParams(u.map(Math.exp));
    if (![p.r, p.alpha, p.s, p.beta].every((v) => v > 0 && Number.isFinite(v))) return Number.NaN;
    const v = -logLikelihood(p, prep) / W;
    return Number.isFinite(v) ? v : Number.NaN;
  };
  const objective = (u: Float64Array, grad: Float64Array | null): number => {
    const v = meanNegLL(u);
    if (grad && Number.isFinite(v)) numericalGradient(meanNegLL, Float64Array.from(u), grad, 1e-6);
    return v;
  };
  const st = options.start ?? {};
  const start = [st.r ?? 1, st.alpha ?? 1, st.s ?? 1, st.beta ?? 1].map(Math.log);
  const res = minimizeBfgs(objective, start, { gradientTolerance: options.gradientTolerance ?? 1e-7, maxIterations: options.maxIterations ?? 500, functionTolerance: options.functionTolerance ?? FIT_FUNCTION_TOLERANCE });
  const params = toParams(res.x.map(Math.exp));
  let se: ParetoNbdParams = { r: Number.NaN, alpha: Number.NaN, s: Number.NaN, beta: Number.NaN };
  if (!options.skipStandardErrors) {
    const negLL = (v: Float64Array): number => -logLikelihood(toParams(v), prep);
    const H = hessianFromGradient((v, out) => numericalGradient(negLL, Float64Array.from(v), out, 1e-5), [params.r, params.alpha, params.s, params.beta]);
    se = toParams(standardErrors(H, 4));
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
    patterns: d.x.length,
  };
}

/** P(alive | x, t_x, T); Fader & Hardie (2005), eq. 21: 1 / (1 + s/(r+s+x) (α+T)^(r+x) (β+T)^s A₀). */
export function paretoNbdPAlive(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const logA0 = paretoNbdLogA0(p, x, tx, T);
  if (logA0 === -Infinity) return 1;
  const l = Math.log(p.s) - Math.log(p.r + p.s + x) + (p.r + x) * Math.log(p.alpha + T) + p.s * Math.log(p.beta + T) + logA0;
  return 1 / (1 + Math.exp(l));
}

/**
 * Conditional expected purchases E[Y(t) | x, t_x, T]; Fader & Hardie (2005), eq. 22:
 * (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)] · P(alive), with the s → 1 limit
 * (r+x)(β+T)/(α+T) · ln((β+T+t)/(β+T)).
 */
export function paretoNbdConditionalExpectedPurchases(p: ParetoNbdParams, t: number, x: number, tx: number, T: number): number {
  if (t <= 0) return 0;
  const { r, alpha, s, beta } = p;
  const pa = paretoNbdPAlive(p, x, tx, T);
  const lr = Math.log((beta + T + t) / (beta + T));
  // (1 − e^{−(s−1) lr}) / (s−1), stable near s = 1.
  const sm1 = s - 1;
  const factor = Math.abs(sm1 * lr) < 1e-8 ? lr : -Math.expm1(-sm1 * lr) / sm1;
  return ((r + x) * (beta + T)) / (alpha + T) * factor * pa;
}

/** E[Y(t) | alive at T, x, T] = (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)]: eq. 22 without P(alive). */
export function paretoNbdExpectedPurchasesIfAlive(p: ParetoNbdParams, t: number, x: number, T: number): number {
  if (t <= 0) return 0;
  const { r, alpha, s, beta } = p;
  const lr = Math.log((beta + T + t) / (beta + T));
  const sm1 = s - 1;
  const factor = Math.abs(sm1 * lr) < 1e-8 ? lr : -Math.expm1(-sm1 * lr) / sm1;
  return (((r + x) * (beta + T)) / (alpha + T)) * factor;
}

/** Unconditional E[X(t)] = r β / (α (s−1)) · [1 − (β/(β+t))^(s−1)]; Schmittlein et al. (1987). */
export function paretoNbdExpectedPurchases(p: ParetoNbdParams, t: number): number {
  if (t <= 0) return 0;
  const lr = Math.log((p.beta + t) / p.beta);
  const sm1 = p.s - 1;
  const factor = Math.abs(sm1 * lr) < 1e-8 ? lr : -Math.expm1(-sm1 * lr) / sm1;
  return ((p.r * p.beta) / p.alpha) * factor;
}
