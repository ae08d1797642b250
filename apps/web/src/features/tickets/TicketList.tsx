// Ticket queues (工单): mine, my team's, unassigned, breaching soon and breached, each with its
// count; filters by status, type, priority and customer; an SLA countdown on every row.
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { Badge, Button, Flex, Input, Select, Table, Tabs, Typography, type TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useQueries } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ticketPriorities, ticketQueues, ticketStatuses, ticketTypes, type Ticket } from '@guanxi/contracts';
import { api, type Page } from '../../api/client';
import { PageHeader } from '../../shared/PageHeader';
import { CursorPager } from '../../shared/CursorPager';
import { useCursorList } from '../../shared/useCursorList';
import { useTableSort } from '../../shared/useTableSort';
import { formatDateTime } from '../../shared/format';
import { useCan } from '../auth/session';
import { CustomerSelect } from '../orders/order-bits';
import { PriorityTag, SlaTag, TicketStatusTag, TypeTag, activeClock, useNow } from './ticket-bits';
import { ticketsKey, useSlaPolicies, type TicketPriority, type TicketStatus, type TicketType } from './tickets.api';
import { TicketFormDrawer } from './TicketFormDrawer';

type Queue = (typeof ticketQueues)[number] | 'all';
/** The server's queues hold open work only; `all` finds resolved and closed tickets too. */
const tabs: readonly Queue[] = [...ticketQueues, 'all'];
const sortable = ['number', 'priority', 'resolutionDueAt', 'createdAt', 'updatedAt'] as const;
const queueColor: Partial<Record<Queue, string>> = { breaching_soon: '#fa8c16', breached: '#f5222d' };

export default function TicketList() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const can = useCan();
  const now = useNow();
  const policies = useSlaPolicies();
  const [search, setSearch] = useSearchParams();
  const queue: Queue = tabs.find((q) => q === search.get('queue')) ?? 'mine';
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<TicketStatus | 'active'>();
  const [type, setType] = useState<TicketType>();
  const [priority, setPriority] = useState<TicketPriority>();
  const [customerId, setCustomerId] = useState<number | null>(null);
  const { sort, setSort, sortOrder, onChange: onTableChange } = useTableSort<Ticket>(sortable);
  const [pageSize, setPageSize] = useState(20);
  const [creating, setCreating] = useState(false);
  const list = useCursorList<Ticket>(
    'tickets',
    { 'filter[queue]': queue === 'all' ? undefined : queue, sort, q: q || undefined, 'filter[status]': status, 'filter[type]': type, 'filter[priority]': priority, 'filter[customerId]': customerId ?? undefined },
    pageSize,
  );
  const counts = useQueries({
    queries: ticketQueues.map((queueKey) => ({
      queryKey: [...ticketsKey, 'queue-count', queueKey],
      queryFn: ({ signal }: { signal: AbortSignal }) => api<Page<Ticket>>('/tickets', { query: { 'filter[queue]': queueKey, limit: 1 }, signal }),
      select: (p: Page<Ticket>) => p.total,
      refetchInterval: 60_000,
    })),
  });
  const policyOf = (id: number | null) => policies.data?.find((p) => p.id === id);

  const columns: TableProps<Ticket>['columns'] = [
    {
      key: 'number',
      title: t('tickets.field.number'),
      sorter: true,
      sortOrder: sortOrder('number'),
      render: (_, r) => (
        <Typography.Link strong onClick={() => void navigate(`/tickets/${r.id}`)} data-testid={`ticket-link-${r.number}`} style={{ whiteSpace: 'nowrap' }}>
          {r.number}
        </Typography.Link>
      ),
    },
    {
      key: 'subject',
      title: t('tickets.field.subject'),
      render: (_, r) => (
        <Flex vertical style={{ minWidth: 200, maxWidth: 360 }}>
          <Typography.Text ellipsis={{ tooltip: r.subject }}>{r.subject}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {r.customerId ? (
              <Typography.Link onClick={() => void navigate(`/customers/${r.customerId}`)} style={{ fontSize: 12 }}>
                {r.customerName}
              </Typography.Link>
            ) : (
              [r.callerName, r.callerPhone, r.callerEmail].filter(Boolean).join(' · ') || t('tickets.unknownCaller')
            )}
          </Typography.Text>
        </Flex>
      ),
    },
    { key: 'type', title: t('tickets.field.type'), render: (_, r) => <TypeTag ticket={r} /> },
    { key: 'priority', title: t('tickets.field.priority'), sorter: true, sortOrder: sortOrder('priority'), render: (_, r) => <PriorityTag priority={r.priority} /> },
    {
      key: 'status',
      title: t('common.status'),
      render: (_, r) => (
        <Flex vertical gap={2} align="flex-start">
          <TicketStatusTag status={r.status} />
          {r.complaintStage && r.status !== 'closed' ? (
            <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
              {t(`tickets.step.${r.complaintStage}`)}
            </Typography.Text>
          ) : null}
        </Flex>
      ),
    },
    {
      key: 'resolutionDueAt',
      title: t('tickets.field.sla'),
      sorter: true,
      sortOrder: sortOrder('resolutionDueAt'),
      render: (_, r) => <SlaTag ticket={r} kind={activeClock(r)} now={now} policy={policyOf(r.sla.policyId)} withLabel testId="ticket-sla" />,
    },
    {
      key: 'assignee',
      title: t('tickets.field.assignee'),
      render: (_, r) => (
        <Flex vertical>
          <span style={{ whiteSpace: 'nowrap' }}>{r.assigneeName ?? <Typography.Text type="secondary">{t('tickets.unassigned')}</Typography.Text>}</span>
          {r.teamName ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {r.teamName}
            </Typography.Text>
          ) : null}
        </Flex>
      ),
    },
    { key: 'createdAt', title: t('common.createdAt'), sorter: true, sortOrder: sortOrder('createdAt'), render: (_, r) => <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(r.createdAt)}</span> },
  ];

  return (
    <>
      <PageHeader
        title={t('tickets.pageTitle')}
        description={t('tickets.description')}
        extra={
          can('service.write') ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="ticket-new">
              {t('tickets.create')}
            </Button>
          ) : null
        }
      />
      <div className="gx-panel">
        <Tabs
          activeKey={queue}
          onChange={(k) => setSearch(k === 'mine' ? {} : { queue: k })}
          items={tabs.map((key, i) => ({
            key,
            label: (
              <Flex gap={6} align="center" data-testid={`tickets-queue-${key}`}>
                {t(`tickets.queue.${key}`)}
                {key === 'all' ? null : <Badge count={counts[i]?.data ?? 0} showZero size="small" overflowCount={999} color={queueColor[key] ?? (queue === key ? '#1677ff' : '#bfbfbf')} />}
              </Flex>
            ),
          }))}
        />
        <Flex gap={12} wrap style={{ marginBottom: 16 }}>
          <Input.Search allowClear placeholder={t('tickets.search')} onSearch={(v) => setQ(v.trim())} style={{ width: 300 }} />
          <Select<TicketStatus | 'active'>
            allowClear
            placeholder={t('common.status')}
            value={status}
            onChange={setStatus}
            options={[{ value: 'active' as const, label: t('tickets.status.active') }, ...ticketStatuses.map((s) => ({ value: s, label: t(`tickets.status.${s}`) }))]}
            style={{ width: 140 }}
            data-testid="tickets-filter-status"
          />
          <Select<TicketType> allowClear placeholder={t('tickets.field.type')} value={type} onChange={setType} options={ticketTypes.map((s) => ({ value: s, label: t(`tickets.type.${s}`) }))} style={{ width: 130 }} data-testid="tickets-filter-type" />
          <Select<TicketPriority>
            allowClear
            placeholder={t('tickets.field.priority')}
            value={priority}
            onChange={setPriority}
            options={ticketPriorities.map((s) => ({ value: s, label: t(`tickets.priority.${s}`) }))}
            style={{ width: 120 }}
            data-testid="tickets-filter-priority"
          />
          {can('customers.read') ? <CustomerSelect value={customerId} onChange={setCustomerId} style={{ width: 220 }} /> : null}
        </Flex>
        <Table<Ticket>
          rowKey="id"
          columns={columns}
          dataSource={list.rows}
          loading={list.query.isFetching}
          pagination={false}
          onChange={onTableChange}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t(`tickets.queueEmpty.${queue}`) }}
          data-testid="tickets-table"
        />
        <CursorPager list={list} onPageSizeChange={setPageSize} />
      </div>
      <TicketFormDrawer open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
