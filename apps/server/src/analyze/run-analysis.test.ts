import { describe, expect, it } from 'vitest';
import { modelNoteText, runAnalysis, type AnalysisInput } from './run-analysis.js';

/** 3,000 customers with purchase patterns spread by a fixed formula (no randomness), ids 10, 20, … */
function population(order: 'ascending' | 'descending'): AnalysisInput {
  const n = 3000;
  const k = Array.from({ length: n }, (_, i) => (order === 'ascending' ? i : n - 1 - i));
  const T = Float64Array.from(k, (i) => 10 + ((i * 37) % 90));
  const x = Float64Array.from(k, (i) => (i * 13) % 7 === 0 ? 0 : ((i * 7) % 11) % 6);
  const tx = Float64Array.from(k, (i, j) => (x[j] === 0 ? 0 : T[j]! * (((i * 29) % 100) / 100)));
  const meanSpend = Float64Array.from(k, (i, j) => (x[j]! > 0 ? 20 + ((i * 17) % 80) : 0));
  return { ids: k.map((i) => String(10 * (i + 1))), unit: 'week', recencyDays: null, frequency: null, monetary: null, x, tx, T, meanSpend, trend: null, spendTrend: null, holdout: null };
}

const options = { model: 'bgnbd' as const, clvMonths: 12, discount: 0.01, horizon: 13 };

describe('runAnalysis with a fit sample', () => {
  it('fits on the sample, says so, and scores every customer with the estimates', () => {
    const a = runAnalysis(population('ascending'), { ...options, fitSampleSize: 500 });
    expect(a.fitSample).toEqual({ customers: 500, population: 3000 });
    expect(a.bgnbd!.customers).toBe(500);
    expect(a.gammaGamma!.customers).toBeLessThan(500);
    expect(a.modelCustomers).toBe(3000);
    expect(a.pAlive.every((v) => v > 0 && v <= 1)).toBe(true);
    expect(a.clv.every((v) => Number.isFinite(v))).toBe(true);
  });

  it('gives the same estimates whatever the order the customers come in', () => {
    const a = runAnalysis(population('ascending'), { ...options, fitSampleSize: 500 });
    const b = runAnalysis(population('descending'), { ...options, fitSampleSize: 500 });
    expect(b.bgnbd!.params).toEqual(a.bgnbd!.params);
    expect(b.gammaGamma!.params).toEqual(a.gammaGamma!.params);
  });

  it('fits on everyone when the population is not larger than the sample', () => {
    const a = runAnalysis(population('ascending'), { ...options, fitSampleSize: 3000 });
    const full = runAnalysis(population('ascending'), options);
    expect(a.fitSample).toBeNull();
    expect(a.bgnbd!.customers).toBe(3000);
    expect(a.bgnbd!.params).toEqual(full.bgnbd!.params);
  });
});

describe('model notes', () => {
  it('come as codes with values beside the English words, one for one', () => {
    // too few repeat buyers for the spend model: a note with its count
    const input = population('ascending');
    const few = { ...input, meanSpend: Float64Array.from(input.meanSpend!, (v, i) => (i < 5 ? v : 0)) };
    const a = runAnalysis(few, options);
    expect(a.modelNotes).toContainEqual({ code: 'gamma_gamma_too_few', customers: expect.any(Number) as number });
    expect(a.notes).toEqual(a.modelNotes.map(modelNoteText));
    expect(modelNoteText({ code: 'bgnbd_not_converged', gradient: 2.8e-8 })).toBe('BG/NBD: not converged (gradient norm 2.80e-8)');
  });
});
