// A new ticket (新建工单): a known customer (and contact) or an unknown caller; what it is about,
// through which channel, how urgent; optionally the product or order concerned and who takes it
// (left empty, the assignment rules route it).
import { useMemo } from 'react';
import { useNavigate } from 'react-router';
import { App, Button, Col, Drawer, Flex, Form, Input, Row, Segmented, Select, Typography } from 'antd';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { afterSalesSubtypes, ticketChannels, ticketPriorities, ticketTypes, type Contact, type OrderSummary, type Ticket } from '@guanxi/contracts';
import { api, type Page } from '../../api/client';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { useCan } from '../auth/session';
import { CustomerSelect, ProductSelect } from '../orders/order-bits';
import { UserRefPicker } from '../users/UserRefPicker';
import { TeamSelect } from './ticket-bits';
import { useInvalidateTickets, type TicketChannel, type TicketPriority, type TicketSubtype, type TicketType } from './tickets.api';

interface Values {
  who: 'customer' | 'caller';
  customerId?: number | null;
  contactId?: number | null;
  callerName?: string;
  callerPhone?: string;
  callerEmail?: string;
  type: TicketType;
  subtype?: TicketSubtype | null;
  channel: TicketChannel;
  priority: TicketPriority;
  subject: string;
  description?: string;
  category?: string;
  productId?: number | null;
  orderId?: number | null;
  teamId?: number | null;
  assigneeId?: number | null;
}

const blank = (s: string | undefined) => (s && s.trim() ? s.trim() : null);

export function TicketFormDrawer({ open, onClose, customer }: { open: boolean; onClose: () => void; customer?: { id: number; name: string } }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const can = useCan();
  const onError = useMutationErrors();
  const invalidate = useInvalidateTickets();
  const [form] = Form.useForm<Values>();
  const who = Form.useWatch('who', form) ?? 'customer';
  const type = Form.useWatch('type', form);
  const customerId = Form.useWatch('customerId', form) ?? null;
  const sales = can('sales.read');

  const contacts = useQuery({
    queryKey: ['customers', 'contacts', customerId ?? 0],
    queryFn: () => api<{ data: Contact[] }>(`/customers/${customerId ?? 0}/contacts`),
    select: (r) => r.data,
    enabled: open && who === 'customer' && (customerId ?? 0) > 0,
  });
  const orders = useQuery({
    queryKey: ['orders', 'for-ticket', customerId ?? 0],
    queryFn: ({ signal }) => api<Page<OrderSummary>>('/orders', { query: { 'filter[customerId]': customerId ?? undefined, limit: 50, sort: '-orderDate' }, signal }),
    select: (p) => p.data,
    enabled: open && sales && who === 'customer' && (customerId ?? 0) > 0,
  });

  const initial = useMemo<Partial<Values>>(
    () => ({ who: 'customer', customerId: customer?.id ?? null, type: 'inquiry', channel: 'phone', priority: 'normal' }),
    [customer],
  );

  const save = useMutation({
    mutationFn: (v: Values) =>
      api<Ticket>('/tickets', {
        method: 'POST',
        body: {
          type: v.type,
          subtype: v.type === 'after_sales' ? (v.subtype ?? null) : null,
          ...(v.who === 'customer'
            ? { customerId: v.customerId ?? null, contactId: v.contactId ?? null }
            : { callerName: blank(v.callerName), callerPhone: blank(v.callerPhone), callerEmail: blank(v.callerEmail) }),
          channel: v.channel,
          priority: v.priority,
          subject: v.subject.trim(),
          description: blank(v.description),
          category: blank(v.category),
          productId: v.productId ?? null,
          orderId: v.who === 'customer' ? (v.orderId ?? null) : null,
          teamId: v.teamId ?? null,
          assigneeId: v.assigneeId ?? null,
        },
      }),
    onSuccess: (saved) => {
      invalidate();
      void message.success(t('tickets.createdToast', { number: saved.number }));
      onClose();
      form.resetFields();
      void navigate(`/tickets/${saved.id}`);
    },
    onError: (e) => onError(e, { form }),
  });

  const required = (field: string) => ({ required: true, message: t('validation.required', { field }) });

  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t('tickets.create')}
      size={640}
      destroyOnHidden
      extra={
        <Flex gap={8}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="ticket-save">
            {t('common.save')}
          </Button>
        </Flex>
      }
    >
      <Form<Values> form={form} layout="vertical" initialValues={initial} onFinish={(v) => save.mutate(v)} data-testid="ticket-form">
        <Form.Item name="who" label={t('tickets.field.from')}>
          <Segmented<'customer' | 'caller'>
            options={[
              { value: 'customer', label: t('tickets.fromCustomer') },
              { value: 'caller', label: t('tickets.fromCaller') },
            ]}
            data-testid="ticket-who"
          />
        </Form.Item>
        {who === 'customer' ? (
          <Row gutter={12}>
            <Col xs={24} sm={14}>
              <Form.Item name="customerId" label={t('tickets.field.customer')} rules={[required(t('tickets.field.customer'))]}>
                <CustomerSelect known={customer ?? null} style={{ width: '100%' }} onChange={() => form.setFieldsValue({ contactId: null, orderId: null })} />
              </Form.Item>
            </Col>
            <Col xs={24} sm={10}>
              <Form.Item name="contactId" label={t('tickets.field.contact')}>
                <Select<number | null>
                  allowClear
                  disabled={!customerId}
                  loading={contacts.isFetching}
                  options={(contacts.data ?? []).map((c) => ({ value: c.id, label: [c.name, c.mobile ?? c.phone].filter(Boolean).join(' · ') }))}
                  placeholder={t('tickets.pickContact')}
                  data-testid="ticket-contact"
                />
              </Form.Item>
            </Col>
          </Row>
        ) : (
          <>
            <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
              {t('tickets.callerHelp')}
            </Typography.Paragraph>
            <Row gutter={12}>
              <Col xs={24} sm={8}>
                <Form.Item
                  name="callerName"
                  label={t('tickets.field.callerName')}
                  dependencies={['callerPhone', 'callerEmail']}
                  rules={[
                    { max: 100, message: t('validation.maxLength', { max: 100 }) },
                    ({ getFieldValue }) => ({
                      validator: (_r, v: string | undefined) =>
                        blank(v) || blank(getFieldValue('callerPhone') as string | undefined) || blank(getFieldValue('callerEmail') as string | undefined) ? Promise.resolve() : Promise.reject(new Error(t('tickets.callerRequired'))),
                    }),
                  ]}
                >
                  <Input data-testid="ticket-caller-name" />
                </Form.Item>
              </Col>
              <Col xs={24} sm={8}>
                <Form.Item name="callerPhone" label={t('tickets.field.callerPhone')} rules={[{ pattern: /^[0-9+\-() ]*$/, message: t('validation.phone') }]}>
                  <Input inputMode="tel" />
                </Form.Item>
              </Col>
              <Col xs={24} sm={8}>
                <Form.Item name="callerEmail" label={t('tickets.field.callerEmail')} rules={[{ type: 'email', message: t('validation.email') }]}>
                  <Input inputMode="email" />
                </Form.Item>
              </Col>
            </Row>
          </>
        )}
        <Row gutter={12}>
          <Col xs={24} sm={8}>
            <Form.Item name="type" label={t('tickets.field.type')} rules={[required(t('tickets.field.type'))]}>
              <Select<TicketType> options={ticketTypes.map((x) => ({ value: x, label: t(`tickets.type.${x}`) }))} data-testid="ticket-type" />
            </Form.Item>
          </Col>
          {type === 'after_sales' ? (
            <Col xs={24} sm={8}>
              <Form.Item name="subtype" label={t('tickets.field.subtype')}>
                <Select<TicketSubtype> allowClear options={afterSalesSubtypes.map((x) => ({ value: x, label: t(`tickets.subtype.${x}`) }))} data-testid="ticket-subtype" />
              </Form.Item>
            </Col>
          ) : null}
          <Col xs={24} sm={8}>
            <Form.Item name="channel" label={t('tickets.field.channel')} rules={[required(t('tickets.field.channel'))]}>
              <Select<TicketChannel> options={ticketChannels.map((x) => ({ value: x, label: t(`tickets.channel.${x}`) }))} data-testid="ticket-channel" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={8}>
            <Form.Item name="priority" label={t('tickets.field.priority')}>
              <Select<TicketPriority> options={ticketPriorities.map((x) => ({ value: x, label: t(`tickets.priority.${x}`) }))} data-testid="ticket-priority" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="subject" label={t('tickets.field.subject')} rules={[{ ...required(t('tickets.field.subject')), whitespace: true }, { max: 200, message: t('validation.maxLength', { max: 200 }) }]}>
          <Input data-testid="ticket-subject" />
        </Form.Item>
        <Form.Item name="description" label={t('tickets.field.description')} rules={[{ max: 10000, message: t('validation.maxLength', { max: 10000 }) }]}>
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 10 }} data-testid="ticket-description" />
        </Form.Item>
        <Row gutter={12}>
          <Col xs={24} sm={12}>
            <Form.Item name="category" label={t('tickets.field.category')} rules={[{ max: 60, message: t('validation.maxLength', { max: 60 }) }]} extra={t('tickets.categoryHelp')}>
              <Input />
            </Form.Item>
          </Col>
          {sales ? (
            <Col xs={24} sm={12}>
              <Form.Item name="productId" label={t('tickets.field.product')}>
                <ProductSelect onProduct={() => undefined} testId="ticket-product" />
              </Form.Item>
            </Col>
          ) : null}
        </Row>
        {sales && who === 'customer' ? (
          <Form.Item name="orderId" label={t('tickets.field.order')}>
            <Select<number | null>
              allowClear
              disabled={!customerId}
              loading={orders.isFetching}
              options={(orders.data ?? []).map((o) => ({ value: o.id, label: `${o.number} · ${o.orderDate}` }))}
              placeholder={t('tickets.pickOrder')}
              data-testid="ticket-order"
            />
          </Form.Item>
        ) : null}
        <Typography.Title level={5} style={{ marginTop: 8 }}>
          {t('tickets.routing')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('tickets.routingHelp')}</Typography.Paragraph>
        <Row gutter={12}>
          <Col xs={24} sm={12}>
            <Form.Item name="teamId" label={t('tickets.field.team')}>
              <TeamSelect style={{ width: '100%' }} testId="ticket-team" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="assigneeId" label={t('tickets.field.assignee')}>
              <UserRefPicker style={{ width: '100%' }} data-testid="ticket-assignee" />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Drawer>
  );
}
