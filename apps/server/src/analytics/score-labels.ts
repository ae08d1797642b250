// The stored scores' names and class labels in both languages, for what the server writes itself
// (exports). The web keeps its own in i18n (analytics.metric.*, analytics.<class>.*): same words.
import type { customerScoreFields } from '@guanxi/contracts';
import { LIFECYCLE_LABELS, TIER_LABELS } from '@guanxi/analytics';

type Label = { zh: string; en: string };
type ScoreField = (typeof customerScoreFields)[number];

export const scoreFieldLabels: Record<ScoreField, Label> = {
  rfmSegment: { zh: 'RFM 细分', en: 'RFM segment' },
  abcClass: { zh: 'ABC 分类', en: 'ABC class' },
  lifecycleStage: { zh: '生命周期阶段', en: 'Lifecycle stage' },
  tier: { zh: '客户分级', en: 'Tier' },
  loyaltyClass: { zh: '行为忠诚（Reinartz & Kumar）', en: 'Behavioural loyalty (Reinartz & Kumar)' },
  churnLevel: { zh: '流失风险', en: 'Churn risk' },
  churnScore: { zh: '流失风险分', en: 'Churn score' },
  clv: { zh: '预测终身价值（CLV）', en: 'Predicted lifetime value (CLV)' },
  pAlive: { zh: '存活概率', en: 'Probability alive' },
  monetary: { zh: '累计消费', en: 'Total spend' },
  recencyDays: { zh: '距上次购买（天）', en: 'Days since last purchase' },
};

const rfmSegments: Record<string, Label> = {
  champions: { zh: '冠军客户', en: 'Champions' },
  loyal_customers: { zh: '忠诚客户', en: 'Loyal customers' },
  potential_loyalists: { zh: '潜力客户', en: 'Potential loyalists' },
  new_customers: { zh: '新客户', en: 'New customers' },
  promising: { zh: '有望客户', en: 'Promising' },
  need_attention: { zh: '需关注', en: 'Need attention' },
  about_to_sleep: { zh: '即将沉睡', en: 'About to sleep' },
  at_risk: { zh: '高危客户', en: 'At risk' },
  cant_lose_them: { zh: '不能失去', en: "Can't lose them" },
  cant_lose: { zh: '不能失去', en: "Can't lose them" },
  hibernating: { zh: '沉睡客户', en: 'Hibernating' },
  lost: { zh: '流失客户', en: 'Lost' },
};

const capitalised = (labels: Readonly<Record<string, Label>>): Record<string, Label> =>
  Object.fromEntries(Object.entries(labels).map(([k, l]) => [k, { zh: l.zh, en: l.en.charAt(0).toUpperCase() + l.en.slice(1) }]));

/** Class labels of the class-valued score fields; a key not listed here is written as it is. */
export const scoreClassLabels: Partial<Record<ScoreField, Record<string, Label>>> = {
  rfmSegment: rfmSegments,
  lifecycleStage: capitalised(LIFECYCLE_LABELS),
  tier: capitalised(TIER_LABELS),
  loyaltyClass: {
    true_friends: { zh: '真正的朋友', en: 'True friends' },
    butterflies: { zh: '蝴蝶', en: 'Butterflies' },
    barnacles: { zh: '藤壶', en: 'Barnacles' },
    strangers: { zh: '陌生人', en: 'Strangers' },
  },
  churnLevel: { low: { zh: '低', en: 'Low' }, medium: { zh: '中', en: 'Medium' }, high: { zh: '高', en: 'High' } },
};
