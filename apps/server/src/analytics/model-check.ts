// The CLV dashboard's model check: the purchase and spend models fitted on the purchases up to
// `nextPeriodDays` before the as-of, their predictions for the rest set against what happened.
// Pure (it runs in the scoring worker beside the scores).
import type { AnalyticsSettings } from '@guanxi/contracts';
import { runAnalysis } from '../analyze/run-analysis.js';
import type { CustomerSummaryColumns } from './customer-summaries.js';
import { FIT_SAMPLE } from './score-population.js';

/**
 * Predicted vs actual repeat purchases and revenue in the last `nextPeriodDays` before the as-of,
 * from models fitted on the purchases before them (the CLV dashboard's model check); its
 * calibration summary comes from the refresh's own aggregate pass (summary.check).
 */
export function modelCheck(settings: AnalyticsSettings, summary: CustomerSummaryColumns, calibrationEnd: string): Record<string, unknown> | null {
  const unitDays = settings.clv.unit === 'week' ? 7 : 1;
  const s = summary.check;
  if (!s) return null;
  const rows: number[] = [];
  for (let i = 0; i < summary.n; i++) if (Number.isFinite(s.x[i]!)) rows.push(i);
  if (rows.length === 0) return null;
  const pick = (a: Float64Array) => Float64Array.from(rows, (i) => a[i]!);
  const horizon = settings.clv.nextPeriodDays / unitDays;
  const a = runAnalysis(
    { ids: rows.map((i) => String(summary.ids[i])), unit: settings.clv.unit, recencyDays: null, frequency: null, monetary: null, x: pick(s.x), tx: pick(s.tx), T: pick(s.T), meanSpend: pick(s.meanSpend), trend: null, spendTrend: null, holdout: pick(s.holdout), holdoutLength: horizon },
    { model: settings.clv.model, clvMonths: settings.clv.months, discount: settings.clv.discountRate, horizon, fitSampleSize: FIT_SAMPLE },
  );
  let predictedRevenue = 0;
  let actualRevenue = 0;
  for (let k = 0; k < rows.length; k++) {
    const e = a.expectedPurchases[k]! * a.expectedSpend[k]!;
    if (Number.isFinite(e)) predictedRevenue += e;
    actualRevenue += s.holdoutRevenue[rows[k]!]!;
  }
  return {
    calibrationEnd,
    holdoutDays: settings.clv.nextPeriodDays,
    unit: settings.clv.unit,
    customers: rows.length,
    fitSample: a.fitSample,
    predictedPurchases: a.holdoutCheck?.predicted ?? null,
    actualPurchases: a.holdoutCheck?.actual ?? null,
    predictedRevenue: a.spendParams ? Number(predictedRevenue.toFixed(2)) : null,
    actualRevenue: Number(actualRevenue.toFixed(2)),
    params: a.purchaseModel?.params ?? null,
  };
}
