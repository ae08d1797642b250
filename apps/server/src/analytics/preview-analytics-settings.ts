// The effect of proposed analytics settings before they are saved: the class counts of every score
// under the current and the proposed settings, by the refresh's own aggregate and scoring, writing nothing.
import type { AnalyticsSettings, AnalyticsSettingsPreview } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { readCustomerSummaries, type CustomerSummaryColumns } from './customer-summaries.js';
import { asOfFor, windowStartFor } from './refresh-analytics.js';
import { classCounts, scorePopulation } from './score-population.js';

export async function previewAnalyticsSettings(
  database: Database,
  o: { current: AnalyticsSettings; proposed: AnalyticsSettings; timeZone: string },
): Promise<AnalyticsSettingsPreview> {
  // one aggregate per distinct (as-of, window, unit): most changes reuse the current one
  const cache = new Map<string, Promise<CustomerSummaryColumns>>();
  const summaryFor = async (s: AnalyticsSettings): Promise<{ asOf: string; summary: CustomerSummaryColumns }> => {
    const asOf = await asOfFor(database, s, o.timeZone);
    const windowStart = await windowStartFor(database, s, asOf);
    const unitDays = s.clv.unit === 'week' ? 7 : 1;
    const key = `${asOf}|${windowStart ?? ''}|${unitDays}`;
    if (!cache.has(key)) cache.set(key, readCustomerSummaries(database, { asOf, windowStart, unitDays }));
    return { asOf, summary: await cache.get(key)! };
  };
  const cur = await summaryFor(o.current);
  const next = await summaryFor(o.proposed);
  return {
    asOf: next.asOf,
    customers: next.summary.n,
    current: classCounts(scorePopulation(cur.summary, o.current, undefined, { explain: false }).customers),
    proposed: classCounts(scorePopulation(next.summary, o.proposed, undefined, { explain: false }).customers),
  };
}
