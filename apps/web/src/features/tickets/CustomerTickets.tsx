// The tickets tab of a customer's page: every ticket about the customer, newest first, and a new
// ticket prefilled with the customer.
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Button, Card, Flex, Table, Typography, type TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Ticket } from '@guanxi/contracts';
import { CursorPager } from '../../shared/CursorPager';
import { useCursorList } from '../../shared/useCursorList';
import { formatDateTime } from '../../shared/format';
import { useCan } from '../auth/session';
import { PriorityTag, SlaTag, TicketStatusTag, TypeTag, activeClock, useNow } from './ticket-bits';
import { TicketFormDrawer } from './TicketFormDrawer';

export function CustomerTickets({ customer }: { customer: { id: number; name: string } }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const can = useCan();
  const now = useNow();
  const [creating, setCreating] = useState(false);
  const list = useCursorList<Ticket>('tickets', { 'filter[customerId]': customer.id }, 20);
  const columns: TableProps<Ticket>['columns'] = [
    {
      key: 'number',
      title: t('tickets.field.number'),
      render: (_, r) => (
        <Typography.Link strong onClick={() => void navigate(`/tickets/${r.id}`)} style={{ whiteSpace: 'nowrap' }}>
          {r.number}
        </Typography.Link>
      ),
    },
    { key: 'subject', title: t('tickets.field.subject'), render: (_, r) => <Typography.Text ellipsis={{ tooltip: r.subject }} style={{ maxWidth: 320 }}>{r.subject}</Typography.Text> },
    { key: 'type', title: t('tickets.field.type'), render: (_, r) => <TypeTag ticket={r} /> },
    { key: 'priority', title: t('tickets.field.priority'), render: (_, r) => <PriorityTag priority={r.priority} /> },
    { key: 'status', title: t('common.status'), render: (_, r) => <TicketStatusTag status={r.status} /> },
    { key: 'sla', title: t('tickets.field.sla'), render: (_, r) => <SlaTag ticket={r} kind={activeClock(r)} now={now} withLabel /> },
    { key: 'assignee', title: t('tickets.field.assignee'), render: (_, r) => r.assigneeName ?? <Typography.Text type="secondary">{t('tickets.unassigned')}</Typography.Text> },
    { key: 'createdAt', title: t('common.createdAt'), render: (_, r) => <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(r.createdAt)}</span> },
  ];
  return (
    <Card
      title={t('tickets.customerTab')}
      extra={
        can('service.write') ? (
          <Button icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="customer-ticket-new">
            {t('tickets.create')}
          </Button>
        ) : null
      }
      data-testid="customer-tickets"
    >
      <Table<Ticket> rowKey="id" size="middle" columns={columns} dataSource={list.rows} loading={list.query.isFetching} pagination={false} scroll={{ x: 'max-content' }} locale={{ emptyText: t('tickets.customerNone') }} />
      <Flex justify="flex-end">
        <CursorPager list={list} />
      </Flex>
      <TicketFormDrawer open={creating} onClose={() => setCreating(false)} customer={customer} />
    </Card>
  );
}
