import { describe, expect, it } from 'vitest';
import { fitGammaGamma, gammaGammaExpectedSpend, gammaGammaLogLikelihood, selectSpendRows } from './gamma-gamma.js';
import { readCdnowSummary } from './test/shared-data.js';

const cdnow = readCdnowSummary();

describe('Gamma-Gamma spend model on the CDNOW repeat buyers', () => {
  const { rows, skipped } = selectSpendRows(cdnow.x, cdnow.zbar);
  const x = Array.from(rows, (i) => cdnow.x[i]!);
  const m = Array.from(rows, (i) => cdnow.zbar[i]!);

  it('keeps the 946 customers with x > 0 and counts the rest as skipped', () => {
    expect(rows.length).toBe(946);
    expect(skipped).toBe(2357 - 946);
  });

  it('recovers p = 6.25, q = 3.74, γ = 15.44 within 0.01', () => {
    const fit = fitGammaGamma({ x, meanSpend: m });
    expect(Math.abs(fit.params.p - 6.25)).toBeLessThan(0.01);
    expect(Math.abs(fit.params.q - 3.74)).toBeLessThan(0.01);
    expect(Math.abs(fit.params.gamma - 15.44)).toBeLessThan(0.01);
    expect(fit.converged).toBe(true);
    expect(fit.customers).toBe(946);
    const again = fitGammaGamma({ x, meanSpend: m }, { start: { p: 20, q: 10, gamma: 200 } });
    expect(again.params.p).toBeCloseTo(fit.params.p, 4);
    // The expected spend shrinks a customer's mean toward the population mean p·γ/(q − 1).
    const pop = gammaGammaExpectedSpend(fit.params, 0, 0);
    expect(pop).toBeCloseTo((fit.params.p * fit.params.gamma) / (fit.params.q - 1), 10);
    const e = gammaGammaExpectedSpend(fit.params, 2, 100);
    expect(e).toBeLessThan(100);
    expect(e).toBeGreaterThan(pop);
  });

  it('rejects customers without repeat purchases or spend with a clear error', () => {
    expect(() => fitGammaGamma({ x: [2, 0], meanSpend: [10, 0] })).toThrow(/row 1: needs x > 0 and mean spend > 0/);
    expect(() => gammaGammaLogLikelihood({ p: 1, q: 2, gamma: 3 }, { x: [1], meanSpend: [-5] })).toThrow(/mean spend > 0/);
  });
});
