// The analysis card of the customer page: each stored score with its meaning in plain words, why it
// has this value (rendered from the reasons the pipeline stored), the class changes over time, and
// the recommended action (win-back stance by tier, urgency by churn risk).
import { useMemo } from 'react';
import { Alert, Card, Empty, Flex, Space, Tag, Timeline, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { lifecycleStages, type CustomerAnalysis, type CustomerMetricChange } from '@guanxi/contracts';
import { api } from '../../api/client';
import { EChart, type EChartOption } from '../../shared/EChart';
import { formatDate, formatDateTime, formatMoney } from '../../shared/format';
import { customersKey } from '../customers/customers.api';
import { classColour, percent, scoreClassLabel, ScoreTag, type ScoreClassField } from './customer-score-fields';

type Scored = Extract<CustomerAnalysis, { scored: true }>;
type Reasons = Record<string, unknown>;

export const useCustomerAnalysis = (customerId: number) =>
  useQuery({ queryKey: [...customersKey, customerId, 'analysis'], queryFn: () => api<CustomerAnalysis>(`/customers/${customerId}/analysis`) });

// The reasons are the pipeline's JSON: read them defensively, a missing part only drops its sentence.
const part = (r: Reasons, key: string): Reasons | null => {
  const v = r[key];
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Reasons) : null;
};
const num = (r: Reasons | null, key: string): number | null => {
  const v = r?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};
const fmt = (v: number | null, digits = 2): string => (v === null ? '—' : v.toLocaleString(undefined, { maximumFractionDigits: digits }));
/** Display only: the reasons hold rounded numbers; stored money stays a decimal string elsewhere. */
const yuan = (v: number | null): string => (v === null ? '—' : formatMoney(v.toFixed(2), ''));

const trackedField: Record<CustomerMetricChange['metric'], ScoreClassField> = {
  rfm_segment: 'rfmSegment',
  abc_class: 'abcClass',
  lifecycle_stage: 'lifecycleStage',
  tier: 'tier',
  loyalty_class: 'loyaltyClass',
  churn_level: 'churnLevel',
};

function rfmWhy(t: TFunction, r: Reasons): string | null {
  const p = part(r, 'rfm');
  if (!p) return null;
  const scores = Array.isArray(p.scores) ? (p.scores as unknown[]) : [];
  return t('customerAnalysis.reason.rfm', {
    recency: fmt(num(p, 'recencyDays'), 0),
    frequency: fmt(num(p, 'frequency'), 0),
    monetary: yuan(num(p, 'monetary')),
    r: String(scores[0] ?? '—'),
    f: String(scores[1] ?? '—'),
    m: String(scores[2] ?? '—'),
    method: p.method === 'quantile' ? t('customerAnalysis.reason.methodQuantile') : t('customerAnalysis.reason.methodNtile'),
  });
}

function abcWhy(t: TFunction, r: Reasons): string | null {
  const p = part(r, 'abc');
  if (!p) return null;
  const cut = Array.isArray(p.cutoffs) ? (p.cutoffs as unknown[]) : [];
  return t('customerAnalysis.reason.abc', {
    share: percent(num(p, 'valueShare')),
    a: percent(typeof cut[0] === 'number' ? cut[0] : null),
    b: percent(typeof cut[1] === 'number' ? cut[1] : null),
  });
}

function valueMatrixWhy(t: TFunction, r: Reasons): string | null {
  const p = part(r, 'valueMatrix');
  if (!p) return null;
  return t('customerAnalysis.reason.valueMatrix', {
    frequency: fmt(num(p, 'frequency'), 0),
    medianFrequency: fmt(num(p, 'medianFrequency'), 1),
    aov: yuan(num(p, 'averageOrderValue')),
    medianAov: yuan(num(p, 'medianAverageOrderValue')),
  });
}

function clvWhy(t: TFunction, r: Reasons): string | null {
  const p = part(r, 'clv');
  if (!p) return null;
  const model = p.model === 'pareto-nbd' ? 'Pareto/NBD' : p.model === 'bgnbd' ? 'BG/NBD' : String(p.model ?? '—');
  return t('customerAnalysis.reason.clv', {
    model,
    pAlive: percent(num(p, 'pAlive')),
    days: fmt(num(p, 'nextPeriodDays'), 0),
    expected: fmt(num(p, 'expectedPurchases'), 2),
    spend: yuan(num(p, 'expectedSpend')),
    months: fmt(num(p, 'months'), 0),
    rate: percent(num(p, 'discountRate')),
  });
}

function lifecycleWhy(t: TFunction, r: Reasons): string | null {
  const p = part(r, 'lifecycle');
  const rule = p?.rule;
  if (!p || typeof rule !== 'string') return null;
  const th = part(p, 'thresholds');
  const silence = num(p, 'silenceDays');
  const cycle = num(p, 'cycleDays');
  const values = {
    pAlive: fmt(num(p, 'pAlive'), 2),
    silence: fmt(silence, 0),
    cycle: fmt(cycle, 0),
    ratio: silence !== null && cycle ? fmt(silence / cycle, 1) : '—',
    limit: fmt(num(th, rule === 'silence_termination' ? 'terminationSilence' : 'declineSilence'), 1),
    age: fmt(num(p, 'ageDays'), 0),
    trend: fmt(num(p, 'trend'), 2),
    purchases: fmt(num(p, 'purchases'), 0),
    min: fmt(num(th, 'matureMinPurchases'), 0),
  };
  const known = ['no_purchase', 'p_alive_termination', 'silence_termination', 'new_customer', 'no_repeat', 'p_alive_decline', 'silence_decline', 'falling_rate', 'few_purchases', 'rising_rate', 'steady'];
  return known.includes(rule) ? t(`customerAnalysis.lifecycleRule.${rule as 'steady'}`, values) : null;
}

function tierWhy(t: TFunction, r: Reasons): string | null {
  const p = part(r, 'tier');
  if (!p) return null;
  const w = part(p, 'weights');
  const c = part(p, 'cutoffs');
  return t('customerAnalysis.reason.tier', {
    score: fmt(num(p, 'score'), 2),
    vip: fmt(num(c, 'vip'), 2),
    important: fmt(num(c, 'important'), 2),
    wVolume: fmt(num(w, 'volume')),
    wProspects: fmt(num(w, 'prospects')),
    wProfit: fmt(num(w, 'profit')),
    wFrequency: fmt(num(w, 'frequency')),
    wCredit: fmt(num(w, 'credit')),
  });
}

function loyaltyWhy(t: TFunction, r: Reasons): string | null {
  const p = part(r, 'loyalty');
  if (!p) return null;
  return t('customerAnalysis.reason.loyalty', { pAlive: fmt(num(p, 'pAlive'), 2), margin: yuan(num(p, 'margin')), median: yuan(num(p, 'marginMedian')) });
}

function attitudeWhy(t: TFunction, r: Reasons): string | null {
  const p = part(r, 'attitude');
  if (!p) return null;
  return t('customerAnalysis.reason.attitude', {
    satisfaction: fmt(num(p, 'satisfaction'), 1),
    repeat: p.repeatBuyer === true ? t('customerAnalysis.reason.repeatYes') : t('customerAnalysis.reason.repeatNo'),
  });
}

const churnSignalKeys = ['silence', 'falling_frequency', 'falling_spend', 'low_p_alive', 'overdue_payments', 'poor_survey', 'open_complaints'];

function ChurnWhy({ t, r }: { t: TFunction; r: Reasons }) {
  const p = part(r, 'churn');
  if (!p) return null;
  const levels = part(p, 'levels');
  const signals = (Array.isArray(p.signals) ? (p.signals as unknown[]) : []).filter((s): s is Reasons => s !== null && typeof s === 'object');
  return (
    <>
      {t('customerAnalysis.reason.churn', { score: fmt(num(p, 'score'), 2), medium: fmt(num(levels, 'medium'), 2), high: fmt(num(levels, 'high'), 2) })}
      {signals.length ? (
        <ul style={{ margin: '4px 0 0', paddingInlineStart: 20 }}>
          {signals.map((s, i) => {
            const key = typeof s.signal === 'string' ? s.signal : '';
            return (
              <li key={`${key}-${i}`}>
                {t('customerAnalysis.reason.signal', {
                  signal: churnSignalKeys.includes(key) ? t(`analytics.churnSignal.${key as 'silence'}`) : key,
                  strength: percent(num(s, 'strength')),
                  contribution: fmt(num(s, 'contribution'), 2),
                })}
              </li>
            );
          })}
        </ul>
      ) : (
        <> {t('customerAnalysis.reason.noSignal')}</>
      )}
    </>
  );
}

/** One score: its name and value, what the value means, and why the customer has it. */
function ScoreRow({ label, value, meaning, why, testId }: { label: string; value: React.ReactNode; meaning?: string | null; why?: React.ReactNode; testId: string }) {
  const { t } = useTranslation();
  return (
    <div className="gx-score-row" data-testid={testId} style={{ padding: '10px 0', borderBottom: '1px solid rgba(5, 5, 5, 0.06)' }}>
      <Flex justify="space-between" align="center" gap={12} wrap>
        <Typography.Text type="secondary">{label}</Typography.Text>
        <span>{value}</span>
      </Flex>
      {meaning ? <Typography.Paragraph style={{ margin: '4px 0 0' }}>{meaning}</Typography.Paragraph> : null}
      {why ? (
        <Typography.Paragraph type="secondary" style={{ margin: '2px 0 0', fontSize: 13 }}>
          <Typography.Text type="secondary" strong style={{ fontSize: 13 }}>
            {t('customerAnalysis.why')}
            {t('common.colon')}
          </Typography.Text>
          {why}
        </Typography.Paragraph>
      ) : null}
    </div>
  );
}

/** Lifecycle stage over time as a step line, from the stage changes (oldest first) up to the last run. */
function lifecycleOption(t: TFunction, a: Scored): EChartOption | null {
  const changes = a.history.filter((h) => h.metric === 'lifecycle_stage').reverse();
  if (!changes.length || !a.scores.lifecycleStage) return null;
  const label = (v: string | null) => (v && (lifecycleStages as readonly string[]).includes(v) ? scoreClassLabel(t, 'lifecycleStage', v) : null);
  const points: Array<[string, string]> = [];
  const first = changes[0]!;
  if (label(first.fromValue)) points.push([first.changedAt, label(first.fromValue)!]);
  for (const c of changes) if (label(c.toValue)) points.push([c.changedAt, label(c.toValue)!]);
  points.push([a.computedAt, label(a.scores.lifecycleStage)!]);
  return {
    grid: { left: 8, right: 16, top: 12, bottom: 4, containLabel: true },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'time', axisLabel: { hideOverlap: true } },
    yAxis: { type: 'category', data: lifecycleStages.map((s) => scoreClassLabel(t, 'lifecycleStage', s)), axisLabel: { fontSize: 11 } },
    series: [{ type: 'line', step: 'end', data: points, symbolSize: 6, lineStyle: { width: 2 } }],
  };
}

function History({ t, a }: { t: TFunction; a: Scored }) {
  const option = useMemo(() => lifecycleOption(t, a), [t, a]);
  if (!a.history.length) return <Typography.Text type="secondary">{t('customerAnalysis.noHistory')}</Typography.Text>;
  return (
    <>
      {option ? (
        <>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('customerAnalysis.lifecycleChart')}
          </Typography.Text>
          <EChart option={option} style={{ height: 150, marginBottom: 12 }} testId="lifecycle-trend" />
        </>
      ) : null}
      <Timeline
        items={a.history.slice(0, 10).map((h, i) => {
          const field = trackedField[h.metric];
          const to = h.toValue ? scoreClassLabel(t, field, h.toValue) : t('audit.empty');
          const metric = t(`analytics.metric.${h.metric}`);
          return {
            key: `${h.runId}-${h.metric}-${i}`,
            color: h.toValue ? classColour(h.toValue) : 'gray',
            content: (
              <>
                <Typography.Text type="secondary" style={{ fontSize: 12, marginInlineEnd: 8 }}>
                  {formatDate(h.changedAt)}
                </Typography.Text>
                {h.fromValue ? t('customerAnalysis.changed', { metric, from: scoreClassLabel(t, field, h.fromValue), to }) : t('customerAnalysis.firstValue', { metric, to })}
              </>
            ),
          };
        })}
      />
    </>
  );
}

const urgencyAlert = { act_now: 'error', watch: 'warning', maintain: 'info' } as const;

export function CustomerAnalysisCard({ customerId }: { customerId: number }) {
  const { t } = useTranslation();
  const q = useCustomerAnalysis(customerId);
  const a = q.data;
  return (
    <Card
      title={t('customerAnalysis.title')}
      style={{ marginTop: 20 }}
      loading={q.isLoading}
      data-testid="analysis-card"
      extra={
        a?.scored ? (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('customerAnalysis.asOf', { asOf: a.asOf, run: a.runId, computed: formatDateTime(a.computedAt) })}
          </Typography.Text>
        ) : null
      }
    >
      {!a ? null : !a.scored ? (
        <Empty
          image={Empty.PRESENTED_IMAGE_SIMPLE}
          data-testid="analysis-empty"
          description={
            <>
              <Typography.Text strong>{t('customerAnalysis.emptyTitle')}</Typography.Text>
              <Typography.Paragraph type="secondary" style={{ margin: '4px auto 0', maxWidth: 420 }}>
                {t('customerAnalysis.emptyText')}
              </Typography.Paragraph>
            </>
          }
        />
      ) : (
        <ScoredBody a={a} />
      )}
    </Card>
  );
}

function ScoredBody({ a }: { a: Scored }) {
  const { t } = useTranslation();
  const s = a.scores;
  const r = a.reasons;
  const rec = a.recommendation;
  const noPurchase = s.frequency === 0 && s.rfmSegment === null;
  return (
    <Flex vertical gap={16}>
      {rec ? (
        <Alert
          type={urgencyAlert[rec.urgency]}
          showIcon
          data-testid="analysis-action"
          title={
            <Space wrap size={6}>
              <Typography.Text strong>{t('customerAnalysis.recommended')}</Typography.Text>
              <Tag color={rec.urgency === 'act_now' ? 'red' : rec.urgency === 'watch' ? 'orange' : 'blue'}>{t(`analytics.urgency.${rec.urgency}`)}</Tag>
              <Typography.Text>
                {t('customerAnalysis.stanceIfLost')}
                {t('common.colon')}
                {t(`analytics.winBack.${rec.stance}`)}
              </Typography.Text>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('customerAnalysis.byTier', { tier: t(`analytics.tier.${rec.tier}`), source: t(rec.tierSource === 'manual' ? 'customerAnalysis.sourceManual' : 'customerAnalysis.sourceComputed') })}
              </Typography.Text>
            </Space>
          }
          description={t(`analytics.winBackAdvice.${rec.stance}`)}
        />
      ) : null}
      {noPurchase ? <Alert type="info" title={t('customerAnalysis.noPurchase')} /> : null}
      <div>
        {s.rfmSegment ? (
          <ScoreRow
            testId="score-rfm"
            label={t('analytics.metric.rfm_segment')}
            value={
              <Space size={6}>
                <ScoreTag t={t} field="rfmSegment" value={s.rfmSegment} />
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>{`R${s.rfmR ?? '—'} F${s.rfmF ?? '—'} M${s.rfmM ?? '—'}`}</Typography.Text>
              </Space>
            }
            meaning={t(`analytics.rfmSegmentHelp.${s.rfmSegment}`)}
            why={rfmWhy(t, r)}
          />
        ) : null}
        {s.abcClass ? <ScoreRow testId="score-abc" label={t('analytics.metric.abc_class')} value={<ScoreTag t={t} field="abcClass" value={s.abcClass} />} meaning={t(`analytics.abcClassHelp.${s.abcClass}`)} why={abcWhy(t, r)} /> : null}
        {s.valueQuadrant ? (
          <ScoreRow
            testId="score-value-quadrant"
            label={t('analytics.metric.value_quadrant')}
            value={<Tag color={classColour(s.valueQuadrant)}>{t(`analytics.valueQuadrant.${s.valueQuadrant}`)}</Tag>}
            meaning={`${t('customerAnalysis.meaning.valueQuadrant')} ${t(`analytics.valueQuadrantHelp.${s.valueQuadrant}`)}`}
            why={valueMatrixWhy(t, r)}
          />
        ) : null}
        {s.clv !== null ? (
          <ScoreRow
            testId="score-clv"
            label={t('analytics.metric.clv')}
            value={
              <Space size={10}>
                <Typography.Text strong>{formatMoney(s.clv)}</Typography.Text>
                {s.pAlive !== null ? (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('analytics.metric.p_alive')} {percent(s.pAlive)}
                  </Typography.Text>
                ) : null}
              </Space>
            }
            meaning={t('customerAnalysis.meaning.clv')}
            why={clvWhy(t, r)}
          />
        ) : null}
        {s.lifecycleStage ? (
          <ScoreRow
            testId="score-lifecycle"
            label={t('analytics.metric.lifecycle_stage')}
            value={
              <Space size={6}>
                <ScoreTag t={t} field="lifecycleStage" value={s.lifecycleStage} />
                {s.lifecycleSince ? (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('analytics.metric.lifecycle_since')} {formatDate(s.lifecycleSince)}
                  </Typography.Text>
                ) : null}
              </Space>
            }
            meaning={t(`analytics.lifecycleStageHelp.${s.lifecycleStage}`)}
            why={lifecycleWhy(t, r)}
          />
        ) : null}
        {s.tier ? <ScoreRow testId="score-tier" label={t('analytics.metric.tier')} value={<ScoreTag t={t} field="tier" value={s.tier} />} meaning={t(`analytics.tierHelp.${s.tier}`)} why={tierWhy(t, r)} /> : null}
        {s.loyaltyClass ? (
          <ScoreRow testId="score-loyalty" label={t('analytics.metric.loyalty_class')} value={<ScoreTag t={t} field="loyaltyClass" value={s.loyaltyClass} />} meaning={t(`analytics.loyaltyClassHelp.${s.loyaltyClass}`)} why={loyaltyWhy(t, r)} />
        ) : null}
        {s.attitudeClass ? (
          <ScoreRow
            testId="score-attitude"
            label={t('analytics.metric.attitude_class')}
            value={<Tag color={s.attitudeClass === 'loyalty' ? 'green' : s.attitudeClass === 'none' ? 'default' : 'gold'}>{t(`analytics.attitudeClass.${s.attitudeClass}`)}</Tag>}
            meaning={t(`analytics.attitudeClassHelp.${s.attitudeClass}`)}
            why={attitudeWhy(t, r)}
          />
        ) : null}
        {s.churnLevel ? (
          <ScoreRow
            testId="score-churn"
            label={t('analytics.metric.churn_level')}
            value={
              <Space size={6}>
                <ScoreTag t={t} field="churnLevel" value={s.churnLevel} />
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {percent(s.churnScore)}
                </Typography.Text>
              </Space>
            }
            meaning={t('customerAnalysis.meaning.churn')}
            why={<ChurnWhy t={t} r={r} />}
          />
        ) : null}
      </div>
      <div>
        <Typography.Title level={5} style={{ marginTop: 0 }}>
          {t('customerAnalysis.trend')}
        </Typography.Title>
        <History t={t} a={a} />
      </div>
    </Flex>
  );
}
