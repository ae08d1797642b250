import { describe, expect, it } from 'vitest';
import { reasonsJson, reasonsObject, type ReasonParts } from './score-population.js';

const parts: ReasonParts[] = [
  { clv: null, lifecycle: null, overdueDays: null, satisfaction: null, signals: null },
  { clv: null, lifecycle: { rule: 'new_customer', purchases: 1, trend: Number.NaN }, overdueDays: null, satisfaction: null, signals: [] },
  {
    clv: { unit: 'day', x: 12, tx: 1234.56789, T: 2_345_678.9 },
    lifecycle: { rule: 'declining', purchases: 13, trend: -0.123456 },
    overdueDays: 45,
    satisfaction: 2.5,
    signals: [
      { signal: 'silence', strength: 1, contribution: 0.3 },
      { signal: 'low_p_alive', strength: 0.000012345678, contribution: 1 / 3 },
      { signal: 'falling_spend', strength: 0, contribution: 1e21 },
    ],
  },
  { clv: { unit: 'week', x: 0, tx: 0, T: 1_000_000 }, lifecycle: { rule: 'maturity', purchases: 1, trend: 0.99999 }, overdueDays: 0, satisfaction: null, signals: null },
];

describe('stored reasons as JSON text', () => {
  it('parse to the same reasons as the object form, rounding included', () => {
    for (const p of parts) expect(JSON.parse(reasonsJson(p))).toEqual(reasonsObject(p));
  });

});
