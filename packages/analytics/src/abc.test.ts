import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { abcAnalysis, paretoCurve } from './abc.js';
import { valueMatrix } from './value-matrix.js';

describe('ABC analysis', () => {
  it('classes by the cumulative share before each customer', () => {
    // Sorted: 50 (before 0 → A), 30 (before .5 → A), 10 (before .8 → B), 5 (.9 → B), 5 (.95 → C)
    const r = abcAnalysis(['a', 'b', 'c', 'd', 'e'], [5, 50, 10, 30, 5]);
    expect(Array.from(r.classOf)).toEqual([1, 0, 1, 0, 2]);
    expect(r.counts).toEqual({ A: 2, B: 2, C: 1 });
    expect(r.shares.A).toBeCloseTo(0.8, 12);
    expect(r.shares.B).toBeCloseTo(0.15, 12);
    expect(r.topShareValue).toBeCloseTo(0.5, 12); // top ⌈0.2·5⌉ = 1 customer
    expect(Array.from(r.order)).toEqual([1, 3, 2, 0, 4]); // tie 5/5: id a before e
  });

  it('takes configurable cut-offs and gives the Pareto curve', () => {
    const r = abcAnalysis([1, 2, 3, 4], [40, 30, 20, 10], { cutoffs: [0.5, 0.75] });
    expect(Array.from(r.classOf)).toEqual([0, 0, 1, 2]);
    const curve = paretoCurve(r, [40, 30, 20, 10], 4);
    expect(curve.map((p) => p.value)).toEqual([0, 0.4, 0.7, 0.9, 1]);
    expect(() => abcAnalysis([1], [-1])).toThrow(/≥ 0/);
  });

  it('has class shares summing to 1 (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }), (vals) => {
        const r = abcAnalysis(vals.map((_, i) => i), vals);
        const sum = r.shares.A + r.shares.B + r.shares.C;
        return Math.abs(sum - 1) < 1e-9 && r.counts.A + r.counts.B + r.counts.C === vals.length;
      }),
    );
  });
});

describe('customer value matrix', () => {
  it('splits frequency × average order value strictly above the medians', () => {
    const r = valueMatrix([1, 1, 5, 6, 1], [10, 100, 10, 200, 50]);
    expect(r.medianFrequency).toBe(1);
    expect(r.medianAverageOrderValue).toBe(50);
    expect(r.counts).toEqual({ best: 1, frequent: 1, spender: 1, uncertain: 2 });
    expect(Array.from(r.quadrant)).toEqual([3, 2, 1, 0, 3]);
  });
});
