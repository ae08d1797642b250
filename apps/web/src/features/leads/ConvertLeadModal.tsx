// Converting a qualified lead: the duplicate check first (customers and contacts that may be this
// lead, with the evidence), then a new customer or an existing one, a contact, and optionally an
// opportunity — sent as one request the server runs in one transaction.
import { useEffect, useState } from 'react';
import { App, Alert, Col, DatePicker, Empty, Flex, Form, Input, List, Modal, Radio, Row, Select, Skeleton, Switch, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Dayjs } from 'dayjs';
import { customerKinds, relationshipTypes, type ConvertLeadBody, type Customer, type Lead, type LeadDuplicates } from '@guanxi/contracts';
import { api, isApiError, type Page } from '../../api/client';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { customersKey } from '../customers/customers.api';
import { leadsKey, useLeadDuplicates } from './leads.api';

interface Values {
  mode: 'new' | 'existing';
  customerId?: number | null;
  name?: string;
  kind?: Customer['kind'];
  relationshipType?: Customer['relationshipType'];
  industry?: string;
  createContact: boolean;
  withOpportunity: boolean;
  opportunityName?: string;
  amount?: string;
  expectedCloseDate?: Dayjs | null;
}

const fieldOfPath: Record<string, keyof Values> = {
  'customer.customerId': 'customerId',
  'customer.name': 'name',
  'customer.industry': 'industry',
  'opportunity.name': 'opportunityName',
  'opportunity.amount': 'amount',
  'opportunity.expectedCloseDate': 'expectedCloseDate',
};

type Evidence = LeadDuplicates['customers'][number]['evidence'][number];

function EvidenceTags({ evidence }: { evidence: Evidence[] }) {
  const { t } = useTranslation();
  return (
    <Flex gap={4} wrap>
      {evidence.map((e) => (
        <Tag key={e.field} color={e.field === 'name' ? 'gold' : 'red'} data-testid="duplicate-evidence">
          {t(`leads.evidence.${e.field}`)}
          {e.value ? `：${e.value}` : ''}
          {e.field === 'name' && e.score !== undefined && e.score < 1 ? `（${t('leads.similarity', { score: Math.round(e.score * 100) })}）` : ''}
        </Tag>
      ))}
    </Flex>
  );
}

/** Customers by name for the "existing customer" choice, with the duplicate candidates offered first. */
function CustomerSelect({ value, onChange, candidates }: { value?: number | null; onChange?: (v: number | null) => void; candidates: ReadonlyArray<{ id: number; name: string }> }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const search = useQuery({
    queryKey: [...customersKey, 'pick', q],
    queryFn: ({ signal }) => api<Page<Customer>>('/customers', { query: { 'filter[name]': q || undefined, limit: 20, sort: 'name' }, signal }),
  });
  const options = [...candidates.map((c) => ({ value: c.id, label: c.name }))];
  for (const c of search.data?.data ?? []) if (!options.some((o) => o.value === c.id)) options.push({ value: c.id, label: c.name });
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setQ }}
      allowClear
      value={value ?? null}
      onChange={(v) => onChange?.(v ?? null)}
      placeholder={t('leads.pickCustomer')}
      options={options}
      loading={search.isFetching}
      data-testid="convert-customer"
    />
  );
}

export function ConvertLeadModal({ open, lead, onClose }: { open: boolean; lead: Lead; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const [form] = Form.useForm<Values>();
  const duplicates = useLeadDuplicates(lead.id, open);
  const mode = Form.useWatch('mode', form);
  const withOpportunity = Form.useWatch('withOpportunity', form);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    const org = Boolean(lead.companyName);
    form.setFieldsValue({
      mode: 'new',
      customerId: null,
      name: lead.companyName ?? lead.name,
      kind: org ? 'organization' : 'individual',
      relationshipType: org ? 'business' : 'consumer',
      createContact: true,
      withOpportunity: false,
      opportunityName: `${lead.companyName ?? lead.name}`,
    });
  }, [open, lead, form]);

  const convert = useMutation({
    mutationFn: (v: Values) => {
      const body: ConvertLeadBody = {
        customer:
          v.mode === 'existing'
            ? { mode: 'existing', customerId: v.customerId ?? 0 }
            : { mode: 'new', name: v.name?.trim() || undefined, kind: v.kind, relationshipType: v.relationshipType, industry: v.industry?.trim() ? v.industry.trim() : null },
        createContact: v.createContact,
        opportunity: v.withOpportunity
          ? { name: (v.opportunityName ?? '').trim(), amount: v.amount?.trim() ? v.amount.trim() : null, expectedCloseDate: v.expectedCloseDate ? v.expectedCloseDate.format('YYYY-MM-DD') : null }
          : null,
        version: lead.version,
      };
      return api<{ lead: Lead; customerId: number; contactId: number | null; opportunityId: number | null }>(`/leads/${lead.id}/convert`, { method: 'POST', body });
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: leadsKey });
      void client.invalidateQueries({ queryKey: customersKey });
      void message.success(t('leads.convertedToast'));
      onClose();
    },
    onError: (e) => {
      // The request nests customer and opportunity; this form's fields are flat.
      if (isApiError(e)) for (const d of e.details) d.path = fieldOfPath[d.path] ?? d.path;
      onError(e, { form, onReload: () => void client.invalidateQueries({ queryKey: leadsKey }) });
    },
  });

  const d = duplicates.data;
  const candidates = d?.customers ?? [];
  return (
    <Modal
      open={open}
      title={t('leads.convertTitle', { name: lead.name })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('leads.convertSubmit')}
      cancelText={t('common.cancel')}
      confirmLoading={convert.isPending}
      okButtonProps={{ 'data-testid': 'convert-submit' } as Record<string, string>}
      width={760}
      destroyOnHidden
    >
      <div data-testid="convert-modal">
        <Typography.Title level={5} style={{ marginTop: 0 }}>
          {t('leads.duplicates')}
        </Typography.Title>
        {duplicates.isLoading ? (
          <Skeleton active paragraph={{ rows: 2 }} />
        ) : !d || (!d.customers.length && !d.contacts.length) ? (
          <Alert type="success" showIcon message={t('leads.noDuplicates')} style={{ marginBottom: 16 }} data-testid="no-duplicates" />
        ) : (
          <>
            <Typography.Paragraph type="secondary">{t('leads.duplicatesHelp')}</Typography.Paragraph>
            <List
              size="small"
              bordered
              style={{ marginBottom: 16 }}
              dataSource={[...d.customers.map((c) => ({ type: 'customer' as const, c })), ...d.contacts.map((c) => ({ type: 'contact' as const, c }))]}
              data-testid="duplicate-list"
              renderItem={(item) =>
                item.type === 'customer' ? (
                  <List.Item
                    actions={[
                      <Typography.Link
                        key="use"
                        onClick={() => form.setFieldsValue({ mode: 'existing', customerId: item.c.id })}
                        data-testid="duplicate-use"
                      >
                        {t('leads.useThis')}
                      </Typography.Link>,
                    ]}
                  >
                    <Flex vertical gap={4}>
                      <Typography.Text strong>
                        {item.c.name}
                        <Typography.Text type="secondary" style={{ fontWeight: 400, marginLeft: 8 }}>
                          {[t(`enums.kind.${item.c.kind}`), item.c.city, item.c.ownerName].filter(Boolean).join(' · ')}
                        </Typography.Text>
                      </Typography.Text>
                      <EvidenceTags evidence={item.c.evidence} />
                    </Flex>
                  </List.Item>
                ) : (
                  <List.Item>
                    <Flex vertical gap={4}>
                      <Typography.Text strong>
                        {item.c.name}
                        <Typography.Text type="secondary" style={{ fontWeight: 400, marginLeft: 8 }}>
                          {t('leads.contactOf', { customers: item.c.customers.map((x) => x.customerName).join('、') || '—' })}
                        </Typography.Text>
                      </Typography.Text>
                      <EvidenceTags evidence={item.c.evidence} />
                    </Flex>
                  </List.Item>
                )
              }
            />
          </>
        )}

        <Form form={form} name="convertLead" layout="vertical" requiredMark="optional" onFinish={(v) => convert.mutate(v)} autoComplete="off">
          <Form.Item name="mode">
            <Radio.Group
              optionType="button"
              buttonStyle="solid"
              options={(['new', 'existing'] as const).map((m) => ({ value: m, label: <span data-testid={`convert-mode-${m}`}>{t(`leads.customerMode.${m}`)}</span> }))}
            />
          </Form.Item>
          {mode === 'existing' ? (
            <Form.Item name="customerId" label={t('leads.pickCustomer')} rules={[{ required: true, message: t('validation.select', { field: t('leads.pickCustomer') }) }]}>
              <CustomerSelect candidates={candidates} />
            </Form.Item>
          ) : (
            <Row gutter={16}>
              <Col xs={24} md={12}>
                <Form.Item name="name" label={t('leads.customerName')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('leads.customerName') }) }, { max: 200, message: t('validation.maxLength', { max: 200 }) }]}>
                  <Input data-testid="convert-customer-name" />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item name="industry" label={t('leads.industry')} rules={[{ max: 100, message: t('validation.maxLength', { max: 100 }) }]}>
                  <Input />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item name="kind" label={t('leads.kind')}>
                  <Select options={customerKinds.map((k) => ({ value: k, label: t(`enums.kind.${k}`) }))} />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item name="relationshipType" label={t('leads.relationshipType')}>
                  <Select options={relationshipTypes.map((k) => ({ value: k, label: t(`enums.relationshipType.${k}`) }))} />
                </Form.Item>
              </Col>
            </Row>
          )}
          <Form.Item name="createContact" label={t('leads.createContact')} valuePropName="checked" extra={t('leads.createContactHelp')}>
            <Switch data-testid="convert-create-contact" />
          </Form.Item>
          <Form.Item name="withOpportunity" label={t('leads.withOpportunity')} valuePropName="checked">
            <Switch data-testid="convert-with-opportunity" />
          </Form.Item>
          {withOpportunity ? (
            <Row gutter={16}>
              <Col xs={24} md={12}>
                <Form.Item name="opportunityName" label={t('leads.opportunityName')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('leads.opportunityName') }) }, { max: 200, message: t('validation.maxLength', { max: 200 }) }]}>
                  <Input data-testid="convert-opportunity-name" />
                </Form.Item>
              </Col>
              <Col xs={24} md={6}>
                <Form.Item name="amount" label={t('leads.amount')} rules={[{ pattern: /^\d{1,12}(\.\d{1,2})?$/, message: t('leads.amountInvalid') }]}>
                  <Input inputMode="decimal" placeholder="0.00" data-testid="convert-opportunity-amount" />
                </Form.Item>
              </Col>
              <Col xs={24} md={6}>
                <Form.Item name="expectedCloseDate" label={t('leads.expectedCloseDate')}>
                  <DatePicker style={{ width: '100%' }} />
                </Form.Item>
              </Col>
            </Row>
          ) : null}
        </Form>
        {!d && !duplicates.isLoading ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} /> : null}
      </div>
    </Modal>
  );
}
