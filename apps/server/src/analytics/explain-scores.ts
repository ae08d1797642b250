// The reasons behind one customer's stored scores, as the analysis card reads them. The refresh
// stores per customer only what its columns and its run's settings and parameters do not already
// say (a million full explanations would be most of the write-back); this puts them back together.
import type { AnalyticsSettings } from '@guanxi/contracts';

type Obj = Record<string, unknown>;

/** The stored columns the explanations are made of (customer_metrics as Drizzle reads it). */
export interface MetricColumns {
  recencyDays: number | null;
  frequency: number;
  monetary: string;
  margin: string;
  rfmR: number | null;
  rfmF: number | null;
  rfmM: number | null;
  abcClass: string | null;
  valueShare: number | null;
  pAlive: number | null;
  expectedPurchases: number | null;
  expectedSpend: number | null;
  clv: string | null;
  tier: string | null;
  tierScore: number | null;
  loyaltyClass: string | null;
  attitudeClass: string | null;
  churnScore: number | null;
  churnLevel: string | null;
}

/** The run that wrote the row: its settings copy and the parameters it recorded (null when the run is gone). */
export interface RunContext {
  settings: AnalyticsSettings | null;
  parameters: Obj | null;
}

const round = (v: number | null, digits = 6): number | null => (v !== null && Number.isFinite(v) ? Number(v.toPrecision(digits)) : null);
const obj = (v: unknown): Obj | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);
const n = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * Full reasons from the stored (compact) ones, the columns and the run. Stored parts win over the
 * derived ones, so reasons stored in full by an older run are shown as they are.
 */
export function explainScores(m: MetricColumns, stored: Obj, run: RunContext): Obj {
  const s = run.settings;
  const medians = obj(run.parameters?.medians);
  const monetary = Number(m.monetary);
  const margin = Number(m.margin);
  const buyer = m.rfmR !== null;
  const clvStored = obj(stored.clv);
  const unitDays = clvStored?.unit === 'week' ? 7 : 1;
  const x = n(clvStored?.x);
  const tx = n(clvStored?.tx);
  const T = n(clvStored?.T);
  const referenceDays = n(run.parameters?.referenceIntervalDays);
  const derived: Obj = {
    rfm: buyer ? { recencyDays: m.recencyDays, frequency: m.frequency, monetary: round(monetary), scores: [m.rfmR, m.rfmF, m.rfmM], method: s?.rfm.method ?? null } : null,
    abc:
      m.abcClass !== null
        ? { value: round(Math.max(0, s?.clv.basis === 'margin' ? margin : monetary)), valueShare: round(m.valueShare, 4), cutoffs: s ? [s.abc.a, s.abc.b] : null, basis: s?.clv.basis ?? null }
        : null,
    valueMatrix: buyer
      ? {
          frequency: m.frequency,
          averageOrderValue: round(m.frequency > 0 ? monetary / m.frequency : 0),
          medianFrequency: round(n(medians?.frequency)),
          medianAverageOrderValue: round(n(medians?.averageOrderValue)),
        }
      : null,
    clv: clvStored
      ? {
          // a full run records the model's name, an incremental one the frozen model it scored with
          model: typeof run.parameters?.model === 'string' ? run.parameters.model : ((obj(run.parameters?.model)?.kind as string | undefined) ?? null),
          pAlive: round(m.pAlive, 4),
          expectedPurchases: round(m.expectedPurchases, 4),
          nextPeriodDays: s?.clv.nextPeriodDays ?? null,
          expectedSpend: round(m.expectedSpend),
          months: s?.clv.months ?? null,
          discountRate: s?.clv.discountRate ?? null,
          basis: s?.clv.basis ?? null,
        }
      : null,
    lifecycle:
      clvStored && x !== null && tx !== null && T !== null
        ? {
            ageDays: round(T * unitDays, 4),
            silenceDays: round((T - tx) * unitDays, 4),
            cycleDays: x > 0 ? round((tx / x) * unitDays, 4) : round(referenceDays, 4),
            ownCycle: x > 0,
            pAlive: round(m.pAlive, 4),
            thresholds: s?.lifecycle ?? null,
          }
        : null,
    tier:
      m.tier !== null
        ? {
            score: round(m.tierScore, 4),
            weights: s?.tier.weights ?? null,
            cutoffs: s?.tier.cutoffs ?? null,
            volume: round(monetary),
            prospects: round(m.clv === null ? 0 : Number(m.clv)),
            profit: round(margin),
            frequency: m.frequency,
            overdueDays: null,
          }
        : null,
    loyalty: m.loyaltyClass !== null ? { pAlive: round(m.pAlive, 4), margin: round(margin), marginMedian: round(n(medians?.margin)) } : null,
    attitude: m.attitudeClass !== null ? { repeatBuyer: m.frequency >= 2 } : null,
    churn: m.churnLevel !== null && obj(stored.churn) ? { score: round(m.churnScore, 4), level: m.churnLevel, levels: s?.churn.levels ?? null } : null,
  };
  const out: Obj = {};
  for (const key of new Set([...Object.keys(derived), ...Object.keys(stored)])) {
    const d = obj(derived[key]);
    const v = stored[key];
    if (v === null) out[key] = null;
    else if (d && obj(v)) out[key] = { ...d, ...obj(v) };
    else out[key] = v ?? d;
  }
  return out;
}
