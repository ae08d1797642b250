// ABC / Pareto analysis (80/20 法则): customers ranked by value, classes at cumulative cut-offs.
import { idRanks, orderBy } from './ranking.js';
import type { CustomerIds } from './ranking.js';

export type AbcClass = 'A' | 'B' | 'C';
export const ABC_CLASSES: readonly AbcClass[] = ['A', 'B', 'C'];

export interface AbcOptions {
  /** Cumulative-share cut-offs (default [0.8, 0.95]). */
  cutoffs?: readonly [number, number];
  /** Share of customers for the "top share" figure (default 0.2). */
  topShare?: number;
  /** Precomputed idRanks(ids), to share between RFM and ABC. */
  idRanks?: Uint32Array;
}

export interface AbcResult {
  /** 0 = A, 1 = B, 2 = C per customer (index into ABC_CLASSES). */
  classOf: Uint8Array;
  /** Customer indices from the highest value to the lowest (ties by id ascending). */
  order: Uint32Array;
  counts: Record<AbcClass, number>;
  /** Share of the total value held by each class (sums to 1). */
  shares: Record<AbcClass, number>;
  total: number;
  /** Share of value held by the top ⌈topShare·n⌉ customers. */
  topShareValue: number;
}

/**
 * ABC classes: customers ranked by value descending (ties by id ascending); class from the
 * cumulative share *before* the customer: < 80% → A, < 95% → B, else C. Values must be ≥ 0.
 * With a total of 0 every customer is C.
 */
export function abcAnalysis(ids: CustomerIds, values: ArrayLike<number>, options: AbcOptions = {}): AbcResult {
  const n = ids.length;
  if (values.length !== n) throw new RangeError('abcAnalysis: ids and values must have the same length');
  const [cA, cB] = options.cutoffs ?? [0.8, 0.95];
  if (!(cA > 0 && cA <= cB && cB <= 1)) throw new RangeError('abcAnalysis: need 0 < A cut-off ≤ B cut-off ≤ 1');
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`abcAnalysis: value ${i} must be a finite number ≥ 0, got ${v}`);
    total += v;
  }
  const order = orderBy(values, options.idRanks ?? idRanks(ids), true);
  const classOf = new Uint8Array(n);
  const sums = [0, 0, 0];
  const counts = [0, 0, 0];
  let cum = 0;
  const top = Math.ceil((options.topShare ?? 0.2) * n);
  let topValue = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const before = total > 0 ? cum / total : 1;
    const c = before < cA ? 0 : before < cB ? 1 : 2;
    classOf[i] = c;
    const v = values[i]!;
    sums[c]! += v;
    counts[c]!++;
    cum += v;
    if (k < top) topValue += v;
  }
  const share = (c: number): number => (total > 0 ? sums[c]! / total : c === 2 ? 1 : 0);
  return {
    classOf,
    order,
    counts: { A: counts[0]!, B: counts[1]!, C: counts[2]! },
    shares: { A: share(0), B: share(1), C: share(2) },
    total,
    topShareValue: total > 0 ? topValue / total : 0,
  };
}

export interface ParetoPoint {
  /** Cumulative share of customers (0–1). */
  customers: number;
  /** Cumulative share of value (0–1). */
  value: number;
}

/** The Pareto (Lorenz-type) curve of an ABC result, sampled at `points` equal customer shares. */
export function paretoCurve(result: AbcResult, values: ArrayLike<number>, points = 100): ParetoPoint[] {
  const n = result.order.length;
  const out: ParetoPoint[] = [{ customers: 0, value: 0 }];
  if (n === 0) return out;
  let cum = 0;
  let next = 1;
  for (let k = 0; k < n; k++) {
    cum += values[result.order[k]!]!;
    while (next <= points && (k + 1) / n >= next / points) {
      out.push({ customers: next / points, value: result.total > 0 ? cum / result.total : 0 });
      next++;
    }
  }
  return out;
}
