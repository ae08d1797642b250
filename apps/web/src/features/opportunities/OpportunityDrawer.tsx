// One deal in a drawer: the edit form (or a new deal's) and, for an existing deal, its stage
// history with the time spent in each stage. The stage itself changes on the board, or to a stage of
// another pipeline by the move button here (MovePipelineModal.tsx), never through the form.
import { useEffect, useMemo } from 'react';
import { App, Button, Col, DatePicker, Divider, Drawer, Empty, Flex, Form, Input, InputNumber, Popconfirm, Row, Select, Skeleton, Tag, Timeline, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs, { type Dayjs } from 'dayjs';
import type { TFunction } from 'i18next';
import type { Contact, Opportunity } from '@guanxi/contracts';
import { api } from '../../api/client';
import { currencyPrefix, formatDateTime, formatMoney } from '../../shared/format';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { useCan } from '../auth/session';
import { CustomerSelect, ProductSelect } from '../orders/order-bits';
import { moneyPattern } from '../products/ProductForm';
import { UserRefPicker } from '../users/UserRefPicker';
import { pipelineLabel, stageColor, stageLabel, stageLabelOf, usePipelines } from '../pipelines/pipelines.api';
import { durationParts, useDeleteOpportunity, useInvalidateDeals, useOpportunity } from './opportunities.api';
import { MovePipelineButton } from './MovePipelineModal';

interface Values {
  name: string;
  customerId?: number | null;
  contactId?: number | null;
  ownerId?: number | null;
  pipelineId?: number;
  stageId?: number;
  amount?: string;
  currency?: string;
  probabilityOverride?: number | null;
  expectedCloseDate?: Dayjs | null;
  competitors?: string[];
  closeReason?: string | null;
  products?: Array<{ productId?: number; quantity?: string | null }>;
}

const currencies = ['CNY', 'USD', 'EUR', 'HKD', 'JPY', 'GBP'];
const qtyPattern = /^\d{1,11}(\.\d{1,3})?$/;

export type DrawerTarget = { mode: 'create'; pipelineId?: number | undefined; stageId?: number | undefined; customer?: { id: number; name: string } | undefined } | { mode: 'edit'; id: number };

export function OpportunityDrawer({ target, onClose }: { target: DrawerTarget | null; onClose: () => void }) {
  const { t } = useTranslation();
  const editingId = target?.mode === 'edit' ? target.id : 0;
  const deal = useOpportunity(editingId);
  return (
    <Drawer
      open={target !== null}
      onClose={onClose}
      size={720}
      destroyOnHidden
      title={target?.mode === 'edit' ? (deal.data?.name ?? t('opportunities.detail')) : t('opportunities.new')}
      data-testid="opportunity-drawer"
    >
      {target === null ? null : target.mode === 'edit' && deal.isPending ? (
        <Skeleton active />
      ) : target.mode === 'edit' && !deal.data ? (
        <Empty description={t('opportunities.notFound')} />
      ) : (
        <OpportunityForm key={deal.data ? `${deal.data.id}:${deal.data.version}` : 'new'} deal={deal.data ?? null} preset={target.mode === 'create' ? target : null} onDone={onClose} />
      )}
    </Drawer>
  );
}

function OpportunityForm({ deal, preset, onDone }: { deal: Opportunity | null; preset: Extract<DrawerTarget, { mode: 'create' }> | null; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const can = useCan();
  const onError = useMutationErrors();
  const invalidate = useInvalidateDeals();
  const remove = useDeleteOpportunity();
  const pipelines = usePipelines(true);
  const [form] = Form.useForm<Values>();
  const customerId = Form.useWatch('customerId', form) ?? deal?.customerId ?? null;
  const pipelineId = Form.useWatch('pipelineId', form);
  const contacts = useQuery({
    queryKey: ['customers', 'contacts', customerId ?? 0],
    queryFn: () => api<{ data: Contact[] }>(`/customers/${customerId}/contacts`),
    enabled: (customerId ?? 0) > 0,
    select: (r) => r.data,
  });
  const pipeline = (pipelines.data ?? []).find((p) => p.id === (deal?.pipelineId ?? pipelineId));
  const knownProducts = useMemo(() => new Map((deal?.products ?? []).map((p) => [p.productId, { id: p.productId, sku: p.productSku, name: p.productName }])), [deal]);
  const editable = can('sales.write');

  useEffect(() => {
    if (deal) {
      form.setFieldsValue({
        name: deal.name,
        customerId: deal.customerId,
        contactId: deal.contactId,
        ownerId: deal.ownerId,
        amount: deal.amount,
        currency: deal.currency,
        probabilityOverride: deal.probabilityOverride,
        expectedCloseDate: deal.expectedCloseDate ? dayjs(deal.expectedCloseDate) : null,
        competitors: deal.competitors,
        closeReason: deal.closeReason,
        products: deal.products.map((p) => ({ productId: p.productId, quantity: p.quantity })),
      });
    } else {
      const first = (pipelines.data ?? []).find((p) => p.id === preset?.pipelineId) ?? (pipelines.data ?? []).find((p) => p.isDefault);
      form.setFieldsValue({
        currency: 'CNY',
        amount: '0',
        customerId: preset?.customer?.id ?? null,
        pipelineId: first?.id,
        stageId: preset?.stageId ?? first?.stages.find((s) => s.kind === 'open')?.id,
        competitors: [],
        products: [],
      });
    }
  }, [deal, preset, pipelines.data, form]);

  const save = useMutation({
    mutationFn: (v: Values) => {
      const common = {
        name: v.name,
        contactId: v.contactId ?? null,
        amount: v.amount?.trim() || '0',
        currency: v.currency ?? 'CNY',
        probabilityOverride: v.probabilityOverride ?? null,
        expectedCloseDate: v.expectedCloseDate ? v.expectedCloseDate.format('YYYY-MM-DD') : null,
        competitors: v.competitors ?? [],
        closeReason: v.closeReason?.trim() || null,
        products: (v.products ?? []).filter((p) => p.productId).map((p) => ({ productId: p.productId!, quantity: p.quantity?.trim() || null })),
      };
      if (deal) return api<Opportunity>(`/opportunities/${deal.id}`, { method: 'PATCH', body: { ...common, ...(v.ownerId ? { ownerId: v.ownerId } : {}), version: deal.version } });
      return api<Opportunity>('/opportunities', {
        method: 'POST',
        body: { ...common, customerId: v.customerId, pipelineId: v.pipelineId, stageId: v.stageId, ...(v.ownerId ? { ownerId: v.ownerId } : {}) },
      });
    },
    onSuccess: () => {
      void message.success(t(deal ? 'common.saved' : 'common.created'));
      void invalidate();
      onDone();
    },
    onError: (e) => onError(e, { form, onReload: () => void invalidate() }),
  });

  return (
    <>
      <Form<Values> form={form} layout="vertical" onFinish={(v) => save.mutate(v)} disabled={!editable} data-testid="opportunity-form">
        <Form.Item name="name" label={t('opportunities.name')} rules={[{ required: true, whitespace: true, max: 200 }]}>
          <Input data-testid="opportunity-name" />
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="customerId" label={t('opportunities.customer')} rules={[{ required: true }]}>
              <CustomerSelect disabled={deal !== null} known={deal ? { id: deal.customerId, name: deal.customerName ?? `#${deal.customerId}` } : (preset?.customer ?? null)} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="contactId" label={t('opportunities.contact')}>
              <Select allowClear options={(contacts.data ?? []).map((c) => ({ value: c.id, label: c.name }))} loading={contacts.isFetching} data-testid="opportunity-contact" />
            </Form.Item>
          </Col>
        </Row>
        {deal ? null : (
          <Row gutter={16}>
            <Col span={12}>
              <Form.Item name="pipelineId" label={t('opportunities.pipeline')} rules={[{ required: true }]}>
                <Select
                  options={(pipelines.data ?? []).map((p) => ({ value: p.id, label: pipelineLabel(t, p) }))}
                  onChange={(id: number) => form.setFieldValue('stageId', pipelines.data?.find((p) => p.id === id)?.stages.find((s) => s.kind === 'open')?.id)}
                />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="stageId" label={t('opportunities.stage')} rules={[{ required: true }]}>
                <Select options={(pipeline?.stages ?? []).filter((s) => s.kind === 'open').map((s) => ({ value: s.id, label: `${stageLabel(t, s)} · ${s.probability}%` }))} />
              </Form.Item>
            </Col>
          </Row>
        )}
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item name="amount" label={t('opportunities.amount')} rules={[{ pattern: moneyPattern, message: t('opportunities.amountFormat') }]}>
              <Input inputMode="decimal" data-testid="opportunity-amount" />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="currency" label={t('opportunities.currency')}>
              <Select options={currencies.map((c) => ({ value: c, label: c }))} />
            </Form.Item>
          </Col>
          <Col span={10}>
            <Form.Item name="expectedCloseDate" label={t('opportunities.expectedCloseDate')}>
              <DatePicker style={{ width: '100%' }} data-testid="opportunity-close-date" />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="probabilityOverride" label={t('opportunities.probabilityOverride')} extra={t('opportunities.probabilityOverrideHelp')}>
              <InputNumber min={0} max={100} precision={0} suffix="%" style={{ width: '100%' }} data-testid="opportunity-probability" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="ownerId" label={t('opportunities.owner')}>
              <UserRefPicker known={deal ? [{ id: deal.ownerId, name: deal.ownerName ?? `#${deal.ownerId}` }] : []} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="competitors" label={t('opportunities.competitors')}>
          <Select mode="tags" open={false} tokenSeparators={[',', '，']} placeholder={t('opportunities.competitorsPlaceholder')} data-testid="opportunity-competitors" />
        </Form.Item>
        <Typography.Text strong>{t('opportunities.products')}</Typography.Text>
        <Form.List name="products">
          {(fields, { add, remove: removeRow }) => (
            <div style={{ marginTop: 8, marginBottom: 16 }}>
              {fields.map((f, i) => (
                <Flex key={f.key} gap={8} align="start">
                  <Form.Item name={[f.name, 'productId']} rules={[{ required: true }]} style={{ flex: 1 }}>
                    <ProductSelect onProduct={() => undefined} known={knownProducts.get(form.getFieldValue(['products', f.name, 'productId']) as number) ?? null} testId={`opportunity-product-${i}`} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'quantity']} rules={[{ pattern: qtyPattern, message: t('opportunities.quantityFormat') }]} style={{ width: 120 }}>
                    <Input placeholder={t('opportunities.quantity')} />
                  </Form.Item>
                  <Button icon={<DeleteOutlined />} onClick={() => removeRow(f.name)} aria-label={t('common.delete')} />
                </Flex>
              ))}
              <Button icon={<PlusOutlined />} onClick={() => add({})} size="small">
                {t('opportunities.addProduct')}
              </Button>
            </div>
          )}
        </Form.List>
        <Form.Item name="closeReason" label={t('opportunities.closeReason')}>
          <Input.TextArea rows={2} maxLength={1000} />
        </Form.Item>
        <Flex gap={8} justify="space-between">
          {deal && editable ? (
            <Popconfirm title={t('opportunities.deleteConfirm')} onConfirm={() => remove.mutateAsync(deal.id).then(onDone, (e: unknown) => onError(e))}>
              <Button danger icon={<DeleteOutlined />}>
                {t('common.delete')}
              </Button>
            </Popconfirm>
          ) : (
            <span />
          )}
          {editable ? (
            <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="opportunity-save">
              {t('common.save')}
            </Button>
          ) : null}
        </Flex>
      </Form>
      {deal ? <StageHistory deal={deal} pipelineName={pipelineLabel(t, pipeline ?? { name: deal.history[0]?.toPipelineName ?? '' }) || null} editable={editable} /> : null}
    </>
  );
}

/** A history line's stage; with its pipeline when the line crosses pipelines. */
function stageIn(t: TFunction, key: string | null, name: string | null, pipelineName: string | null, crossing: boolean): string {
  const stage = stageLabelOf(t, key, name);
  return crossing && pipelineName !== null ? t('opportunities.stageInPipeline', { pipeline: pipelineLabel(t, { name: pipelineName }), stage }) : stage;
}

function StageHistory({ deal, pipelineName, editable }: { deal: Opportunity; pipelineName: string | null; editable: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      <Divider titlePlacement="start">{t('opportunities.history')}</Divider>
      <Flex gap={12} wrap align="center" style={{ marginBottom: 16 }}>
        {pipelineName ? <Typography.Text data-testid="opportunity-pipeline">{pipelineName}</Typography.Text> : null}
        <Tag color={stageColor[deal.status]}>{stageLabelOf(t, deal.stageKey, deal.stageName)}</Tag>
        <Typography.Text type="secondary">
          {formatMoney(deal.amount, currencyPrefix(deal.currency))} · {deal.probability}% · {t('opportunities.weighted')} {formatMoney(deal.weightedAmount, currencyPrefix(deal.currency))}
        </Typography.Text>
        <Typography.Text type="secondary">{t('opportunities.daysInStage', { count: deal.daysInStage })}</Typography.Text>
        {editable ? <MovePipelineButton deal={deal} /> : null}
      </Flex>
      <Timeline
        data-testid="opportunity-history"
        items={deal.history.map((h) => {
          const d = h.secondsInPrevious === null ? null : durationParts(h.secondsInPrevious);
          const crossing = h.fromPipelineId !== null && h.fromPipelineId !== h.toPipelineId;
          return {
            key: h.id,
            color: h.toStageKey === 'lost' ? 'red' : h.toStageKey === 'won' ? 'green' : 'blue',
            content: (
              <div>
                <Flex gap={8} wrap align="baseline">
                  <Typography.Text strong>{h.actorName ?? t('timeline.system')}</Typography.Text>
                  <Typography.Text>
                    {h.fromStageId === null
                      ? t('opportunities.historyCreated', { stage: stageLabelOf(t, h.toStageKey, h.toStageName) })
                      : t('opportunities.historyMoved', {
                          from: stageIn(t, h.fromStageKey, h.fromStageName, h.fromPipelineName, crossing),
                          to: stageIn(t, h.toStageKey, h.toStageName, h.toPipelineName, crossing),
                        })}
                  </Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 12, marginLeft: 'auto' }}>
                    {formatDateTime(h.at)}
                  </Typography.Text>
                </Flex>
                {d ? <Typography.Text type="secondary">{t('opportunities.stayed', { duration: t(`opportunities.duration.${d.unit}`, { count: d.count }) })}</Typography.Text> : null}
                {h.reason ? <Typography.Paragraph style={{ margin: 0 }}>{t('timeline.reason', { reason: h.reason })}</Typography.Paragraph> : null}
              </div>
            ),
          };
        })}
      />
    </>
  );
}
