// Shared shapes of the maximum-likelihood fits.

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
  /** Skip the Hessian and standard errors (faster). */
  skipStandardErrors?: boolean;
}
