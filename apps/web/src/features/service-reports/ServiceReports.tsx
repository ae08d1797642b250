// Service reports (服务报表): response and resolution times in business hours (median and p90),
// SLA attainment, 问题解决率, complaints per 100 orders, CSAT and NPS from return visits; SLA
// attainment by tier and by team, the top complaint causes and the backlog over time. Every chart
// saves as PNG and every table as CSV.
import { useMemo, useRef, useState } from 'react';
import { Button, Card, Col, DatePicker, Empty, Flex, Row, Select, Statistic, Table, Tooltip, Typography } from 'antd';
import { DownloadOutlined, FileImageOutlined, QuestionCircleOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import dayjs, { type Dayjs } from 'dayjs';
import { customerTiers, type ServiceReport } from '@guanxi/contracts';
import { api } from '../../api/client';
import { PageHeader } from '../../shared/PageHeader';
import { EChart, escapeHtml, type EChartInstance, type EChartOption } from '../../shared/EChart';
import { downloadFile, toCsv, type CsvCell } from '../../shared/csv';
import { formatMinutes } from '../tickets/ticket-bits';
import { TeamSelect } from '../tickets/ticket-bits';
import { rootCauseLabel } from '../tickets/ComplaintWorkflow';

type Tier = (typeof customerTiers)[number];
type Attainment = ServiceReport['slaByTier'][number]['firstResponse'];

const pct = (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(digits)}%`);
const fixed = (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? '—' : v.toFixed(digits));
/** Both clocks' verdicts together. */
function overall(rows: Array<{ firstResponse: Attainment; resolution: Attainment }>, kind: 'firstResponse' | 'resolution'): number | null {
  const ok = rows.reduce((s, r) => s + r[kind].achieved, 0);
  const bad = rows.reduce((s, r) => s + r[kind].breached, 0);
  return ok + bad === 0 ? null : ok / (ok + bad);
}

function ChartCard({ title, file, option, height = 300, table, testId, empty }: { title: string; file: string; option: EChartOption; height?: number; table: { header: CsvCell[]; rows: CsvCell[][] }; testId: string; empty: boolean }) {
  const { t } = useTranslation();
  const chart = useRef<EChartInstance | null>(null);
  return (
    <Card
      title={title}
      data-testid={testId}
      extra={
        <Flex gap={4}>
          <Tooltip title={t('serviceReports.savePng')}>
            <Button size="small" icon={<FileImageOutlined />} disabled={empty} onClick={() => chart.current && downloadFile(`${file}.png`, chart.current.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' }))} data-testid={`${testId}-png`} aria-label={t('serviceReports.savePng')} />
          </Tooltip>
          <Tooltip title={t('serviceReports.saveCsv')}>
            <Button size="small" icon={<DownloadOutlined />} disabled={empty} onClick={() => downloadFile(`${file}.csv`, toCsv(table.header, table.rows))} data-testid={`${testId}-csv`} aria-label={t('serviceReports.saveCsv')} />
          </Tooltip>
        </Flex>
      }
    >
      {empty ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('serviceReports.noData')} style={{ height: height - 40, display: 'flex', flexDirection: 'column', justifyContent: 'center' }} /> : <EChart option={option} style={{ height }} onReady={(c) => (chart.current = c)} />}
    </Card>
  );
}

function attainmentBars(t: TFunction, names: string[], rows: Array<{ firstResponse: Attainment; resolution: Attainment }>): EChartOption {
  const tip = (r: Attainment) => `${pct(r.rate)} (${t('serviceReports.achievedOf', { achieved: r.achieved, total: r.achieved + r.breached })})`;
  return {
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params: unknown) => {
        const list = params as Array<{ dataIndex: number }>;
        const i = list[0]?.dataIndex ?? 0;
        const r = rows[i];
        if (!r) return '';
        return `<b>${escapeHtml(names[i] ?? '')}</b><br/>${escapeHtml(t('tickets.sla.firstResponse'))}: ${escapeHtml(tip(r.firstResponse))}<br/>${escapeHtml(t('tickets.sla.resolution'))}: ${escapeHtml(tip(r.resolution))}`;
      },
    },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: names, axisLabel: { interval: 0, overflow: 'truncate', width: 90 } },
    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    series: [
      { name: t('tickets.sla.firstResponse'), type: 'bar', barMaxWidth: 28, data: rows.map((r) => (r.firstResponse.rate === null ? null : Math.round(r.firstResponse.rate * 1000) / 10)), itemStyle: { color: '#4096ff' } },
      { name: t('tickets.sla.resolution'), type: 'bar', barMaxWidth: 28, data: rows.map((r) => (r.resolution.rate === null ? null : Math.round(r.resolution.rate * 1000) / 10)), itemStyle: { color: '#36cfc9' } },
    ],
  };
}

export default function ServiceReports() {
  const { t } = useTranslation();
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [dayjs().subtract(29, 'day'), dayjs()]);
  const [teamId, setTeamId] = useState<number | null>(null);
  const [tier, setTier] = useState<Tier>();
  const from = range[0].format('YYYY-MM-DD');
  const to = range[1].format('YYYY-MM-DD');
  const report = useQuery({
    queryKey: ['service-reports', from, to, teamId, tier ?? null],
    queryFn: ({ signal }) => api<ServiceReport>('/service-reports/summary', { query: { from, to, 'filter[teamId]': teamId ?? undefined, 'filter[importance]': tier }, signal }),
    placeholderData: keepPreviousData,
  });
  const r = report.data;
  const suffix = `${from}_${to}`;

  const charts = useMemo(() => {
    if (!r) return null;
    const tierNames = r.slaByTier.map((x) => ((customerTiers as readonly string[]).includes(x.tier) ? t(`enums.importance.${x.tier as Tier}`) : x.tier === 'none' || !x.tier ? t('sla.noTier') : x.tier));
    const teamNames = r.slaByTeam.map((x) => x.teamName ?? t('serviceReports.noTeam'));
    const causes = r.topComplaintCauses.map((c) => rootCauseLabel(t, c.cause));
    const attainmentHeader: CsvCell[] = [t('serviceReports.group'), t('serviceReports.frAchieved'), t('serviceReports.frBreached'), t('serviceReports.frRate'), t('serviceReports.resAchieved'), t('serviceReports.resBreached'), t('serviceReports.resRate')];
    const attainmentRows = (names: string[], rows: Array<{ firstResponse: Attainment; resolution: Attainment }>): CsvCell[][] =>
      rows.map((x, i) => [names[i], x.firstResponse.achieved, x.firstResponse.breached, x.firstResponse.rate, x.resolution.achieved, x.resolution.breached, x.resolution.rate]);
    return {
      tier: { option: attainmentBars(t, tierNames, r.slaByTier), table: { header: attainmentHeader, rows: attainmentRows(tierNames, r.slaByTier) }, empty: r.slaByTier.length === 0 },
      team: { option: attainmentBars(t, teamNames, r.slaByTeam), table: { header: attainmentHeader, rows: attainmentRows(teamNames, r.slaByTeam) }, empty: r.slaByTeam.length === 0 },
      causes: {
        option: {
          tooltip: { trigger: 'item', formatter: (p: unknown) => { const x = p as { name: string; value: number }; return `${escapeHtml(x.name)}: ${x.value}`; } },
          grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
          xAxis: { type: 'value', minInterval: 1 },
          yAxis: { type: 'category', inverse: true, data: causes, axisLabel: { overflow: 'truncate', width: 120 } },
          series: [{ type: 'bar', data: r.topComplaintCauses.map((c) => c.count), itemStyle: { color: '#ff7a45' }, barMaxWidth: 22, label: { show: true, position: 'right' } }],
        } satisfies EChartOption,
        table: { header: [t('tickets.field.rootCause'), t('serviceReports.count')], rows: r.topComplaintCauses.map((c, i) => [causes[i], c.count]) },
        empty: r.topComplaintCauses.length === 0,
      },
      backlog: {
        option: {
          tooltip: { trigger: 'axis' },
          grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
          xAxis: { type: 'category', boundaryGap: false, data: r.backlog.map((b) => b.date.slice(5)) },
          yAxis: { type: 'value', minInterval: 1 },
          series: [{ name: t('serviceReports.openTickets'), type: 'line', smooth: true, showSymbol: r.backlog.length <= 31, areaStyle: { opacity: 0.12 }, data: r.backlog.map((b) => b.open), itemStyle: { color: '#597ef7' } }],
        } satisfies EChartOption,
        table: { header: [t('serviceReports.date'), t('serviceReports.openTickets')], rows: r.backlog.map((b) => [b.date, b.open]) },
        empty: r.backlog.length === 0,
      },
    };
  }, [r, t]);

  const kpis = r
    ? [
        { key: 'tickets', title: t('serviceReports.kpi.tickets'), value: String(r.tickets), help: null },
        { key: 'response', title: t('serviceReports.kpi.response'), value: formatMinutes(t, r.responseMinutes.median), sub: t('serviceReports.p90', { v: formatMinutes(t, r.responseMinutes.p90) }), help: t('serviceReports.businessHelp') },
        { key: 'resolution', title: t('serviceReports.kpi.resolution'), value: formatMinutes(t, r.resolutionMinutes.median), sub: t('serviceReports.p90', { v: formatMinutes(t, r.resolutionMinutes.p90) }), help: t('serviceReports.businessHelp') },
        { key: 'sla', title: t('serviceReports.kpi.sla'), value: pct(overall(r.slaByTier, 'resolution')), sub: t('serviceReports.slaFirst', { v: pct(overall(r.slaByTier, 'firstResponse')) }), help: t('serviceReports.slaHelp') },
        { key: 'resolutionRate', title: t('serviceReports.kpi.resolutionRate'), value: pct(r.resolutionRate), help: t('serviceReports.resolutionRateHelp') },
        { key: 'complaints', title: t('serviceReports.kpi.complaints'), value: fixed(r.complaintsPer100Orders, 2), sub: t('serviceReports.complaintsOf', { complaints: r.complaints, orders: r.orders }), help: t('serviceReports.complaintsHelp') },
        { key: 'csat', title: t('serviceReports.kpi.csat'), value: r.csat === null ? '—' : `${r.csat.toFixed(2)} / 5`, sub: t('serviceReports.visits', { count: r.visits }), help: t('serviceReports.csatHelp') },
        { key: 'nps', title: t('serviceReports.kpi.nps'), value: r.nps === null ? '—' : r.nps.toFixed(0), help: t('serviceReports.npsHelp') },
      ]
    : [];

  const kpiCsv = () =>
    downloadFile(
      `service-kpis_${suffix}.csv`,
      toCsv(
        [t('serviceReports.metric'), t('serviceReports.value'), t('serviceReports.detail')],
        kpis.map((k) => [k.title, k.value, k.sub ?? '']),
      ),
    );

  return (
    <>
      <PageHeader
        title={t('serviceReports.pageTitle')}
        description={t('serviceReports.description')}
        extra={
          <Button icon={<DownloadOutlined />} disabled={!r} onClick={kpiCsv} data-testid="service-kpis-csv">
            {t('serviceReports.kpiCsv')}
          </Button>
        }
      />
      <Flex gap={12} wrap style={{ marginBottom: 16 }} data-testid="service-report-filters">
        <DatePicker.RangePicker
          allowClear={false}
          value={range}
          onChange={(v) => v && v[0] && v[1] && setRange([v[0], v[1]])}
          presets={[
            { label: t('serviceReports.last7'), value: [dayjs().subtract(6, 'day'), dayjs()] },
            { label: t('serviceReports.last30'), value: [dayjs().subtract(29, 'day'), dayjs()] },
            { label: t('serviceReports.thisMonth'), value: [dayjs().startOf('month'), dayjs()] },
            { label: t('serviceReports.last90'), value: [dayjs().subtract(89, 'day'), dayjs()] },
          ]}
        />
        <TeamSelect value={teamId} onChange={setTeamId} style={{ width: 200 }} placeholder={t('serviceReports.allTeams')} />
        <Select<Tier> allowClear value={tier} onChange={setTier} placeholder={t('serviceReports.allTiers')} options={customerTiers.map((x) => ({ value: x, label: t(`enums.importance.${x}`) }))} style={{ width: 150 }} />
      </Flex>
      {report.isError ? <Empty description={t('errors.loadFailed')} /> : null}
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }} data-testid="service-kpis">
        {(r ? kpis : Array.from({ length: 8 }, (_, i) => ({ key: String(i), title: '', value: '', help: null, sub: undefined }))).map((k) => (
          <Col xs={12} md={8} xl={6} key={k.key}>
            <Card size="small" loading={!r} style={{ height: '100%' }} data-testid={r ? `service-kpi-${k.key}` : undefined}>
              <Statistic
                title={
                  <Flex gap={4} align="center">
                    {k.title}
                    {k.help ? (
                      <Tooltip title={k.help}>
                        <QuestionCircleOutlined style={{ color: 'rgba(0,0,0,0.35)' }} />
                      </Tooltip>
                    ) : null}
                  </Flex>
                }
                value={k.value}
                styles={{ content: { fontSize: 22 } }}
              />
              {'sub' in k && k.sub ? (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {k.sub}
                </Typography.Text>
              ) : null}
            </Card>
          </Col>
        ))}
      </Row>
      {charts ? (
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={12}>
            <ChartCard title={t('serviceReports.byTier')} file={`sla-by-tier_${suffix}`} testId="chart-sla-tier" {...charts.tier} />
          </Col>
          <Col xs={24} xl={12}>
            <ChartCard title={t('serviceReports.byTeam')} file={`sla-by-team_${suffix}`} testId="chart-sla-team" {...charts.team} />
          </Col>
          <Col xs={24} xl={12}>
            <ChartCard title={t('serviceReports.topCauses')} file={`complaint-causes_${suffix}`} testId="chart-causes" {...charts.causes} />
          </Col>
          <Col xs={24} xl={12}>
            <ChartCard title={t('serviceReports.backlog')} file={`backlog_${suffix}`} testId="chart-backlog" {...charts.backlog} />
          </Col>
        </Row>
      ) : null}
      {r ? (
        <Card title={t('serviceReports.slaTable')} style={{ marginTop: 16 }}>
          <Table
            size="small"
            rowKey={(x) => `${x.kind}-${x.name}`}
            pagination={false}
            scroll={{ x: 'max-content' }}
            dataSource={[
              ...r.slaByTier.map((x, i) => ({ kind: t('sla.tier'), name: charts?.tier.table.rows[i]?.[0] ?? x.tier, ...x })),
              ...r.slaByTeam.map((x, i) => ({ kind: t('tickets.field.team'), name: charts?.team.table.rows[i]?.[0] ?? '', ...x })),
            ]}
            columns={[
              { key: 'kind', title: t('serviceReports.dimension'), render: (_, x) => x.kind },
              { key: 'name', title: t('serviceReports.group'), render: (_, x) => String(x.name ?? '') },
              { key: 'fr', title: t('tickets.sla.firstResponse'), render: (_, x) => `${pct(x.firstResponse.rate)} (${x.firstResponse.achieved}/${x.firstResponse.achieved + x.firstResponse.breached})` },
              { key: 'res', title: t('tickets.sla.resolution'), render: (_, x) => `${pct(x.resolution.rate)} (${x.resolution.achieved}/${x.resolution.achieved + x.resolution.breached})` },
            ]}
          />
        </Card>
      ) : null}
    </>
  );
}
