// Customer value matrix (客户价值矩阵): purchase frequency × average order value, split at the medians.
import { quantileSorted } from './rfm.js';

export type ValueQuadrant = 'best' | 'frequent' | 'spender' | 'uncertain';
/** Quadrant names by index: high F & high AOV, high F & low AOV, low F & high AOV, low F & low AOV. */
export const VALUE_QUADRANTS: readonly ValueQuadrant[] = ['best', 'frequent', 'spender', 'uncertain'];

export interface ValueMatrixResult {
  /** Index into VALUE_QUADRANTS per customer. */
  quadrant: Uint8Array;
  medianFrequency: number;
  medianAverageOrderValue: number;
  counts: Record<ValueQuadrant, number>;
}

/**
 * Customer value matrix (Marcus 1998): "high" means strictly above the median, so that the mass
 * of one-order customers at the median frequency falls on the low side.
 */
export function valueMatrix(frequency: ArrayLike<number>, averageOrderValue: ArrayLike<number>): ValueMatrixResult {
  const n = frequency.length;
  if (averageOrderValue.length !== n) throw new RangeError('valueMatrix: arrays must have the same length');
  const mf = quantileSorted(Float64Array.from(frequency).sort(), 0.5);
  const ma = quantileSorted(Float64Array.from(averageOrderValue).sort(), 0.5);
  const quadrant = new Uint8Array(n);
  const counts: Record<ValueQuadrant, number> = { best: 0, frequent: 0, spender: 0, uncertain: 0 };
  for (let i = 0; i < n; i++) {
    const hf = frequency[i]! > mf;
    const ha = averageOrderValue[i]! > ma;
    const q = hf ? (ha ? 0 : 1) : ha ? 2 : 3;
    quadrant[i] = q;
    counts[VALUE_QUADRANTS[q]!]++;
  }
  return { quadrant, medianFrequency: mf, medianAverageOrderValue: ma, counts };
}
