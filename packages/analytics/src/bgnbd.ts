// BG/NBD model of repeat purchasing, Fader, Hardie & Lee (2005), "Counting your customers the easy
// way: an alternative to the Pareto/NBD model", Marketing Science 24(2).
import { collapseSummary } from './summary.js';
import type { CollapsedSummary, PurchaseSummary } from './summary.js';
import { digamma, gammaln, hyp2f1 } from './special.js';
import { hessianFromGradient, minimizeBfgs, standardErrors } from './optimize.js';
import { FIT_FUNCTION_TOLERANCE, type FitOptions, type FitReport } from './fit-common.js';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export type BgNbdFit = FitReport<BgNbdParams>;

function checkParams(p: BgNbdParams): void {
  if (!(p.r > 0 && p.alpha > 0 && p.a > 0 && p.b > 0)) throw new RangeError('BG/NBD parameters r, alpha, a, b must be > 0');
}

/**
 * Total log-likelihood and its gradient w.r.t. (r, α, a, b) over collapsed patterns.
 * BG/NBD log-likelihood, Fader, Hardie & Lee (2005), eq. 6; gradient derived analytically (digamma).
 */
/** Distinct T and t_x values of the patterns, so that ln(α+T) and ln(α+t_x) are taken once each. */
interface TimeLevels {
  T: Float64Array;
  TOf: Uint32Array;
  tx: Float64Array;
  txOf: Uint32Array;
}
const levelCache = new WeakMap<CollapsedSummary, TimeLevels>();

function levels(values: Float64Array): [Float64Array, Uint32Array] {
  const map = new Map<number, number>();
  const of = new Uint32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let k = map.get(v);
    if (k === undefined) map.set(v, (k = map.size));
    of[i] = k;
  }
  return [Float64Array.from(map.keys()), of];
}

function timeLevels(d: CollapsedSummary): TimeLevels {
  let t = levelCache.get(d);
  if (!t) {
    const [T, TOf] = levels(d.T);
    const [tx, txOf] = levels(d.tx);
    t = { T, TOf, tx, txOf };
    levelCache.set(d, t);
  }
  return t;
}

function logsOf(alpha: number, v: Float64Array): Float64Array {
  const out = new Float64Array(v.length);
  for (let k = 0; k < v.length; k++) out[k] = Math.log(alpha + v[k]!);
  return out;
}

function logLikelihoodAndGradient(p: BgNbdParams, d: CollapsedSummary, grad: Float64Array | null): number {
  const { r, alpha, a, b } = p;
  const tl = timeLevels(d);
  const logT = logsOf(alpha, tl.T);
  const logTx = logsOf(alpha, tl.tx);
  const L = d.xLevels.length;
  // Terms depending on x only.
  const c0 = new Float64Array(L);
  const dR0 = new Float64Array(L);
  const dA0 = new Float64Array(L);
  const dB0 = new Float64Array(L);
  const logBx1 = new Float64Array(L);
  const lgR = gammaln(r);
  const lgB = gammaln(b);
  const lgAB = gammaln(a + b);
  const logAlpha = Math.log(alpha);
  const logA = Math.log(a);
  const psiR = grad ? digamma(r) : 0;
  const psiB = grad ? digamma(b) : 0;
  const psiAB = grad ? digamma(a + b) : 0;
  for (let k = 0; k < L; k++) {
    const x = d.xLevels[k]!;
    c0[k] = gammaln(r + x) - lgR + r * logAlpha + lgAB + gammaln(b + x) - lgB - gammaln(a + b + x);
    logBx1[k] = x > 0 ? Math.log(b + x - 1) : 0;
    if (grad) {
      const psiABx = digamma(a + b + x);
      dR0[k] = digamma(r + x) - psiR + logAlpha;
      dA0[k] = psiAB - psiABx;
      dB0[k] = psiAB + digamma(b + x) - psiB - psiABx;
    }
  }
  let ll = 0;
  let gr = 0;
  let gal = 0;
  let ga = 0;
  let gb = 0;
  const n = d.x.length;
  for (let i = 0; i < n; i++) {
    const w = d.weight[i]!;
    if (w === 0) continue;
    const x = d.x[i]!;
    const k = d.xLevel[i]!;
    const lT = logT[tl.TOf[i]!]!;
    const a3 = -(r + x) * lT;
    let li: number;
    let w4 = 0;
    let ltx = 0;
    if (x > 0) {
      ltx = logTx[tl.txOf[i]!]!;
      const a4 = logA - logBx1[k]! - (r + x) * ltx;
      // log(e^a3 + e^a4) and the share of the second term.
      if (a3 >= a4) {
        const e = Math.exp(a4 - a3);
        li = a3 + Math.log1p(e);
        w4 = e / (1 + e);
      } else {
        const e = Math.exp(a3 - a4);
        li = a4 + Math.log1p(e);
        w4 = 1 / (1 + e);
      }
    } else {
      li = a3;
    }
    ll += w * (c0[k]! + li);
    if (grad) {
      const w3 = 1 - w4;
      const T = d.T[i]!;
      gr += w * (dR0[k]! - w3 * lT - (x > 0 ? w4 * ltx : 0));
      gal += w * (r / alpha - (r + x) * (w3 / (alpha + T) + (x > 0 ? w4 / (alpha + d.tx[i]!) : 0)));
      ga += w * (dA0[k]! + (x > 0 ? w4 / a : 0));
      gb += w * (dB0[k]! - (x > 0 ? w4 / (b + x - 1) : 0));
    }
  }
  if (grad) {
    grad[0] = gr;
    grad[1] = gal;
    grad[2] = ga;
    grad[3] = gb;
  }
  return ll;
}

/** Total BG/NBD log-likelihood of a (possibly weighted) summary; Fader, Hardie & Lee (2005), eq. 6. */
export function bgnbdLogLikelihood(params: BgNbdParams, data: PurchaseSummary | CollapsedSummary): number {
  checkParams(params);
  const d = 'xLevels' in data ? data : collapseSummary(data);
  return logLikelihoodAndGradient(params, d, null);
}

const toParams = (v: ArrayLike<number>): BgNbdParams => ({ r: v[0]!, alpha: v[1]!, a: v[2]!, b: v[3]! });

/**
 * Maximum-likelihood fit of the BG/NBD model: identical (x, t_x, T) rows are collapsed into
 * weights, then BFGS on log-parameters with the analytic gradient. Standard errors from a
 * central-difference Hessian of the analytic gradient.
 */
export function fitBgNbd(data: PurchaseSummary | CollapsedSummary, options: FitOptions<BgNbdParams> = {}): BgNbdFit {
  const d = 'xLevels' in data ? data : collapseSummary(data);
  if (d.totalWeight <= 0) throw new RangeError('fitBgNbd: no customers');
  const W = d.totalWeight;
  const g4 = new Float64Array(4);
  const objective = (u: Float64Array, grad: Float64Array | null): number => {
    const p = toParams(u.map(Math.exp));
    if (!(p.r > 0 && p.alpha > 0 && p.a > 0 && p.b > 0) || ![p.r, p.alpha, p.a, p.b].every(Number.isFinite)) return Number.NaN;
    const ll = logLikelihoodAndGradient(p, d, grad ? g4 : null);
    if (grad) {
      grad[0] = (-g4[0]! * p.r) / W;
      grad[1] = (-g4[1]! * p.alpha) / W;
      grad[2] = (-g4[2]! * p.a) / W;
      grad[3] = (-g4[3]! * p.b) / W;
    }
    return -ll / W;
  };
  const s = options.start ?? {};
  const start = [s.r ?? 1, s.alpha ?? 1, s.a ?? 1, s.b ?? 1].map(Math.log);
  const res = minimizeBfgs(objective, start, { gradientTolerance: options.gradientTolerance ?? 1e-8, maxIterations: options.maxIterations ?? 500, functionTolerance: options.functionTolerance ?? FIT_FUNCTION_TOLERANCE });
  const params = toParams(res.x.map(Math.exp));
  let se: BgNbdParams = { r: Number.NaN, alpha: Number.NaN, a: Number.NaN, b: Number.NaN };
  if (!options.skipStandardErrors) {
    const H = hessianFromGradient((v, out) => {
      logLikelihoodAndGradient(toParams(v), d, out);
      for (let i = 0; i < 4; i++) out[i] = -out[i]!;
    }, [params.r, params.alpha, params.a, params.b]);
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

/** P(alive | x, t_x, T); Fader, Hardie & Lee (2005), eq. 11 (1 when x = 0, by the model's assumption). */
export function bgnbdPAlive(p: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const logRatio = Math.log(p.a) - Math.log(p.b + x - 1) + (p.r + x) * (Math.log(p.alpha + T) - Math.log(p.alpha + tx));
  return 1 / (1 + Math.exp(logRatio));
}

/** Unconditional E[X(t)] for a customer of the cohort; Fader, Hardie & Lee (2005), eq. 9. */
export function bgnbdExpectedPurchases(p: BgNbdParams, t: number): number {
  checkParams(p);
  if (t <= 0) return 0;
  const z = t / (p.alpha + t);
  const h = hyp2f1(p.r, p.b, p.a + p.b - 1, z);
  return ((p.a + p.b - 1) / (p.a - 1)) * (1 - Math.pow(p.alpha / (p.alpha + t), p.r) * h);
}

/**
 * E[Y(t) | alive at T, x, T]: the numerator of eq. 10, which does not depend on t_x, so that
 * E[Y(t) | x, t_x, T] = this · P(alive | x, t_x, T); Fader, Hardie & Lee (2005), eq. 10.
 */
export function bgnbdExpectedPurchasesIfAlive(p: BgNbdParams, t: number, x: number, T: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = p;
  const h = hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t));
  return ((a + b + x - 1) / (a - 1)) * (1 - Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + T + t))) * h);
}

/**
 * Conditional expected purchases E[Y(t) | x, t_x, T] in the next t time units;
 * Fader, Hardie & Lee (2005), eq. 10.
 */
export function bgnbdConditionalExpectedPurchases(p: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = p;
  const z = t / (alpha + T + t);
  const h = hyp2f1(r + x, b + x, a + b + x - 1, z);
  const num = ((a + b + x - 1) / (a - 1)) * (1 - Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + T + t))) * h);
  const den = x > 0 ? 1 + (a / (b + x - 1)) * Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + tx))) : 1;
  return num / den;
}
