// Early warnings (预警管理): the open warnings that became tasks, per owner (a manager drills from an
// owner to their warnings), and the four lists — overdue receivables, sales progress against
// target, sales expenses against revenue, churn risk — each with owners, amounts and reasons.
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { Alert, Card, Col, DatePicker, Empty, Flex, Row, Segmented, Select, Statistic, Table, Tabs, Tag, Tooltip, Typography, type TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import dayjs, { type Dayjs } from 'dayjs';
import { churnSignals, type CustomerWarning, type EarlyWarnings, type OpenWarnings } from '@guanxi/contracts';
import { PageHeader } from '../../shared/PageHeader';
import { formatDate, formatMoney } from '../../shared/format';
import { DepartmentFilter } from '../departments/DepartmentFilter';
import { useEarlyWarnings, useOpenWarnings, type WarningFilters } from './warnings.api';

type Rows<K extends EarlyWarnings['kind']> = Extract<EarlyWarnings, { kind: K }>['rows'][number];
type OwnerGroup = OpenWarnings['byOwner'][number];
type PeriodKind = 'month' | 'quarter';

const pct = (v: number | null) => (v === null ? '—' : `${v.toFixed(1)}%`);
/** A ratio as the API sends it ("0.1333"), shown as a percentage without turning it into a float sum. */
const ratioPct = (r: string | null) => (r === null ? '—' : `${(Math.round(Number(r) * 1000) / 10).toFixed(1)}%`);

function signalLabel(t: TFunction, s: string): string {
  return (churnSignals as readonly string[]).includes(s) ? t(`warnings.signal.${s as (typeof churnSignals)[number]}`) : s;
}

function periodOf(kind: PeriodKind, d: Dayjs): string {
  return kind === 'month' ? d.format('YYYY-MM') : `${d.year()}-Q${Math.floor(d.month() / 3) + 1}`;
}

function OwnerLink({ name, id, onPick }: { name: string | null; id: number | null; onPick: (id: number) => void }) {
  return id === null ? <>{name ?? '—'}</> : <Typography.Link onClick={() => onPick(id)}>{name ?? `#${id}`}</Typography.Link>;
}

export default function EarlyWarningsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [owner, setOwner] = useState<'me' | number | undefined>();
  const [departmentId, setDepartmentId] = useState<number>();
  const [periodKind, setPeriodKind] = useState<PeriodKind>('month');
  const [periodDay, setPeriodDay] = useState<Dayjs>(() => dayjs());
  const [tab, setTab] = useState<'open' | EarlyWarnings['kind']>('open');
  const period = periodOf(periodKind, periodDay);
  const ownerOnly = { 'filter[ownerId]': owner, 'filter[departmentId]': departmentId };
  const filters: WarningFilters = { ...ownerOnly, period };

  const open = useOpenWarnings(ownerOnly);
  const everyone = useOpenWarnings({});
  const overdue = useEarlyWarnings('overdue', ownerOnly);
  const progress = useEarlyWarnings('progress', filters);
  const expense = useEarlyWarnings('expense', filters);
  const churn = useEarlyWarnings('churn', ownerOnly);

  const ownerOptions = useMemo(
    () => [
      { value: 'me', label: t('warnings.mine') },
      ...(everyone.data?.byOwner ?? []).filter((g) => g.ownerId !== null).map((g) => ({ value: String(g.ownerId), label: g.ownerName ?? `#${g.ownerId}` })),
    ],
    [everyone.data, t],
  );
  const pickOwner = (id: number) => setOwner(id);
  const customerLink = (id: number, name: string | null) => <Typography.Link onClick={() => void navigate(`/customers/${id}`)}>{name ?? `#${id}`}</Typography.Link>;
  const empty = (text: string) => ({ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={text} /> });

  const ownerColumns: TableProps<OwnerGroup>['columns'] = [
    { key: 'owner', title: t('warnings.owner'), render: (_, g) => <OwnerLink name={g.ownerName} id={g.ownerId} onPick={pickOwner} /> },
    { key: 'churn', title: t('warnings.kind.churn'), align: 'right', render: (_, g) => g.churn },
    { key: 'overdue', title: t('warnings.kind.overdue'), align: 'right', render: (_, g) => g.overdue },
    { key: 'amount', title: t('warnings.overdueAmount'), align: 'right', render: (_, g) => <Typography.Text type={g.overdue ? 'danger' : undefined}>{formatMoney(g.overdueAmount)}</Typography.Text> },
  ];

  const reasonText = (w: CustomerWarning): string => {
    const r = w.reasons;
    if (w.kind === 'overdue') return t('warnings.overdueReason', { amount: formatMoney(w.amount), days: String(r.days ?? ''), count: Number(r.instalments ?? 0) });
    const signals = Array.isArray(r.signals) ? (r.signals as Array<{ signal?: string }>).map((s) => signalLabel(t, String(s.signal ?? ''))).filter(Boolean) : [];
    return signals.join(t('common.listSeparator')) || t('warnings.noSignals');
  };
  const stanceOf = (w: CustomerWarning) => {
    const s = w.reasons.stance;
    return s === 'win_back_hard' || s === 'win_back' || s === 'opportunistic' || s === 'let_go' ? <Tag color={s === 'win_back_hard' ? 'red' : s === 'win_back' ? 'orange' : s === 'let_go' ? 'default' : 'blue'}>{t(`warnings.stance.${s}`)}</Tag> : null;
  };
  const warningColumns: TableProps<CustomerWarning>['columns'] = [
    { key: 'kind', title: t('warnings.kindTitle'), render: (_, w) => <Tag color={w.kind === 'churn' ? 'purple' : 'volcano'}>{t(`warnings.kind.${w.kind}`)}</Tag> },
    { key: 'level', title: t('warnings.level'), render: (_, w) => <Tag color={w.level === 'high' ? 'red' : 'gold'}>{t(`warnings.levels.${w.level}`)}</Tag> },
    { key: 'customer', title: t('warnings.customer'), render: (_, w) => customerLink(w.customerId, w.customerName) },
    { key: 'owner', title: t('warnings.owner'), render: (_, w) => <OwnerLink name={w.ownerName} id={w.ownerId} onPick={pickOwner} /> },
    { key: 'reasons', title: t('warnings.reasons'), render: (_, w) => <Typography.Text style={{ maxWidth: 360, display: 'inline-block' }}>{reasonText(w)}</Typography.Text> },
    { key: 'stance', title: t('warnings.playbook'), render: (_, w) => stanceOf(w) },
    {
      key: 'task',
      title: t('warnings.task'),
      render: (_, w) =>
        w.task ? (
          <Tooltip title={w.task.title}>
            <Typography.Link onClick={() => void navigate('/tasks')}>{t('warnings.taskDue', { date: formatDate(w.task.dueAt) })}</Typography.Link>
          </Tooltip>
        ) : (
          '—'
        ),
    },
    { key: 'opened', title: t('warnings.openedAt'), render: (_, w) => formatDate(w.openedAt) },
  ];

  const overdueColumns: TableProps<Rows<'overdue'>>['columns'] = [
    { key: 'customer', title: t('warnings.customer'), render: (_, r) => customerLink(r.customerId, r.customerName) },
    { key: 'owner', title: t('warnings.owner'), render: (_, r) => <OwnerLink name={r.ownerName} id={r.ownerId} onPick={pickOwner} /> },
    { key: 'department', title: t('warnings.department'), render: (_, r) => r.departmentName ?? '—' },
    { key: 'instalments', title: t('warnings.instalments'), align: 'right', render: (_, r) => r.instalments },
    { key: 'days', title: t('warnings.daysOverdue'), align: 'right', render: (_, r) => <Tag color={r.daysOverdue >= 90 ? 'red' : r.daysOverdue >= 30 ? 'volcano' : 'orange'}>{t('warnings.days', { days: r.daysOverdue })}</Tag> },
    { key: 'amount', title: t('warnings.overdueAmount'), align: 'right', render: (_, r) => <Typography.Text strong>{formatMoney(r.amount)}</Typography.Text> },
    { key: 'flag', title: t('warnings.flag'), render: (_, r) => (r.flagged ? <Tag color="red">{t('warnings.overThreshold')}</Tag> : null) },
  ];
  const progressColumns: TableProps<Rows<'progress'>>['columns'] = [
    { key: 'subject', title: t('warnings.subject'), render: (_, r) => (r.subject === 'department' ? <Flex gap={4}>{r.subjectName}<Tag>{t('warnings.department')}</Tag></Flex> : r.subjectName) },
    { key: 'target', title: t('warnings.amountTarget'), align: 'right', render: (_, r) => (r.amountTarget ? formatMoney(r.amountTarget) : '—') },
    { key: 'actual', title: t('warnings.actualAmount'), align: 'right', render: (_, r) => formatMoney(r.actualAmount) },
    { key: 'amountPct', title: t('warnings.amountPercent'), align: 'right', render: (_, r) => pct(r.amountPercent) },
    { key: 'count', title: t('warnings.countProgress'), align: 'right', render: (_, r) => (r.countTarget ? `${r.actualCount} / ${r.countTarget} (${pct(r.countPercent)})` : '—') },
    { key: 'expected', title: t('warnings.expectedPercent'), align: 'right', render: (_, r) => pct(r.expectedPercent) },
    { key: 'flag', title: t('warnings.flag'), render: (_, r) => (r.behind ? <Tag color="red">{t('warnings.behind')}</Tag> : <Tag color="green">{t('warnings.onTrack')}</Tag>) },
  ];
  const expenseColumns: TableProps<Rows<'expense'>>['columns'] = [
    { key: 'owner', title: t('warnings.owner'), render: (_, r) => <OwnerLink name={r.ownerName} id={r.ownerId} onPick={pickOwner} /> },
    { key: 'department', title: t('warnings.department'), render: (_, r) => r.departmentName ?? '—' },
    { key: 'expenses', title: t('warnings.expenses'), align: 'right', render: (_, r) => formatMoney(r.expenses) },
    { key: 'revenue', title: t('warnings.revenue'), align: 'right', render: (_, r) => formatMoney(r.revenue) },
    { key: 'ratio', title: t('warnings.ratio'), align: 'right', render: (_, r) => <Typography.Text type={r.flagged ? 'danger' : undefined}>{ratioPct(r.ratio)}</Typography.Text> },
    { key: 'flag', title: t('warnings.flag'), render: (_, r) => (r.flagged ? <Tag color="red">{r.ratio === null ? t('warnings.noRevenue') : t('warnings.overRatio')}</Tag> : null) },
  ];
  const churnColumns: TableProps<Rows<'churn'>>['columns'] = [
    { key: 'customer', title: t('warnings.customer'), render: (_, r) => customerLink(r.customerId, r.customerName) },
    { key: 'owner', title: t('warnings.owner'), render: (_, r) => <OwnerLink name={r.ownerName} id={r.ownerId} onPick={pickOwner} /> },
    { key: 'level', title: t('warnings.level'), render: (_, r) => <Tag color={r.level === 'high' ? 'red' : 'gold'}>{t(`warnings.levels.${r.level === 'high' ? 'high' : 'medium'}`)}</Tag> },
    { key: 'score', title: t('warnings.score'), align: 'right', render: (_, r) => (r.score === null ? '—' : Math.round(r.score * 100)) },
    { key: 'tier', title: t('warnings.tier'), render: (_, r) => (r.tier ? t(`enums.importance.${r.tier}`) : '—') },
    { key: 'clv', title: t('warnings.clv'), align: 'right', render: (_, r) => (r.clv ? <Typography.Text strong>{formatMoney(r.clv)}</Typography.Text> : '—') },
    {
      key: 'signals',
      title: t('warnings.reasons'),
      // a set width makes the tags wrap; otherwise they pushed the task column out of sight
      width: 340,
      render: (_, r) =>
        r.signals.length ? (
          <Flex gap={4} wrap>
            {r.signals.slice(0, 3).map((s) => (
              <Tag key={s.signal}>
                {signalLabel(t, s.signal)}
                {s.contribution === null ? '' : ` ${Math.round(s.contribution * 100)}%`}
              </Tag>
            ))}
          </Flex>
        ) : (
          t('warnings.noSignals')
        ),
    },
    { key: 'warning', title: t('warnings.task'), render: (_, r) => (r.warningOpen ? <Tag color="purple">{t('warnings.taskCreated')}</Tag> : null) },
  ];

  const truncated = (d: { truncated: boolean } | undefined) => (d?.truncated ? <Alert type="info" showIcon title={t('warnings.truncated')} style={{ marginBottom: 12 }} /> : null);
  const periodPicker = (
    <Flex gap={8} align="center" wrap>
      <Segmented<PeriodKind>
        value={periodKind}
        onChange={setPeriodKind}
        options={[
          { value: 'month', label: t('warnings.month') },
          { value: 'quarter', label: t('warnings.quarter') },
        ]}
      />
      <DatePicker picker={periodKind} allowClear={false} value={periodDay} onChange={(d) => d && setPeriodDay(d)} data-testid="warnings-period" />
    </Flex>
  );

  const tabs = [
    {
      key: 'open' as const,
      label: t('warnings.openTitle') + (open.data ? ` (${open.data.total.churn + open.data.total.overdue})` : ''),
      children: (
        <>
          {open.data?.truncated ? <Alert type="info" showIcon title={t('warnings.truncated')} style={{ marginBottom: 12 }} /> : null}
          <Table<CustomerWarning> rowKey="id" size="middle" columns={warningColumns} dataSource={open.data?.data ?? []} loading={open.isFetching} pagination={{ pageSize: 20, hideOnSinglePage: true }} scroll={{ x: 'max-content' }} locale={empty(t('warnings.emptyOpen'))} data-testid="warnings-open-table" />
        </>
      ),
    },
    {
      key: 'overdue' as const,
      label: t('warnings.tab.overdue'),
      children: (
        <>
          <Row gutter={[16, 16]} style={{ marginBottom: 12 }}>
            <Col xs={12} md={6}>
              <Statistic title={t('warnings.overdueTotal')} value={formatMoney(overdue.data?.totalAmount ?? '0.00')} styles={{ content: { color: overdue.data?.rows.length ? '#d92d20' : undefined } }} />
            </Col>
            <Col xs={24} md={18}>
              <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
                {overdue.data?.thresholds.amount === null || !overdue.data
                  ? t('warnings.overdueOff')
                  : t('warnings.overdueRule', { amount: formatMoney(overdue.data.thresholds.amount), days: overdue.data.thresholds.days })}
              </Typography.Paragraph>
            </Col>
          </Row>
          {truncated(overdue.data)}
          <Table<Rows<'overdue'>> rowKey="customerId" size="middle" columns={overdueColumns} dataSource={overdue.data?.rows ?? []} loading={overdue.isFetching} pagination={{ pageSize: 20, hideOnSinglePage: true }} scroll={{ x: 'max-content' }} locale={empty(t('warnings.emptyOverdue'))} data-testid="warnings-overdue-table" />
        </>
      ),
    },
    {
      key: 'progress' as const,
      label: t('warnings.tab.progress'),
      children: (
        <>
          <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
            <Typography.Text type="secondary">
              {progress.data ? t('warnings.progressRule', { expected: pct(progress.data.expectedPercent), tolerance: progress.data.tolerancePoints, start: progress.data.periodStart, end: progress.data.periodEnd }) : ''}
            </Typography.Text>
            {periodPicker}
          </Flex>
          {truncated(progress.data)}
          <Table<Rows<'progress'>> rowKey="targetId" size="middle" columns={progressColumns} dataSource={progress.data?.rows ?? []} loading={progress.isFetching} pagination={{ pageSize: 20, hideOnSinglePage: true }} scroll={{ x: 'max-content' }} locale={empty(t('warnings.emptyProgress'))} data-testid="warnings-progress-table" />
        </>
      ),
    },
    {
      key: 'expense' as const,
      label: t('warnings.tab.expense'),
      children: (
        <>
          <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
            <Typography.Text type="secondary">{expense.data ? t('warnings.expenseRule', { ratio: `${(expense.data.expenseRatio * 100).toFixed(1)}%`, start: expense.data.periodStart, end: expense.data.periodEnd }) : ''}</Typography.Text>
            <Flex gap={8} align="center" wrap>
              {periodPicker}
              <Typography.Link onClick={() => void navigate('/sales-expenses')}>{t('warnings.recordExpenses')}</Typography.Link>
            </Flex>
          </Flex>
          {truncated(expense.data)}
          <Table<Rows<'expense'>> rowKey={(r) => String(r.ownerId)} size="middle" columns={expenseColumns} dataSource={expense.data?.rows ?? []} loading={expense.isFetching} pagination={{ pageSize: 20, hideOnSinglePage: true }} scroll={{ x: 'max-content' }} locale={empty(t('warnings.emptyExpense'))} data-testid="warnings-expense-table" />
        </>
      ),
    },
    {
      key: 'churn' as const,
      label: t('warnings.tab.churn'),
      children: (
        <>
          <Row gutter={[16, 16]} style={{ marginBottom: 12 }}>
            <Col xs={12} md={6}>
              <Statistic title={t('warnings.clvAtStake')} value={formatMoney(churn.data?.clvAtStake ?? '0.00')} />
            </Col>
            <Col xs={24} md={18}>
              <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
                {t('warnings.churnHelp')}
              </Typography.Paragraph>
            </Col>
          </Row>
          {truncated(churn.data)}
          <Table<Rows<'churn'>> rowKey="customerId" size="middle" columns={churnColumns} dataSource={churn.data?.rows ?? []} loading={churn.isFetching} pagination={{ pageSize: 20, hideOnSinglePage: true }} scroll={{ x: 'max-content' }} locale={empty(t('warnings.emptyChurn'))} data-testid="warnings-churn-table" />
        </>
      ),
    },
  ];

  const total = open.data?.total;
  return (
    <>
      <PageHeader title={t('warnings.title')} description={t('warnings.description')} />
      <Flex gap={12} wrap style={{ marginBottom: 16 }}>
        <Select
          allowClear
          placeholder={t('warnings.allOwners')}
          value={owner === undefined ? undefined : String(owner)}
          onChange={(v?: string) => setOwner(v === undefined ? undefined : v === 'me' ? 'me' : Number(v))}
          options={ownerOptions}
          style={{ width: 200 }}
          data-testid="warnings-filter-owner"
        />
        <DepartmentFilter value={departmentId} onChange={setDepartmentId} placeholder={t('warnings.allDepartments')} width={200} testId="warnings-filter-department" />
      </Flex>
      <Card title={t('warnings.byOwnerTitle')} size="small" style={{ marginBottom: 16 }} data-testid="warnings-by-owner">
        <Row gutter={[24, 16]}>
          <Col xs={24} lg={8}>
            <Row gutter={12}>
              <Col span={12}>
                <Statistic title={t('warnings.kind.churn')} value={total?.churn ?? 0} />
              </Col>
              <Col span={12}>
                <Statistic title={t('warnings.kind.overdue')} value={total?.overdue ?? 0} />
              </Col>
              <Col span={24} style={{ marginTop: 12 }}>
                <Statistic title={t('warnings.overdueAmount')} value={formatMoney(total?.overdueAmount ?? '0.00')} styles={{ content: { color: total?.overdue ? '#d92d20' : undefined } }} />
              </Col>
            </Row>
            <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
              {t('warnings.byOwnerHelp')}
            </Typography.Paragraph>
          </Col>
          <Col xs={24} lg={16}>
            <Table<OwnerGroup> rowKey={(g) => String(g.ownerId)} size="small" columns={ownerColumns} dataSource={open.data?.byOwner ?? []} pagination={{ pageSize: 6, hideOnSinglePage: true }} loading={open.isFetching} locale={empty(t('warnings.emptyOpen'))} />
          </Col>
        </Row>
      </Card>
      <div className="gx-panel">
        <Tabs activeKey={tab} onChange={(k) => setTab(k as 'open' | EarlyWarnings['kind'])} items={tabs} data-testid="warnings-tabs" />
      </div>
    </>
  );
}
