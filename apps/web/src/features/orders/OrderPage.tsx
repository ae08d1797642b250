// One order (/orders/:id): status and approval, lines with amounts, totals and margin, the
// actions its state allows (confirm — which may turn into a pending approval — fulfil, cancel,
// approve/reject for the approver), its returns and what the customer still owes.
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { Alert, App, Button, Card, Col, Descriptions, Empty, Flex, Form, Input, Modal, Popconfirm, Result, Row, Skeleton, Table, Typography, type TableProps } from 'antd';
import { CheckOutlined, CloseOutlined, EditOutlined, RollbackOutlined, CarOutlined, StopOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { OpportunitySummary, Order, OrderLine, OrderReturn } from '@guanxi/contracts';
import { api } from '../../api/client';
import { PageHeader } from '../../shared/PageHeader';
import { formatDate, formatDateTime, formatMoney } from '../../shared/format';
import { errorText } from '../../shared/errors';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { useCan, useCurrentUser } from '../auth/session';
import { ApprovalTag, Money, OrderStatusTag } from './order-bits';
import { formatDecimal, marginPercentOf, parseDecimal } from './order-money';
import { ReturnModal } from './ReturnModal';
import { useInvalidateOrders, useOrder, useOrderAction, type OrderActionName } from './orders.api';
import OrderReceivables from '../receivables/OrderReceivables';

/** total − returnedAmount, exactly. */
function netOf(o: Order): string {
  return formatDecimal((parseDecimal(o.total) ?? 0n) - (parseDecimal(o.returnedAmount) ?? 0n));
}

export default function OrderPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const { id } = useParams();
  const orderId = Number(id);
  const me = useCurrentUser();
  const can = useCan();
  const onError = useMutationErrors();
  const invalidate = useInvalidateOrders();
  const order = useOrder(orderId);
  const dealId = order.data?.opportunityId ?? 0;
  const deal = useQuery({ queryKey: ['opportunities', 'one', dealId], queryFn: () => api<OpportunitySummary>(`/opportunities/${dealId}`), enabled: dealId > 0, retry: false });
  const act = useOrderAction(order.data);
  const [deciding, setDeciding] = useState<'approve' | 'reject' | null>(null);
  const [returning, setReturning] = useState(false);
  const [noteForm] = Form.useForm<{ note?: string }>();
  const remove = useMutation({
    mutationFn: () => api<null>(`/orders/${orderId}`, { method: 'DELETE' }),
    onSuccess: () => {
      invalidate();
      void message.success(t('common.deleted'));
      void navigate('/orders');
    },
    onError: (e) => void message.error(errorText(t, e)),
  });

  if (order.isPending) return <Skeleton active />;
  if (order.isError || !order.data) return <Result status="404" title={t('orders.notFound')} extra={<Button onClick={() => void navigate('/orders')}>{t('orders.backToList')}</Button>} />;
  const o = order.data;
  const writable = can('sales.write');
  const isApprover = o.approvalStatus === 'pending' && (o.approverId === me.id || me.roleKey === 'admin');
  const pending = o.approvalStatus === 'pending';

  const run = (action: OrderActionName, note?: string) =>
    act.mutate(
      { action, note },
      {
        onSuccess: (saved) => {
          setDeciding(null);
          const key = action === 'confirm' && saved.approvalStatus === 'pending' ? 'pendingToast' : `${action}Toast`;
          void message.success(t(`orders.toast.${key as 'pendingToast'}`, { number: saved.number, name: saved.approverName ?? '' }));
        },
        onError: (e) => onError(e, { onReload: () => void order.refetch() }),
      },
    );

  const actions = (
    <>
      {writable && o.status === 'draft' && !pending ? (
        <>
          <Button icon={<EditOutlined />} onClick={() => void navigate(`/orders/${o.id}/edit`)} data-testid="order-edit">
            {t('common.edit')}
          </Button>
          <Popconfirm title={t('orders.confirmConfirm')} description={t('orders.confirmConfirmText')} onConfirm={() => run('confirm')} okText={t('common.confirm')} cancelText={t('common.cancel')}>
            <Button type="primary" icon={<CheckOutlined />} loading={act.isPending && act.variables?.action === 'confirm'} data-testid="order-confirm">
              {t('orders.actions.confirm')}
            </Button>
          </Popconfirm>
        </>
      ) : null}
      {isApprover && writable ? (
        <>
          <Button type="primary" icon={<CheckOutlined />} onClick={() => { noteForm.resetFields(); setDeciding('approve'); }} data-testid="order-approve">
            {t('orders.actions.approve')}
          </Button>
          <Button danger icon={<CloseOutlined />} onClick={() => { noteForm.resetFields(); setDeciding('reject'); }} data-testid="order-reject">
            {t('orders.actions.reject')}
          </Button>
        </>
      ) : null}
      {writable && o.status === 'confirmed' ? (
        <Popconfirm title={t('orders.fulfilConfirm')} onConfirm={() => run('fulfil')} okText={t('common.confirm')} cancelText={t('common.cancel')}>
          <Button type="primary" icon={<CarOutlined />} data-testid="order-fulfil">
            {t('orders.actions.fulfil')}
          </Button>
        </Popconfirm>
      ) : null}
      {writable && (o.status === 'confirmed' || o.status === 'fulfilled') ? (
        <Button icon={<RollbackOutlined />} onClick={() => setReturning(true)} data-testid="order-return">
          {t('orders.newReturn')}
        </Button>
      ) : null}
      {writable && (o.status === 'draft' || o.status === 'confirmed') ? (
        <Popconfirm title={t('orders.cancelConfirm')} description={t('orders.cancelConfirmText')} onConfirm={() => run('cancel')} okText={t('common.confirm')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')}>
          <Button danger icon={<StopOutlined />} data-testid="order-cancel">
            {t('orders.actions.cancel')}
          </Button>
        </Popconfirm>
      ) : null}
      {writable && (o.status === 'draft' || o.status === 'cancelled') && !pending ? (
        <Popconfirm title={t('orders.deleteConfirm', { number: o.number })} onConfirm={() => remove.mutate()} okText={t('common.delete')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')}>
          <Button type="text" danger data-testid="order-delete">
            {t('common.delete')}
          </Button>
        </Popconfirm>
      ) : null}
    </>
  );

  const anyReturned = o.lines.some((l) => (parseDecimal(l.returnedQuantity) ?? 0n) > 0n);
  const lineColumns: TableProps<OrderLine>['columns'] = [
    { key: 'pos', title: '#', width: 48, render: (_, _l, i) => i + 1 },
    {
      key: 'product',
      title: t('orders.product'),
      render: (_, l) => (
        <Flex vertical>
          <Typography.Text strong>{l.productName}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {l.productSku}
          </Typography.Text>
        </Flex>
      ),
    },
    { key: 'qty', title: t('orders.quantity'), align: 'right', render: (_, l) => trimQty(l.quantity) },
    { key: 'price', title: t('orders.unitPrice'), align: 'right', render: (_, l) => <Money value={l.unitPrice} /> },
    { key: 'discount', title: t('orders.discountPercent'), align: 'right', render: (_, l) => (l.discountRate === '0.0000' ? '—' : `${trimQty(formatRatePercent(l.discountRate))}%`) },
    { key: 'amount', title: t('orders.amount'), align: 'right', render: (_, l) => <Money value={l.amount} strong /> },
    { key: 'cost', title: t('orders.cost'), align: 'right', render: (_, l) => <Money value={l.cost} muted /> },
    { key: 'margin', title: t('orders.grossMargin'), align: 'right', render: (_, l) => <Money value={formatDecimal((parseDecimal(l.amount) ?? 0n) - (parseDecimal(l.cost) ?? 0n))} /> },
    ...(anyReturned ? [{ key: 'returned', title: t('orders.returnedQty'), align: 'right' as const, render: (_: unknown, l: OrderLine) => ((parseDecimal(l.returnedQuantity) ?? 0n) > 0n ? trimQty(l.returnedQuantity) : '—') }] : []),
  ];

  const margin = marginPercentOf(o.grossMargin, o.total);
  const totalsRows: Array<[string, React.ReactNode, boolean?]> = [
    [t('orders.subtotal'), <Money value={o.subtotal} />],
    [t('orders.discount'), <Money value={o.discountAmount === '0.00' ? '0.00' : `-${o.discountAmount}`} />],
    [t('orders.total'), <Money value={o.total} strong />, true],
    ...(o.returnedAmount !== '0.00'
      ? ([
          [t('orders.returnedAmount'), <Money value={`-${o.returnedAmount}`} />],
          [t('orders.netTotal'), <Money value={netOf(o)} strong />, true],
        ] as Array<[string, React.ReactNode, boolean?]>)
      : []),
    [t('orders.cost'), <Money value={o.cost} muted />],
    [t('orders.grossMargin'), <span><Money value={o.grossMargin} strong />{margin === null ? '' : <Typography.Text type="secondary"> ({margin}%)</Typography.Text>}</span>],
  ];

  return (
    <>
      <PageHeader
        title={
          <Flex gap={10} align="center" wrap>
            <span>{t('orders.orderTitle', { number: o.number })}</span>
            <OrderStatusTag status={o.status} />
            <ApprovalTag status={o.approvalStatus} />
          </Flex>
        }
        description={
          <>
            <Typography.Link onClick={() => void navigate(`/customers/${o.customerId}`)}>{o.customerName}</Typography.Link>
            {' · '}
            {formatDate(o.orderDate)} · {formatMoney(o.total)}
          </>
        }
        extra={actions}
      />

      {pending ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="order-approval-banner"
          title={isApprover && o.approverId === me.id ? t('orders.awaitingYou') : t('orders.awaitingOther', { name: o.approverName ?? '' })}
          description={t('orders.requestedAt', { at: formatDateTime(o.approvalRequestedAt) })}
        />
      ) : o.approvalStatus === 'rejected' ? (
        <Alert type="error" showIcon style={{ marginBottom: 16 }} title={t('orders.rejectedBanner', { name: o.approverName ?? '' })} description={o.approvalNote} data-testid="order-approval-banner" />
      ) : o.approvalStatus === 'approved' ? (
        <Alert type="success" showIcon style={{ marginBottom: 16 }} title={t('orders.approvedBanner', { name: o.approverName ?? '', at: formatDateTime(o.approvalDecidedAt) })} description={o.approvalNote ?? undefined} />
      ) : null}

      <Row gutter={[20, 20]}>
        <Col xs={24} xl={17}>
          <Card title={t('orders.lines')} style={{ marginBottom: 20 }}>
            <Table<OrderLine> rowKey="id" size="middle" columns={lineColumns} dataSource={o.lines} pagination={false} scroll={{ x: 'max-content' }} data-testid="order-lines-table" />
          </Card>
          <Card
            title={t('orders.returns')}
            extra={
              writable && (o.status === 'confirmed' || o.status === 'fulfilled') ? (
                <Button size="small" icon={<RollbackOutlined />} onClick={() => setReturning(true)}>
                  {t('orders.newReturn')}
                </Button>
              ) : null
            }
            style={{ marginBottom: 20 }}
            data-testid="order-returns"
          >
            {o.returns.length ? <ReturnsTable returns={o.returns} /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('orders.noReturns')} />}
          </Card>
          {o.status === 'draft' ? null : <OrderReceivables order={o} />}
        </Col>
        <Col xs={24} xl={7}>
          <Card title={t('orders.totals')} style={{ marginBottom: 20 }} data-testid="order-totals">
            <Flex vertical gap={8}>
              {totalsRows.map(([label, value, emphasis]) => (
                <Flex key={label} justify="space-between" style={emphasis ? { borderTop: '1px solid #f0f0f0', paddingTop: 8 } : undefined}>
                  <Typography.Text type={emphasis ? undefined : 'secondary'} strong={emphasis}>
                    {label}
                  </Typography.Text>
                  {value}
                </Flex>
              ))}
            </Flex>
          </Card>
          <Card title={t('orders.sectionOrder')}>
            <Descriptions
              column={1}
              size="small"
              items={[
                { key: 'customer', label: t('orders.customer'), children: <Typography.Link onClick={() => void navigate(`/customers/${o.customerId}`)}>{o.customerName}</Typography.Link> },
                { key: 'owner', label: t('orders.owner'), children: o.ownerName },
                { key: 'date', label: t('orders.orderDate'), children: formatDate(o.orderDate) },
                ...(o.opportunityId ? [{ key: 'opp', label: t('orders.opportunity'), children: deal.data ? `${deal.data.name} · ${deal.data.stageName}` : `#${o.opportunityId}` }] : []),
                ...(o.approverId ? [{ key: 'approver', label: t('orders.approver'), children: o.approverName }] : []),
                ...(o.confirmedAt ? [{ key: 'confirmed', label: t('orders.confirmedAt'), children: formatDateTime(o.confirmedAt) }] : []),
                ...(o.fulfilledAt ? [{ key: 'fulfilled', label: t('orders.fulfilledAt'), children: formatDateTime(o.fulfilledAt) }] : []),
                ...(o.cancelledAt ? [{ key: 'cancelled', label: t('orders.cancelledAt'), children: formatDateTime(o.cancelledAt) }] : []),
                ...(o.notes ? [{ key: 'notes', label: t('orders.notes'), children: <span style={{ whiteSpace: 'pre-wrap' }}>{o.notes}</span> }] : []),
              ]}
            />
          </Card>
        </Col>
      </Row>

      <Modal
        open={deciding !== null}
        title={deciding === 'reject' ? t('orders.rejectTitle', { number: o.number }) : t('orders.approveTitle', { number: o.number })}
        onCancel={() => setDeciding(null)}
        onOk={() => noteForm.submit()}
        okText={deciding === 'reject' ? t('orders.actions.reject') : t('orders.actions.approve')}
        okButtonProps={{ danger: deciding === 'reject', loading: act.isPending, 'data-testid': 'order-decision-submit' }}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t('orders.decisionSummary', { total: formatMoney(o.total), margin: margin === null ? '—' : `${margin}%` })}</Typography.Paragraph>
        <Form form={noteForm} layout="vertical" onFinish={(v) => deciding && run(deciding, v.note?.trim() || undefined)}>
          <Form.Item
            name="note"
            label={t('orders.decisionNote')}
            rules={deciding === 'reject' ? [{ required: true, whitespace: true, message: t('orders.rejectNoteRequired') }] : []}
          >
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 6 }} maxLength={2000} data-testid="order-decision-note" />
          </Form.Item>
        </Form>
      </Modal>
      <ReturnModal open={returning} order={o} onClose={() => setReturning(false)} />
    </>
  );
}

/** "3.000" → "3", "1.500" → "1.5". */
export function trimQty(q: string): string {
  return q.includes('.') ? q.replace(/\.?0+$/, '') : q;
}
/** "0.1500" → "15.00" (percent with the rate's precision). */
function formatRatePercent(rate: string): string {
  const r = parseDecimal(rate) ?? 0n; // hundredths of a percent
  return `${r / 100n}.${(r % 100n).toString().padStart(2, '0')}`;
}

function ReturnsTable({ returns }: { returns: OrderReturn[] }) {
  const { t } = useTranslation();
  const columns: TableProps<OrderReturn>['columns'] = [
    { key: 'date', title: t('orders.returnedOn'), render: (_, r) => formatDate(r.returnedOn) },
    { key: 'reason', title: t('orders.reason'), render: (_, r) => r.reason },
    {
      key: 'lines',
      title: t('orders.returnLines'),
      render: (_, r) => (
        <Flex vertical gap={2}>
          {r.lines.map((l) => (
            <Typography.Text key={l.id} style={{ fontSize: 13 }}>
              {l.productName} × {trimQty(l.quantity)} · <Money value={l.amount} />
            </Typography.Text>
          ))}
        </Flex>
      ),
    },
    { key: 'amount', title: t('orders.amount'), align: 'right', render: (_, r) => <Money value={r.amount} strong /> },
    { key: 'by', title: t('orders.recordedBy'), render: (_, r) => <Typography.Text type="secondary">{r.createdByName ?? ''} · {formatDateTime(r.createdAt)}</Typography.Text> },
  ];
  return <Table<OrderReturn> rowKey="id" size="small" columns={columns} dataSource={returns} pagination={false} scroll={{ x: 'max-content' }} />;
}
