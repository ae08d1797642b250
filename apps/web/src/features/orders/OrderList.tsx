// Orders (订单): all orders in the caller's scope with filters (status, owner, customer, approval),
// and a tab with the orders waiting for the caller's approval.
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { Badge, Button, Flex, Input, Select, Table, Tabs, Typography, type TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { approvalStatuses, orderStatuses, type OrderStatus, type OrderSummary, type ApprovalStatus } from '@guanxi/contracts';
import { api, type Page } from '../../api/client';
import { PageHeader } from '../../shared/PageHeader';
import { CursorPager } from '../../shared/CursorPager';
import { useCursorList } from '../../shared/useCursorList';
import { useTableSort } from '../../shared/useTableSort';
import { formatDate } from '../../shared/format';
import { useCan } from '../auth/session';
import { UserRefPicker } from '../users/UserRefPicker';
import { ApprovalTag, CustomerSelect, Money, OrderStatusTag } from './order-bits';
import { formatDecimal, parseDecimal } from './order-money';
import { ordersKey } from './orders.api';

const sortable = ['orderDate', 'number', 'total', 'updatedAt'] as const;
type Tab = 'all' | 'approvals';

export default function OrderList() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const can = useCan();
  const [search, setSearch] = useSearchParams();
  const tab: Tab = search.get('tab') === 'approvals' ? 'approvals' : 'all';
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<OrderStatus>();
  const [approval, setApproval] = useState<ApprovalStatus>();
  const [ownerId, setOwnerId] = useState<number | null>(null);
  const [customerId, setCustomerId] = useState<number | null>(null);
  const { sort, setSort, sortOrder, onChange: onTableChange } = useTableSort<OrderSummary>(sortable);
  const [pageSize, setPageSize] = useState(20);
  const params =
    tab === 'approvals'
      ? { sort, 'filter[approval]': 'pending', 'filter[approverId]': 'me' }
      : { sort, q: q || undefined, 'filter[status]': status, 'filter[approval]': approval, 'filter[ownerId]': ownerId ?? undefined, 'filter[customerId]': customerId ?? undefined };
  const list = useCursorList<OrderSummary>('orders', params, pageSize);
  const mine = useQuery({
    queryKey: [...ordersKey, 'pending-mine-count'],
    queryFn: () => api<Page<OrderSummary>>('/orders', { query: { 'filter[approval]': 'pending', 'filter[approverId]': 'me', limit: 1 } }),
    select: (p) => p.total,
  });

  const columns: TableProps<OrderSummary>['columns'] = [
    {
      key: 'number',
      title: t('orders.number'),
      sorter: true,
      sortOrder: sortOrder('number'),
      render: (_, o) => (
        <Typography.Link strong onClick={() => void navigate(`/orders/${o.id}`)} data-testid={`order-link-${o.number}`}>
          {o.number}
        </Typography.Link>
      ),
    },
    { key: 'customer', title: t('orders.customer'), render: (_, o) => <Typography.Link onClick={() => void navigate(`/customers/${o.customerId}`)}>{o.customerName}</Typography.Link> },
    { key: 'orderDate', title: t('orders.orderDate'), sorter: true, sortOrder: sortOrder('orderDate'), render: (_, o) => formatDate(o.orderDate) },
    {
      key: 'status',
      title: t('common.status'),
      render: (_, o) => (
        <Flex vertical gap={2}>
          <Flex gap={4} wrap>
            <OrderStatusTag status={o.status} />
            <ApprovalTag status={o.approvalStatus} />
          </Flex>
          {o.approvalStatus === 'pending' && tab === 'all' && o.approverName ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('orders.approver')}{t('common.colon')}{o.approverName}
            </Typography.Text>
          ) : null}
        </Flex>
      ),
    },
    { key: 'owner', title: t('orders.owner'), render: (_, o) => o.ownerName ?? '' },
    { key: 'total', title: t('orders.total'), align: 'right', sorter: true, sortOrder: sortOrder('total'), render: (_, o) => <Money value={o.total} strong /> },
    {
      key: 'net',
      title: t('orders.netTotal'),
      align: 'right',
      render: (_, o) => (o.returnedAmount === '0.00' ? <Typography.Text type="secondary">—</Typography.Text> : <Money value={formatDecimal((parseDecimal(o.total) ?? 0n) - (parseDecimal(o.returnedAmount) ?? 0n))} />),
    },
    { key: 'margin', title: t('orders.grossMargin'), align: 'right', render: (_, o) => <Money value={o.grossMargin} /> },
  ];

  return (
    <>
      <PageHeader
        title={t('orders.pageTitle')}
        description={t('orders.description')}
        extra={
          can('sales.write') ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/orders/new')} data-testid="order-new">
              {t('orders.create')}
            </Button>
          ) : null
        }
      />
      <div className="gx-panel">
        <Tabs
          activeKey={tab}
          onChange={(k) => setSearch(k === 'approvals' ? { tab: 'approvals' } : {})}
          items={[
            { key: 'all', label: t('orders.tabAll') },
            {
              key: 'approvals',
              label: (
                <Flex gap={6} align="center" data-testid="orders-tab-approvals">
                  {t('orders.tabApprovals')}
                  {mine.data ? <Badge count={mine.data} size="small" /> : null}
                </Flex>
              ),
            },
          ]}
        />
        {tab === 'all' ? (
          <Flex gap={12} wrap style={{ marginBottom: 16 }}>
            <Input.Search allowClear placeholder={t('orders.search')} onSearch={(v) => setQ(v.trim())} style={{ width: 280 }} />
            <Select<OrderStatus>
              allowClear
              placeholder={t('common.status')}
              value={status}
              onChange={setStatus}
              options={orderStatuses.map((s) => ({ value: s, label: t(`orders.status.${s}`) }))}
              style={{ width: 130 }}
              data-testid="orders-filter-status"
            />
            <Select<ApprovalStatus>
              allowClear
              placeholder={t('orders.approval')}
              value={approval}
              onChange={setApproval}
              options={approvalStatuses.filter((s) => s !== 'none').map((s) => ({ value: s, label: t(`orders.approvalStatus.${s}`) }))}
              style={{ width: 130 }}
              data-testid="orders-filter-approval"
            />
            <UserRefPicker value={ownerId} onChange={setOwnerId} placeholder={t('orders.owner')} style={{ width: 180 }} />
            <CustomerSelect value={customerId} onChange={setCustomerId} style={{ width: 220 }} />
          </Flex>
        ) : (
          <Typography.Paragraph type="secondary">{t('orders.approvalsHelp')}</Typography.Paragraph>
        )}
        <Table<OrderSummary>
          rowKey="id"
          columns={columns}
          dataSource={list.rows}
          loading={list.query.isFetching}
          pagination={false}
          onChange={onTableChange}
          scroll={{ x: 'max-content' }}
          data-testid="orders-table"
        />
        <CursorPager list={list} onPageSizeChange={setPageSize} />
      </div>
    </>
  );
}
