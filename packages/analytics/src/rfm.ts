// RFM analysis (最近购买间隔 R, 购买频率 F, 购买金额 M): quintile scores and segments.
import { idRanks, orderBy } from './ranking.js';
import type { CustomerIds } from './ranking.js';
import { RF_SEGMENTS, RFM_SEGMENTS, rfSegment, rfmSegment } from './rfm-segments.js';

export interface RfmInput {
  /** Customer ids, for tie-breaking (ascending). */
  ids: CustomerIds;
  /** Days from the as-of date to the day of the last purchase. */
  recency: ArrayLike<number>;
  /** Distinct orders (or distinct purchase days when there is no order column). */
  frequency: ArrayLike<number>;
  /** Sum of amounts. */
  monetary: ArrayLike<number>;
}

export interface RfmOptions {
  /** 'ntile' (default): SQL NTILE over (value, id); 'quantile': cut at the 20/40/60/80% quantiles, ties share a score. */
  method?: 'ntile' | 'quantile';
  /** Number of buckets (default 5; segments need 5). */
  buckets?: number;
  /** Precomputed idRanks(ids), to share between RFM and ABC. */
  idRanks?: Uint32Array;
}

export interface RfmScores {
  r: Uint8Array;
  f: Uint8Array;
  m: Uint8Array;
}

/**
 * SQL NTILE(B) bucket (1-based) of each row given its sorted order: equal-count buckets, the first
 * (n mod B) buckets one larger.
 */
export function ntile(order: Uint32Array, buckets: number): Uint8Array {
  const n = order.length;
  const out = new Uint8Array(n);
  const q = Math.floor(n / buckets);
  const rem = n % buckets;
  const big = rem * (q + 1);
  for (let k = 0; k < n; k++) {
    const b = k < big ? Math.floor(k / (q + 1)) : rem + Math.floor((k - big) / q);
    out[order[k]!] = b + 1;
  }
  return out;
}

/** Type-7 (linear interpolation) quantile of sorted values. */
export function quantileSorted(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function quantileScores(values: ArrayLike<number>, buckets: number, reverse: boolean): Uint8Array {
  const sorted = Float64Array.from(values).sort();
  const cuts: number[] = [];
  for (let k = 1; k < buckets; k++) cuts.push(quantileSorted(sorted, k / buckets));
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let bin = 1;
    for (const c of cuts) if (v > c) bin++;
    out[i] = reverse ? buckets + 1 - bin : bin;
  }
  return out;
}

/**
 * RFM scores 1–5. NTILE(5) semantics by default: recency ordered descending (oldest → 1, most
 * recent → 5), frequency and monetary ascending, ties broken by customer id ascending.
 */
export function rfmScores(input: RfmInput, options: RfmOptions = {}): RfmScores {
  const n = input.ids.length;
  if (input.recency.length !== n || input.frequency.length !== n || input.monetary.length !== n) {
    throw new RangeError('rfmScores: ids, recency, frequency and monetary must have the same length');
  }
  const B = options.buckets ?? 5;
  if (!Number.isInteger(B) || B < 1 || B > 255) throw new RangeError('rfmScores: buckets must be an integer 1–255');
  if (options.method === 'quantile') {
    return { r: quantileScores(input.recency, B, true), f: quantileScores(input.frequency, B, false), m: quantileScores(input.monetary, B, false) };
  }
  const rank = options.idRanks ?? idRanks(input.ids);
  return {
    r: ntile(orderBy(input.recency, rank, true), B),
    f: ntile(orderBy(input.frequency, rank, false), B),
    m: ntile(orderBy(input.monetary, rank, false), B),
  };
}

export interface RfmSegmentation {
  /** Index into RF_SEGMENTS per customer. */
  rf: Uint8Array;
  /** Index into RFM_SEGMENTS per customer. */
  rfm: Uint8Array;
  rfCounts: Record<string, number>;
  rfmCounts: Record<string, number>;
}

/** Segments of 5-bucket scores: the 10-segment RF grid and the 11-segment RFM map. */
export function rfmSegments(scores: RfmScores): RfmSegmentation {
  const n = scores.r.length;
  // Lookup tables on (r, f) and (r, f, m) with 3 bits each; 255 marks a code never seen yet.
  const rfTable = new Uint8Array(64).fill(255);
  const rfmTable = new Uint8Array(512).fill(255);
  const rf = new Uint8Array(n);
  const rfm = new Uint8Array(n);
  const rfN = new Uint32Array(RF_SEGMENTS.length);
  const rfmN = new Uint32Array(RFM_SEGMENTS.length);
  for (let i = 0; i < n; i++) {
    const r = scores.r[i]!;
    const f = scores.f[i]!;
    const m = scores.m[i]!;
    const k1 = ((r & 7) << 3) | (f & 7);
    const k2 = (k1 << 3) | (m & 7);
    let a = rfTable[k1]!;
    if (a === 255 || r > 7 || f > 7) rfTable[k1] = a = RF_SEGMENTS.indexOf(rfSegment(r, f)); // rfSegment validates 1–5
    let b = rfmTable[k2]!;
    if (b === 255 || m > 7) rfmTable[k2] = b = RFM_SEGMENTS.indexOf(rfmSegment(r, f, m));
    rf[i] = a;
    rfm[i] = b;
    rfN[a]!++;
    rfmN[b]!++;
  }
  const rfCounts: Record<string, number> = Object.fromEntries(RF_SEGMENTS.map((s, k) => [s, rfN[k]!]));
  const rfmCounts: Record<string, number> = Object.fromEntries(RFM_SEGMENTS.map((s, k) => [s, rfmN[k]!]));
  return { rf, rfm, rfCounts, rfmCounts };
}
