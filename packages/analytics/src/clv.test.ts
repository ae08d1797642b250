import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { conditionalExpectedPurchases, customerLifetimeValue, expectedPurchasesIfAlive, historicalValue, probabilityAlive, relationshipValue, UNITS_PER_MONTH } from './clv.js';
import type { PurchaseModel } from './clv.js';
import { bgnbdConditionalExpectedPurchases, bgnbdPAlive } from './bgnbd.js';
import { scoreCustomers } from './score-customers.js';
import { gammaGammaExpectedSpend } from './gamma-gamma.js';

const bg: PurchaseModel = { kind: 'bgnbd', params: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 } };
const pn: PurchaseModel = { kind: 'pareto-nbd', params: { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 } };
const gg = { p: 6.25, q: 3.74, gamma: 15.44 };

const cust = fc
  .record({ x: fc.integer({ min: 0, max: 20 }), T: fc.double({ min: 5, max: 80, noNaN: true }), u: fc.double({ min: 0, max: 1, noNaN: true }) })
  .map(({ x, T, u }) => ({ x, T, tx: x === 0 ? 0 : u * T }));

describe('customer lifetime value', () => {
  it('equals expected spend × E[Y(H·f)] without discounting', () => {
    const clv = customerLifetimeValue(bg, 35, 2, 30.43, 38.86, { months: 12, discountRate: 0, unitsPerMonth: UNITS_PER_MONTH.week });
    expect(clv).toBeCloseTo(35 * bgnbdConditionalExpectedPurchases(bg.params, 12 * 4.345, 2, 30.43, 38.86), 10);
  });

  it('discounts each month’s increment', () => {
    const o = { months: 2, discountRate: 0.1, unitsPerMonth: 30 };
    const e1 = bgnbdConditionalExpectedPurchases(bg.params, 30, 3, 50, 200);
    const e2 = bgnbdConditionalExpectedPurchases(bg.params, 60, 3, 50, 200);
    expect(customerLifetimeValue(bg, 10, 3, 50, 200, o)).toBeCloseTo(10 * (e1 / 1.1 + (e2 - e1) / 1.21), 10);
  });

  it('increases with the horizon and decreases with the discount rate (both models)', () => {
    fc.assert(
      fc.property(cust, fc.integer({ min: 1, max: 36 }), fc.double({ min: 0, max: 0.2, noNaN: true }), fc.constantFrom(bg, pn), (c, H, d, model) => {
        const o = { months: H, discountRate: d, unitsPerMonth: UNITS_PER_MONTH.week };
        const v = customerLifetimeValue(model, 20, c.x, c.tx, c.T, o);
        const longer = customerLifetimeValue(model, 20, c.x, c.tx, c.T, { ...o, months: H + 1 });
        const dearer = customerLifetimeValue(model, 20, c.x, c.tx, c.T, { ...o, discountRate: d + 0.05 });
        return v > 0 && longer > v && dearer < v;
      }),
      { numRuns: 200 },
    );
  });

  it('historical and relationship value follow the definitions', () => {
    expect(historicalValue(1000, 600)).toBe(400);
    expect(relationshipValue(400, 150)).toBe(250);
  });
});

describe('scoreCustomers', () => {
  it('matches the scalar functions, customer by customer', () => {
    const x = [0, 2, 2, 5, 0];
    const tx = [0, 30.43, 30.43, 12, 0];
    const T = [38.86, 38.86, 38.86, 20, 10];
    const meanSpend = [0, 20, 40, 15, 0];
    const clv = { months: 12, discountRate: 0.01, unitsPerMonth: 4.345 };
    const s = scoreCustomers({ summary: { x, tx, T }, model: bg, horizon: 39, meanSpend, spend: gg, clv });
    expect(s.patterns).toBe(4);
    for (let i = 0; i < x.length; i++) {
      expect(s.pAlive[i]).toBeCloseTo(bgnbdPAlive(bg.params, x[i]!, tx[i]!, T[i]!), 12);
      expect(s.expectedPurchases[i]).toBeCloseTo(bgnbdConditionalExpectedPurchases(bg.params, 39, x[i]!, tx[i]!, T[i]!), 12);
      const es = gammaGammaExpectedSpend(gg, x[i]!, meanSpend[i]!);
      expect(s.expectedSpend[i]).toBeCloseTo(es, 10);
      expect(s.clv[i]).toBeCloseTo(customerLifetimeValue(bg, es, x[i]!, tx[i]!, T[i]!, clv), 8);
    }
    expect(s.clv[2]).toBeGreaterThan(s.clv[1]!);
  });

  it('factors E[Y] into E[Y | alive] (one per (x, T)) times P(alive), in both models', () => {
    fc.assert(
      fc.property(cust, fc.double({ min: 1, max: 120, noNaN: true }), fc.constantFrom(bg, pn), (c, t, model) => {
        const whole = conditionalExpectedPurchases(model, t, c.x, c.tx, c.T);
        const parts = expectedPurchasesIfAlive(model, t, c.x, c.T) * probabilityAlive(model, c.x, c.tx, c.T);
        return Math.abs(parts - whole) <= 1e-12 * Math.max(1, whole);
      }),
      { numRuns: 300 },
    );
  });

  it('scores customers sharing (x, T) but not t_x from one pair under the Pareto/NBD too', () => {
    const x = [3, 3, 3, 0];
    const tx = [5, 20, 39, 0];
    const T = [40, 40, 40, 40];
    const meanSpend = [10, 10, 30, 0];
    const clv = { months: 6, discountRate: 0.02, unitsPerMonth: 30 };
    const s = scoreCustomers({ summary: { x, tx, T }, model: pn, horizon: 90, meanSpend, spend: gg, clv });
    expect(s.patterns).toBe(4);
    expect(s.pairs).toBe(2);
    for (let i = 0; i < x.length; i++) {
      expect(s.expectedPurchases[i]).toBeCloseTo(conditionalExpectedPurchases(pn, 90, x[i]!, tx[i]!, T[i]!), 12);
      expect(s.clv[i]).toBeCloseTo(customerLifetimeValue(pn, gammaGammaExpectedSpend(gg, x[i]!, meanSpend[i]!), x[i]!, tx[i]!, T[i]!, clv), 8);
    }
  });
});
