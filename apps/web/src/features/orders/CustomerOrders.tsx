// A customer's purchases on the customer page: the purchase summary (net of returns) and the
// customer's orders, with a button for a new order for this customer.
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Button, Card, Col, Empty, Row, Statistic, Table, Typography, type TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { OrderSummary } from '@guanxi/contracts';
import { CursorPager } from '../../shared/CursorPager';
import { useCursorList } from '../../shared/useCursorList';
import { formatDate, formatMoney } from '../../shared/format';
import { useCan } from '../auth/session';
import { ApprovalTag, Money, OrderStatusTag } from './order-bits';
import { marginPercentOf } from './order-money';
import { usePurchaseSummary } from './orders.api';

export function CustomerOrders({ customerId }: { customerId: number }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const can = useCan();
  const summary = usePurchaseSummary(customerId);
  const [pageSize, setPageSize] = useState(10);
  const list = useCursorList<OrderSummary>('orders', { 'filter[customerId]': customerId, sort: '-orderDate' }, pageSize);
  const s = summary.data;
  const margin = s ? marginPercentOf(s.totalMargin, s.totalAmount) : null;

  const columns: TableProps<OrderSummary>['columns'] = [
    { key: 'number', title: t('orders.number'), render: (_, o) => <Typography.Link onClick={() => void navigate(`/orders/${o.id}`)}>{o.number}</Typography.Link> },
    { key: 'date', title: t('orders.orderDate'), render: (_, o) => formatDate(o.orderDate) },
    { key: 'status', title: t('common.status'), render: (_, o) => <><OrderStatusTag status={o.status} /><ApprovalTag status={o.approvalStatus} /></> },
    { key: 'owner', title: t('orders.owner'), render: (_, o) => o.ownerName ?? '' },
    { key: 'total', title: t('orders.total'), align: 'right', render: (_, o) => <Money value={o.total} strong /> },
    { key: 'returned', title: t('orders.returnedAmount'), align: 'right', render: (_, o) => (o.returnedAmount === '0.00' ? '—' : <Money value={o.returnedAmount} muted />) },
  ];

  return (
    <Card
      title={t('orders.purchaseSummary')}
      extra={
        can('sales.write') ? (
          <Button type="primary" size="small" icon={<PlusOutlined />} onClick={() => void navigate(`/orders/new?customerId=${customerId}`)} data-testid="customer-order-new">
            {t('orders.create')}
          </Button>
        ) : null
      }
      data-testid="customer-orders"
    >
      <Row gutter={[16, 16]} style={{ marginBottom: 20 }}>
        <Col xs={12} md={6}>
          <Statistic title={t('orders.orderCount')} value={s?.orderCount ?? 0} loading={summary.isPending} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('orders.totalAmount')} value={s ? formatMoney(s.totalAmount) : ''} loading={summary.isPending} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('orders.totalMargin')} value={s ? formatMoney(s.totalMargin) : ''} suffix={margin === null ? undefined : <Typography.Text type="secondary" style={{ fontSize: 13 }}>({margin}%)</Typography.Text>} loading={summary.isPending} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('orders.firstLastPurchase')} value={s?.firstPurchaseOn ? `${formatDate(s.firstPurchaseOn)} ~ ${formatDate(s.lastPurchaseOn)}` : '—'} styles={{ content: { fontSize: 15 } }} loading={summary.isPending} />
        </Col>
      </Row>
      {list.rows.length || list.query.isFetching ? (
        <>
          <Table<OrderSummary> rowKey="id" size="small" columns={columns} dataSource={list.rows} loading={list.query.isFetching} pagination={false} scroll={{ x: 'max-content' }} />
          {list.total > pageSize ? <CursorPager list={list} onPageSizeChange={setPageSize} /> : null}
        </>
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('orders.noOrders')} />
      )}
    </Card>
  );
}
