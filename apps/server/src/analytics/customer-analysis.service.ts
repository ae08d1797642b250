// The analysis card of one customer: every stored score with the reasons the pipeline recorded,
// the class changes of the tracked metrics, and the recommended action.
import { and, desc, eq } from 'drizzle-orm';
import {
  abcClasses,
  attitudeClasses,
  rfSegmentKeys,
  trackedMetrics,
  valueQuadrants,
  analyticsSettings,
  type CustomerAnalysis,
  type CustomerMetricChange,
} from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { analyticsRuns, customerMetricHistory, customerMetrics, customers } from '../db/schema.js';
import type { Ctx } from '../platform/context.js';
import { notFound } from '../platform/errors.js';
import { isoNN } from '../platform/versioned.js';
import { liveVisibleCustomer } from '../customers/customer-scope.js';
import { known, toScoreSummary } from './customer-scores.js';
import { recommendAction } from './recommend-action.js';
import { explainScores } from './explain-scores.js';

/** Enough for years of nightly runs of one customer; the card shows a timeline, not an archive. */
const HISTORY_LIMIT = 200;

export async function getCustomerAnalysis(database: Database, ctx: Ctx, customerId: number): Promise<CustomerAnalysis> {
  const db = database.db;
  // the customer page's rule: outside the scope (or deleted) is 404, never 403
  const [row] = await db
    .select({ importance: customers.importance, importanceSource: customers.importanceSource, m: customerMetrics })
    .from(customers)
    .leftJoin(customerMetrics, eq(customerMetrics.customerId, customers.id))
    .where(and(eq(customers.id, customerId), liveVisibleCustomer(ctx.actor)));
  if (!row) throw notFound();
  const m = row.m;
  if (!m) return { scored: false, customerId };

  const changes = await db
    .select()
    .from(customerMetricHistory)
    .where(eq(customerMetricHistory.customerId, customerId))
    .orderBy(desc(customerMetricHistory.changedAt), desc(customerMetricHistory.id))
    .limit(HISTORY_LIMIT);
  const history: CustomerMetricChange[] = [];
  for (const c of changes) {
    const metric = known(trackedMetrics, c.metric);
    // a metric this version does not track is left out rather than failing the card
    if (metric) history.push({ metric, fromValue: c.fromValue, toValue: c.toValue, runId: c.runId, changedAt: isoNN(c.changedAt) });
  }

  // the stored reasons are compact: the run's settings and parameters complete them
  const [run] = await db.select({ settings: analyticsRuns.settings, parameters: analyticsRuns.parameters }).from(analyticsRuns).where(eq(analyticsRuns.id, m.runId));
  const reasons = explainScores(m, m.reasons, {
    // a settings copy this version cannot read only drops the parts that need it
    settings: analyticsSettings.safeParse(run?.settings).data ?? null,
    parameters: (run?.parameters as Record<string, unknown> | null | undefined) ?? null,
  });

  const summary = toScoreSummary({ ...m, scoredId: m.customerId })!;
  // a tier set by hand wins over the computed one (the importance field's rule, as in the warnings' playbook)
  const manual = row.importanceSource === 'manual' && row.importance !== null;
  const playbookTier = manual ? row.importance : (summary.tier ?? row.importance);
  const action = recommendAction({
    tier: playbookTier,
    churnLevel: summary.churnLevel,
    lifecycleStage: summary.lifecycleStage,
    abcClass: known(abcClasses, m.abcClass),
    margin: m.margin,
  });
  return {
    scored: true,
    customerId,
    runId: m.runId,
    asOf: m.asOf,
    computedAt: isoNN(m.computedAt),
    scores: {
      ...summary,
      firstPurchaseOn: m.firstPurchaseOn,
      lastPurchaseOn: m.lastPurchaseOn,
      frequency: m.frequency,
      margin: m.margin,
      averageOrderValue: m.averageOrderValue,
      rfmR: m.rfmR,
      rfmF: m.rfmF,
      rfmM: m.rfmM,
      rfSegment: known(rfSegmentKeys, m.rfSegment),
      valueShare: m.valueShare,
      valueQuadrant: known(valueQuadrants, m.valueQuadrant),
      expectedPurchases: m.expectedPurchases,
      expectedSpend: m.expectedSpend,
      historicalValue: m.historicalValue,
      lifecycleSince: m.lifecycleSince,
      tierScore: m.tierScore,
      attitudeClass: known(attitudeClasses, m.attitudeClass),
    },
    reasons,
    history,
    recommendation: action && playbookTier ? { ...action, tier: playbookTier, tierSource: manual ? 'manual' : 'computed' } : null,
  };
}
