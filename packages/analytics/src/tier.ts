// Composite customer tier (客户分级: 贵宾型 / 重要型 / 普通型) from weighted, normalised criteria.
import { orderBy } from './ranking.js';

export type Tier = 'vip' | 'important' | 'ordinary';
export const TIERS: readonly Tier[] = ['vip', 'important', 'ordinary'];
export const TIER_LABELS: Readonly<Record<Tier, { zh: string; en: string }>> = {
  vip: { zh: '贵宾型', en: 'VIP' },
  important: { zh: '重要型', en: 'important' },
  ordinary: { zh: '普通型', en: 'ordinary' },
};

export interface TierCriterion {
  /** e.g. credit, volume (business volume), prospects (predicted CLV), profit (contribution). */
  name: string;
  values: ArrayLike<number>;
  weight: number;
  /** Default true. */
  higherIsBetter?: boolean;
}

export interface TierOptions {
  /** 'rank' (default): percentile rank, robust to outliers; 'minmax': (v − min)/(max − min). */
  normalise?: 'rank' | 'minmax';
  /** Score cut-offs in [0, 1]: score ≥ vip → VIP, ≥ important → important (defaults 0.8, 0.6). */
  cutoffs?: { vip: number; important: number };
}

export interface TierResult {
  score: Float64Array;
  /** Index into TIERS. */
  tier: Uint8Array;
  counts: Record<Tier, number>;
}

function normaliseRank(v: Float64Array, higher: boolean): Float64Array {
  const n = v.length;
  const position = new Uint32Array(n);
  for (let i = 0; i < n; i++) position[i] = i;
  const idx = orderBy(v, position, false);
  const out = new Float64Array(n);
  let k = 0;
  while (k < n) {
    let j = k;
    while (j + 1 < n && v[idx[j + 1]!] === v[idx[k]!]) j++;
    const pr = n > 1 ? (k + j) / 2 / (n - 1) : 1; // average rank of ties
    for (let t = k; t <= j; t++) out[idx[t]!] = higher ? pr : 1 - pr;
    k = j + 1;
  }
  return out;
}

function normaliseMinMax(v: ArrayLike<number>, higher: boolean): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < v.length; i++) {
    lo = Math.min(lo, v[i]!);
    hi = Math.max(hi, v[i]!);
  }
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const s = hi > lo ? (v[i]! - lo) / (hi - lo) : 1;
    out[i] = higher ? s : 1 - s;
  }
  return out;
}

/** Composite tier: score = Σ wₖ·normₖ / Σ wₖ (NaN criteria values count as 0), then cut-offs. */
export function compositeTier(criteria: readonly TierCriterion[], options: TierOptions = {}): TierResult {
  if (criteria.length === 0) throw new RangeError('compositeTier: at least one criterion');
  const n = criteria[0]!.values.length;
  let wsum = 0;
  for (const c of criteria) {
    if (c.values.length !== n) throw new RangeError(`compositeTier: criterion ${c.name} has ${c.values.length} values, expected ${n}`);
    if (!(c.weight >= 0)) throw new RangeError(`compositeTier: weight of ${c.name} must be ≥ 0`);
    wsum += c.weight;
  }
  if (!(wsum > 0)) throw new RangeError('compositeTier: weights must not all be 0');
  const { vip, important } = options.cutoffs ?? { vip: 0.8, important: 0.6 };
  const score = new Float64Array(n);
  for (const c of criteria) {
    const clean = Float64Array.from(c.values, (v) => (Number.isFinite(v) ? v : 0));
    const norm = (options.normalise ?? 'rank') === 'rank' ? normaliseRank(clean, c.higherIsBetter ?? true) : normaliseMinMax(clean, c.higherIsBetter ?? true);
    for (let i = 0; i < n; i++) score[i] = score[i]! + (c.weight / wsum) * norm[i]!;
  }
  const tier = new Uint8Array(n);
  const counts: Record<Tier, number> = { vip: 0, important: 0, ordinary: 0 };
  for (let i = 0; i < n; i++) {
    const t = score[i]! >= vip ? 0 : score[i]! >= important ? 1 : 2;
    tier[i] = t;
    counts[TIERS[t]!]++;
  }
  return { score, tier, counts };
}
