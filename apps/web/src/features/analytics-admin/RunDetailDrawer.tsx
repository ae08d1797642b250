// One scoring run in full: who and when, the fitted models with standard errors, log-likelihood and
// convergence, the RFM breakpoints and ABC thresholds it found, the model check (predicted vs
// actual in a held-out period), customers per class, class changes and the error of a failed run.
import type { ReactNode } from 'react';
import { Alert, Card, Descriptions, Drawer, Empty, Flex, Skeleton, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AnalyticsRun } from '@guanxi/contracts';
import { formatDate, formatDateTime } from '../../shared/format';
import { useAnalyticsRun } from './analytics-admin.api';
import { ClassCountTabs } from './ClassCountTabs';
import { metricLabel } from './class-counts';
import { abcThresholdsOf, changesOf, classCountsOf, customersOf, extraCountsOf, fitSampleOf, fitsOf, incrementalOf, modelCheckOf, notesOf, rfmBreakpointsOf, type FitView } from './run-details';
import { RunProgress, RunStatusTag, formatDuration, phaseLabel, phases } from './run-bits';

/** The order the timings are listed in: the run's phases as refresh-analytics.ts goes through them (a full run's order rollups beside the aggregate); the after-write wall time last. */
const timingOrder = ['changes', 'aggregate', 'rollupOrders', 'rollupsBefore', 'score', 'write', 'importance', 'model_check', 'warnings', 'rollups', 'afterWrite'];
const phaseRank = (p: string) => {
  const i = timingOrder.indexOf(p);
  return i < 0 ? timingOrder.length : i;
};
const byPhase = <T,>(entries: Array<[string, T]>) => [...entries].sort((a, b) => phaseRank(a[0]) - phaseRank(b[0]));
const greek: Record<string, string> = { alpha: 'α', beta: 'β', gamma: 'γ' };
const fmt = (v: number | null, digits = 4) => (v === null ? '—' : Number.isInteger(v) ? v.toLocaleString() : v.toLocaleString(undefined, { maximumSignificantDigits: digits + 1 }));
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`);
const money = (v: number | null) => (v === null ? '—' : `¥${v.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`);

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section style={{ marginTop: 24 }}>
      <Typography.Title level={5}>{title}</Typography.Title>
      {children}
    </section>
  );
}

function FitCard({ fit }: { fit: FitView }) {
  const { t } = useTranslation();
  const d = (k: 'logLikelihood' | 'iterations', v: number | null) => (v === null ? [] : [`${t(`analyticsAdmin.detail.${k}`)} ${fmt(v, 6)}`]);
  const converged = fit.converged === null ? [] : [`${t('analyticsAdmin.detail.converged')}: ${fit.converged ? t('analyticsAdmin.detail.yes') : t('analyticsAdmin.detail.no')}`];
  return (
    <Card size="small" title={t(`analyticsAdmin.detail.fit.${fit.key}`)} extra={fit.used ? <Tag color="blue">{t('analyticsAdmin.detail.usedModel')}</Tag> : null} data-testid={`run-fit-${fit.key}`}>
      <Table
        size="small"
        pagination={false}
        rowKey="name"
        dataSource={fit.rows}
        columns={[
          { title: t('analyticsAdmin.detail.parameter'), dataIndex: 'name', render: (n: string) => greek[n] ?? n },
          { title: t('analyticsAdmin.detail.estimate'), dataIndex: 'estimate', align: 'right', render: (v: number) => fmt(v) },
          { title: t('analyticsAdmin.detail.standardError'), dataIndex: 'standardError', align: 'right', render: (v: number | null) => fmt(v) },
        ]}
      />
      {[...d('logLikelihood', fit.logLikelihood), ...converged, ...d('iterations', fit.iterations)].length ? (
        <Typography.Paragraph type={fit.converged === false ? 'warning' : 'secondary'} style={{ margin: '8px 0 0' }}>
          {[...d('logLikelihood', fit.logLikelihood), ...converged, ...d('iterations', fit.iterations)].join(' · ')}
        </Typography.Paragraph>
      ) : null}
    </Card>
  );
}

function ModelsSection({ run }: { run: AnalyticsRun }) {
  const { t } = useTranslation();
  const fits = fitsOf(run);
  const incremental = incrementalOf(run);
  const notes = notesOf(run);
  const sample = fitSampleOf(run);
  return (
    <Section title={t('analyticsAdmin.detail.models')}>
      <Flex vertical gap={12}>
        {incremental ? <Alert type="info" showIcon title={t('analyticsAdmin.detail.frozen', { count: incremental.changedCustomers ?? 0 })} /> : null}
        {sample ? <Alert type="info" showIcon title={t('analyticsAdmin.detail.fitSample', { customers: sample.customers.toLocaleString(), population: sample.population.toLocaleString() })} data-testid="run-fit-sample" /> : null}
        {notes.length ? <Alert type="warning" showIcon title={t('analyticsAdmin.detail.notes')} description={notes.map((n) => (
              <div key={n.text}>{n.code ? t(`analyticsAdmin.note.${n.code}`, { ...n.values, defaultValue: n.text }) : n.text}</div>
            ))} /> : null}
        {fits.length ? fits.map((f) => <FitCard key={f.key} fit={f} />) : <Typography.Text type="secondary">{t('analyticsAdmin.detail.noParameters')}</Typography.Text>}
      </Flex>
    </Section>
  );
}

function BreakpointsSection({ run }: { run: AnalyticsRun }) {
  const { t } = useTranslation();
  const rfm = rfmBreakpointsOf(run);
  const abc = abcThresholdsOf(run);
  if (!rfm && !abc) return null;
  return (
    <>
      {rfm ? (
        <Section title={t('analyticsAdmin.detail.rfmBreakpoints')}>
          <Typography.Paragraph type="secondary">{t('analyticsAdmin.detail.cutsHint', { method: t(`analyticsAdmin.option.rfmMethod.${rfm.method === 'quantile' ? 'quantile' : 'ntile'}`) })}</Typography.Paragraph>
          <Descriptions size="small" column={1} bordered items={rfm.cuts.map((c) => ({ key: c.score, label: t(`analyticsAdmin.detail.rfmScore.${c.score}`), children: c.values.map((v) => fmt(v, 6)).join(' · ') }))} />
        </Section>
      ) : null}
      {abc ? (
        <Section title={t('analyticsAdmin.detail.abcThresholds')}>
          <Descriptions
            size="small"
            column={{ xs: 1, sm: 2 }}
            bordered
            items={[
              { key: 'cutoffs', label: t('analyticsAdmin.detail.abcCutoffs'), children: abc.cutoffs?.map(pct).join(' / ') ?? '—' },
              { key: 'top20', label: t('analyticsAdmin.detail.top20Share'), children: pct(abc.top20Share) },
              { key: 'minA', label: t('analyticsAdmin.detail.minValueA'), children: money(abc.minValueA) },
              { key: 'minB', label: t('analyticsAdmin.detail.minValueB'), children: money(abc.minValueB) },
              { key: 'shares', label: t('analyticsAdmin.detail.abcShares'), span: 2, children: abc.shares ? Object.entries(abc.shares).map(([k, v]) => `${k} ${pct(v)}`).join(' · ') : '—' },
            ]}
          />
        </Section>
      ) : null}
    </>
  );
}

function ModelCheckSection({ run }: { run: AnalyticsRun }) {
  const { t } = useTranslation();
  const c = modelCheckOf(run);
  if (!c) return null;
  const gap = (p: number | null, a: number | null) => (p === null || a === null || a === 0 ? '—' : `${p >= a ? '+' : ''}${(((p - a) / a) * 100).toFixed(1)}%`);
  const rows = [
    { key: 'purchases', label: t('analyticsAdmin.detail.purchases'), predicted: fmt(c.predictedPurchases, 5), actual: fmt(c.actualPurchases, 5), gap: gap(c.predictedPurchases, c.actualPurchases) },
    { key: 'revenue', label: t('analyticsAdmin.detail.revenue'), predicted: money(c.predictedRevenue), actual: money(c.actualRevenue), gap: gap(c.predictedRevenue, c.actualRevenue) },
  ];
  return (
    <Section title={t('analyticsAdmin.detail.modelCheck')}>
      <Typography.Paragraph type="secondary">{t('analyticsAdmin.detail.modelCheckText', { days: c.holdoutDays ?? '—', from: c.calibrationEnd ?? '—', customers: fmt(c.customers) })}</Typography.Paragraph>
      <Table
        size="small"
        pagination={false}
        dataSource={rows}
        columns={[
          { title: '', dataIndex: 'label' },
          { title: t('analyticsAdmin.detail.predicted'), dataIndex: 'predicted', align: 'right' },
          { title: t('analyticsAdmin.detail.actual'), dataIndex: 'actual', align: 'right' },
          { title: t('analyticsAdmin.detail.gap'), dataIndex: 'gap', align: 'right' },
        ]}
      />
    </Section>
  );
}

function Summary({ run }: { run: AnalyticsRun }) {
  const { t } = useTranslation();
  const extra = extraCountsOf(run);
  const changes = changesOf(run);
  return (
    <>
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 2 }}
        bordered
        items={[
          { key: 'status', label: t('analyticsAdmin.col.status'), children: <RunStatusTag status={run.status} /> },
          { key: 'mode', label: t('analyticsAdmin.col.mode'), children: `${t(`analyticsAdmin.mode.${run.mode}`)} · ${t(`analyticsAdmin.trigger.${run.trigger}`)}` },
          { key: 'by', label: t('analyticsAdmin.col.requestedBy'), children: run.requestedByName ?? t('analyticsAdmin.system') },
          { key: 'asOf', label: t('analyticsAdmin.col.asOf'), children: formatDate(run.asOf) },
          { key: 'started', label: t('analyticsAdmin.col.startedAt'), children: formatDateTime(run.startedAt) },
          { key: 'finished', label: t('analyticsAdmin.detail.finishedAt'), children: run.finishedAt ? formatDateTime(run.finishedAt) : '—' },
          { key: 'duration', label: t('analyticsAdmin.col.duration'), children: formatDuration(t, run.durationMs) },
          { key: 'customers', label: t('analyticsAdmin.col.customers'), children: fmt(customersOf(run)) },
          { key: 'scored', label: t('analyticsAdmin.detail.scored'), children: fmt(extra.scored) },
          { key: 'importance', label: t('analyticsAdmin.detail.importanceChanged'), children: fmt(extra.importanceChanged) },
          { key: 'warnings', label: t('analyticsAdmin.detail.warnings'), span: 2, children: extra.warnings ? t('analyticsAdmin.detail.warningsText', { opened: extra.warnings.opened ?? 0, closed: extra.warnings.closed ?? 0 }) : '—' },
          {
            key: 'timings',
            label: t('analyticsAdmin.detail.timings'),
            span: 2,
            children: extra.timingsMs ? byPhase(Object.entries(extra.timingsMs)).map(([phase, ms]) => `${phaseLabel(t, phase)} ${formatDuration(t, ms)}`).join(' · ') : '—',
          },
        ]}
      />
      {run.status === 'running' ? <RunProgress run={run} /> : null}
      {run.error ? <Alert type="error" showIcon title={t('analyticsAdmin.detail.error')} description={run.error} style={{ marginTop: 12 }} data-testid="run-error" /> : null}
      {changes ? (
        <Section title={t('analyticsAdmin.detail.changes')}>
          <Flex gap={8} wrap>
            {Object.entries(changes).map(([m, n]) => (
              <Tag key={m} color={n > 0 ? 'orange' : undefined}>
                {metricLabel(t, m)}: {n.toLocaleString()}
              </Tag>
            ))}
          </Flex>
        </Section>
      ) : null}
    </>
  );
}

export function RunDetailDrawer({ runId, onClose }: { runId: number | null; onClose: () => void }) {
  const { t } = useTranslation();
  const run = useAnalyticsRun(runId);
  const classes = run.data ? classCountsOf(run.data) : null;
  return (
    <Drawer open={runId !== null} onClose={onClose} size={720} title={runId !== null ? t('analyticsAdmin.detailTitle', { id: runId }) : null} destroyOnHidden data-testid="run-drawer">
      {run.isPending ? (
        <Skeleton active />
      ) : !run.data ? (
        <Empty />
      ) : (
        <>
          <Summary run={run.data} />
          {run.data.status === 'succeeded' ? (
            <>
              <ModelsSection run={run.data} />
              <BreakpointsSection run={run.data} />
              <ModelCheckSection run={run.data} />
              {classes ? (
                <Section title={t('analyticsAdmin.detail.counts')}>
                  <ClassCountTabs current={classes} testId="run-class-counts" />
                </Section>
              ) : null}
            </>
          ) : null}
        </>
      )}
    </Drawer>
  );
}
