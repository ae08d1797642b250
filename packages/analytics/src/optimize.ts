// Quasi-Newton minimisation (BFGS with a backtracking Armijo line search) and finite-difference
// Hessians, for the maximum-likelihood fits. Small dense problems (≤ 10 parameters).

export interface Objective {
  /** Value at x; writes the gradient into grad when given. Returns NaN/Infinity outside the domain. */
  (x: Float64Array, grad: Float64Array | null): number;
}

export interface MinimizeOptions {
  /** Stop when the infinity norm of the gradient falls below this. */
  gradientTolerance?: number;
  maxIterations?: number;
  /**
   * Also stop when each of the last `functionPatience` (default 5) iterations lowered the value by
   * less than this share of it (default 0: never). An optimum at the edge of the domain (a parameter
   * going to 0 or ∞ in log space) has no point where the gradient vanishes: the value settles while
   * the steps shrink, and without this the search spends every iteration left moving nothing.
   */
  functionTolerance?: number;
  functionPatience?: number;
}

/** What ended the search: the gradient tolerance, the value settling, the iteration limit, or a step that found no decrease. */
export type MinimizeStop = 'gradient' | 'function' | 'iterations' | 'line_search';

export interface MinimizeResult {
  x: Float64Array;
  value: number;
  gradient: Float64Array;
  gradientNorm: number;
  iterations: number;
  evaluations: number;
  /** The gradient tolerance was met (a settled value at the domain's edge is not convergence). */
  converged: boolean;
  stoppedBy: MinimizeStop;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function normInf(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/** BFGS (Nocedal & Wright, Numerical Optimization, algorithm 6.1) with an inverse-Hessian update. */
export function minimizeBfgs(f: Objective, x0: ArrayLike<number>, options: MinimizeOptions = {}): MinimizeResult {
  const n = x0.length;
  const tol = options.gradientTolerance ?? 1e-8;
  const maxIter = options.maxIterations ?? 500;
  const ftol = options.functionTolerance ?? 0;
  const patience = options.functionPatience ?? 5;
  let settled = 0;
  let stoppedBy: MinimizeStop = 'iterations';
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let fx = f(x, g);
  let evaluations = 1;
  if (!Number.isFinite(fx)) throw new RangeError('minimizeBfgs: the objective is not finite at the starting point');
  const H = new Float64Array(n * n);
  const resetH = (scale: number): void => {
    H.fill(0);
    for (let i = 0; i < n; i++) H[i * n + i] = scale;
  };
  resetH(1 / Math.max(1, normInf(g)));
  const p = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  const Hy = new Float64Array(n);
  let iter = 0;
  for (; iter < maxIter; iter++) {
    if (normInf(g) < tol) {
      stoppedBy = 'gradient';
      break;
    }
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let j = 0; j < n; j++) v -= H[i * n + j]! * g[j]!;
      p[i] = v;
    }
    let slope = dot(p, g);
    if (!(slope < 0)) {
      resetH(1 / Math.max(1, normInf(g)));
      for (let i = 0; i < n; i++) p[i] = -H[i * n + i]! * g[i]!;
      slope = dot(p, g);
    }
    // Keep a step in log-parameter space below 5 (a factor e^5) to stay in range.
    const pn = normInf(p);
    let step = pn > 5 ? 5 / pn : 1;
    let fNew = Number.NaN;
    let accepted = false;
    for (let k = 0; k < 60; k++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + step * p[i]!;
      fNew = f(xNew, gNew);
      evaluations++;
      if (Number.isFinite(fNew) && fNew <= fx + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= Number.isFinite(fNew) ? 0.5 : 0.1;
    }
    if (!accepted) {
      stoppedBy = 'line_search';
      break;
    }
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i]! - x[i]!;
      y[i] = gNew[i]! - g[i]!;
    }
    const sy = dot(s, y);
    if (iter === 0 && sy > 0) resetH(sy / dot(y, y));
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ
      const rho = 1 / sy;
      for (let i = 0; i < n; i++) {
        let v = 0;
        for (let j = 0; j < n; j++) v += H[i * n + j]! * y[j]!;
        Hy[i] = v;
      }
      const yHy = dot(y, Hy);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          H[i * n + j] = H[i * n + j]! - rho * (Hy[i]! * s[j]! + s[i]! * Hy[j]!) + (rho * rho * yHy + rho) * s[i]! * s[j]!;
        }
      }
    }
    x = Float64Array.from(xNew);
    g = Float64Array.from(gNew);
    const progress = Math.abs(fx - fNew);
    settled = progress <= ftol * Math.max(1, Math.abs(fx)) ? settled + 1 : 0;
    fx = fNew;
    if (progress === 0 && normInf(s) < 1e-15) {
      stoppedBy = 'line_search';
      break;
    }
    if (ftol > 0 && settled >= patience) {
      stoppedBy = 'function';
      break;
    }
  }
  const gradientNorm = normInf(g);
  if (gradientNorm < tol) stoppedBy = 'gradient';
  return { x, value: fx, gradient: g, gradientNorm, iterations: iter, evaluations, converged: gradientNorm < tol, stoppedBy };
}

/** Symmetric Hessian by central differences of an analytic (or numerical) gradient. */
export function hessianFromGradient(grad: (x: Float64Array, out: Float64Array) => void, x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const H = new Float64Array(n * n);
  const xp = Float64Array.from(x);
  const gp = new Float64Array(n);
  const gm = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const h = 1e-5 * Math.max(1, Math.abs(x[j]!));
    xp[j] = x[j]! + h;
    grad(xp, gp);
    xp[j] = x[j]! - h;
    grad(xp, gm);
    xp[j] = x[j]!;
    for (let i = 0; i < n; i++) H[i * n + j] = (gp[i]! - gm[i]!) / (2 * h);
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = (H[i * n + j]! + H[j * n + i]!) / 2;
      H[i * n + j] = v;
      H[j * n + i] = v;
    }
  }
  return H;
}

/** Central-difference gradient of f, for models without an analytic one. */
export function numericalGradient(f: (x: Float64Array) => number, x: Float64Array, out: Float64Array, relStep = 1e-6): void {
  const n = x.length;
  for (let j = 0; j < n; j++) {
    const xj = x[j]!;
    const h = relStep * Math.max(1, Math.abs(xj));
    x[j] = xj + h;
    const fp = f(x);
    x[j] = xj - h;
    const fm = f(x);
    x[j] = xj;
    out[j] = (fp - fm) / (2 * h);
  }
}

/** Inverse of a symmetric positive-definite matrix (Gauss–Jordan with partial pivoting); null if singular. */
export function invert(A: Float64Array, n: number): Float64Array | null {
  const M = new Float64Array(n * 2 * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) M[i * 2 * n + j] = A[i * n + j]!;
    M[i * 2 * n + n + i] = 1;
  }
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(M[r * 2 * n + col]!) > Math.abs(M[piv * 2 * n + col]!)) piv = r;
    const pv = M[piv * 2 * n + col]!;
    if (Math.abs(pv) < 1e-300) return null;
    if (piv !== col) {
      for (let j = 0; j < 2 * n; j++) {
        const t = M[col * 2 * n + j]!;
        M[col * 2 * n + j] = M[piv * 2 * n + j]!;
        M[piv * 2 * n + j] = t;
      }
    }
    for (let j = 0; j < 2 * n; j++) M[col * 2 * n + j] = M[col * 2 * n + j]! / pv;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const fac = M[r * 2 * n + col]!;
      if (fac === 0) continue;
      for (let j = 0; j < 2 * n; j++) M[r * 2 * n + j] = M[r * 2 * n + j]! - fac * M[col * 2 * n + j]!;
    }
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = M[i * 2 * n + n + j]!;
  return out;
}

/**
 * Standard errors of maximum-likelihood estimates: square roots of the diagonal of the inverse
 * observed information (the Hessian of the negative total log-likelihood in natural parameters).
 */
export function standardErrors(hessianOfNegLL: Float64Array, n: number): Float64Array {
  const inv = invert(hessianOfNegLL, n);
  const se = new Float64Array(n).fill(Number.NaN);
  if (!inv) return se;
  for (let i = 0; i < n; i++) {
    const v = inv[i * n + i]!;
    se[i] = v > 0 ? Math.sqrt(v) : Number.NaN;
  }
  return se;
}
