import { describe, expect, it } from 'vitest';
import { minimizeBfgs } from './optimize.js';

describe('minimizeBfgs', () => {
  it('stops by the gradient at an interior optimum, whatever the function tolerance', () => {
    // (u − 3)² + 2 (v + 1)², minimum 0 at (3, −1)
    const f = (x: Float64Array, g: Float64Array | null) => {
      if (g) {
        g[0] = 2 * (x[0]! - 3);
        g[1] = 4 * (x[1]! + 1);
      }
      return (x[0]! - 3) ** 2 + 2 * (x[1]! + 1) ** 2;
    };
    for (const functionTolerance of [0, 1e-12, 1e-6]) {
      const r = minimizeBfgs(f, [0, 0], { functionTolerance });
      expect(r.stoppedBy).toBe('gradient');
      expect(r.converged).toBe(true);
      expect(r.x[0]).toBeCloseTo(3, 8);
      expect(r.x[1]).toBeCloseTo(-1, 8);
    }
  });

  it('stops once the value settles when the infimum is at the edge of the domain', () => {
    // 10⁸ + 1/u on u > 0: the value keeps falling a little at every step towards u → ∞, where the
    // gradient goes to 0 too slowly to meet its tolerance (the steps are at most 5 long)
    const f = (x: Float64Array, g: Float64Array | null) => {
      const u = x[0]!;
      if (!(u > 0)) return Number.NaN;
      if (g) g[0] = -1 / (u * u);
      return 1e8 + 1 / u;
    };
    const whole = minimizeBfgs(f, [1]);
    expect(whole.stoppedBy).toBe('iterations');
    expect(whole.iterations).toBe(500);
    expect(whole.converged).toBe(false);
    const settled = minimizeBfgs(f, [1], { functionTolerance: 1e-12 });
    expect(settled.stoppedBy).toBe('function');
    expect(settled.converged).toBe(false);
    expect(settled.iterations).toBeLessThan(100);
    // each of the last five steps lowered the value by at most 10⁻¹² of it (1e-4)
    const u = settled.x[0]!;
    expect(1 / (u - 5) - 1 / u).toBeLessThan(1e-4 * 1.01);
    expect(Math.abs(settled.value - whole.value)).toBeLessThan(1e-2);
  });
});
