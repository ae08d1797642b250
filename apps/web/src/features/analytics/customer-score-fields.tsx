// The stored scores as customer fields in the UI: their names, class labels and colours, how a
// value reads, and the filter catalogue — shared by the customer list, its filters and the analysis card.
import { Tag } from 'antd';
import type { TFunction } from 'i18next';
import {
  abcClasses,
  churnLevels,
  customerTiers,
  lifecycleStages,
  loyaltyClasses,
  rfmSegmentKeys,
  type CustomerScoreSummary,
} from '@guanxi/contracts';
import { formatMoney } from '../../shared/format';

export const scoreClassFields = ['rfmSegment', 'abcClass', 'lifecycleStage', 'tier', 'loyaltyClass', 'churnLevel'] as const;
export const scoreNumberFields = ['churnScore', 'clv', 'pAlive', 'monetary', 'recencyDays'] as const;
export type ScoreClassField = (typeof scoreClassFields)[number];
export type ScoreNumberField = (typeof scoreNumberFields)[number];
export type ScoreField = ScoreClassField | ScoreNumberField;
export const scoreFields: readonly ScoreField[] = [...scoreClassFields, ...scoreNumberFields];
export const isScoreField = (k: string): k is ScoreField => (scoreFields as readonly string[]).includes(k);

export const scoreClassValues: Record<ScoreClassField, readonly string[]> = {
  rfmSegment: rfmSegmentKeys,
  abcClass: abcClasses,
  lifecycleStage: lifecycleStages,
  tier: customerTiers,
  loyaltyClass: loyaltyClasses,
  churnLevel: churnLevels,
};

/** The i18n key block of each class field under `analytics.*`. */
const classBlock = {
  rfmSegment: 'rfmSegment',
  abcClass: 'abcClass',
  lifecycleStage: 'lifecycleStage',
  tier: 'tier',
  loyaltyClass: 'loyaltyClass',
  churnLevel: 'churnLevel',
} as const satisfies Record<ScoreClassField, string>;

const metricOf = {
  rfmSegment: 'rfm_segment',
  abcClass: 'abc_class',
  lifecycleStage: 'lifecycle_stage',
  tier: 'tier',
  loyaltyClass: 'loyalty_class',
  churnLevel: 'churn_level',
  churnScore: 'churn_score',
  clv: 'clv',
  pAlive: 'p_alive',
  monetary: 'monetary',
  recencyDays: 'recency_days',
} as const satisfies Record<ScoreField, string>;

/** A score field's name: "RFM 细分", "预测终身价值（CLV）". */
export const scoreFieldLabel = (t: TFunction, field: ScoreField): string => t(`analytics.metric.${metricOf[field]}`);

/** A class key's label in the current language, or the key itself if this version does not know it. */
export function scoreClassLabel(t: TFunction, field: ScoreClassField, value: string): string {
  if (field === 'rfmSegment' && value === 'cant_lose') return t('analytics.rfmSegment.cant_lose');
  if (!scoreClassValues[field].includes(value)) return value;
  return t(`analytics.${classBlock[field]}.${value}` as 'analytics.tier.vip');
}

/** Colours by what the class means for the relationship: green good, orange watch, red act. */
const colours: Record<string, string> = {
  champions: 'green',
  loyal_customers: 'green',
  potential_loyalists: 'cyan',
  new_customers: 'cyan',
  promising: 'cyan',
  need_attention: 'gold',
  about_to_sleep: 'orange',
  at_risk: 'red',
  cant_lose_them: 'volcano',
  cant_lose: 'volcano',
  hibernating: 'default',
  lost: 'default',
  A: 'gold',
  B: 'blue',
  C: 'default',
  acquisition: 'cyan',
  growth: 'green',
  maturity: 'blue',
  decline: 'orange',
  termination: 'red',
  vip: 'gold',
  important: 'blue',
  ordinary: 'default',
  true_friends: 'green',
  butterflies: 'purple',
  barnacles: 'cyan',
  strangers: 'default',
  low: 'green',
  medium: 'orange',
  high: 'red',
};
export const classColour = (value: string): string => colours[value] ?? 'default';

export function ScoreTag({ t, field, value }: { t: TFunction; field: ScoreClassField; value: string | null }) {
  if (value === null) return null;
  return (
    <Tag color={classColour(value)} style={{ marginInlineEnd: 0 }}>
      {scoreClassLabel(t, field, value)}
    </Tag>
  );
}

export const percent = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '' : `${Math.round(v * 100)}%`);

/** A score as a table cell: classes as coloured tags, money regrouped from its decimal string, shares as percentages. */
export function renderScore(t: TFunction, field: ScoreField, s: CustomerScoreSummary | null): React.ReactNode {
  if (!s) return null;
  switch (field) {
    case 'rfmSegment':
    case 'abcClass':
    case 'lifecycleStage':
    case 'tier':
    case 'loyaltyClass':
    case 'churnLevel':
      return <ScoreTag t={t} field={field} value={s[field]} />;
    case 'churnScore':
    case 'pAlive':
      return percent(s[field]);
    case 'clv':
    case 'monetary':
      return formatMoney(s[field]);
    case 'recencyDays':
      return s.recencyDays === null ? '' : t('customerAnalysis.days', { count: s.recencyDays });
  }
}
