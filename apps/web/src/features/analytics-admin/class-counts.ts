// Class counts of the stored scores (metric → class key → customers) in display order with their
// labels, for the settings preview and a run's counts: classes in the contract's order, then any
// others, `none` (not scored) last.
import type { TFunction } from 'i18next';
import { abcClasses, attitudeClasses, churnLevels, customerTiers, lifecycleStages, loyaltyClasses, rfmSegmentKeys, trackedMetrics, valueQuadrants } from '@guanxi/contracts';
import type { Messages } from '../../i18n/en';

type ClassGroup = 'rfmSegment' | 'abcClass' | 'valueQuadrant' | 'lifecycleStage' | 'tier' | 'loyaltyClass' | 'attitudeClass' | 'churnLevel';

const metricClasses: Record<string, { group: ClassGroup; order: readonly string[] }> = {
  rfm_segment: { group: 'rfmSegment', order: rfmSegmentKeys },
  abc_class: { group: 'abcClass', order: abcClasses },
  value_quadrant: { group: 'valueQuadrant', order: valueQuadrants },
  lifecycle_stage: { group: 'lifecycleStage', order: lifecycleStages },
  tier: { group: 'tier', order: customerTiers },
  loyalty_class: { group: 'loyaltyClass', order: loyaltyClasses },
  attitude_class: { group: 'attitudeClass', order: attitudeClasses },
  churn_level: { group: 'churnLevel', order: churnLevels },
};

/** Metric keys come as stored (`rfm_segment`) or as a run's counts name them (`rfmSegment`). */
const snake = (metric: string) => metric.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function metricLabel(t: TFunction, metric: string): string {
  const labels: Messages['analytics']['metric'] = t('analytics.metric', { returnObjects: true });
  return (labels as Record<string, string>)[snake(metric)] ?? metric;
}

export function classLabel(t: TFunction, metric: string, key: string): string {
  if (key === 'none') return t('analyticsAdmin.noClass');
  const m = metricClasses[snake(metric)];
  if (!m) return key;
  const labels: Record<string, string> = t(`analytics.${m.group}`, { returnObjects: true });
  return labels[key] ?? key;
}

/** Metrics in a stable order: the tracked ones first. */
export function orderMetrics(metrics: Iterable<string>): string[] {
  const rank = (m: string) => {
    const i = (trackedMetrics as readonly string[]).indexOf(snake(m));
    return i < 0 ? trackedMetrics.length : i;
  };
  return [...new Set(metrics)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function orderClasses(metric: string, keys: Iterable<string>): string[] {
  const order = metricClasses[snake(metric)]?.order ?? [];
  const rank = (k: string) => (k === 'none' ? Number.MAX_SAFE_INTEGER : order.indexOf(k) < 0 ? order.length : order.indexOf(k));
  return [...new Set(keys)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
