// SLA policies (服务标准与承诺): how soon a ticket must get its first response and be resolved, by
// customer tier and priority, counted in the business hours of a calendar. The matrix shows which
// policy each tier × priority gets (the most specific active policy wins, then precedence).
import { useState } from 'react';
import { App, Button, Col, Flex, Form, Input, InputNumber, Modal, Popconfirm, Row, Select, Switch, Table, Tag, Typography, type TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { customerTiers, ticketPriorities, type SlaPolicy } from '@guanxi/contracts';
import { api } from '../../api/client';
import { errorText } from '../../shared/errors';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { formatMinutes } from '../tickets/ticket-bits';
import { slaPoliciesKey, useCalendars, useSlaPolicies, type TicketPriority } from '../tickets/tickets.api';

type Tier = (typeof customerTiers)[number];

/** The same choice the server makes (sla-policies.service matchPolicy). */
export function matchPolicy(policies: readonly SlaPolicy[], tier: Tier | null, priority: TicketPriority): SlaPolicy | undefined {
  const specificity = (p: SlaPolicy) => (p.importance !== null ? 1 : 0) + (p.priority !== null ? 1 : 0);
  return policies
    .filter((p) => p.active && (tier === null ? p.importance === null : p.importance === null || p.importance === tier) && (p.priority === null || p.priority === priority))
    .sort((a, b) => specificity(b) - specificity(a) || b.precedence - a.precedence || a.id - b.id)[0];
}

interface Values {
  name: string;
  importance: Tier | null;
  priority: TicketPriority | null;
  firstH: number | null;
  firstM: number | null;
  resH: number | null;
  resM: number | null;
  nearBreachPercent: number;
  calendarId: number | null;
  active: boolean;
  precedence: number;
}

const split = (m: number) => ({ h: Math.floor(m / 60), m: m % 60 });

export function SlaPolicies() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const policies = useSlaPolicies();
  const calendars = useCalendars();
  const [editing, setEditing] = useState<SlaPolicy | 'new' | null>(null);
  const [form] = Form.useForm<Values>();
  const refresh = () => void client.invalidateQueries({ queryKey: slaPoliciesKey });

  const save = useMutation({
    mutationFn: (v: Values) => {
      const body = {
        name: v.name.trim(),
        importance: v.importance ?? null,
        priority: v.priority ?? null,
        firstResponseMinutes: (v.firstH ?? 0) * 60 + (v.firstM ?? 0),
        resolutionMinutes: (v.resH ?? 0) * 60 + (v.resM ?? 0),
        nearBreachPercent: v.nearBreachPercent,
        calendarId: v.calendarId ?? null,
        active: v.active,
        precedence: v.precedence ?? 0,
      };
      return editing && editing !== 'new'
        ? api<SlaPolicy>(`/sla-policies/${editing.id}`, { method: 'PATCH', body: { ...body, version: editing.version } })
        : api<SlaPolicy>('/sla-policies', { method: 'POST', body });
    },
    onSuccess: () => {
      refresh();
      setEditing(null);
      void message.success(t('common.saved'));
    },
    onError: (e) => onError(e, { form, onReload: refresh }),
  });
  const remove = useMutation({
    mutationFn: (p: SlaPolicy) => api<null>(`/sla-policies/${p.id}`, { method: 'DELETE' }),
    onSuccess: () => {
      refresh();
      void message.success(t('common.deleted'));
    },
    onError: (e) => void message.error(errorText(t, e)),
  });

  const open = (p: SlaPolicy | 'new') => {
    const f = split(p === 'new' ? 240 : p.firstResponseMinutes);
    const r = split(p === 'new' ? 1440 : p.resolutionMinutes);
    form.setFieldsValue({
      name: p === 'new' ? '' : p.name,
      importance: p === 'new' ? null : p.importance,
      priority: p === 'new' ? null : p.priority,
      firstH: f.h,
      firstM: f.m,
      resH: r.h,
      resM: r.m,
      nearBreachPercent: p === 'new' ? 80 : p.nearBreachPercent,
      calendarId: p === 'new' ? null : p.calendarId,
      active: p === 'new' ? true : p.active,
      precedence: p === 'new' ? 0 : p.precedence,
    });
    setEditing(p);
  };

  const list = policies.data ?? [];
  const any = <Typography.Text type="secondary">{t('sla.any')}</Typography.Text>;
  const calendarName = (id: number | null) => (id === null ? t('sla.defaultCalendar') : (calendars.data?.find((c) => c.id === id)?.name ?? `#${id}`));
  const columns: TableProps<SlaPolicy>['columns'] = [
    { key: 'name', title: t('sla.name'), render: (_, p) => <Typography.Text strong>{p.name}</Typography.Text> },
    { key: 'tier', title: t('sla.tier'), render: (_, p) => (p.importance ? t(`enums.importance.${p.importance}`) : any) },
    { key: 'priority', title: t('tickets.field.priority'), render: (_, p) => (p.priority ? t(`tickets.priority.${p.priority}`) : any) },
    { key: 'first', title: t('tickets.sla.firstResponse'), render: (_, p) => formatMinutes(t, p.firstResponseMinutes) },
    { key: 'resolution', title: t('tickets.sla.resolution'), render: (_, p) => formatMinutes(t, p.resolutionMinutes) },
    { key: 'near', title: t('sla.nearBreach'), render: (_, p) => `${p.nearBreachPercent}%` },
    { key: 'calendar', title: t('sla.calendar'), render: (_, p) => calendarName(p.calendarId) },
    { key: 'precedence', title: t('sla.precedence'), render: (_, p) => p.precedence },
    { key: 'active', title: t('common.status'), render: (_, p) => (p.active ? <Tag color="green">{t('common.active')}</Tag> : <Tag>{t('common.inactive')}</Tag>) },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, p) => (
        <Flex gap={4}>
          <Button size="small" type="link" onClick={() => open(p)}>
            {t('common.edit')}
          </Button>
          <Popconfirm title={t('sla.deleteConfirm', { name: p.name })} onConfirm={() => remove.mutate(p)} okText={t('common.delete')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')}>
            <Button size="small" type="link" danger>
              {t('common.delete')}
            </Button>
          </Popconfirm>
        </Flex>
      ),
    },
  ];

  const tiers: Array<Tier | null> = [...customerTiers, null];
  return (
    <>
      <Flex justify="space-between" align="center" gap={12} wrap style={{ marginBottom: 12 }}>
        <Typography.Paragraph type="secondary" style={{ margin: 0, maxWidth: 760 }}>
          {t('sla.help')}
        </Typography.Paragraph>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')} data-testid="sla-policy-new">
          {t('sla.create')}
        </Button>
      </Flex>
      <Typography.Title level={5}>{t('sla.matrix')}</Typography.Title>
      <Table
        size="small"
        rowKey={(r) => r.tier ?? 'none'}
        pagination={false}
        scroll={{ x: 'max-content' }}
        style={{ marginBottom: 24 }}
        dataSource={tiers.map((tier) => ({ tier }))}
        data-testid="sla-matrix"
        columns={[
          { key: 'tier', title: `${t('sla.tier')} \\ ${t('tickets.field.priority')}`, render: (_, r) => (r.tier ? t(`enums.importance.${r.tier}`) : t('sla.noTier')) },
          ...ticketPriorities.map((priority) => ({
            key: priority,
            title: t(`tickets.priority.${priority}`),
            render: (_: unknown, r: { tier: Tier | null }) => {
              const p = matchPolicy(list, r.tier, priority);
              return p ? (
                <Flex vertical>
                  <Typography.Text style={{ whiteSpace: 'nowrap' }}>
                    {formatMinutes(t, p.firstResponseMinutes)} / {formatMinutes(t, p.resolutionMinutes)}
                  </Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {p.name}
                  </Typography.Text>
                </Flex>
              ) : (
                <Typography.Text type="secondary">{t('sla.noPolicy')}</Typography.Text>
              );
            },
          })),
        ]}
      />
      <Typography.Title level={5}>{t('sla.policies')}</Typography.Title>
      <Table<SlaPolicy> rowKey="id" size="middle" columns={columns} dataSource={list} loading={policies.isFetching} pagination={false} scroll={{ x: 'max-content' }} data-testid="sla-policies-table" />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('sla.create') : t('sla.edit')}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        confirmLoading={save.isPending}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        width={640}
        forceRender
      >
        <Form<Values>
          form={form}
          layout="vertical"
          onFinish={(v) => {
            const first = (v.firstH ?? 0) * 60 + (v.firstM ?? 0);
            const resolution = (v.resH ?? 0) * 60 + (v.resM ?? 0);
            if (first < 1) form.setFields([{ name: 'firstM', errors: [t('sla.minutesInvalid')] }]);
            else if (resolution < first) form.setFields([{ name: 'resM', errors: [t('sla.resolutionBeforeFirst')] }]);
            else save.mutate(v);
          }}
        >
          <Form.Item name="name" label={t('sla.name')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('sla.name') }) }, { max: 100, message: t('validation.maxLength', { max: 100 }) }]}>
            <Input data-testid="sla-name" />
          </Form.Item>
          <Row gutter={12}>
            <Col span={12}>
              <Form.Item name="importance" label={t('sla.tier')}>
                <Select<Tier | null> allowClear placeholder={t('sla.any')} options={customerTiers.map((x) => ({ value: x, label: t(`enums.importance.${x}`) }))} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="priority" label={t('tickets.field.priority')}>
                <Select<TicketPriority | null> allowClear placeholder={t('sla.any')} options={ticketPriorities.map((x) => ({ value: x, label: t(`tickets.priority.${x}`) }))} />
              </Form.Item>
            </Col>
          </Row>
          <Row gutter={12}>
            <Col span={12}>
              <Form.Item label={t('tickets.sla.firstResponse')} required extra={t('sla.businessTime')}>
                <Flex gap={8}>
                  <Form.Item name="firstH" noStyle>
                    <InputNumber min={0} max={8760} precision={0} suffix={t('sla.hours')} style={{ width: '50%' }} />
                  </Form.Item>
                  <Form.Item name="firstM" noStyle>
                    <InputNumber min={0} max={59} precision={0} suffix={t('sla.minutes')} style={{ width: '50%' }} />
                  </Form.Item>
                </Flex>
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item label={t('tickets.sla.resolution')} required>
                <Flex gap={8}>
                  <Form.Item name="resH" noStyle>
                    <InputNumber min={0} max={8760} precision={0} suffix={t('sla.hours')} style={{ width: '50%' }} />
                  </Form.Item>
                  <Form.Item name="resM" noStyle>
                    <InputNumber min={0} max={59} precision={0} suffix={t('sla.minutes')} style={{ width: '50%' }} />
                  </Form.Item>
                </Flex>
              </Form.Item>
            </Col>
          </Row>
          <Row gutter={12}>
            <Col span={8}>
              <Form.Item name="nearBreachPercent" label={t('sla.nearBreach')} extra={t('sla.nearBreachHelp')}>
                <InputNumber min={1} max={99} precision={0} suffix="%" style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={10}>
              <Form.Item name="calendarId" label={t('sla.calendar')}>
                <Select<number | null> allowClear placeholder={t('sla.defaultCalendar')} options={(calendars.data ?? []).map((c) => ({ value: c.id, label: c.name }))} />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name="precedence" label={t('sla.precedence')}>
                <InputNumber min={-1000} max={1000} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="active" label={t('common.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
