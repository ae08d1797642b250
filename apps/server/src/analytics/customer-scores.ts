// The stored scores as customer fields: the columns a customer list selects, filters and sorts on
// through `left join customer_metrics`, and their mapping to the API's score summary.
import { sql, type SQL } from 'drizzle-orm';
import { abcClasses, churnLevels, customerTiers, lifecycleStages, loyaltyClasses, rfmSegmentKeys, type CustomerScoreSummary } from '@guanxi/contracts';
import { customerMetrics, customers } from '../db/schema.js';
import type { FilterColumn, RangeType } from '../customers/list-filters.js';
import type { SortColumn } from '../platform/pagination.js';

/** Joined once per list query; one metrics row per customer at most, so the join never multiplies rows. */
export const metricsJoin = sql`left join ${customerMetrics} on ${customerMetrics.customerId} = ${customers.id}`;

/** Selected beside the customer's columns; `scoredId` is null when the customer was never scored. */
export const scoreSummaryColumns = {
  scoredId: customerMetrics.customerId,
  rfmSegment: customerMetrics.rfmSegment,
  abcClass: customerMetrics.abcClass,
  lifecycleStage: customerMetrics.lifecycleStage,
  tier: customerMetrics.tier,
  loyaltyClass: customerMetrics.loyaltyClass,
  churnLevel: customerMetrics.churnLevel,
  churnScore: customerMetrics.churnScore,
  clv: customerMetrics.clv,
  pAlive: customerMetrics.pAlive,
  monetary: customerMetrics.monetary,
  recencyDays: customerMetrics.recencyDays,
};

type Nullable<T> = { [K in keyof T]: T[K] | null };
export type ScoreSummaryRow = Nullable<{ [K in keyof typeof scoreSummaryColumns]: (typeof scoreSummaryColumns)[K]['_']['data'] }>;

/** A stored class key, or null when the pipeline wrote a key this version does not know (never a 500). */
export function known<const K extends readonly string[]>(keys: K, v: string | null): K[number] | null {
  return v !== null && (keys as readonly string[]).includes(v) ? (v as K[number]) : null;
}

export function toScoreSummary(r: ScoreSummaryRow | null): CustomerScoreSummary | null {
  if (r === null || r.scoredId === null) return null;
  return {
    rfmSegment: known(rfmSegmentKeys, r.rfmSegment),
    abcClass: known(abcClasses, r.abcClass),
    lifecycleStage: known(lifecycleStages, r.lifecycleStage),
    tier: known(customerTiers, r.tier),
    loyaltyClass: known(loyaltyClasses, r.loyaltyClass),
    churnLevel: known(churnLevels, r.churnLevel),
    churnScore: r.churnScore,
    clv: r.clv,
    pAlive: r.pAlive,
    monetary: r.monetary ?? '0',
    recencyDays: r.recencyDays,
  };
}

const classFilter = (expr: SQL, values: readonly string[]): Extract<FilterColumn, { kind: 'enum' }> => ({ kind: 'enum', expr, values });
const rangeFilter = (expr: SQL, type: RangeType = 'number'): Extract<FilterColumn, { kind: 'range' }> => ({ kind: 'range', expr, type });

/** `filter[...]` columns of the scores (multi-value classes, ranges on numbers). */
export const scoreFilterColumns = {
  rfmSegment: classFilter(sql`${customerMetrics.rfmSegment}`, rfmSegmentKeys),
  abcClass: classFilter(sql`${customerMetrics.abcClass}`, abcClasses),
  lifecycleStage: classFilter(sql`${customerMetrics.lifecycleStage}`, lifecycleStages),
  tier: classFilter(sql`${customerMetrics.tier}`, customerTiers),
  loyaltyClass: classFilter(sql`${customerMetrics.loyaltyClass}`, loyaltyClasses),
  churnLevel: classFilter(sql`${customerMetrics.churnLevel}`, churnLevels),
  churnScore: rangeFilter(sql`${customerMetrics.churnScore}`),
  clv: rangeFilter(sql`${customerMetrics.clv}`),
  pAlive: rangeFilter(sql`${customerMetrics.pAlive}`),
  monetary: rangeFilter(sql`${customerMetrics.monetary}`),
  recencyDays: rangeFilter(sql`${customerMetrics.recencyDays}`),
};

// Ordinal classes sort by rank, not by their key's spelling: `-churnLevel` puts high first. The keys
// are written as literals (our own constants, [a-z_] only): as bind parameters the expression would
// differ between the select list, the ORDER BY and the cursor condition.
const rank = (expr: SQL, keys: readonly string[]) =>
  sql`(case ${expr} ${sql.raw(keys.map((k, i) => `when '${k.replace(/[^a-z_]/g, '')}' then ${i + 1}`).join(' '))} end)`;

/** Sorts on the scores; customers never scored come last in both directions. */
export const scoreSortColumns: Record<keyof typeof scoreFilterColumns, SortColumn> = {
  rfmSegment: { expr: rank(sql`${customerMetrics.rfmSegment}`, rfmSegmentKeys), kind: 'number', nullsLast: true },
  abcClass: { expr: sql`${customerMetrics.abcClass}`, kind: 'text', nullsLast: true },
  lifecycleStage: { expr: rank(sql`${customerMetrics.lifecycleStage}`, lifecycleStages), kind: 'number', nullsLast: true },
  // vip first ascending, like A first
  tier: { expr: rank(sql`${customerMetrics.tier}`, customerTiers), kind: 'number', nullsLast: true },
  loyaltyClass: { expr: rank(sql`${customerMetrics.loyaltyClass}`, loyaltyClasses), kind: 'number', nullsLast: true },
  churnLevel: { expr: rank(sql`${customerMetrics.churnLevel}`, churnLevels), kind: 'number', nullsLast: true },
  churnScore: { expr: sql`${customerMetrics.churnScore}`, kind: 'number', nullsLast: true },
  clv: { expr: sql`${customerMetrics.clv}`, kind: 'number', nullsLast: true },
  pAlive: { expr: sql`${customerMetrics.pAlive}`, kind: 'number', nullsLast: true },
  monetary: { expr: sql`${customerMetrics.monetary}`, kind: 'number', nullsLast: true },
  recencyDays: { expr: sql`${customerMetrics.recencyDays}`, kind: 'number', nullsLast: true },
};
