// A new order (/orders/new, optionally ?customerId=) or a draft's edit (/orders/:id/edit): the
// customer, an optional deal of that customer, date, owner and the line editor. The totals
// preview uses integer arithmetic on the decimal strings (order-money.ts), never floats; the
// server recomputes everything when the draft is saved.
import { useEffect, useMemo } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { App, Button, Card, Col, DatePicker, Empty, Flex, Form, Input, Result, Row, Select, Skeleton, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs, { type Dayjs } from 'dayjs';
import type { Order } from '@guanxi/contracts';
import { api } from '../../api/client';
import { PageHeader } from '../../shared/PageHeader';
import { formatMoney } from '../../shared/format';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { useCurrentUser } from '../auth/session';
import { useCustomer } from '../customers/customers.api';
import { UserRefPicker } from '../users/UserRefPicker';
import { moneyPattern } from '../products/ProductForm';
import { applyOrderErrors, CustomerSelect, ProductSelect } from './order-bits';
import { formatDecimal, lineAmounts, marginPercent, orderTotals, percentToRate, rateToPercent, type LineDraft } from './order-money';
import { useCustomerDeals, useInvalidateOrders, useOrder } from './orders.api';

interface LineValue extends LineDraft {
  productId?: number;
}
interface Values {
  customerId?: number | null;
  opportunityId?: number | null;
  orderDate?: Dayjs | null;
  ownerId?: number | null;
  notes?: string | null;
  lines?: LineValue[];
}

const qtyPattern = /^\d{1,11}(\.\d{1,3})?$/;
const percentPattern = /^(100(\.0{1,2})?|\d{1,2}(\.\d{1,2})?)$/;

export default function OrderFormPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { id } = useParams();
  const editingId = id ? Number(id) : 0;
  const existing = useOrder(editingId);
  if (editingId && existing.isPending) return <Skeleton active />;
  if (editingId && (existing.isError || !existing.data)) return <Result status="404" title={t('orders.notFound')} />;
  const o = existing.data;
  if (o && (o.status !== 'draft' || o.approvalStatus === 'pending')) {
    return (
      <Result
        status="warning"
        title={t('orders.notEditable')}
        extra={<Button onClick={() => void navigate(`/orders/${o.id}`)}>{t('orders.backToOrder')}</Button>}
      />
    );
  }
  return <OrderForm order={o ?? null} />;
}

function OrderForm({ order }: { order: Order | null }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const me = useCurrentUser();
  const onError = useMutationErrors();
  const invalidate = useInvalidateOrders();
  const [params] = useSearchParams();
  const [form] = Form.useForm<Values>();
  const presetCustomerId = order ? order.customerId : Number(params.get('customerId')) || 0;
  const presetCustomer = useCustomer(order ? 0 : presetCustomerId);
  const customerId = Form.useWatch('customerId', form) ?? undefined;
  const lines = Form.useWatch('lines', form) as LineValue[] | undefined;
  const deals = useCustomerDeals(customerId ?? undefined);
  const totals = useMemo(() => orderTotals(lines ?? []), [lines]);
  const knownProducts = useMemo(() => new Map((order?.lines ?? []).map((l) => [l.productId, { id: l.productId, sku: l.productSku, name: l.productName }])), [order]);

  useEffect(() => {
    if (order) {
      form.setFieldsValue({
        customerId: order.customerId,
        opportunityId: order.opportunityId,
        orderDate: dayjs(order.orderDate),
        ownerId: order.ownerId,
        notes: order.notes ?? '',
        lines: order.lines.map((l) => ({ productId: l.productId, quantity: l.quantity.replace(/\.?0+$/, ''), unitPrice: l.unitPrice, discountPercent: rateToPercent(l.discountRate), unitCost: l.unitCost })),
      });
    } else {
      form.setFieldsValue({ customerId: presetCustomerId || null, orderDate: dayjs(), lines: [{ quantity: '1', discountPercent: '0' }] });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [order, form]);

  const save = useMutation({
    mutationFn: (v: Values) => {
      const body = {
        orderDate: v.orderDate ? v.orderDate.format('YYYY-MM-DD') : undefined,
        ...(v.ownerId ? { ownerId: v.ownerId } : {}),
        opportunityId: v.opportunityId ?? null,
        notes: v.notes?.trim() ? v.notes.trim() : null,
        lines: (v.lines ?? []).map((l) => ({
          productId: l.productId,
          quantity: (l.quantity ?? '').trim(),
          unitPrice: l.unitPrice?.trim() || undefined,
          discountRate: percentToRate(l.discountPercent) ?? l.discountPercent,
          unitCost: l.unitCost?.trim() || undefined,
        })),
      };
      return order ? api<Order>(`/orders/${order.id}`, { method: 'PATCH', body: { ...body, version: order.version } }) : api<Order>('/orders', { method: 'POST', body: { ...body, customerId: v.customerId } });
    },
    onSuccess: (saved) => {
      invalidate();
      void message.success(t(order ? 'orders.updatedToast' : 'orders.createdToast', { number: saved.number }));
      void navigate(`/orders/${saved.id}`);
    },
    onError: (e) => {
      if (applyOrderErrors(form, e, ['customerId', 'opportunityId', 'orderDate', 'ownerId', 'notes', 'lines'], { discountRate: 'discountPercent' })) return;
      onError(e, { onReload: () => void navigate(0) });
    },
  });

  const customerKnown = order ? { id: order.customerId, name: order.customerName ?? `#${order.customerId}` } : presetCustomer.data ? { id: presetCustomer.data.id, name: presetCustomer.data.name } : null;
  const ownerKnown = order ? [{ id: order.ownerId, name: order.ownerName ?? `#${order.ownerId}` }] : [{ id: me.id, name: me.name }];
  const margin = marginPercent(totals.margin, totals.total);

  return (
    <>
      <PageHeader
        title={order ? t('orders.editTitle', { number: order.number }) : t('orders.create')}
        description={t('orders.formDescription')}
        extra={
          <>
            <Button onClick={() => void navigate(order ? `/orders/${order.id}` : '/orders')}>{t('common.cancel')}</Button>
            <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="order-save">
              {t('orders.saveDraft')}
            </Button>
          </>
        }
      />
      <Form form={form} name="order" layout="vertical" requiredMark="optional" onFinish={() => save.mutate(form.getFieldsValue(true) as Values)} autoComplete="off">
        <Row gutter={[20, 20]}>
          <Col xs={24} xl={17}>
            <Card title={t('orders.sectionOrder')} style={{ marginBottom: 20 }}>
              <Row gutter={16}>
                <Col xs={24} md={12}>
                  <Form.Item name="customerId" label={t('orders.customer')} rules={[{ required: true, message: t('validation.select', { field: t('orders.customer') }) }]}>
                    <CustomerSelect known={customerKnown} disabled={!!order} />
                  </Form.Item>
                </Col>
                <Col xs={24} md={12}>
                  <Form.Item name="opportunityId" label={t('orders.opportunity')} extra={t('orders.opportunityHelp')}>
                    <Select<number | null>
                      allowClear
                      disabled={!customerId}
                      loading={deals.isFetching}
                      placeholder={t('orders.pickOpportunity')}
                      options={(deals.data ?? []).map((d) => ({ value: d.id, label: `${d.name} · ${formatMoney(d.amount)} · ${d.stageName}` }))}
                      notFoundContent={t('orders.noOpenDeals')}
                      data-testid="order-opportunity"
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} md={12}>
                  <Form.Item name="orderDate" label={t('orders.orderDate')} rules={[{ required: true, message: t('validation.select', { field: t('orders.orderDate') }) }]}>
                    <DatePicker style={{ width: '100%' }} allowClear={false} />
                  </Form.Item>
                </Col>
                <Col xs={24} md={12}>
                  <Form.Item name="ownerId" label={t('orders.owner')} extra={order ? undefined : t('orders.ownerHelp')}>
                    <UserRefPicker known={ownerKnown} style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
              </Row>
            </Card>

            <Card title={t('orders.lines')} data-testid="order-lines">
              <Form.List name="lines">
                {(items, { add, remove }, { errors }) => (
                  <>
                    {items.length ? (
                      <Row gutter={8} wrap={false} className="gx-order-line-head" style={{ marginBottom: 4, color: 'rgba(0,0,0,0.55)', fontSize: 13 }}>
                        <Col flex="1 1 240px">{t('orders.product')}</Col>
                        <Col flex="0 0 96px">{t('orders.quantity')}</Col>
                        <Col flex="0 0 124px">{t('orders.unitPrice')}</Col>
                        <Col flex="0 0 92px">{t('orders.discountPercent')}</Col>
                        <Col flex="0 0 120px" style={{ textAlign: 'right' }}>{t('orders.amount')}</Col>
                        <Col flex="0 0 40px" />
                      </Row>
                    ) : (
                      <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('orders.noLines')} />
                    )}
                    {items.map((item, index) => {
                      const line = lines?.[item.name];
                      const a = line ? lineAmounts(line) : null;
                      return (
                        <Row gutter={8} key={item.key} align="top" wrap={false} data-testid={`order-line-${index}`}>
                          <Col flex="1 1 240px" style={{ minWidth: 0 }}>
                            <Form.Item name={[item.name, 'productId']} rules={[{ required: true, message: t('validation.select', { field: t('orders.product') }) }]} style={{ marginBottom: 4 }}>
                              <ProductSelect
                                known={line?.productId ? (knownProducts.get(line.productId) ?? null) : null}
                                testId={`order-line-product-${index}`}
                                onProduct={(p) => {
                                  form.setFieldValue(['lines', item.name, 'unitPrice'], p.listPrice);
                                  form.setFieldValue(['lines', item.name, 'unitCost'], p.cost ?? '0');
                                }}
                              />
                            </Form.Item>
                            {line?.unitCost ? (
                              <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block', marginBottom: 12 }}>
                                {t('orders.unitCostHint', { cost: formatMoney(line.unitCost) })}
                                {a ? ` · ${t('orders.lineMargin', { margin: formatMoney(formatDecimal(a.amount - a.cost)) })}` : ''}
                              </Typography.Text>
                            ) : null}
                            <Form.Item name={[item.name, 'unitCost']} hidden>
                              <Input />
                            </Form.Item>
                          </Col>
                          <Col flex="0 0 96px">
                            <Form.Item name={[item.name, 'quantity']} rules={[{ required: true, message: t('orders.qtyFormat') }, { pattern: qtyPattern, message: t('orders.qtyFormat') }]}>
                              <Input inputMode="decimal" data-testid={`order-line-qty-${index}`} />
                            </Form.Item>
                          </Col>
                          <Col flex="0 0 124px">
                            <Form.Item name={[item.name, 'unitPrice']} rules={[{ required: true, message: t('orders.moneyFormat') }, { pattern: moneyPattern, message: t('orders.moneyFormat') }]}>
                              <Input prefix="¥" inputMode="decimal" data-testid={`order-line-price-${index}`} />
                            </Form.Item>
                          </Col>
                          <Col flex="0 0 92px">
                            <Form.Item name={[item.name, 'discountPercent']} rules={[{ pattern: percentPattern, message: t('orders.percentFormat') }]}>
                              <Input suffix="%" inputMode="decimal" data-testid={`order-line-discount-${index}`} />
                            </Form.Item>
                          </Col>
                          <Col flex="0 0 120px" style={{ textAlign: 'right', paddingTop: 5 }}>
                            <Typography.Text strong style={{ fontVariantNumeric: 'tabular-nums' }} data-testid={`order-line-amount-${index}`}>
                              {a ? formatMoney(formatDecimal(a.amount)) : '—'}
                            </Typography.Text>
                            {a && a.discount > 0n ? (
                              <Typography.Text type="secondary" delete style={{ display: 'block', fontSize: 12 }}>
                                {formatMoney(formatDecimal(a.gross))}
                              </Typography.Text>
                            ) : null}
                          </Col>
                          <Col flex="0 0 40px">
                            <Button type="text" icon={<DeleteOutlined />} onClick={() => remove(item.name)} aria-label={t('common.delete')} />
                          </Col>
                        </Row>
                      );
                    })}
                    <Form.ErrorList errors={errors} />
                    <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ quantity: '1', discountPercent: '0' })} block data-testid="order-line-add">
                      {t('orders.addLine')}
                    </Button>
                  </>
                )}
              </Form.List>
            </Card>
          </Col>
          <Col xs={24} xl={7}>
            <Card title={t('orders.totals')} data-testid="order-totals">
              <Flex vertical gap={8}>
                {(
                  [
                    ['subtotal', totals.subtotal],
                    ['discount', -totals.discount],
                    ['total', totals.total],
                    ['cost', totals.cost],
                    ['grossMargin', totals.margin],
                  ] as const
                ).map(([key, v]) => (
                  <Flex key={key} justify="space-between" style={key === 'total' ? { borderTop: '1px solid #f0f0f0', paddingTop: 8, fontSize: 16 } : undefined}>
                    <Typography.Text type={key === 'total' ? undefined : 'secondary'} strong={key === 'total'}>
                      {t(`orders.${key}`)}
                    </Typography.Text>
                    <Typography.Text strong={key === 'total' || key === 'grossMargin'} style={{ fontVariantNumeric: 'tabular-nums' }} data-testid={`order-preview-${key}`}>
                      {formatMoney(formatDecimal(v))}
                    </Typography.Text>
                  </Flex>
                ))}
                <Flex justify="space-between">
                  <Typography.Text type="secondary">{t('orders.marginRate')}</Typography.Text>
                  <Typography.Text>{margin === null ? '—' : `${margin}%`}</Typography.Text>
                </Flex>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('orders.previewNote')}
                </Typography.Text>
              </Flex>
            </Card>
            <Card style={{ marginTop: 20 }}>
              <Form.Item name="notes" label={t('orders.notes')} style={{ marginBottom: 0 }}>
                <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={5000} />
              </Form.Item>
            </Card>
          </Col>
        </Row>
      </Form>
    </>
  );
}
