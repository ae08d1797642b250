// Customer lifetime value: discounted expected margin from a purchase model and a spend model,
// and the definitional (historical and relationship) values.
import { bgnbdConditionalExpectedPurchases, bgnbdExpectedPurchasesIfAlive, bgnbdPAlive } from './bgnbd.js';
import type { BgNbdParams } from './bgnbd.js';
import { paretoNbdConditionalExpectedPurchases, paretoNbdExpectedPurchasesIfAlive, paretoNbdPAlive } from './pareto-nbd.js';
import type { ParetoNbdParams } from './pareto-nbd.js';

/** Time units per month: 30 for days, 4.345 for weeks. */
export const UNITS_PER_MONTH = { day: 30, week: 4.345 } as const;

export type PurchaseModel = { kind: 'bgnbd'; params: BgNbdParams } | { kind: 'pareto-nbd'; params: ParetoNbdParams };

/** E[Y(t) | x, t_x, T] under either purchase model. */
export function conditionalExpectedPurchases(model: PurchaseModel, t: number, x: number, tx: number, T: number): number {
  return model.kind === 'bgnbd'
    ? bgnbdConditionalExpectedPurchases(model.params, t, x, tx, T)
    : paretoNbdConditionalExpectedPurchases(model.params, t, x, tx, T);
}

/**
 * E[Y(t) | alive at T, x, T] under either model: in both, E[Y(t) | x, t_x, T] is this times
 * P(alive | x, t_x, T), and only this part (the costly one) depends on t.
 */
export function expectedPurchasesIfAlive(model: PurchaseModel, t: number, x: number, T: number): number {
  return model.kind === 'bgnbd' ? bgnbdExpectedPurchasesIfAlive(model.params, t, x, T) : paretoNbdExpectedPurchasesIfAlive(model.params, t, x, T);
}

/** P(alive | x, t_x, T) under either model. */
export function probabilityAlive(model: PurchaseModel, x: number, tx: number, T: number): number {
  return model.kind === 'bgnbd' ? bgnbdPAlive(model.params, x, tx, T) : paretoNbdPAlive(model.params, x, tx, T);
}

export interface ClvOptions {
  /** Horizon in months (H). */
  months: number;
  /** Monthly discount rate d (e.g. 0.01). */
  discountRate: number;
  /** Time units per month f (UNITS_PER_MONTH.day or .week). */
  unitsPerMonth: number;
  /** Profit margin applied to expected spend (default 1: revenue). */
  margin?: number;
}

/**
 * Predictive CLV = Σ_{i=1..H} m · E[M] · (E[Y(i·f)] − E[Y((i−1)·f)]) / (1 + d)^i
 * (discounted monthly increments of the conditional expectation, as in the `lifetimes` library).
 */
export function customerLifetimeValue(model: PurchaseModel, expectedSpend: number, x: number, tx: number, T: number, o: ClvOptions): number {
  if (!(o.months >= 0) || !(o.discountRate > -1) || !(o.unitsPerMonth > 0)) throw new RangeError('CLV: need months ≥ 0, discountRate > −1, unitsPerMonth > 0');
  const margin = o.margin ?? 1;
  let prev = 0;
  let clv = 0;
  let disc = 1;
  for (let i = 1; i <= o.months; i++) {
    const cur = conditionalExpectedPurchases(model, i * o.unitsPerMonth, x, tx, T);
    disc /= 1 + o.discountRate;
    clv += (cur - prev) * disc;
    prev = cur;
  }
  return clv * expectedSpend * margin;
}

/** Historical value (profit to date) = Σ revenue − Σ cost of goods; the 定义法 past component. */
export function historicalValue(revenue: number, costOfGoods: number): number {
  return revenue - costOfGoods;
}

/** Relationship value = profit from the customer − cost of keeping the relationship (定义法). */
export function relationshipValue(profit: number, relationshipCost: number): number {
  return profit - relationshipCost;
}
