import { describe, expect, it } from 'vitest';
import { fitBgNbd } from './bgnbd.js';
import { fitSample, idHash } from './fit-sample.js';
import { scoreCustomers } from './score-customers.js';

/** mulberry32: a small seeded generator, so the synthetic population is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Gamma(shape, 1) by Marsaglia & Tsang (2000), boosted for shape < 1. */
function gamma(u: () => number, shape: number): number {
  if (shape < 1) return gamma(u, shape + 1) * Math.pow(u(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let z: number;
    let v: number;
    do {
      z = Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
      v = 1 + c * z;
    } while (v <= 0);
    v = v * v * v;
    const w = u();
    if (Math.log(w) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Customers drawn from the BG/NBD process itself: λ ~ Γ(r, α), p ~ B(a, b), dropout after each repeat purchase. */
function simulateBgNbd(n: number, p: { r: number; alpha: number; a: number; b: number }, seed: number) {
  const u = rng(seed);
  const x = new Float64Array(n);
  const tx = new Float64Array(n);
  const T = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lambda = gamma(u, p.r) / p.alpha;
    const ga = gamma(u, p.a);
    const drop = ga / (ga + gamma(u, p.b));
    // ages in days on a week scale, as the refresh measures them
    const age = Math.ceil(u() * 364) / 7;
    let t = 0;
    for (;;) {
      t += -Math.log(1 - u()) / lambda;
      if (t > age) break;
      x[i]!++;
      tx[i] = Math.ceil(t * 7) / 7 > age ? age : Math.ceil(t * 7) / 7;
      if (u() < drop) break;
    }
    T[i] = age;
  }
  return { x, tx, T };
}

const pick = (a: Float64Array, rows: Uint32Array) => Float64Array.from(rows, (i) => a[i]!);

describe('fitSample', () => {
  const ids = Array.from({ length: 50_000 }, (_, i) => String(1000 + i * 3));
  const all = Uint32Array.from(ids.keys());

  it('keeps every customer when they are no more than the sample size', () => {
    expect(Array.from(fitSample(ids, all, 50_000))).toEqual(Array.from(all));
    expect(Array.from(fitSample(ids, [4, 2, 9], 10))).toEqual([4, 2, 9]);
  });

  it('draws the same customers from the same ids, whatever their order', () => {
    const a = fitSample(ids, all, 5000);
    expect(a.length).toBe(5000);
    expect(Array.from(fitSample(ids, all, 5000))).toEqual(Array.from(a));
    const reversed = [...ids].reverse();
    const b = fitSample(reversed, Uint32Array.from(reversed.keys()), 5000);
    // the same customers in the same order (by hash), so a fit sums them alike
    expect(Array.from(b, (k) => reversed[k])).toEqual(Array.from(a, (k) => ids[k]));
  });

  it('changes with new customers only by taking them in: no customer of the old population enters', () => {
    const a = new Set(Array.from(fitSample(ids, all, 5000), (k) => ids[k]));
    const newcomers = Array.from({ length: 10_000 }, (_, i) => String(900_000 + i));
    const grown = [...ids, ...newcomers];
    const b = Array.from(fitSample(grown, Uint32Array.from(grown.keys()), 5000), (k) => grown[k]!);
    const fresh = new Set(newcomers);
    expect(b.filter((id) => fresh.has(id)).length).toBeGreaterThan(0);
    for (const id of b) expect(a.has(id) || fresh.has(id)).toBe(true);
  });

  it('spreads consecutive ids evenly: the sample of the lower half of the ids is about half', () => {
    const s = fitSample(ids, all, 10_000);
    const low = Array.from(s).filter((k) => k < 25_000).length;
    expect(new Set(s).size).toBe(10_000);
    expect(Math.abs(low - 5000)).toBeLessThan(300);
  });
});

describe('BG/NBD fitted on a sample of a synthetic population', () => {
  const truth = { r: 0.6, alpha: 4, a: 0.8, b: 2.5 };
  const pop = simulateBgNbd(200_000, truth, 20_261_124);
  const ids = Array.from({ length: pop.x.length }, (_, i) => String(i + 1));
  const full = fitBgNbd(pop);
  const rows = fitSample(ids, Uint32Array.from(ids.keys()), 40_000);
  const sample = fitBgNbd({ x: pick(pop.x, rows), tx: pick(pop.tx, rows), T: pick(pop.T, rows) });

  it('estimates the parameters within four of its standard errors of the full fit, and near the truth', () => {
    // (the full fit stops a hair short of the 1e-8 gradient tolerance: summing 200k terms loses the last digits)
    expect(sample.converged).toBe(true);
    expect(full.gradientNorm).toBeLessThan(1e-6);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(sample.params[k] - full.params[k])).toBeLessThan(4 * sample.standardErrors[k]);
      expect(Math.abs(full.params[k] - truth[k]) / truth[k]).toBeLessThan(0.1);
    }
    expect(sample.customers).toBe(40_000);
  });

  it('predicts the population’s next-quarter purchases within 2% of the full fit', () => {
    const total = (params: typeof truth) => scoreCustomers({ summary: pop, model: { kind: 'bgnbd', params }, horizon: 13 }).expectedPurchases.reduce((s, v) => s + v, 0);
    const a = total(full.params);
    expect(Math.abs(total(sample.params) - a) / a).toBeLessThan(0.02);
  });
});
