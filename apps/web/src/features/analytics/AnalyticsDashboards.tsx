// Customer analytics (客户分析): the dashboards of the analytical CRM — Pareto curve and ABC table,
// RFM heat map and segment movement, value matrix, predicted CLV, lifecycle stages and flows,
// loyalty matrices and cohort retention — over one filter bar. Every chart saves as PNG and CSV;
// an empty chart says which data is missing.
import { useMemo, useRef, useState, type ReactNode } from 'react';
import { Alert, Button, Card, Col, DatePicker, Empty, Flex, Input, Row, Statistic, Table, Tabs, Tooltip, Typography } from 'antd';
import { DownloadOutlined, FileImageOutlined, QuestionCircleOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { Dayjs } from 'dayjs';
import type { ClvDashboard, CohortsDashboard, LifecycleDashboard, LoyaltyDashboard, ParetoDashboard, RfmDashboard, ValueMatrixDashboard } from '@guanxi/contracts';
import { api } from '../../api/client';
import { PageHeader } from '../../shared/PageHeader';
import { EChart, escapeHtml, type EChartInstance, type EChartOption } from '../../shared/EChart';
import { downloadFile, toCsv, type CsvCell } from '../../shared/csv';
import { formatDateTime, formatMoney } from '../../shared/format';
import { UserRefPicker } from '../users/UserRefPicker';
import { DepartmentFilter } from '../departments/DepartmentFilter';

interface Filters {
  from?: string;
  to?: string;
  'filter[ownerId]'?: number;
  'filter[departmentId]'?: number;
  'filter[province]'?: string;
  'filter[city]'?: string;
}

function useDashboard<T>(path: string, filters: Filters) {
  return useQuery({
    queryKey: ['analytics-dashboards', path, filters],
    queryFn: ({ signal }) => api<T>(`/analytics/${path}`, { query: { ...filters }, signal }),
    placeholderData: keepPreviousData,
  });
}

const pct = (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(digits)}%`);
/** Amounts arrive as decimal strings; charts need numbers to draw bars, while labels and CSV keep the strings. */
const plot = (amount: string) => Number(amount);
const COLORS = ['#4096ff', '#36cfc9', '#ffc53d', '#ff7a45', '#9254de', '#73d13d', '#f759ab', '#597ef7'];

type T = TFunction;
const segmentLabel = (t: T, key: string | null) => (key === null ? t('analyticsDashboards.rfm.newlyScored') : t(`analytics.rfmSegment.${key}` as 'analytics.rfmSegment.champions', { defaultValue: key }));
const stageLabel = (t: T, key: string | null) => (key === null ? t('analyticsDashboards.lifecycle.firstScored') : t(`analytics.lifecycleStage.${key}` as 'analytics.lifecycleStage.growth', { defaultValue: key }));

function MissingNotes({ keys }: { keys: string[] }) {
  const { t } = useTranslation();
  if (!keys.length) return null;
  return (
    <Flex vertical gap={8} style={{ marginBottom: 16 }}>
      {keys.map((k) => (
        <Alert key={k} type="info" showIcon message={t(`analyticsDashboards.missing.${k}` as 'analyticsDashboards.missing.metrics', { defaultValue: k })} data-testid={`analytics-missing-${k}`} />
      ))}
    </Flex>
  );
}

interface CardProps {
  title: string;
  file: string;
  testId: string;
  csv: { header: CsvCell[]; rows: CsvCell[][] };
  /** The reason shown instead of the chart when it has nothing to draw. */
  empty: string | null;
  option?: EChartOption;
  height?: number;
  children?: ReactNode;
}

function ChartCard({ title, file, testId, csv, empty, option, height = 320, children }: CardProps) {
  const { t } = useTranslation();
  const chart = useRef<EChartInstance | null>(null);
  return (
    <Card
      title={title}
      data-testid={testId}
      style={{ height: '100%' }}
      extra={
        <Flex gap={4}>
          {option ? (
            <Tooltip title={t('analyticsDashboards.savePng')}>
              <Button size="small" icon={<FileImageOutlined />} disabled={!!empty} aria-label={t('analyticsDashboards.savePng')} data-testid={`${testId}-png`}
                onClick={() => chart.current && downloadFile(`${file}.png`, chart.current.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' }))} />
            </Tooltip>
          ) : null}
          <Tooltip title={t('analyticsDashboards.saveCsv')}>
            <Button size="small" icon={<DownloadOutlined />} disabled={!!empty} aria-label={t('analyticsDashboards.saveCsv')} data-testid={`${testId}-csv`} onClick={() => downloadFile(`${file}.csv`, toCsv(csv.header, csv.rows))} />
          </Tooltip>
        </Flex>
      }
    >
      {empty ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={empty} style={{ minHeight: Math.min(height, 220) - 40, display: 'flex', flexDirection: 'column', justifyContent: 'center' }} />
      ) : (
        <>
          {option ? <EChart option={option} style={{ height }} onReady={(c) => (chart.current = c)} /> : null}
          {children}
        </>
      )}
    </Card>
  );
}

/** The reason a chart is empty: the dashboard's first missing data, or plain "no data". */
const emptyReason = (t: T, missing: string[], hasData: boolean) =>
  hasData ? null : t(`analyticsDashboards.missing.${missing[0] ?? 'orders'}` as 'analyticsDashboards.missing.metrics', { defaultValue: t('common.empty') });

function Basis({ runId, asOf }: { runId: number | null; asOf: string | null }) {
  const { t } = useTranslation();
  return (
    <Typography.Text type="secondary" data-testid="analytics-basis">
      {runId === null ? t('analyticsDashboards.noBasis') : t('analyticsDashboards.basis', { asOf: asOf ?? '—', runId })}
    </Typography.Text>
  );
}

/** A 2 × 2 matrix as a heat map: `cells` maps each class to its (x, y) corner. */
function matrixOption(t: T, opts: { x: string; y: string; xLabels: [string, string]; yLabels: [string, string]; cells: Array<{ x: number; y: number; name: string; customers: number; value: string }> }): EChartOption {
  const max = Math.max(1, ...opts.cells.map((c) => c.customers));
  return {
    tooltip: {
      formatter: (p: unknown) => {
        const c = opts.cells[(p as { dataIndex: number }).dataIndex];
        return c ? `<b>${escapeHtml(c.name)}</b><br/>${escapeHtml(t('analyticsDashboards.unit.customers'))}: ${c.customers}<br/>${escapeHtml(t('analyticsDashboards.pareto.value'))}: ${escapeHtml(formatMoney(c.value))}` : '';
      },
    },
    grid: { left: 8, right: 16, top: 36, bottom: 40, containLabel: true },
    xAxis: { type: 'category', data: opts.xLabels, name: opts.x, nameLocation: 'middle', nameGap: 28, splitArea: { show: true } },
    // The name above the axis: beside it, a fixed gap put it off the canvas when the labels are short (高/低).
    yAxis: { type: 'category', data: opts.yLabels, name: opts.y, nameTextStyle: { align: 'left' }, splitArea: { show: true } },
    visualMap: { min: 0, max, show: false, inRange: { color: ['#e6f4ff', '#1677ff'] } },
    series: [
      {
        type: 'heatmap',
        data: opts.cells.map((c) => [c.x, c.y, c.customers]),
        label: { show: true, formatter: (p: unknown) => { const c = opts.cells[(p as { dataIndex: number }).dataIndex]; return c ? `${c.name}\n${c.customers}` : ''; }, fontSize: 13 },
      },
    ],
  };
}

function ParetoTab({ filters }: { filters: Filters }) {
  const { t } = useTranslation();
  const q = useDashboard<ParetoDashboard>('pareto', filters);
  const d = q.data;
  const view = useMemo(() => {
    if (!d) return null;
    const curve: EChartOption = {
      tooltip: { trigger: 'axis', formatter: (p: unknown) => { const x = (p as Array<{ data: [number, number] }>)[0]?.data; return x ? `${escapeHtml(t('analyticsDashboards.pareto.x'))}: ${x[0].toFixed(1)}%<br/>${escapeHtml(t('analyticsDashboards.pareto.y'))}: ${x[1].toFixed(1)}%` : ''; } },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 36, bottom: 36, containLabel: true },
      xAxis: { type: 'value', min: 0, max: 100, name: t('analyticsDashboards.pareto.x'), nameLocation: 'middle', nameGap: 28, axisLabel: { formatter: '{value}%' } },
      yAxis: { type: 'value', min: 0, max: 100, name: t('analyticsDashboards.pareto.y'), nameTextStyle: { align: 'left' }, axisLabel: { formatter: '{value}%' } },
      series: [
        {
          name: t('analyticsDashboards.pareto.curve'),
          type: 'line',
          showSymbol: d.curve.length < 30,
          areaStyle: { opacity: 0.1 },
          data: d.curve.map((p) => [p.customerShare * 100, p.valueShare * 100]),
          markLine: d.top20Share === null ? undefined : { symbol: 'none', lineStyle: { type: 'dashed', color: '#fa8c16' }, label: { formatter: `20% → ${pct(d.top20Share)}` }, data: [{ xAxis: 20 }] },
        },
        { name: t('analyticsDashboards.pareto.equality'), type: 'line', showSymbol: false, lineStyle: { type: 'dotted', color: '#bfbfbf' }, data: [[0, 0], [100, 100]] },
      ],
    };
    const classes = d.abc.map((c) => t(`analytics.abcClass.${c.key}`));
    const abc: EChartOption = {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: unknown) => `${Number(v).toFixed(1)}%` },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: classes },
      yAxis: { type: 'value', max: 100, name: t('analyticsDashboards.unit.share'), axisLabel: { formatter: '{value}%' } },
      series: [
        { name: t('analyticsDashboards.pareto.customerShare'), type: 'bar', barMaxWidth: 32, data: d.abc.map((c) => Math.round((c.customerShare ?? 0) * 1000) / 10), itemStyle: { color: '#4096ff' } },
        { name: t('analyticsDashboards.pareto.valueShare'), type: 'bar', barMaxWidth: 32, data: d.abc.map((c) => Math.round((c.valueShare ?? 0) * 1000) / 10), itemStyle: { color: '#ffc53d' } },
      ],
    };
    return { curve, abc, classes };
  }, [d, t]);
  if (!d || !view) return <Card loading />;
  const has = d.customers > 0;
  return (
    <>
      <MissingNotes keys={d.missing} />
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={24} md={8}>
          <Card size="small">
            <Statistic
              title={<Flex gap={4} align="center">{t('analyticsDashboards.pareto.top20')}<Tooltip title={t('analyticsDashboards.pareto.top20Help')}><QuestionCircleOutlined style={{ color: 'rgba(0,0,0,0.35)' }} /></Tooltip></Flex>}
              value={pct(d.top20Share)}
              data-testid="pareto-top20"
            />
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card size="small"><Statistic title={t('analyticsDashboards.pareto.totalValue')} value={formatMoney(d.totalValue)} /></Card>
        </Col>
        <Col xs={24} md={8}>
          <Card size="small">
            <Statistic title={t('analyticsDashboards.pareto.customers')} value={d.customers} />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('analyticsDashboards.pareto.withoutValue', { count: d.customersWithoutValue })}</Typography.Text>
          </Card>
        </Col>
      </Row>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <ChartCard title={t('analyticsDashboards.pareto.curve')} file="pareto-curve" testId="chart-pareto" option={view.curve} empty={emptyReason(t, d.missing, has)}
            csv={{ header: [t('analyticsDashboards.pareto.x'), t('analyticsDashboards.pareto.y')], rows: d.curve.map((p) => [p.customerShare, p.valueShare]) }} />
        </Col>
        <Col xs={24} xl={10}>
          <ChartCard title={t('analyticsDashboards.pareto.abc')} file="abc-classes" testId="chart-abc" option={view.abc} height={200} empty={emptyReason(t, d.missing, has)}
            csv={{ header: [t('analyticsDashboards.pareto.class'), t('analyticsDashboards.unit.customers'), t('analyticsDashboards.pareto.value'), t('analyticsDashboards.pareto.customerShare'), t('analyticsDashboards.pareto.valueShare')], rows: d.abc.map((c, i) => [view.classes[i], c.customers, c.value, c.customerShare, c.valueShare]) }}>
            <Table size="small" pagination={false} rowKey="key" dataSource={d.abc} style={{ marginTop: 8 }}
              columns={[
                { title: t('analyticsDashboards.pareto.class'), dataIndex: 'key', render: (k: 'A' | 'B' | 'C') => <Tooltip title={t(`analytics.abcClassHelp.${k}`)}>{t(`analytics.abcClass.${k}`)}</Tooltip> },
                { title: t('analyticsDashboards.unit.customers'), dataIndex: 'customers', align: 'right' },
                { title: t('analyticsDashboards.pareto.value'), dataIndex: 'value', align: 'right', render: (v: string) => formatMoney(v) },
                { title: t('analyticsDashboards.pareto.customerShare'), dataIndex: 'customerShare', align: 'right', render: (v: number | null) => pct(v) },
                { title: t('analyticsDashboards.pareto.valueShare'), dataIndex: 'valueShare', align: 'right', render: (v: number | null) => pct(v) },
              ]} />
          </ChartCard>
        </Col>
      </Row>
    </>
  );
}

function RfmTab({ filters }: { filters: Filters }) {
  const { t } = useTranslation();
  const d = useDashboard<RfmDashboard>('rfm', filters).data;
  const view = useMemo(() => {
    if (!d) return null;
    const max = Math.max(1, ...d.cells.map((c) => c.customers));
    const heat: EChartOption = {
      tooltip: {
        formatter: (p: unknown) => {
          const c = d.cells[(p as { dataIndex: number }).dataIndex];
          return c ? `R ${c.r} · F ${c.f}<br/>${escapeHtml(t('analyticsDashboards.unit.customers'))}: ${c.customers}<br/>${escapeHtml(t('analyticsDashboards.rfm.value'))}: ${escapeHtml(formatMoney(c.value))}` : '';
        },
      },
      grid: { left: 8, right: 16, top: 36, bottom: 40, containLabel: true },
      xAxis: { type: 'category', data: ['1', '2', '3', '4', '5'], name: t('analyticsDashboards.rfm.f'), nameLocation: 'middle', nameGap: 28, splitArea: { show: true } },
      yAxis: { type: 'category', data: ['1', '2', '3', '4', '5'], name: t('analyticsDashboards.rfm.r'), nameTextStyle: { align: 'left' }, splitArea: { show: true } },
      visualMap: { min: 0, max, calculable: false, orient: 'horizontal', left: 'center', bottom: -4, show: false, inRange: { color: ['#f0f5ff', '#2f54eb'] } },
      series: [{ type: 'heatmap', data: d.cells.map((c) => [c.f - 1, c.r - 1, c.customers]), label: { show: true } }],
    };
    const names = d.segments.map((s) => segmentLabel(t, s.segment));
    const segments: EChartOption = {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', inverse: true, data: names, axisLabel: { width: 110, overflow: 'truncate' } },
      series: [
        { name: t('analyticsDashboards.unit.customers'), type: 'bar', barMaxWidth: 18, data: d.segments.map((s) => s.customers), itemStyle: { color: '#4096ff' } },
        { name: t('analyticsDashboards.rfm.movedIn'), type: 'bar', barMaxWidth: 10, data: d.segments.map((s) => s.movedIn), itemStyle: { color: '#73d13d' } },
        { name: t('analyticsDashboards.rfm.movedOut'), type: 'bar', barMaxWidth: 10, data: d.segments.map((s) => s.movedOut), itemStyle: { color: '#ff7a45' } },
      ],
    };
    return { heat, segments, names };
  }, [d, t]);
  if (!d || !view) return <Card loading />;
  return (
    <>
      <MissingNotes keys={d.missing} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <ChartCard title={t('analyticsDashboards.rfm.heatmap')} file="rfm-heatmap" testId="chart-rfm" option={view.heat} height={360} empty={emptyReason(t, d.missing, d.cells.length > 0)}
            csv={{ header: ['R', 'F', t('analyticsDashboards.unit.customers'), t('analyticsDashboards.rfm.value')], rows: d.cells.map((c) => [c.r, c.f, c.customers, c.value]) }} />
        </Col>
        <Col xs={24} xl={12}>
          <ChartCard title={t('analyticsDashboards.rfm.segments')} file="rfm-segments" testId="chart-segments" option={view.segments} height={360} empty={emptyReason(t, d.missing, d.segments.length > 0)}
            csv={{ header: [t('analyticsDashboards.rfm.segment'), t('analyticsDashboards.unit.customers'), t('analyticsDashboards.rfm.value'), t('analyticsDashboards.rfm.movedIn'), t('analyticsDashboards.rfm.movedOut')], rows: d.segments.map((s, i) => [view.names[i], s.customers, s.value, s.movedIn, s.movedOut]) }} />
        </Col>
      </Row>
    </>
  );
}

function ValueMatrixTab({ filters }: { filters: Filters }) {
  const { t } = useTranslation();
  const d = useDashboard<ValueMatrixDashboard>('value-matrix', filters).data;
  const view = useMemo(() => {
    if (!d) return null;
    // x: frequency (0 below, 1 above the median); y: average order value.
    const corner = { best: [1, 1], frequent: [1, 0], spender: [0, 1], uncertain: [0, 0] } as const;
    const cells = d.quadrants.map((q) => ({ x: corner[q.key][0], y: corner[q.key][1], name: t(`analytics.valueQuadrant.${q.key}`), customers: q.customers, value: q.value }));
    const m = t('analyticsDashboards.matrix.low');
    const h = t('analyticsDashboards.matrix.high');
    return matrixOption(t, { x: t('analyticsDashboards.matrix.frequency'), y: t('analyticsDashboards.matrix.aov'), xLabels: [m, h], yLabels: [m, h], cells });
  }, [d, t]);
  if (!d || !view) return <Card loading />;
  const has = d.quadrants.some((q) => q.customers > 0);
  return (
    <>
      <MissingNotes keys={d.missing} />
      <ChartCard title={t('analyticsDashboards.matrix.title')} file="value-matrix" testId="chart-value-matrix" option={view} height={380} empty={emptyReason(t, d.missing, has)}
        csv={{ header: [t('analyticsDashboards.rfm.segment'), t('analyticsDashboards.unit.customers'), t('analyticsDashboards.pareto.value'), t('analyticsDashboards.pareto.customerShare'), t('analyticsDashboards.pareto.valueShare')], rows: d.quadrants.map((q) => [t(`analytics.valueQuadrant.${q.key}`), q.customers, q.value, q.customerShare, q.valueShare]) }}>
        <Row gutter={[8, 8]} style={{ marginTop: 8 }}>
          {d.quadrants.map((q) => (
            <Col xs={12} md={6} key={q.key}>
              <Typography.Text strong style={{ fontSize: 12 }}>{t(`analytics.valueQuadrant.${q.key}`)}{t('common.colon')}</Typography.Text>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t(`analytics.valueQuadrantHelp.${q.key}`)}</Typography.Text>
            </Col>
          ))}
        </Row>
      </ChartCard>
    </>
  );
}

function ClvTab({ filters }: { filters: Filters }) {
  const { t } = useTranslation();
  const d = useDashboard<ClvDashboard>('clv', filters).data;
  const view = useMemo(() => {
    if (!d) return null;
    const bandNames = d.histogram.map((h) => `${formatMoney(h.from).replace(/\.00$/, '')}–${formatMoney(h.to).replace(/\.00$/, '')}`);
    const histogram: EChartOption = {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 8, right: 16, top: 32, bottom: 40, containLabel: true },
      xAxis: { type: 'category', data: bandNames, name: t('analyticsDashboards.clv.band'), nameLocation: 'middle', nameGap: 72, axisLabel: { rotate: 30, fontSize: 10 } },
      yAxis: { type: 'value', minInterval: 1, name: t('analyticsDashboards.unit.customers') },
      series: [{ name: t('analyticsDashboards.unit.customers'), type: 'bar', barCategoryGap: '8%', data: d.histogram.map((h) => h.customers), itemStyle: { color: '#9254de' } }],
    };
    const bar = (names: string[], values: string[], color: string, name: string): EChartOption => ({
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: unknown) => formatMoney(String(v)) },
      grid: { left: 8, right: 24, top: 24, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: names, axisLabel: { interval: 0, rotate: names.length > 6 ? 30 : 0, fontSize: 11 } },
      yAxis: { type: 'value', name },
      series: [{ name, type: 'bar', barMaxWidth: 28, data: values.map(plot), itemStyle: { color } }],
    });
    const segNames = d.bySegment.map((s) => segmentLabel(t, s.segment));
    const mc = d.modelCheck;
    const check: EChartOption | undefined = mc
      ? {
          tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
          legend: { top: 0 },
          grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
          xAxis: { type: 'category', data: [t('analyticsDashboards.clv.purchases'), t('analyticsDashboards.clv.revenue')] },
          yAxis: [{ type: 'value', name: t('analyticsDashboards.clv.purchases') }, { type: 'value', name: t('analyticsDashboards.clv.revenue') }],
          series: [
            // Purchases and revenue have their own axes: one pair of bars per axis, named alike so the legend shows two entries.
            { name: t('analyticsDashboards.clv.predicted'), type: 'bar', barMaxWidth: 36, data: [mc.expectedPurchases, null], itemStyle: { color: '#bfbfbf' } },
            { name: t('analyticsDashboards.clv.actual'), type: 'bar', barMaxWidth: 36, data: [mc.actualPurchases, null], itemStyle: { color: '#1677ff' } },
            { name: t('analyticsDashboards.clv.predicted'), type: 'bar', barMaxWidth: 36, yAxisIndex: 1, data: [null, mc.expectedRevenue], itemStyle: { color: '#bfbfbf' } },
            { name: t('analyticsDashboards.clv.actual'), type: 'bar', barMaxWidth: 36, yAxisIndex: 1, data: [null, mc.actualRevenue], itemStyle: { color: '#1677ff' } },
          ],
        }
      : undefined;
    return {
      histogram,
      bandNames,
      segNames,
      bySegment: bar(segNames, d.bySegment.map((s) => s.averageClv), '#36cfc9', t('analyticsDashboards.clv.average')),
      byCohort: bar(d.byCohort.map((c) => c.cohort), d.byCohort.map((c) => c.averageClv), '#597ef7', t('analyticsDashboards.clv.average')),
      check,
    };
  }, [d, t]);
  if (!d || !view) return <Card loading />;
  const has = d.customers > 0;
  const empty = emptyReason(t, d.missing, has);
  return (
    <>
      <MissingNotes keys={d.missing} />
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={24} md={12}><Card size="small"><Statistic title={t('analyticsDashboards.clv.total')} value={formatMoney(d.totalClv)} /></Card></Col>
        <Col xs={24} md={12}>
          <Card size="small"><Statistic title={t('analyticsDashboards.clv.expectedNext')} value={t('analyticsDashboards.clv.expectedNextValue', { purchases: d.expectedNext.purchases.toFixed(1), revenue: formatMoney(d.expectedNext.revenue) })} /></Card>
        </Col>
      </Row>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <ChartCard title={t('analyticsDashboards.clv.histogram')} file="clv-distribution" testId="chart-clv-histogram" option={view.histogram} empty={empty}
            csv={{ header: [t('analyticsDashboards.clv.band'), t('analyticsDashboards.unit.customers')], rows: d.histogram.map((h, i) => [view.bandNames[i], h.customers]) }} />
        </Col>
        <Col xs={24} xl={12}>
          <ChartCard title={t('analyticsDashboards.clv.top')} file="clv-top" testId="table-clv-top" empty={empty}
            csv={{ header: [t('analyticsDashboards.clv.customer'), t('analyticsDashboards.clv.owner'), t('analyticsDashboards.clv.band'), t('analyticsDashboards.clv.pAlive'), t('analyticsDashboards.rfm.segment')], rows: d.top.map((c) => [c.name, c.ownerName, c.clv, c.pAlive, segmentLabel(t, c.rfmSegment)]) }}>
            <Table size="small" pagination={false} rowKey="customerId" dataSource={d.top}
              columns={[
                { title: t('analyticsDashboards.clv.customer'), dataIndex: 'name', render: (n: string, c) => <a href={`/customers/${c.customerId}`}>{n}</a> },
                { title: t('analyticsDashboards.clv.owner'), dataIndex: 'ownerName', render: (v: string | null) => v ?? '—' },
                { title: t('analyticsDashboards.clv.band'), dataIndex: 'clv', align: 'right', render: (v: string) => formatMoney(v) },
                { title: t('analyticsDashboards.clv.pAlive'), dataIndex: 'pAlive', align: 'right', render: (v: number | null) => pct(v, 0) },
                { title: t('analyticsDashboards.rfm.segment'), dataIndex: 'rfmSegment', render: (v: string | null) => (v ? segmentLabel(t, v) : '—') },
              ]} />
          </ChartCard>
        </Col>
        <Col xs={24} xl={12}>
          <ChartCard title={t('analyticsDashboards.clv.bySegment')} file="clv-by-segment" testId="chart-clv-segment" option={view.bySegment} empty={emptyReason(t, d.missing, d.bySegment.length > 0)}
            csv={{ header: [t('analyticsDashboards.rfm.segment'), t('analyticsDashboards.unit.customers'), t('analyticsDashboards.clv.sum'), t('analyticsDashboards.clv.average')], rows: d.bySegment.map((s, i) => [view.segNames[i], s.customers, s.clv, s.averageClv]) }} />
        </Col>
        <Col xs={24} xl={12}>
          <ChartCard title={t('analyticsDashboards.clv.byCohort')} file="clv-by-cohort" testId="chart-clv-cohort" option={view.byCohort} empty={emptyReason(t, d.missing, d.byCohort.length > 0)}
            csv={{ header: [t('analyticsDashboards.cohorts.cohort'), t('analyticsDashboards.unit.customers'), t('analyticsDashboards.clv.sum'), t('analyticsDashboards.clv.average')], rows: d.byCohort.map((c) => [c.cohort, c.customers, c.clv, c.averageClv]) }} />
        </Col>
        <Col xs={24}>
          <ChartCard title={t('analyticsDashboards.clv.modelCheck')} file="clv-model-check" testId="chart-clv-check" option={view.check} height={260}
            empty={d.modelCheck ? null : t(`analyticsDashboards.missing.${d.missing.find((m) => m.startsWith('model_check')) ?? 'model_check'}` as 'analyticsDashboards.missing.model_check')}
            csv={{ header: ['', t('analyticsDashboards.clv.predicted'), t('analyticsDashboards.clv.actual')], rows: d.modelCheck ? [[t('analyticsDashboards.clv.purchases'), d.modelCheck.expectedPurchases, d.modelCheck.actualPurchases], [t('analyticsDashboards.clv.revenue'), d.modelCheck.expectedRevenue, d.modelCheck.actualRevenue]] : [] }} />
        </Col>
      </Row>
    </>
  );
}

function LifecycleTab({ filters }: { filters: Filters }) {
  const { t } = useTranslation();
  const d = useDashboard<LifecycleDashboard>('lifecycle', filters).data;
  const view = useMemo(() => {
    if (!d) return null;
    const names = d.stages.map((s) => stageLabel(t, s.stage));
    const stages: EChartOption = {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0 },
      // top 56: the axis names sit below the legend; every stage named (auto interval dropped every other one), wrapped when long
      grid: { left: 8, right: 16, top: 56, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: names, axisLabel: { interval: 0, width: 72, overflow: 'break' } },
      yAxis: [{ type: 'value', minInterval: 1, name: t('analyticsDashboards.unit.customers') }, { type: 'value', name: t('analyticsDashboards.unit.days'), splitLine: { show: false } }],
      series: [
        { name: t('analyticsDashboards.unit.customers'), type: 'bar', barMaxWidth: 36, data: d.stages.map((s) => s.customers), itemStyle: { color: '#4096ff' } },
        { name: t('analyticsDashboards.lifecycle.averageDays'), type: 'line', yAxisIndex: 1, data: d.stages.map((s) => s.averageDaysInStage), itemStyle: { color: '#fa8c16' } },
      ],
    };
    // Sources and targets are separate nodes: a stage can lose customers to one it also gains from, which a Sankey (a DAG) cannot draw as one node.
    const src = (k: string | null) => `${t('analyticsDashboards.lifecycle.before')} ${stageLabel(t, k)}`;
    const dst = (k: string | null) => `${t('analyticsDashboards.lifecycle.after')} ${stageLabel(t, k)} `;
    const links = d.flows.filter((f) => f.to !== null).map((f) => ({ source: src(f.from), target: dst(f.to), value: f.customers }));
    const nodes = [...new Set(links.flatMap((l) => [l.source, l.target]))].map((name, i) => ({ name, itemStyle: { color: COLORS[i % COLORS.length] } }));
    const sankey: EChartOption = {
      tooltip: { trigger: 'item', formatter: (p: unknown) => { const x = p as { dataType: string; data: { source?: string; target?: string; value?: number; name?: string }; value: number }; return x.dataType === 'edge' ? `${escapeHtml(x.data.source ?? '')} → ${escapeHtml(x.data.target ?? '')}: ${x.data.value ?? 0}` : `${escapeHtml(x.data.name ?? '')}: ${x.value}`; } },
      series: [{ type: 'sankey', left: 8, right: 120, top: 8, bottom: 8, nodeAlign: 'justify', emphasis: { focus: 'adjacency' }, lineStyle: { color: 'gradient', curveness: 0.5, opacity: 0.35 }, data: nodes, links }],
    };
    return { stages, sankey, names };
  }, [d, t]);
  if (!d || !view) return <Card loading />;
  return (
    <>
      <MissingNotes keys={d.missing} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={10}>
          <ChartCard title={t('analyticsDashboards.lifecycle.stages')} file="lifecycle-stages" testId="chart-lifecycle" option={view.stages} height={360} empty={emptyReason(t, d.missing, d.stages.some((s) => s.customers > 0))}
            csv={{ header: [t('analyticsDashboards.lifecycle.to'), t('analyticsDashboards.unit.customers'), t('analyticsDashboards.pareto.value'), t('analyticsDashboards.lifecycle.averageDays')], rows: d.stages.map((s, i) => [view.names[i], s.customers, s.value, s.averageDaysInStage]) }} />
        </Col>
        <Col xs={24} xl={14}>
          <ChartCard title={d.from || d.to ? t('analyticsDashboards.lifecycle.flowsPeriod', { from: d.from ?? '…', to: d.to ?? '…' }) : t('analyticsDashboards.lifecycle.flows')} file="lifecycle-flows" testId="chart-lifecycle-flows" option={view.sankey} height={360}
            empty={d.flows.length ? null : t(`analyticsDashboards.missing.${d.missing.includes('metrics') ? 'metrics' : 'history'}` as 'analyticsDashboards.missing.history')}
            csv={{ header: [t('analyticsDashboards.lifecycle.from'), t('analyticsDashboards.lifecycle.to'), t('analyticsDashboards.unit.customers')], rows: d.flows.map((f) => [stageLabel(t, f.from), stageLabel(t, f.to), f.customers]) }} />
        </Col>
      </Row>
    </>
  );
}

function LoyaltyTab({ filters }: { filters: Filters }) {
  const { t } = useTranslation();
  const d = useDashboard<LoyaltyDashboard>('loyalty', filters).data;
  const view = useMemo(() => {
    if (!d) return null;
    const rkCorner = { true_friends: [1, 1], butterflies: [0, 1], barnacles: [1, 0], strangers: [0, 0] } as const;
    const dbCorner = { loyalty: [1, 1], latent: [0, 1], spurious: [1, 0], none: [0, 0] } as const;
    const lo = t('analyticsDashboards.loyalty.low');
    const hi = t('analyticsDashboards.loyalty.high');
    return {
      rk: matrixOption(t, {
        x: t('analyticsDashboards.loyalty.loyaltyAxis'),
        y: t('analyticsDashboards.loyalty.profitAxis'),
        xLabels: [t('analyticsDashboards.loyalty.short'), t('analyticsDashboards.loyalty.long')],
        yLabels: [lo, hi],
        cells: d.reinartzKumar.map((c) => ({ x: rkCorner[c.key][0], y: rkCorner[c.key][1], name: t(`analytics.loyaltyClass.${c.key}`), customers: c.customers, value: c.value })),
      }),
      db: matrixOption(t, {
        x: t('analyticsDashboards.loyalty.repeatAxis'),
        y: t('analyticsDashboards.loyalty.attitudeAxis'),
        xLabels: [lo, hi],
        yLabels: [lo, hi],
        cells: d.dickBasu.map((c) => ({ x: dbCorner[c.key][0], y: dbCorner[c.key][1], name: t(`analytics.attitudeClass.${c.key}`), customers: c.customers, value: c.value })),
      }),
    };
  }, [d, t]);
  if (!d || !view) return <Card loading />;
  const reason = (key: string) => (d.missing.includes('metrics') ? t('analyticsDashboards.missing.metrics') : t(`analyticsDashboards.missing.${key}` as 'analyticsDashboards.missing.metrics'));
  const csvOf = (rows: LoyaltyDashboard['reinartzKumar'] | LoyaltyDashboard['dickBasu'], label: (k: string) => string) => ({
    header: [t('analyticsDashboards.pareto.class'), t('analyticsDashboards.unit.customers'), t('analyticsDashboards.pareto.value'), t('analyticsDashboards.pareto.customerShare')],
    rows: rows.map((r) => [label(r.key), r.customers, r.value, r.customerShare]),
  });
  const dbMissing = d.missing.find((m) => m === 'satisfaction_surveys' || m === 'attitude_scores') ?? 'satisfaction_surveys';
  return (
    <>
      <MissingNotes keys={d.missing} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <ChartCard title={t('analyticsDashboards.loyalty.rk')} file="loyalty-reinartz-kumar" testId="chart-loyalty-rk" option={view.rk} height={340} empty={d.reinartzKumar.length ? null : reason('loyalty_scores')}
            csv={csvOf(d.reinartzKumar, (k) => t(`analytics.loyaltyClass.${k}` as 'analytics.loyaltyClass.butterflies'))} />
        </Col>
        <Col xs={24} xl={12}>
          <ChartCard title={t('analyticsDashboards.loyalty.db')} file="loyalty-dick-basu" testId="chart-loyalty-db" option={view.db} height={340} empty={d.dickBasu.length ? null : reason(dbMissing)}
            csv={csvOf(d.dickBasu, (k) => t(`analytics.attitudeClass.${k}` as 'analytics.attitudeClass.none'))} />
        </Col>
      </Row>
    </>
  );
}

function CohortsTab({ filters }: { filters: Filters }) {
  const { t } = useTranslation();
  const d = useDashboard<CohortsDashboard>('cohorts', filters).data;
  const view = useMemo(() => {
    if (!d) return null;
    const months = Math.max(1, ...d.cohorts.flatMap((c) => c.retention.map((r) => r.month + 1)));
    const laterMax = Math.max(10, ...d.cohorts.flatMap((c) => c.retention.filter((r) => r.month > 0).map((r) => Math.round(r.share * 1000) / 10)));
    const heat: EChartOption = {
      tooltip: {
        formatter: (p: unknown) => {
          const [k, y, share] = (p as { data: [number, number, number] }).data;
          const c = d.cohorts[y];
          const r = c?.retention.find((x) => x.month === k);
          return c ? `${escapeHtml(c.cohort)} · ${escapeHtml(t('analyticsDashboards.cohorts.monthN', { n: k }))}<br/>${share.toFixed(1)}% (${r?.customers ?? 0} / ${c.customers})` : '';
        },
      },
      grid: { left: 8, right: 16, top: 36, bottom: 76, containLabel: true },
      xAxis: { type: 'category', data: Array.from({ length: months }, (_, k) => String(k)), name: t('analyticsDashboards.cohorts.month'), nameLocation: 'middle', nameGap: 28, splitArea: { show: true } },
      yAxis: { type: 'category', inverse: true, data: d.cohorts.map((c) => `${c.cohort} (${c.customers})`), name: t('analyticsDashboards.cohorts.cohort'), nameLocation: 'start', splitArea: { show: true } },
      // Month 0 is always 100%: the colour scale spans the later months, so their differences show.
      // Shown: without the cells' labels (more than 13 months) the colour scale is the only way to read them.
      visualMap: { min: 0, max: laterMax, orient: 'horizontal', left: 'center', bottom: 0, itemWidth: 12, itemHeight: 200, text: [`${laterMax}%`, '0%'], inRange: { color: ['#f6ffed', '#389e0d'] } },
      series: [{ type: 'heatmap', data: d.cohorts.flatMap((c, y) => c.retention.map((r) => [r.month, y, Math.round(r.share * 1000) / 10])), label: { show: months <= 13, formatter: (p: unknown) => `${Math.round((p as { data: number[] }).data[2] ?? 0)}%`, fontSize: 10 } }],
    };
    return { heat, months };
  }, [d, t]);
  if (!d || !view) return <Card loading />;
  return (
    <>
      <MissingNotes keys={d.missing} />
      <ChartCard title={t('analyticsDashboards.cohorts.title')} file="cohort-retention" testId="chart-cohorts" option={view.heat} height={Math.max(280, 26 * d.cohorts.length + 80)} empty={emptyReason(t, d.missing, d.cohorts.length > 0)}
        csv={{
          header: [t('analyticsDashboards.cohorts.cohort'), t('analyticsDashboards.cohorts.size'), t('analyticsDashboards.cohorts.revenue'), ...Array.from({ length: view.months }, (_, k) => t('analyticsDashboards.cohorts.monthN', { n: k }))],
          rows: d.cohorts.map((c) => [c.cohort, c.customers, c.revenue, ...Array.from({ length: view.months }, (_, k) => c.retention.find((r) => r.month === k)?.share ?? 0)]),
        }}>
        {d.refreshedAt ? <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('analyticsDashboards.cohorts.refreshed', { at: formatDateTime(d.refreshedAt) })}</Typography.Text> : null}
      </ChartCard>
    </>
  );
}

function FilterBar({ value, onChange }: { value: Filters; onChange: (f: Filters) => void }) {
  const { t } = useTranslation();
  const [province, setProvince] = useState(value['filter[province]'] ?? '');
  const [city, setCity] = useState(value['filter[city]'] ?? '');
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const commitRegion = (p: string, c: string) => {
    const next: Filters = { ...value };
    delete next['filter[province]'];
    delete next['filter[city]'];
    if (p.trim()) next['filter[province]'] = p.trim();
    if (p.trim() && c.trim()) next['filter[city]'] = c.trim();
    onChange(next);
  };
  return (
    <Flex gap={12} wrap align="center" style={{ marginBottom: 16 }} data-testid="analytics-filters">
      <Tooltip title={t('analyticsDashboards.periodHelp')}>
        <DatePicker.RangePicker
          allowEmpty={[true, true]}
          value={range}
          style={{ width: 300 }}
          placeholder={[t('analyticsDashboards.filter.period'), '']}
          onChange={(v) => {
            setRange(v);
            const next: Filters = { ...value };
            delete next.from;
            delete next.to;
            if (v?.[0]) next.from = v[0].format('YYYY-MM-DD');
            if (v?.[1]) next.to = v[1].format('YYYY-MM-DD');
            onChange(next);
          }}
        />
      </Tooltip>
      <UserRefPicker
        value={value['filter[ownerId]'] ?? null}
        onChange={(id) => {
          const next: Filters = { ...value };
          delete next['filter[ownerId]'];
          if (id) next['filter[ownerId]'] = id;
          onChange(next);
        }}
        placeholder={t('analyticsDashboards.filter.owner')}
        style={{ width: 180 }}
        data-testid="analytics-filter-owner"
      />
      <DepartmentFilter
        value={value['filter[departmentId]']}
        onChange={(id) => {
          const next: Filters = { ...value };
          delete next['filter[departmentId]'];
          if (id) next['filter[departmentId]'] = id;
          onChange(next);
        }}
        placeholder={t('analyticsDashboards.filter.department')}
      />
      <Input allowClear style={{ width: 130 }} placeholder={t('analyticsDashboards.filter.province')} value={province} onChange={(e) => { setProvince(e.target.value); if (!e.target.value) { setCity(''); commitRegion('', ''); } }} onBlur={() => commitRegion(province, city)} onPressEnter={() => commitRegion(province, city)} data-testid="analytics-filter-province" />
      <Input allowClear style={{ width: 130 }} disabled={!province.trim()} placeholder={t('analyticsDashboards.filter.city')} value={city} onChange={(e) => { setCity(e.target.value); if (!e.target.value) commitRegion(province, ''); }} onBlur={() => commitRegion(province, city)} onPressEnter={() => commitRegion(province, city)} data-testid="analytics-filter-city" />
      <Button onClick={() => { setProvince(''); setCity(''); setRange(null); onChange({}); }}>{t('analyticsDashboards.filter.reset')}</Button>
    </Flex>
  );
}

export default function AnalyticsDashboards() {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<Filters>({});
  const [tab, setTab] = useState('pareto');
  const basis = useDashboard<ParetoDashboard>('pareto', filters).data;
  const tabs = [
    { key: 'pareto', label: t('analyticsDashboards.tab.pareto'), children: <ParetoTab filters={filters} /> },
    { key: 'rfm', label: t('analyticsDashboards.tab.rfm'), children: <RfmTab filters={filters} /> },
    { key: 'value-matrix', label: t('analyticsDashboards.tab.valueMatrix'), children: <ValueMatrixTab filters={filters} /> },
    { key: 'clv', label: t('analyticsDashboards.tab.clv'), children: <ClvTab filters={filters} /> },
    { key: 'lifecycle', label: t('analyticsDashboards.tab.lifecycle'), children: <LifecycleTab filters={filters} /> },
    { key: 'loyalty', label: t('analyticsDashboards.tab.loyalty'), children: <LoyaltyTab filters={filters} /> },
    { key: 'cohorts', label: t('analyticsDashboards.tab.cohorts'), children: <CohortsTab filters={filters} /> },
  ];
  return (
    <>
      <PageHeader title={t('analyticsDashboards.pageTitle')} description={t('analyticsDashboards.description')} extra={basis ? <Basis runId={basis.runId} asOf={basis.asOf} /> : null} />
      <FilterBar value={filters} onChange={setFilters} />
      <Tabs activeKey={tab} onChange={setTab} items={tabs} destroyOnHidden data-testid="analytics-tabs" />
    </>
  );
}
