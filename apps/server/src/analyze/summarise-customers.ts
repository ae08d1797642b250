// Per-customer summaries from transaction columns, in O(rows): two counting sorts (by day, then
// stably by customer) put each customer's rows in date order without comparisons.
import type { Transactions } from './read-transactions.js';

export type TimeUnit = 'day' | 'week';
export const UNIT_DAYS: Readonly<Record<TimeUnit, number>> = { day: 1, week: 7 };

export interface CustomerSummaries {
  ids: string[];
  n: number;
  /** Days from the as-of date to the day of the last purchase. */
  recencyDays: Float64Array;
  /** Distinct orders, or distinct purchase days without an order column. */
  frequency: Float64Array;
  monetary: Float64Array;
  /** Calibration-period summary in time units (NaN for customers who first bought after it). */
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  /** Mean spend of the repeat purchase periods (0 when x = 0). */
  meanSpend: Float64Array;
  /** Purchase-rate and spend trends in [−1, 1] over the calibration period. */
  trend: Float64Array;
  spendTrend: Float64Array;
  /** Repeat purchase periods in the holdout (after the calibration end), or null. */
  holdout: Float64Array | null;
  /** Customers in the calibration period, and rows ignored because on or after the as-of day. */
  calibrationCustomers: number;
  ignoredAfterAsOf: number;
}

export interface SummariseOptions {
  unit: TimeUnit;
  /** Day number of the as-of date (exclusive end of the observation). */
  asOfDay: number;
  /** Last day (inclusive) of the calibration period; default asOfDay − 1. */
  calibrationEndDay?: number;
}

export function summariseCustomers(t: Transactions, o: SummariseOptions): CustomerSummaries {
  const n = t.customerIds.length;
  const rows = t.rows;
  const unit = UNIT_DAYS[o.unit];
  const calEnd = o.calibrationEndDay ?? o.asOfDay - 1;
  // Counting sort by day, then stable counting sort by customer.
  const span = t.maxDay - t.minDay + 1;
  const dayCount = new Int32Array(span + 1);
  for (let i = 0; i < rows; i++) dayCount[t.day[i]! - t.minDay + 1]!++;
  for (let k = 1; k <= span; k++) dayCount[k]! += dayCount[k - 1]!;
  const byDay = new Int32Array(rows);
  for (let i = 0; i < rows; i++) byDay[dayCount[t.day[i]! - t.minDay]!++] = i;
  const start = new Int32Array(n + 1);
  for (let i = 0; i < rows; i++) start[t.customer[i]! + 1]!++;
  for (let c = 0; c < n; c++) start[c + 1]! += start[c]!;
  const fill = start.slice(0, n);
  const perm = new Int32Array(rows);
  for (let k = 0; k < rows; k++) {
    const i = byDay[k]!;
    perm[fill[t.customer[i]!]!++] = i;
  }
  const s: CustomerSummaries = {
    ids: t.customerIds,
    n,
    recencyDays: new Float64Array(n),
    frequency: new Float64Array(n),
    monetary: new Float64Array(n),
    x: new Float64Array(n).fill(Number.NaN),
    tx: new Float64Array(n).fill(Number.NaN),
    T: new Float64Array(n).fill(Number.NaN),
    meanSpend: new Float64Array(n).fill(Number.NaN),
    trend: new Float64Array(n).fill(Number.NaN),
    spendTrend: new Float64Array(n).fill(Number.NaN),
    holdout: o.calibrationEndDay !== undefined ? new Float64Array(n).fill(Number.NaN) : null,
    calibrationCustomers: 0,
    ignoredAfterAsOf: 0,
  };
  const orderSeen = t.order ? new Int32Array(t.orders).fill(-1) : null;
  for (let c = 0; c < n; c++) {
    const a = start[c]!;
    const b = start[c + 1]!;
    let lastDay = -Infinity;
    let freq = 0;
    let money = 0;
    let prevDay = Number.NaN;
    // Calibration accumulators.
    let first = Number.NaN;
    let periods = 0;
    let lastPeriod = -1;
    let lastCalDay = Number.NaN;
    let repeatSpend = 0;
    let mid = Number.NaN;
    let early = 0;
    let late = 0;
    let earlySpend = 0;
    let lateSpend = 0;
    let holdoutPeriods = 0;
    let lastHoldoutPeriod = -1;
    for (let k = a; k < b; k++) {
      const i = perm[k]!;
      const day = t.day[i]!;
      if (day >= o.asOfDay) {
        s.ignoredAfterAsOf++;
        continue;
      }
      const amt = t.amount[i]!;
      money += amt;
      lastDay = day;
      if (orderSeen) {
        const ord = t.order![i]!;
        if (orderSeen[ord] !== c) {
          orderSeen[ord] = c;
          freq++;
        }
      } else if (day !== prevDay) freq++;
      prevDay = day;
      if (Number.isNaN(first)) {
        if (day > calEnd) continue;
        first = day;
        mid = (first + calEnd + 1) / 2;
      }
      const period = Math.floor((day - first) / unit);
      if (day > calEnd) {
        if (period !== lastHoldoutPeriod && period !== lastPeriod) {
          holdoutPeriods++;
          lastHoldoutPeriod = period;
        }
        continue;
      }
      const newPeriod = period !== lastPeriod;
      if (newPeriod) {
        periods++;
        lastPeriod = period;
      }
      lastCalDay = day;
      if (periods > 1) {
        repeatSpend += amt;
        // Each repeat period counts once, at its first day; spend is summed by half.
        if (day < mid) {
          if (newPeriod) early++;
          earlySpend += amt;
        } else {
          if (newPeriod) late++;
          lateSpend += amt;
        }
      }
    }
    s.recencyDays[c] = lastDay === -Infinity ? Number.NaN : o.asOfDay - lastDay;
    s.frequency[c] = freq;
    s.monetary[c] = money;
    if (!Number.isNaN(first)) {
      const x = periods - 1;
      s.calibrationCustomers++;
      s.x[c] = x;
      s.tx[c] = x > 0 ? (lastCalDay - first) / unit : 0;
      s.T[c] = (calEnd + 1 - first) / unit;
      s.meanSpend[c] = x > 0 ? repeatSpend / x : 0;
      const m = Math.max(early, late);
      s.trend[c] = m === 0 ? 0 : (late - early) / m;
      const ms = Math.max(earlySpend, lateSpend);
      s.spendTrend[c] = ms === 0 ? 0 : (lateSpend - earlySpend) / ms;
      if (s.holdout) s.holdout[c] = holdoutPeriods;
    }
  }
  return s;
}
