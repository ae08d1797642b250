// Per-customer purchase summaries (x, t_x, T) and their collapse into weighted unique patterns:
// the likelihoods depend on a customer only through (x, t_x, T), so a million customers with
// purchase times on a day or week grid reduce to a few tens of thousands of terms.

/** Repeat-purchase summary of customers: x repeat purchases, t_x time of the last one, T age. */
export interface PurchaseSummary {
  /** Number of repeat purchases (purchase periods − 1). */
  x: ArrayLike<number>;
  /** Time of the last purchase, measured from the first (0 when x = 0). */
  tx: ArrayLike<number>;
  /** Age: time from the first purchase to the end of the observation period. */
  T: ArrayLike<number>;
  /** Optional non-negative weights (number of customers sharing the row). */
  weights?: ArrayLike<number>;
}

/** Unique (x, t_x, T) patterns with their total weights. */
export interface CollapsedSummary {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  weight: Float64Array;
  /** Distinct values of x, ascending. */
  xLevels: Float64Array;
  /** Index into xLevels of each pattern. */
  xLevel: Uint32Array;
  /** Pattern index of each input row. */
  patternOf: Uint32Array;
  /** Sum of the weights. */
  totalWeight: number;
}

/** Checks a summary: equal lengths, x ≥ 0, 0 ≤ t_x ≤ T, T > 0, t_x = 0 when x = 0 is not required. */
export function validateSummary(s: PurchaseSummary): number {
  const n = s.x.length;
  if (s.tx.length !== n || s.T.length !== n || (s.weights && s.weights.length !== n)) {
    throw new RangeError('summary: x, tx, T (and weights) must have the same length');
  }
  for (let i = 0; i < n; i++) {
    const x = s.x[i]!;
    const tx = s.tx[i]!;
    const T = s.T[i]!;
    if (!(x >= 0) || !(tx >= 0) || !(T > 0) || tx > T * (1 + 1e-12) + 1e-12) {
      throw new RangeError(`summary row ${i}: need x ≥ 0, 0 ≤ t_x ≤ T, T > 0 (got x=${x}, t_x=${tx}, T=${T})`);
    }
    if (s.weights && !(s.weights[i]! >= 0)) throw new RangeError(`summary row ${i}: weight must be ≥ 0`);
  }
  return n;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
function mixDouble(h: number, v: number): number {
  f64[0] = v;
  h = Math.imul(h ^ u32[0]!, 0x9e3779b1);
  h = Math.imul(h ^ u32[1]!, 0x85ebca6b);
  return (h ^ (h >>> 15)) >>> 0;
}

/** Collapses identical (x, t_x, T) rows into weighted patterns (open-addressing hash). */
export function collapseSummary(s: PurchaseSummary): CollapsedSummary {
  const n = validateSummary(s);
  let cap = 16;
  while (cap < n * 2) cap *= 2;
  const table = new Int32Array(cap).fill(-1);
  const px: number[] = [];
  const ptx: number[] = [];
  const pT: number[] = [];
  const pw: number[] = [];
  const patternOf = new Uint32Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const x = s.x[i]!;
    const tx = x === 0 ? 0 : s.tx[i]!;
    const T = s.T[i]!;
    const w = s.weights ? s.weights[i]! : 1;
    total += w;
    let slot = mixDouble(mixDouble(mixDouble(0x12345, x), tx), T) & (cap - 1);
    for (;;) {
      const k = table[slot]!;
      if (k === -1) {
        table[slot] = px.length;
        patternOf[i] = px.length;
        px.push(x);
        ptx.push(tx);
        pT.push(T);
        pw.push(w);
        break;
      }
      if (px[k] === x && ptx[k] === tx && pT[k] === T) {
        pw[k] = pw[k]! + w;
        patternOf[i] = k;
        break;
      }
      slot = (slot + 1) & (cap - 1);
    }
  }
  const xArr = Float64Array.from(px);
  const xLevels = Float64Array.from(new Set(px)).sort();
  const levelIndex = new Map<number, number>();
  xLevels.forEach((v, i) => levelIndex.set(v, i));
  const xLevel = new Uint32Array(xArr.length);
  for (let k = 0; k < xArr.length; k++) xLevel[k] = levelIndex.get(xArr[k]!)!;
  return {
    x: xArr,
    tx: Float64Array.from(ptx),
    T: Float64Array.from(pT),
    weight: Float64Array.from(pw),
    xLevels,
    xLevel,
    patternOf,
    totalWeight: total,
  };
}
