import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bgnbdConditionalExpectedPurchases, bgnbdExpectedPurchases, bgnbdLogLikelihood, bgnbdPAlive, fitBgNbd } from './bgnbd.js';
import { collapseSummary } from './summary.js';
import { readCdnowSummary } from './test/shared-data.js';

const cdnow = readCdnowSummary();
const published = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

describe('BG/NBD on the CDNOW sample (2,357 customers, weeks)', () => {
  const fit = fitBgNbd(cdnow);

  it('recovers the published estimates and log-likelihood', () => {
    expect(cdnow.x.length).toBe(2357);
    expect(Math.abs(fit.params.r - published.r)).toBeLessThan(0.001);
    expect(Math.abs(fit.params.alpha - published.alpha)).toBeLessThan(0.001);
    expect(Math.abs(fit.params.a - published.a)).toBeLessThan(0.001);
    expect(Math.abs(fit.params.b - published.b)).toBeLessThan(0.001);
    expect(Math.abs(fit.logLikelihood - -9582.4)).toBeLessThan(0.05);
    expect(fit.customers).toBe(2357);
    expect(fit.patterns).toBeLessThan(2357);
  });

  it('reports convergence by gradient norm and positive standard errors', () => {
    expect(fit.converged).toBe(true);
    expect(fit.gradientNorm).toBeLessThan(1e-8);
    for (const v of Object.values(fit.standardErrors)) expect(v).toBeGreaterThan(0);
    // Standard error of r is about 0.0126 (inverse observed information).
    expect(fit.standardErrors.r).toBeCloseTo(0.0126, 3);
  });

  it('is stable from several starting points', () => {
    for (const start of [
      { r: 0.1, alpha: 0.1, a: 0.1, b: 0.1 },
      { r: 5, alpha: 50, a: 5, b: 5 },
      { r: 0.01, alpha: 100, a: 0.5, b: 20 },
    ]) {
      const f = fitBgNbd(cdnow, { start, skipStandardErrors: true });
      expect(f.converged).toBe(true);
      expect(f.params.r).toBeCloseTo(fit.params.r, 5);
      expect(f.params.alpha).toBeCloseTo(fit.params.alpha, 4);
      expect(f.params.a).toBeCloseTo(fit.params.a, 5);
      expect(f.params.b).toBeCloseTo(fit.params.b, 4);
    }
  });

  it('gives the same fit from collapsed weights as from raw rows', () => {
    const c = collapseSummary(cdnow);
    const weighted = fitBgNbd({ x: c.x, tx: c.tx, T: c.T, weights: c.weight }, { skipStandardErrors: true });
    expect(weighted.params.r).toBeCloseTo(fit.params.r, 6);
    expect(weighted.logLikelihood).toBeCloseTo(fit.logLikelihood, 6);
    expect(bgnbdLogLikelihood(published, { x: c.x, tx: c.tx, T: c.T, weights: c.weight })).toBeCloseTo(bgnbdLogLikelihood(published, cdnow), 8);
  });

  it('reproduces the published E[X(t)] to 4 decimals at the maximum-likelihood estimates', () => {
    // The published figures come from the unrounded estimates, which fit recovers.
    const expected: [number, number][] = [[1, 0.0532], [3, 0.1506], [32, 1.0437], [78, 1.858]];
    for (const [t, v] of expected) expect(Math.abs(bgnbdExpectedPurchases(fit.params, t) - v)).toBeLessThan(5e-5);
  });

  it('predicts the holdout mean of a known customer profile (FHL 2005: x=2, t_x=30.43, T=38.86)', () => {
    // Customer 1 of the sample; the paper's spreadsheet gives E[Y(39)] ≈ 1.226 at these parameters.
    expect(bgnbdConditionalExpectedPurchases(fit.params, 39, 2, 30.43, 38.86)).toBeCloseTo(1.226, 2);
  });
});

/**
 * Customers who never drop out: Poisson purchases at gamma-distributed rates (r = 2, α = 10 weeks),
 * from a first purchase at 0 to T. The BG/NBD optimum is then at the edge (a → 0, b → ∞).
 */
function withoutDropout(n: number): { x: Float64Array; tx: Float64Array; T: Float64Array } {
  let seed = 20261125;
  const uniform = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  // Gamma(2, 1) as the sum of two exponentials
  const gamma2 = () => -Math.log(uniform()) - Math.log(uniform());
  const x = new Float64Array(n);
  const tx = new Float64Array(n);
  const T = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    T[i] = 20 + Math.floor(uniform() * 60);
    const rate = gamma2() / 10;
    for (let t = -Math.log(uniform()) / rate; t <= T[i]!; t += -Math.log(uniform()) / rate) {
      x[i]!++;
      tx[i] = t;
    }
  }
  return { x, tx, T };
}

describe('BG/NBD where nobody drops out (the optimum at the edge)', () => {
  const data = withoutDropout(3000);
  const settled = fitBgNbd(data, { skipStandardErrors: true });
  // the search with no function tolerance: every one of its iterations
  const exhaustive = fitBgNbd(data, { skipStandardErrors: true, functionTolerance: 0 });

  it('ends at the edge, no later than the whole search', () => {
    expect(settled.iterations).toBeLessThanOrEqual(exhaustive.iterations);
    expect(['function', 'line_search']).toContain(settled.stoppedBy);
    // no gradient vanishes at the edge: not converged, and the estimate says where it went
    expect(settled.converged).toBe(false);
    expect(settled.params.a / (settled.params.a + settled.params.b)).toBeLessThan(1e-3);
  });

  it('gives what the whole search gives, to well within what the data can tell', () => {
    expect(Math.abs(settled.logLikelihood - exhaustive.logLikelihood)).toBeLessThan(1e-3);
    expect(settled.params.r).toBeCloseTo(exhaustive.params.r, 3);
    expect(settled.params.alpha).toBeCloseTo(exhaustive.params.alpha, 2);
    // the scores a CRM shows from it: P(alive) and the next 52 weeks' purchases of typical customers
    for (const [x, tx, T] of [[0, 0, 40], [3, 20, 40], [10, 70, 75]] as const) {
      expect(bgnbdPAlive(settled.params, x, tx, T)).toBeCloseTo(bgnbdPAlive(exhaustive.params, x, tx, T), 4);
      expect(bgnbdConditionalExpectedPurchases(settled.params, 52, x, tx, T)).toBeCloseTo(bgnbdConditionalExpectedPurchases(exhaustive.params, 52, x, tx, T), 3);
    }
  });
});

describe('BG/NBD predictions (properties)', () => {
  const params = fc.record({
    r: fc.double({ min: 0.05, max: 5, noNaN: true }),
    alpha: fc.double({ min: 0.5, max: 50, noNaN: true }),
    a: fc.double({ min: 0.1, max: 5, noNaN: true }).filter((a) => Math.abs(a - 1) > 0.05),
    b: fc.double({ min: 0.5, max: 10, noNaN: true }),
  });
  const customer = fc
    .record({ x: fc.integer({ min: 0, max: 40 }), T: fc.double({ min: 1, max: 100, noNaN: true }), u: fc.double({ min: 0, max: 1, noNaN: true }) })
    .map(({ x, T, u }) => ({ x, T, tx: x === 0 ? 0 : u * T }));

  it('P(alive) is in [0, 1] and 1 without repeat purchases', () => {
    fc.assert(
      fc.property(params, customer, (p, c) => {
        const v = bgnbdPAlive(p, c.x, c.tx, c.T);
        return v >= 0 && v <= 1 && (c.x > 0 || v === 1);
      }),
    );
  });

  it('E[Y(t)] increases with t', () => {
    fc.assert(
      fc.property(params, customer, fc.double({ min: 0.5, max: 50, noNaN: true }), (p, c, t) => {
        const y1 = bgnbdConditionalExpectedPurchases(p, t, c.x, c.tx, c.T);
        const y2 = bgnbdConditionalExpectedPurchases(p, t * 1.5, c.x, c.tx, c.T);
        return y1 > 0 && y2 > y1;
      }),
    );
  });
});
