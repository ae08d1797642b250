import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fitParetoNbd, paretoNbdConditionalExpectedPurchases, paretoNbdExpectedPurchases, paretoNbdLogA0, paretoNbdPAlive } from './pareto-nbd.js';
import type { ParetoNbdParams } from './pareto-nbd.js';
import { readCdnowSummary } from './test/shared-data.js';

const cdnow = readCdnowSummary();

// A₀ = (r+s+x) ∫_{t_x}^{T} (α+τ)^−(r+x) (β+τ)^−(s+1) dτ (Fader & Hardie 2005, from eq. 16), by Simpson's rule.
function a0ByIntegration(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const n = 2000;
  const h = (T - tx) / n;
  const f = (t: number): number => Math.pow(p.alpha + t, -(p.r + x)) * Math.pow(p.beta + t, -(p.s + 1));
  let s = f(tx) + f(T);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(tx + i * h);
  return (p.r + p.s + x) * (s * h) / 3;
}

describe('Pareto/NBD A₀ in both branches', () => {
  it('matches numerical integration for α ≥ β and for α < β', () => {
    const cases: [ParetoNbdParams, number, number, number][] = [
      [{ r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }, 3, 20.5, 38.86], // α < β
      [{ r: 0.553, alpha: 15, s: 0.606, beta: 2 }, 3, 20.5, 38.86], // α ≥ β
      [{ r: 2, alpha: 3, s: 1.5, beta: 40 }, 0, 0, 30], // α < β, x = 0
      [{ r: 1.2, alpha: 80, s: 0.3, beta: 0.5 }, 10, 1, 52], // α ≫ β: argument near 1
    ];
    for (const [p, x, tx, T] of cases) {
      const ref = a0ByIntegration(p, x, tx, T);
      expect(Math.abs(Math.exp(paretoNbdLogA0(p, x, tx, T)) / ref - 1)).toBeLessThan(1e-7);
    }
  });
});

describe('Pareto/NBD on the CDNOW sample', () => {
  const fit = fitParetoNbd(cdnow);
  it('recovers the published estimates within 0.5% and the log-likelihood within 0.05', () => {
    const pub = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };
    for (const k of ['r', 'alpha', 's', 'beta'] as const) expect(Math.abs(fit.params[k] / pub[k] - 1)).toBeLessThan(0.005);
    expect(Math.abs(fit.logLikelihood - -9595.0)).toBeLessThan(0.05);
    expect(fit.converged).toBe(true);
    expect(fit.gradientNorm).toBeLessThan(1e-7);
    for (const v of Object.values(fit.standardErrors)) expect(v).toBeGreaterThan(0);
  });

  it('is stable from several starting points', () => {
    for (const start of [{ r: 0.1, alpha: 0.1, s: 0.1, beta: 0.1 }, { r: 5, alpha: 50, s: 5, beta: 5 }, { r: 0.5, alpha: 20, s: 0.5, beta: 2 }]) {
      const f = fitParetoNbd(cdnow, { start, skipStandardErrors: true });
      expect(f.converged).toBe(true);
      expect(f.params.r).toBeCloseTo(fit.params.r, 4);
      expect(f.params.s).toBeCloseTo(fit.params.s, 4);
      expect(Math.abs(f.params.beta / fit.params.beta - 1)).toBeLessThan(1e-4);
    }
  });

  it('predicts sensibly for a known profile and the cohort', () => {
    // Unconditional E[X(39)] equals the mean of the expected holdout purchases of a new cohort member.
    const e = paretoNbdExpectedPurchases(fit.params, 39);
    expect(e).toBeGreaterThan(0.9);
    expect(e).toBeLessThan(1.5);
    expect(paretoNbdPAlive(fit.params, 0, 0, 38.86)).toBeLessThan(1);
    expect(paretoNbdPAlive(fit.params, 2, 30.43, 38.86)).toBeGreaterThan(paretoNbdPAlive(fit.params, 2, 5, 38.86));
  });
});

describe('Pareto/NBD predictions (properties)', () => {
  const params = fc.record({
    r: fc.double({ min: 0.05, max: 5, noNaN: true }),
    alpha: fc.double({ min: 0.5, max: 50, noNaN: true }),
    s: fc.double({ min: 0.05, max: 5, noNaN: true }),
    beta: fc.double({ min: 0.5, max: 50, noNaN: true }),
  });
  const customer = fc
    .record({ x: fc.integer({ min: 0, max: 30 }), T: fc.double({ min: 1, max: 100, noNaN: true }), u: fc.double({ min: 0, max: 1, noNaN: true }) })
    .map(({ x, T, u }) => ({ x, T, tx: x === 0 ? 0 : u * T }));

  it('P(alive) is in [0, 1]', () => {
    fc.assert(fc.property(params, customer, (p, c) => {
      const v = paretoNbdPAlive(p, c.x, c.tx, c.T);
      return v >= 0 && v <= 1;
    }));
  });

  it('E[Y(t)] increases with t (both α ≥ β and α < β)', () => {
    fc.assert(fc.property(params, customer, fc.double({ min: 0.5, max: 50, noNaN: true }), (p, c, t) => {
      const y1 = paretoNbdConditionalExpectedPurchases(p, t, c.x, c.tx, c.T);
      const y2 = paretoNbdConditionalExpectedPurchases(p, 2 * t, c.x, c.tx, c.T);
      return y1 > 0 && y2 > y1;
    }));
  });
});
