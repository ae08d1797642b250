// Shared shapes of the maximum-likelihood fits.
import type { MinimizeStop } from './optimize.js';

/** How a fit ended: log-likelihood at the optimum, gradient norm, convergence. */
export interface FitReport<P> {
  params: P;
  /** Total (weighted) log-likelihood at the estimate. */
  logLikelihood: number;
  /** Standard errors from the inverse observed information (NaN if the Hessian is singular). */
  standardErrors: P;
  /** Infinity norm of the gradient of the mean log-likelihood w.r.t. log-parameters at the optimum. */
  gradientNorm: number;
  /** True when gradientNorm fell below the tolerance. */
  converged: boolean;
  /** What ended the search (optimize.ts): at the domain's edge, the value settling ('function'). */
  stoppedBy: MinimizeStop;
  iterations: number;
  /** Number of customers (sum of weights) and of distinct patterns evaluated. */
  customers: number;
  patterns: number;
}

export interface FitOptions<P> {
  /** Starting parameters (default: every parameter 1). */
  start?: Partial<P>;
  /** Gradient tolerance on the mean log-likelihood in log-parameters (default 1e-8). */
  gradientTolerance?: number;
  maxIterations?: number;
  /** Relative change of the mean log-likelihood under which the search stops once it has settled (minimizeBfgs). */
  functionTolerance?: number;
  /** Skip the Hessian and standard errors (faster). */
  skipStandardErrors?: boolean;
}

/**
 * The fits' default functionTolerance: five iterations running, each changing the mean
 * log-likelihood by under 1e-12 of it. On the 100,000 customers of a sampled fit that is a few
 * millionths of the total log-likelihood per iteration (bench/analytics-refresh/notes.md: a fit at
 * the edge ran all 500 iterations, 40 s, and now stops after 44, 0.5 s, r and α the same to 6 digits).
 */
export const FIT_FUNCTION_TOLERANCE = 1e-12;
