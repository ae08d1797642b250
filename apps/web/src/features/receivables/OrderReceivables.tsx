// The receivables card of an order page (回款): receivable, received and balance; the payment
// plan's instalments with their status (overdue in red, with its days); the payments received,
// each voidable. Plans and payments are for confirmed and fulfilled orders only.
import { useState } from 'react';
import { Alert, Button, Card, Col, Empty, Flex, Popconfirm, Row, Statistic, Table, Tag, Typography, type TableProps } from 'antd';
import { DollarOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Instalment, Order, Payment } from '@guanxi/contracts';
import { api } from '../../api/client';
import { formatDate, formatMoney } from '../../shared/format';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { useCan } from '../auth/session';
import { invalidateReceivables, useOrderPayments, useOrderReceivable } from './receivables.api';
import { PaymentForm, VoidPaymentModal } from './PaymentForm';
import { PaymentPlanForm } from './PaymentPlanForm';
import { InstalmentStatusTag } from './InstalmentStatusTag';
import { toCents } from './receivable-money';

export default function OrderReceivables({ order }: { order: Order }) {
  const { t } = useTranslation();
  const can = useCan();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const receivable = useOrderReceivable(order.id);
  const payments = useOrderPayments(order.id);
  const [planOpen, setPlanOpen] = useState(false);
  const [paymentOpen, setPaymentOpen] = useState(false);
  const [voiding, setVoiding] = useState<Payment | null>(null);
  const r = receivable.data;
  const owed = order.status === 'confirmed' || order.status === 'fulfilled';
  const writable = can('sales.write') && owed;
  const deletePlan = useMutation({
    mutationFn: (id: number) => api<void>(`/payment-plans/${id}`, { method: 'DELETE' }),
    onSuccess: () => invalidateReceivables(client, order.id),
    onError: (e) => onError(e),
  });

  const instalmentColumns: TableProps<Instalment>['columns'] = [
    { key: 'seq', title: t('receivables.seq'), render: (_, i) => t('receivables.seqValue', { seq: i.seq }), width: 80 },
    { key: 'dueDate', title: t('receivables.dueDate'), render: (_, i) => formatDate(i.dueDate) },
    { key: 'amount', title: t('receivables.amount'), align: 'right', render: (_, i) => formatMoney(i.amount) },
    { key: 'paid', title: t('receivables.paidAmount'), align: 'right', render: (_, i) => formatMoney(i.paidAmount) },
    { key: 'open', title: t('receivables.openAmount'), align: 'right', render: (_, i) => formatMoney(i.openAmount) },
    { key: 'status', title: t('receivables.status'), render: (_, i) => <InstalmentStatusTag status={i.status} days={i.daysOverdue} /> },
    { key: 'note', title: t('receivables.note'), render: (_, i) => i.note ?? '' },
  ];

  const paymentColumns: TableProps<Payment>['columns'] = [
    { key: 'receivedOn', title: t('receivables.receivedOn'), render: (_, p) => formatDate(p.receivedOn) },
    {
      key: 'amount',
      title: t('receivables.amount'),
      align: 'right',
      render: (_, p) => (p.voided ? <Typography.Text delete type="secondary">{formatMoney(p.amount)}</Typography.Text> : formatMoney(p.amount)),
    },
    { key: 'method', title: t('receivables.method'), render: (_, p) => t(`receivables.methods.${p.method}`) },
    { key: 'reference', title: t('receivables.reference'), render: (_, p) => p.reference ?? '' },
    {
      key: 'allocations',
      title: t('receivables.allocations'),
      render: (_, p) =>
        p.voided ? (
          <Flex gap={4} wrap>
            <Tag>{t('receivables.voided')}</Tag>
            {p.voidedReason ? <Typography.Text type="secondary">{p.voidedReason}</Typography.Text> : null}
          </Flex>
        ) : (
          <Flex gap={4} wrap>
            {p.allocations
              .filter((a) => !a.reversed)
              .map((a) => (
                <Tag key={a.instalmentId}>
                  {t('receivables.seqValue', { seq: a.seq })} {formatMoney(a.amount)}
                </Tag>
              ))}
            {(toCents(p.unallocatedAmount) ?? 0n) > 0n ? <Tag color="gold">{t('receivables.unallocated', { amount: formatMoney(p.unallocatedAmount) })}</Tag> : null}
          </Flex>
        ),
    },
    {
      key: 'actions',
      title: '',
      render: (_, p) =>
        can('sales.write') && !p.voided ? (
          <Button size="small" type="link" danger onClick={() => setVoiding(p)} data-testid={`payment-void-${p.id}`}>
            {t('receivables.void')}
          </Button>
        ) : null,
    },
  ];

  const balanceCents = toCents(r?.balance) ?? 0n;
  return (
    <Card
      title={
        <>
          <DollarOutlined /> {t('receivables.cardTitle')}
        </>
      }
      loading={receivable.isPending}
      data-testid="order-receivables"
      extra={
        writable && r ? (
          <Flex gap={8}>
            <Button icon={r.plan ? <EditOutlined /> : <PlusOutlined />} onClick={() => setPlanOpen(true)} data-testid="plan-edit">
              {r.plan ? t('receivables.editPlan') : t('receivables.createPlan')}
            </Button>
            <Button type="primary" icon={<PlusOutlined />} disabled={balanceCents <= 0n} onClick={() => setPaymentOpen(true)} data-testid="payment-new">
              {t('receivables.recordPayment')}
            </Button>
          </Flex>
        ) : null
      }
    >
      {r ? (
        <>
          <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
            <Col xs={12} md={6}>
              <Statistic title={t('receivables.receivable')} value={formatMoney(r.receivable)} />
              {(toCents(r.returnedAmount) ?? 0n) > 0n ? <Typography.Text type="secondary">{t('receivables.returned', { amount: formatMoney(r.returnedAmount) })}</Typography.Text> : null}
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t('receivables.paid')} value={formatMoney(r.paid)} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t('receivables.balance')} value={formatMoney(r.balance)} data-testid="receivable-balance" />
            </Col>
            <Col xs={12} md={6}>
              <Statistic
                title={t('receivables.overdueAmount')}
                value={formatMoney(r.overdueAmount)}
                styles={{ content: { color: (toCents(r.overdueAmount) ?? 0n) > 0n ? '#d92d20' : undefined } }}
              />
              {r.daysOverdue > 0 ? <Typography.Text type="danger">{t('receivables.overdueDays', { days: r.daysOverdue })}</Typography.Text> : null}
            </Col>
          </Row>
          {!owed ? <Alert type="info" showIcon title={t('receivables.notOwed')} style={{ marginBottom: 16 }} /> : null}
          {r.planDifference !== null && r.planDifference !== '0.00' ? (
            <Alert type="warning" showIcon title={t('receivables.planDifference', { amount: formatMoney(r.planDifference) })} style={{ marginBottom: 16 }} />
          ) : null}

          <Flex justify="space-between" align="center" style={{ marginBottom: 8 }}>
            <Typography.Title level={5} style={{ margin: 0 }}>
              {t('receivables.planTitle')}
            </Typography.Title>
            {writable && r.plan ? (
              <Popconfirm title={t('receivables.deletePlanConfirm')} okText={t('common.delete')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')} onConfirm={() => deletePlan.mutateAsync(r.plan!.id).catch(() => undefined)}>
                <Button size="small" type="link" danger>
                  {t('receivables.deletePlan')}
                </Button>
              </Popconfirm>
            ) : null}
          </Flex>
          {r.plan ? (
            <Table<Instalment>
              rowKey="id"
              size="small"
              columns={instalmentColumns}
              dataSource={r.instalments}
              pagination={false}
              scroll={{ x: 'max-content' }}
              onRow={(i) => ({ 'data-testid': `instalment-row-${i.id}` }) as React.HTMLAttributes<HTMLElement>}
              style={{ marginBottom: 24 }}
            />
          ) : (
            <Typography.Paragraph type="secondary" style={{ marginBottom: 24 }}>
              {t('receivables.noPlan')}
            </Typography.Paragraph>
          )}

          <Typography.Title level={5} style={{ marginTop: 0 }}>
            {t('receivables.payments')}
          </Typography.Title>
          {payments.data?.data.length ? (
            <Table<Payment>
              rowKey="id"
              size="small"
              columns={paymentColumns}
              dataSource={payments.data.data}
              pagination={false}
              scroll={{ x: 'max-content' }}
              onRow={(p) => ({ 'data-testid': `payment-row-${p.id}` }) as React.HTMLAttributes<HTMLElement>}
            />
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('receivables.noPayments')} />
          )}
          <PaymentPlanForm open={planOpen} receivable={r} onClose={() => setPlanOpen(false)} />
          <PaymentForm open={paymentOpen} receivable={r} onClose={() => setPaymentOpen(false)} />
          <VoidPaymentModal payment={voiding} orderId={order.id} onClose={() => setVoiding(null)} />
        </>
      ) : null}
    </Card>
  );
}
