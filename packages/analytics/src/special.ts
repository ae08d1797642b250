// Special functions for the probability models: thin wrappers over @stdlib, plus a Gauss
// hypergeometric 2F1 series tuned for the arguments the BG/NBD and Pareto/NBD models produce.
import gammalnStd from '@stdlib/math-base-special-gammaln';
import digammaStd from '@stdlib/math-base-special-digamma';
import betalnStd from '@stdlib/math-base-special-betaln';

/** ln Γ(x) (@stdlib). */
export const gammaln: (x: number) => number = gammalnStd;
/** ψ(x) = d/dx ln Γ(x) (@stdlib). */
export const digamma: (x: number) => number = digammaStd;
/** ln B(a, b) (@stdlib). */
export const betaln: (a: number, b: number) => number = betalnStd;

/** ln(e^a + e^b) without overflow. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** ln(e^a − e^b) for a ≥ b; −Infinity when equal. */
export function logSubExp(a: number, b: number): number {
  if (b === -Infinity) return a;
  if (a < b) return Number.NaN;
  if (a === b) return -Infinity;
  return a + Math.log1p(-Math.exp(b - a));
}

const MAX_TERMS = 200_000;

function series(a: number, b: number, c: number, z: number): number {
  // Gauss series Σ (a)_n (b)_n / ((c)_n n!) z^n, Abramowitz & Stegun 15.1.1.
  let term = 1;
  let sum = 1;
  for (let n = 0; n < MAX_TERMS; n++) {
    term *= ((a + n) * (b + n)) / ((c + n) * (n + 1)) * z;
    sum += term;
    if (Math.abs(term) <= 1e-16 * Math.abs(sum)) return sum;
    if (term === 0) return sum;
  }
  return sum;
}

/**
 * Gauss hypergeometric function ₂F₁(a, b; c; z) for real z < 1 and c > 0.
 * For z in [0, 1) the series is summed directly, or after Euler's transformation
 * ₂F₁(a,b;c;z) = (1−z)^(c−a−b) ₂F₁(c−a, c−b; c; z) (A&S 15.3.3) when c − a − b < 0, which turns a
 * slowly decaying tail n^(a+b−c−1) into a fast one. For z < 0 Pfaff's transformation
 * ₂F₁(a,b;c;z) = (1−z)^(−a) ₂F₁(a, c−b; c; z/(z−1)) (A&S 15.3.4) maps the argument into [0, 1).
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(z < 1)) return z === 1 && c - a - b > 0 ? Math.exp(gammaln(c) + gammaln(c - a - b) - gammaln(c - a) - gammaln(c - b)) : Number.NaN;
  if (z === 0 || a === 0 || b === 0) return 1;
  if (z < 0) return Math.pow(1 - z, -a) * hyp2f1(a, c - b, c, z / (z - 1));
  if (z > 0.3 && c - a - b < 0) return Math.pow(1 - z, c - a - b) * series(c - a, c - b, c, z);
  return series(a, b, c, z);
}

/** ln ₂F₁(a, b; c; z) for z in [0, 1) where the value is positive (all parameters > 0). */
export function logHyp2f1(a: number, b: number, c: number, z: number): number {
  if (z > 0.3 && c - a - b < 0) return (c - a - b) * Math.log1p(-z) + Math.log(series(c - a, c - b, c, z));
  return Math.log(hyp2f1(a, b, c, z));
}
