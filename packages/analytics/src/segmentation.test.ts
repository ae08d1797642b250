import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LIFECYCLE_RULES, LIFECYCLE_STAGES, lifecycleStage, lifecycleStages, purchaseTrend } from './lifecycle.js';
import { bradley, dickBasu, reinartzKumar } from './loyalty.js';
import { compositeTier } from './tier.js';
import { csat, customerDeliveredValue, nps, satisfactionIndex } from './satisfaction.js';
import { churnRisk, churnRiskScores } from './churn.js';

const base = { purchases: 6, age: 400, recency: 20, meanInterval: 60, trend: 0, pAlive: 0.9 };

describe('lifecycle stage', () => {
  it('applies the README rules in order and says why', () => {
    expect(lifecycleStage({ ...base, purchases: 0 }).stage).toBe('acquisition');
    expect(lifecycleStage({ ...base, pAlive: 0.05 })).toEqual({ stage: 'termination', reason: 'P(alive) 0.05 < 0.1', rule: 'p_alive_termination' });
    expect(lifecycleStage({ ...base, recency: 300 }).reason).toMatch(/5× the own purchase cycle 60 \(> 4×\)/);
    expect(lifecycleStage({ ...base, purchases: 1, age: 30, recency: 30, meanInterval: Number.NaN }).stage).toBe('acquisition');
    expect(lifecycleStage({ ...base, purchases: 1, age: 200, recency: 200, meanInterval: Number.NaN }).stage).toBe('decline');
    expect(lifecycleStage({ ...base, purchases: 1, age: 400, recency: 400, meanInterval: Number.NaN }).stage).toBe('termination');
    expect(lifecycleStage({ ...base, pAlive: 0.3 }).stage).toBe('decline');
    expect(lifecycleStage({ ...base, recency: 150 }).stage).toBe('decline');
    expect(lifecycleStage({ ...base, trend: -0.5 }).reason).toBe('purchase rate falling (trend -0.5 ≤ -0.3)');
    expect(lifecycleStage({ ...base, purchases: 3 }).stage).toBe('growth');
    expect(lifecycleStage({ ...base, trend: 0.5 }).stage).toBe('growth');
    expect(lifecycleStage(base).stage).toBe('maturity');
    expect(lifecycleStage({ ...base, pAlive: 0.3 }, { declinePAlive: 0.2 }).stage).toBe('maturity');
  });

  it('classifies columns in bulk exactly like the explainer', () => {
    const rows = [
      { ...base, purchases: 0 },
      { ...base, pAlive: 0.05 },
      { ...base, recency: 300 },
      { ...base, purchases: 1, age: 30, recency: 30, meanInterval: Number.NaN },
      { ...base, trend: -0.5 },
      { ...base, purchases: 3 },
      base,
    ];
    const col = (k: keyof typeof base): number[] => rows.map((r) => r[k]);
    const bulk = lifecycleStages({ purchases: col('purchases'), age: col('age'), recency: col('recency'), meanInterval: col('meanInterval'), trend: col('trend'), pAlive: col('pAlive') }, rows.length);
    rows.forEach((r, i) => {
      const one = lifecycleStage(r);
      expect(LIFECYCLE_STAGES[bulk.stage[i]!]).toBe(one.stage);
      expect(LIFECYCLE_RULES[bulk.rule[i]!]).toBe(one.rule);
    });
  });

  it('measures the purchase-rate trend over the two halves of the customer’s life', () => {
    expect(purchaseTrend([0, 10, 20, 30], 100)).toBe(-1);
    expect(purchaseTrend([0, 60, 70, 80], 100)).toBe(1);
    expect(purchaseTrend([0, 40, 60], 100)).toBe(0);
    expect(purchaseTrend([0, 10, 60, 70, 80], 100)).toBeCloseTo(2 / 3, 12);
    expect(purchaseTrend([], 10)).toBeNaN();
  });
});

describe('loyalty segmentations', () => {
  it('Dick & Basu: attitude × repeat patronage', () => {
    expect(dickBasu(0.8, 0.9)).toBe('loyalty');
    expect(dickBasu(0.8, 0.1)).toBe('latent');
    expect(dickBasu(0.2, 0.9)).toBe('spurious');
    expect(dickBasu(0.2, 0.1)).toBe('none');
  });
  it('Reinartz & Kumar: loyalty × profitability', () => {
    expect(reinartzKumar(0.9, 100)).toBe('true_friends');
    expect(reinartzKumar(0.1, 100)).toBe('butterflies');
    expect(reinartzKumar(0.9, -5)).toBe('barnacles');
    expect(reinartzKumar(0.1, -5)).toBe('strangers');
    expect(reinartzKumar(0.9, 50, { profitability: 80 })).toBe('barnacles');
  });
  it('Bradley: satisfaction, recommendation, repurchase intent', () => {
    expect(bradley(5, 5, 5)).toBe('secure');
    expect(bradley(4, 4, 3)).toBe('satisfied');
    expect(bradley(4, 3, 3)).toBe('vulnerable');
    expect(bradley(3, 5, 5)).toBe('vulnerable');
    expect(bradley(2, 5, 5)).toBe('dissatisfied');
  });
});

describe('composite tier', () => {
  it('weights normalised criteria and cuts the score', () => {
    const r = compositeTier(
      [
        { name: 'volume', values: [100, 50, 10, 0], weight: 3 },
        { name: 'credit', values: [1, 1, 0, 0], weight: 1 },
      ],
      { normalise: 'minmax', cutoffs: { vip: 0.9, important: 0.3 } },
    );
    [1, 0.625, 0.075, 0].forEach((v, i) => expect(r.score[i]).toBeCloseTo(v, 12));
    expect(Array.from(r.tier)).toEqual([0, 1, 2, 2]);
    expect(r.counts).toEqual({ vip: 1, important: 1, ordinary: 2 });
    const ranked = compositeTier([{ name: 'risk', values: [3, 1, 2], weight: 1, higherIsBetter: false }]);
    expect(Array.from(ranked.score)).toEqual([0, 1, 0.5]);
  });
});

describe('satisfaction', () => {
  it('C = perceived ÷ expected per dimension and weighted overall', () => {
    const s = satisfactionIndex([{ perceived: 8, expected: 10, weight: 3 }, { perceived: 6, expected: 4, weight: 1 }]);
    expect(s.perDimension).toEqual([0.8, 1.5]);
    expect(s.overall).toBeCloseTo(0.975, 12);
  });
  it('CSAT, NPS and customer delivered value', () => {
    expect(csat([5, 4, 3, 1])).toBe(0.5);
    expect(nps([10, 9, 8, 7, 6, 0, 10, 10, 3, 9])).toEqual({ nps: 20, promoters: 5, passives: 2, detractors: 3 });
    expect(customerDeliveredValue({ value: { product: 50, service: 20, personnel: 10, image: 20 }, cost: { money: 60, time: 10, energy: 5, psychic: 5 } })).toEqual({
      totalValue: 100,
      totalCost: 80,
      deliveredValue: 20,
      ratio: 1.25,
    });
  });
});

describe('churn risk', () => {
  it('explains the score by its signals', () => {
    const r = churnRisk({ recency: 120, cycle: 30, pAlive: 0.2, frequencyTrend: -0.5, openComplaints: 1 });
    // silence: ratio 4 → strength 1; p_alive 0.8; frequency 0.5; complaints 0.5; known weights 0.3+0.25+0.15+0.05
    const den = 0.75;
    expect(r.score).toBeCloseTo((0.3 + 0.25 * 0.8 + 0.15 * 0.5 + 0.05 * 0.5) / den, 12);
    expect(r.level).toBe('high');
    expect(r.signals.map((s) => s.signal)).toEqual(['silence', 'low_p_alive', 'falling_frequency', 'open_complaints']);
    expect(r.signals.reduce((a, s) => a + s.contribution, 0)).toBeCloseTo(r.score, 12);
    expect(churnRisk({ recency: 10, cycle: 30, pAlive: 0.95 }).level).toBe('low');
    expect(churnRisk({}).score).toBe(0);
  });

  it('scores in [0, 1], and the bulk scorer agrees with the explainer (property)', () => {
    const maybe = (arb: fc.Arbitrary<number>): fc.Arbitrary<number> => fc.oneof(arb, fc.constant(Number.NaN));
    fc.assert(
      fc.property(
        fc.record({
          recency: maybe(fc.double({ min: 0, max: 1000, noNaN: true })),
          cycle: maybe(fc.double({ min: 0.1, max: 200, noNaN: true })),
          frequencyTrend: maybe(fc.double({ min: -1, max: 1, noNaN: true })),
          spendTrend: maybe(fc.double({ min: -1, max: 1, noNaN: true })),
          pAlive: maybe(fc.double({ min: 0, max: 1, noNaN: true })),
          overdueDays: maybe(fc.double({ min: 0, max: 400, noNaN: true })),
          survey: maybe(fc.double({ min: 0, max: 1, noNaN: true })),
          openComplaints: maybe(fc.integer({ min: 0, max: 5 })),
        }),
        (c) => {
          const r = churnRisk(c);
          const cols = Object.fromEntries(Object.entries(c).map(([k, v]) => [k, [v]]));
          const bulk = churnRiskScores(cols, 1);
          return r.score >= 0 && r.score <= 1 && Math.abs(bulk.score[0]! - r.score) < 1e-12;
        },
      ),
    );
  });
});
