// One customer (客户 360): a header with the key facts and the classifications, and tabs for
// the overview, the contacts and the timeline. Follow-ups are added from here.
import { useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { App, Button, Card, Col, Descriptions, Dropdown, Empty, Flex, Form, Input, Modal, Result, Row, Select, Skeleton, Space, Tabs, Tag, Typography } from 'antd';
import { DeleteOutlined, EditOutlined, LeftOutlined, MessageOutlined, MoreOutlined, PlusOutlined, UserSwitchOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Contact, Customer, CustomerOwnership } from '@guanxi/contracts';
import { api, isApiError } from '../../api/client';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { errorText } from '../../shared/errors';
import { formatDate, formatDateTime } from '../../shared/format';
import { useCan, useCurrentUser } from '../auth/session';
import { UserRefPicker } from '../users/UserRefPicker';
import { FollowUpModal } from '../follow-ups/FollowUpModal';
import { ContactForm } from '../contacts/ContactForm';
import { classificationFields, customersKey, customValueText, enumValues, fieldLabel, formatYuan, importanceColor, useCustomer, useCustomFields, type ClassificationField } from './customers.api';
import { CustomerForm } from './CustomerForm';
import { CustomerTimeline } from './CustomerTimeline';
import { CustomerQualityCard } from '../data-quality/CustomerQualityCard';
import { CustomerAnalysisCard } from '../analytics/CustomerAnalysisCard';
import { TagList } from './TagList';
import { CustomerOrders } from '../orders/CustomerOrders';
import { CustomerTickets } from '../tickets/CustomerTickets';

function useCustomerContacts(id: number) {
  return useQuery({
    queryKey: [...customersKey, 'contacts', id],
    queryFn: () => api<{ data: Contact[] }>(`/customers/${id}/contacts`),
    select: (r) => r.data,
    enabled: id > 0,
  });
}

export default function CustomerPage() {
  const { t, i18n } = useTranslation();
  const { id: idParam } = useParams();
  const id = Number(idParam);
  const navigate = useNavigate();
  const { message, modal } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const can = useCan();
  const me = useCurrentUser();
  const customer = useCustomer(Number.isSafeInteger(id) ? id : 0);
  const contacts = useCustomerContacts(Number.isSafeInteger(id) ? id : 0);
  const customFields = useCustomFields('customer');
  const [tab, setTab] = useState('overview');
  const [editing, setEditing] = useState(false);
  const [followUp, setFollowUp] = useState(false);
  const [contactForm, setContactForm] = useState(false);
  const [assigning, setAssigning] = useState(false);
  const [releasing, setReleasing] = useState(false);
  const [assignTo, setAssignTo] = useState<number | null>(null);
  const [releaseForm] = Form.useForm<{ reason: string }>();

  const refresh = () => void client.invalidateQueries({ queryKey: customersKey });

  const classify = useMutation({
    mutationFn: ({ c, field, value }: { c: Customer; field: ClassificationField; value: string | null }) =>
      api<Customer>(`/customers/${c.id}`, { method: 'PATCH', body: { [field]: value, version: c.version } }),
    onSuccess: (saved) => {
      client.setQueryData([...customersKey, 'one', saved.id], saved);
      refresh();
      void message.success(t('common.saved'));
    },
    onError: (e) => onError(e, { onReload: refresh }),
  });

  const move = useMutation({
    mutationFn: ({ action, body }: { action: 'claim' | 'assign' | 'release'; body?: unknown }) =>
      api<CustomerOwnership>(`/customers/${id}/${action}`, { method: 'POST', body: body ?? {} }),
    onSuccess: (_r, v) => {
      refresh();
      void client.invalidateQueries({ queryKey: ['pool'] });
      void message.success(t(`customers.${v.action}Done`));
      setAssigning(false);
      setReleasing(false);
    },
    onError: (e) => onError(e),
  });

  const remove = useMutation({
    mutationFn: () => api<void>(`/customers/${id}`, { method: 'DELETE' }),
    onSuccess: () => {
      refresh();
      void message.success(t('customers.deletedToast'));
      void navigate('/customers');
    },
    onError: (e) => onError(e),
  });

  const c = customer.data;
  const lang = i18n.language;
  const customRows = useMemo(
    () =>
      (customFields.data ?? []).map((f) => ({
        key: f.key,
        label: fieldLabel(f, lang),
        children: customValueText(f, c?.custom[f.key], lang, { yes: t('common.yes'), no: t('common.no') }, t('common.listSeparator')) || <Typography.Text type="secondary">—</Typography.Text>,
      })),
    [customFields.data, c, lang, t],
  );

  if (customer.isError) {
    const notFound = isApiError(customer.error) && (customer.error.status === 404 || customer.error.status === 403);
    return (
      <Result
        status={notFound ? '404' : 'warning'}
        title={notFound ? t('customers.notFoundTitle') : t('errors.loadFailed')}
        subTitle={notFound ? t('customers.notFoundText') : errorText(t, customer.error)}
        extra={<Button onClick={() => void navigate('/customers')}>{t('customers.backToList')}</Button>}
        data-testid="customer-not-found"
      />
    );
  }
  if (!c) return <Skeleton active paragraph={{ rows: 8 }} />;

  const inPool = c.ownerId === null;
  const isOwner = c.ownerId === me.id;
  const dash = <Typography.Text type="secondary">—</Typography.Text>;
  const v = (s: string | null | undefined) => (s ? s : dash);
  const moreItems = [
    ...(inPool && can('customers.write') ? [{ key: 'claim', icon: <UserSwitchOutlined />, label: t('pool.claim') }] : []),
    ...(can('customers.assign') ? [{ key: 'assign', icon: <UserSwitchOutlined />, label: t('customers.assign') }] : []),
    ...(!inPool && (isOwner || can('customers.assign')) && can('customers.write') ? [{ key: 'release', icon: <UserSwitchOutlined />, label: t('customers.release') }] : []),
    ...(can('customers.delete') ? [{ type: 'divider' as const }, { key: 'delete', icon: <DeleteOutlined />, label: t('common.delete'), danger: true }] : []),
  ];

  const onMore = (key: string) => {
    if (key === 'claim') move.mutate({ action: 'claim' });
    if (key === 'assign') {
      setAssignTo(null);
      setAssigning(true);
    }
    if (key === 'release') {
      releaseForm.resetFields();
      setReleasing(true);
    }
    if (key === 'delete')
      modal.confirm({
        title: t('customers.deleteTitle'),
        content: t('customers.deleteConfirm', { name: c.name }),
        okText: t('common.delete'),
        okButtonProps: { danger: true },
        cancelText: t('common.cancel'),
        onOk: () => remove.mutateAsync().catch(() => undefined),
      });
  };

  const facts = [
    { label: t('customerField.ownerId'), value: c.ownerName ?? <Tag color="orange">{t('customers.inPool')}</Tag> },
    { label: c.kind === 'organization' ? t('customerField.phone') : t('customerField.mobile'), value: v(c.kind === 'organization' ? (c.phone ?? c.mobile) : (c.mobile ?? c.phone)) },
    { label: t('customers.region'), value: v([c.province, c.city].filter(Boolean).filter((x, i, a) => a.indexOf(x) === i).join(' ')) },
    { label: t('customerField.lastFollowUpAt'), value: c.lastFollowUpAt ? formatDate(c.lastFollowUpAt) : dash },
    { label: t('customerField.nextFollowUpAt'), value: c.nextFollowUpAt ? formatDate(c.nextFollowUpAt) : dash },
  ];

  return (
    <div data-testid="customer-page">
      <Button type="link" icon={<LeftOutlined />} onClick={() => void navigate('/customers')} style={{ padding: 0, marginBottom: 8 }}>
        {t('customers.backToList')}
      </Button>
      <div className="gx-record-header">
        <Flex justify="space-between" align="flex-start" gap={16} wrap>
          <div style={{ minWidth: 0, flex: '1 1 360px' }}>
            <Flex gap={8} align="center" wrap>
              <Typography.Title level={3} style={{ margin: 0, wordBreak: 'break-word' }} data-testid="customer-name">
                {c.name}
              </Typography.Title>
              {c.importance ? <Tag color={importanceColor[c.importance]}>{t(`enums.importance.${c.importance}`)}</Tag> : null}
            </Flex>
            <Flex gap={6} wrap style={{ marginTop: 8 }}>
              <Tag variant="filled">{t(`enums.kind.${c.kind}`)}</Tag>
              <Tag variant="filled">{t(`enums.relationshipType.${c.relationshipType}`)}</Tag>
              {c.industry ? <Tag variant="filled">{c.industry}</Tag> : null}
              <TagList tags={c.tags} />
            </Flex>
          </div>
          <Space wrap>
            {can('customers.write') && !inPool ? (
              <Button type="primary" icon={<MessageOutlined />} onClick={() => setFollowUp(true)} data-testid="add-follow-up">
                {t('followUps.create')}
              </Button>
            ) : null}
            {inPool && can('customers.write') ? (
              <Button type="primary" onClick={() => move.mutate({ action: 'claim' })} loading={move.isPending} data-testid="claim-customer">
                {t('pool.claim')}
              </Button>
            ) : null}
            {can('customers.write') ? (
              <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="edit-customer">
                {t('common.edit')}
              </Button>
            ) : null}
            {moreItems.length ? (
              <Dropdown trigger={['click']} menu={{ items: moreItems, onClick: ({ key }) => onMore(key) }}>
                <Button icon={<MoreOutlined />} aria-label={t('common.actions')} data-testid="customer-more" />
              </Dropdown>
            ) : null}
          </Space>
        </Flex>
        <div className="gx-facts">
          {facts.map((f) => (
            <div className="gx-fact" key={f.label}>
              <Typography.Text type="secondary" className="gx-fact-label">
                {f.label}
              </Typography.Text>
              <div className="gx-fact-value">{f.value}</div>
            </div>
          ))}
        </div>
      </div>

      <Tabs
        activeKey={tab}
        onChange={setTab}
        className="gx-record-tabs"
        items={[
          {
            key: 'overview',
            label: t('customers.tabOverview'),
            children: (
              <Row gutter={[20, 20]}>
                <Col xs={24} xl={9}>
                  <Card title={t('customers.sectionClassification')} data-testid="classification-card">
                    <Flex vertical gap={14}>
                      {classificationFields.map((field) => (
                        <div key={field}>
                          <Typography.Text type="secondary" style={{ display: 'block', marginBottom: 4, fontSize: 13 }}>
                            {t(`customerField.${field}`)}
                          </Typography.Text>
                          <Select<string | null>
                            allowClear
                            disabled={!can('customers.write')}
                            value={c[field]}
                            placeholder={t('customers.notClassified')}
                            style={{ width: '100%' }}
                            onChange={(value) => classify.mutate({ c, field, value: value ?? null })}
                            options={enumValues[field].map((x: string) => ({ value: x, label: t(`enums.${field}.${x}` as 'enums.importance.vip') }))}
                            data-testid={`classify-${field}`}
                          />
                          {field === 'importance' && c.importanceSource ? (
                            <Typography.Text type="secondary" style={{ display: 'block', marginTop: 4, fontSize: 12 }} data-testid="importance-source">
                              {t(c.importanceSource === 'manual' ? 'customerAnalysis.importanceManual' : 'customerAnalysis.importanceComputed')}
                            </Typography.Text>
                          ) : null}
                        </div>
                      ))}
                    </Flex>
                  </Card>
                  <Card title={t('customers.team')} style={{ marginTop: 20 }}>
                    <Descriptions column={1} size="small">
                      <Descriptions.Item label={t('customerField.ownerId')}>{c.ownerName ?? <Tag color="orange">{t('customers.inPool')}</Tag>}</Descriptions.Item>
                      <Descriptions.Item label={t('customers.ownerSince')}>{c.ownerSince ? formatDate(c.ownerSince) : dash}</Descriptions.Item>
                      <Descriptions.Item label={t('customerField.collaboratorIds')}>
                        {c.collaborators.length ? c.collaborators.map((u) => u.name).join(t('common.listSeparator')) : dash}
                      </Descriptions.Item>
                    </Descriptions>
                  </Card>
                  <CustomerQualityCard customerId={c.id} />
                </Col>
                <Col xs={24} xl={15}>
                  <Card title={t('customers.sectionBasic')}>
                    <Descriptions column={{ xs: 1, sm: 2 }} size="small" data-testid="customer-details">
                      <Descriptions.Item label={t('customerField.mobile')}>{v(c.mobile)}</Descriptions.Item>
                      <Descriptions.Item label={t('customerField.phone')}>{v(c.phone)}</Descriptions.Item>
                      <Descriptions.Item label={t('customerField.email')}>{v(c.email)}</Descriptions.Item>
                      <Descriptions.Item label={t('customerField.wechat')}>{v(c.wechat)}</Descriptions.Item>
                      <Descriptions.Item label={t('customerField.address')} span={2}>
                        {v([c.province, c.city, c.district, c.address].filter(Boolean).filter((x, i, a) => a.indexOf(x) === i).join(' '))}
                      </Descriptions.Item>
                      <Descriptions.Item label={t('customerField.source')}>{v(c.source)}</Descriptions.Item>
                      {c.kind === 'organization' ? (
                        <>
                          <Descriptions.Item label={t('customerField.industry')}>{v(c.industry)}</Descriptions.Item>
                          <Descriptions.Item label={t('customerField.companySize')}>{v(c.companySize)}</Descriptions.Item>
                          <Descriptions.Item label={t('customerField.legalRepresentative')}>{v(c.legalRepresentative)}</Descriptions.Item>
                          <Descriptions.Item label={t('customerField.creditCode')}>{v(c.creditCode)}</Descriptions.Item>
                          <Descriptions.Item label={t('customerField.registeredCapital')}>{v(formatYuan(c.registeredCapital, lang))}</Descriptions.Item>
                          <Descriptions.Item label={t('customerField.annualRevenue')}>{v(formatYuan(c.annualRevenue, lang))}</Descriptions.Item>
                          <Descriptions.Item label={t('customerField.foundedOn')}>{v(formatDate(c.foundedOn))}</Descriptions.Item>
                          <Descriptions.Item label={t('customerField.website')}>{v(c.website)}</Descriptions.Item>
                        </>
                      ) : (
                        <>
                          <Descriptions.Item label={t('customerField.gender')}>{c.gender ? t(`enums.gender.${c.gender}`) : dash}</Descriptions.Item>
                          <Descriptions.Item label={t('customerField.birthday')}>{v(formatDate(c.birthday))}</Descriptions.Item>
                          <Descriptions.Item label={t('customerField.occupation')}>{v(c.occupation)}</Descriptions.Item>
                          <Descriptions.Item label={t('customerField.employer')}>{v(c.employer)}</Descriptions.Item>
                          <Descriptions.Item label={t('customerField.education')}>{v(c.education)}</Descriptions.Item>
                          <Descriptions.Item label={t('customerField.maritalStatus')}>{v(c.maritalStatus)}</Descriptions.Item>
                        </>
                      )}
                      <Descriptions.Item label={t('common.createdAt')}>{formatDateTime(c.createdAt)}</Descriptions.Item>
                      <Descriptions.Item label={t('customerField.updatedAt')}>{formatDateTime(c.updatedAt)}</Descriptions.Item>
                    </Descriptions>
                  </Card>
                  {customRows.length ? (
                    <Card title={t('customers.sectionCustom')} style={{ marginTop: 20 }}>
                      <Descriptions column={{ xs: 1, sm: 2 }} size="small" items={customRows} data-testid="customer-custom-fields" />
                    </Card>
                  ) : null}
                  <Card title={t('customerField.notes')} style={{ marginTop: 20 }}>
                    {c.notes ? <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{c.notes}</Typography.Paragraph> : <Typography.Text type="secondary">{t('customers.noNotes')}</Typography.Text>}
                  </Card>
                  <CustomerAnalysisCard customerId={c.id} />
                </Col>
              </Row>
            ),
          },
          {
            key: 'contacts',
            label: `${t('customers.tabContacts')}${contacts.data ? ` (${contacts.data.length})` : ''}`,
            children: (
              <Card
                title={t('customers.tabContacts')}
                extra={
                  can('customers.write') ? (
                    <Button icon={<PlusOutlined />} onClick={() => setContactForm(true)} data-testid="add-contact">
                      {t('contacts.create')}
                    </Button>
                  ) : null
                }
              >
                {contacts.data?.length ? (
                  <Row gutter={[16, 16]}>
                    {contacts.data.map((ct) => {
                      const link = ct.customers.find((l) => l.customerId === c.id);
                      return (
                        <Col xs={24} md={12} xl={8} key={ct.id}>
                          <Card size="small" className="gx-link-card" onClick={() => void navigate(`/contacts/${ct.id}`)}>
                            <Flex gap={8} align="center" wrap>
                              <Typography.Text strong>{ct.name}</Typography.Text>
                              {link?.isPrimary ? <Tag color="blue">{t('contacts.primary')}</Tag> : null}
                            </Flex>
                            <Typography.Text type="secondary" style={{ display: 'block' }}>
                              {[link?.title, ct.department].filter(Boolean).join(' · ') || '—'}
                            </Typography.Text>
                            <Typography.Text style={{ display: 'block', marginTop: 4 }}>{[ct.mobile, ct.email].filter(Boolean).join(' · ')}</Typography.Text>
                          </Card>
                        </Col>
                      );
                    })}
                  </Row>
                ) : (
                  <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('customers.noContacts')} />
                )}
              </Card>
            ),
          },
          ...(can('sales.read') ? [{ key: 'orders', label: t('orders.tabOrders'), children: <CustomerOrders customerId={c.id} /> }] : []),
          ...(can('service.read') ? [{ key: 'tickets', label: t('tickets.customerTab'), children: <CustomerTickets customer={{ id: c.id, name: c.name }} /> }] : []),
          {
            key: 'timeline',
            label: t('customers.tabTimeline'),
            children: (
              <Card>
                <CustomerTimeline customerId={c.id} contacts={contacts.data ?? []} />
              </Card>
            ),
          },
        ]}
      />

      <CustomerForm open={editing} customer={c} onClose={() => setEditing(false)} />
      <FollowUpModal open={followUp} customerId={c.id} contacts={contacts.data ?? []} onClose={() => setFollowUp(false)} />
      <ContactForm open={contactForm} contact={null} customer={{ id: c.id, name: c.name }} onClose={() => setContactForm(false)} />
      <Modal
        open={assigning}
        title={t('customers.assignTitle', { name: c.name })}
        onCancel={() => setAssigning(false)}
        onOk={() => assignTo && move.mutate({ action: 'assign', body: { userId: assignTo } })}
        okButtonProps={{ disabled: !assignTo }}
        confirmLoading={move.isPending}
        okText={t('customers.assign')}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t('customers.assignText')}</Typography.Paragraph>
        <UserRefPicker value={assignTo} onChange={setAssignTo} exclude={c.ownerId ?? undefined} style={{ width: '100%' }} />
      </Modal>
      <Modal
        open={releasing}
        title={t('customers.releaseTitle')}
        onCancel={() => setReleasing(false)}
        onOk={() => releaseForm.submit()}
        confirmLoading={move.isPending}
        okText={t('customers.release')}
        okButtonProps={{ danger: true }}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t('customers.releaseText', { name: c.name })}</Typography.Paragraph>
        <Form form={releaseForm} layout="vertical" onFinish={(val) => move.mutate({ action: 'release', body: { reason: val.reason.trim() } })}>
          <Form.Item name="reason" label={t('customers.releaseReason')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('customers.releaseReason') }) }, { max: 500, message: t('validation.maxLength', { max: 500 }) }]}>
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
