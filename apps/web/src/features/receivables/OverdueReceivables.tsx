// Overdue receivables (外欠款预警): what customers owe past its due date, totalled per owner or
// department (table and bars), and the overdue instalments one by one, most overdue first. Both
// follow the user's data scope; the filters apply to both.
import { lazy, Suspense, useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { Col, Empty, Flex, Row, Segmented, Select, Statistic, Table, Tag, Typography, type TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import type { OverdueRow, OverdueSummary } from '@guanxi/contracts';
import { PageHeader } from '../../shared/PageHeader';
import { CursorPager } from '../../shared/CursorPager';
import { useCursorList } from '../../shared/useCursorList';
import { formatDate, formatMoney } from '../../shared/format';
import { overdueResource, useOverdueSummary, type OverdueFilters } from './receivables.api';

const OverdueChart = lazy(() => import('./OverdueChart'));

type Group = OverdueSummary['groups'][number];
const minDayChoices = [1, 30, 60, 90, 180] as const;

export default function OverdueReceivables() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [groupBy, setGroupBy] = useState<'owner' | 'department'>('owner');
  const [owner, setOwner] = useState<'me' | number | undefined>(params.get('owner') === 'me' ? 'me' : undefined);
  const [departmentId, setDepartmentId] = useState<number | undefined>();
  const [minDays, setMinDays] = useState<number | undefined>();
  const [sort, setSort] = useState<'-daysOverdue' | '-overdueAmount'>('-daysOverdue');
  const [pageSize, setPageSize] = useState(20);
  const filters: OverdueFilters = { 'filter[ownerId]': owner, 'filter[departmentId]': departmentId, 'filter[minDays]': minDays };
  const summary = useOverdueSummary(groupBy, filters);
  // the choices come from the unfiltered totals: the owners and departments that have anything overdue
  const owners = useOverdueSummary('owner', {});
  const departments = useOverdueSummary('department', {});
  const list = useCursorList<OverdueRow>(overdueResource, { ...filters, sort }, pageSize);

  const groupName = (g: Group) => g.name ?? (groupBy === 'department' ? t('receivables.noDepartment') : `#${g.id ?? ''}`);
  const ownerOptions = useMemo(
    () => [{ value: 'me', label: t('receivables.mine') }, ...(owners.data?.groups ?? []).filter((g) => g.id !== null).map((g) => ({ value: String(g.id), label: g.name ?? `#${g.id}` }))],
    [owners.data, t],
  );
  const departmentOptions = useMemo(() => (departments.data?.groups ?? []).filter((g) => g.id !== null).map((g) => ({ value: g.id!, label: g.name ?? `#${g.id}` })), [departments.data]);

  const summaryColumns: TableProps<Group>['columns'] = [
    { key: 'name', title: groupBy === 'owner' ? t('receivables.owner') : t('receivables.department'), render: (_, g) => groupName(g) },
    { key: 'count', title: t('receivables.count'), align: 'right', render: (_, g) => g.count },
    { key: 'amount', title: t('receivables.overdueAmount'), align: 'right', render: (_, g) => <Typography.Text type="danger">{formatMoney(g.amount)}</Typography.Text> },
    { key: 'oldest', title: t('receivables.oldestDays'), align: 'right', render: (_, g) => g.oldestDays },
  ];

  const columns: TableProps<OverdueRow>['columns'] = [
    {
      key: 'order',
      title: t('receivables.order'),
      render: (_, r) => (
        <Typography.Link strong onClick={() => void navigate(`/orders/${r.orderId}`)}>
          {r.orderNumber}
        </Typography.Link>
      ),
    },
    { key: 'seq', title: t('receivables.seq'), render: (_, r) => t('receivables.seqValue', { seq: r.seq }) },
    {
      key: 'customer',
      title: t('receivables.customer'),
      render: (_, r) => <Typography.Link onClick={() => void navigate(`/customers/${r.customerId}`)}>{r.customerName ?? `#${r.customerId}`}</Typography.Link>,
    },
    { key: 'owner', title: t('receivables.owner'), render: (_, r) => r.ownerName ?? '' },
    { key: 'department', title: t('receivables.department'), render: (_, r) => r.departmentName ?? t('receivables.noDepartment') },
    { key: 'dueDate', title: t('receivables.dueDate'), render: (_, r) => formatDate(r.dueDate) },
    {
      key: 'days',
      title: t('receivables.daysOverdue'),
      align: 'right',
      render: (_, r) => <Tag color={r.daysOverdue > 90 ? 'red' : r.daysOverdue > 30 ? 'volcano' : 'orange'}>{t('receivables.overdueDays', { days: r.daysOverdue })}</Tag>,
    },
    { key: 'open', title: t('receivables.openAmount'), align: 'right', render: (_, r) => <Typography.Text strong>{formatMoney(r.openAmount)}</Typography.Text> },
  ];

  const total = summary.data?.total;
  return (
    <>
      <PageHeader title={t('receivables.overdueTitle')} description={t('receivables.overdueDescription')} />
      <div className="gx-panel" style={{ marginBottom: 20 }}>
        <Flex gap={12} wrap style={{ marginBottom: 16 }}>
          <Select
            allowClear
            placeholder={t('receivables.allOwners')}
            value={owner === undefined ? undefined : String(owner)}
            onChange={(v?: string) => setOwner(v === undefined ? undefined : v === 'me' ? 'me' : Number(v))}
            options={ownerOptions}
            style={{ width: 180 }}
            data-testid="overdue-filter-owner"
          />
          <Select allowClear placeholder={t('receivables.allDepartments')} value={departmentId} onChange={setDepartmentId} options={departmentOptions} style={{ width: 200 }} data-testid="overdue-filter-department" />
          <Select
            allowClear
            placeholder={t('receivables.minDays')}
            value={minDays}
            onChange={setMinDays}
            options={minDayChoices.map((d) => ({ value: d, label: d === 1 ? t('receivables.anyDays') : t('receivables.atLeastDays', { days: d }) }))}
            style={{ width: 160 }}
            data-testid="overdue-filter-days"
          />
        </Flex>
        <Row gutter={[16, 16]} style={{ marginBottom: 8 }}>
          <Col xs={12} md={6}>
            <Statistic title={t('receivables.overdueAmount')} value={formatMoney(total?.amount ?? '0.00')} styles={{ content: { color: '#d92d20' } }} data-testid="overdue-total-amount" />
          </Col>
          <Col xs={12} md={6}>
            <Statistic title={t('receivables.count')} value={total?.count ?? 0} />
          </Col>
          <Col xs={12} md={6}>
            <Statistic title={t('receivables.oldestDays')} value={total?.oldestDays ?? 0} />
          </Col>
        </Row>
        <Flex justify="space-between" align="center" style={{ margin: '8px 0 12px' }}>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('receivables.summaryTitle')}
          </Typography.Title>
          <Segmented<'owner' | 'department'>
            value={groupBy}
            onChange={(v) => setGroupBy(v)}
            options={[
              { value: 'owner', label: t('receivables.byOwner') },
              { value: 'department', label: t('receivables.byDepartment') },
            ]}
            data-testid="overdue-group-by"
          />
        </Flex>
        {summary.data?.groups.length ? (
          <Row gutter={[20, 20]}>
            <Col xs={24} lg={12}>
              <Suspense fallback={null}>
                <OverdueChart groups={summary.data.groups.map((g) => ({ name: groupName(g), amount: g.amount }))} />
              </Suspense>
            </Col>
            <Col xs={24} lg={12}>
              <Table<Group> rowKey={(g) => String(g.id)} size="small" columns={summaryColumns} dataSource={summary.data.groups} pagination={false} data-testid="overdue-summary-table" />
            </Col>
          </Row>
        ) : (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('receivables.noOverdue')} />
        )}
      </div>
      <div className="gx-panel">
        <Flex justify="space-between" align="center" style={{ marginBottom: 12 }} wrap gap={8}>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('receivables.listTitle')}
          </Typography.Title>
          <Segmented<'-daysOverdue' | '-overdueAmount'>
            value={sort}
            onChange={(v) => setSort(v)}
            options={[
              { value: '-daysOverdue', label: t('receivables.sortDays') },
              { value: '-overdueAmount', label: t('receivables.sortAmount') },
            ]}
            data-testid="overdue-sort"
          />
        </Flex>
        <Table<OverdueRow>
          rowKey="instalmentId"
          columns={columns}
          dataSource={list.rows}
          loading={list.query.isFetching}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('receivables.noOverdue')} /> }}
          onRow={(r) => ({ 'data-testid': `overdue-row-${r.instalmentId}` }) as React.HTMLAttributes<HTMLElement>}
          data-testid="overdue-table"
        />
        <CursorPager list={list} onPageSizeChange={setPageSize} />
      </div>
    </>
  );
}
