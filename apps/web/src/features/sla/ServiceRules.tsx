// The service desk's rules: how new tickets are routed (assignment rules), when return visits are
// scheduled (return-visit rules), and the general settings (the compensation above which a
// complaint's solution needs a manager's approval).
import { useState } from 'react';
import { App, Button, Card, Flex, Form, Input, InputNumber, Modal, Popconfirm, Select, Switch, Table, Typography, type TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { ticketTypes, type assignmentRule, type returnVisitRule, type serviceSettings } from '@guanxi/contracts';
import { api } from '../../api/client';
import { errorText } from '../../shared/errors';
import { formatMoney } from '../../shared/format';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { TeamSelect } from '../tickets/ticket-bits';
import { serviceSettingsKey, useTeams, type TicketType } from '../tickets/tickets.api';

type AssignmentRule = z.infer<typeof assignmentRule>;
type VisitRule = z.infer<typeof returnVisitRule>;
type ServiceSettings = z.infer<typeof serviceSettings>;

function useRuleMutations<R extends { id: number; version: number }>(resource: string) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const refresh = () => void client.invalidateQueries({ queryKey: [resource] });
  const remove = useMutation({
    mutationFn: (r: R) => api<null>(`/${resource}/${r.id}`, { method: 'DELETE' }),
    onSuccess: () => {
      refresh();
      void message.success(t('common.deleted'));
    },
    onError: (e) => void message.error(errorText(t, e)),
  });
  const toggle = useMutation({
    mutationFn: ({ r, active }: { r: R; active: boolean }) => api<R>(`/${resource}/${r.id}`, { method: 'PATCH', body: { active, version: r.version } }),
    onSuccess: refresh,
    onError: (e) => void message.error(errorText(t, e)),
  });
  return { refresh, remove, toggle };
}

interface AssignValues {
  name: string;
  matchType: TicketType | null;
  matchCategory?: string;
  strategy: 'round_robin' | 'customer_owner';
  teamId: number | null;
  precedence: number;
  active: boolean;
}

export function AssignmentRules() {
  const { t } = useTranslation();
  const onError = useMutationErrors();
  const rules = useQuery({ queryKey: ['ticket-assignment-rules'], queryFn: () => api<{ data: AssignmentRule[] }>('/ticket-assignment-rules'), select: (r) => r.data });
  const teams = useTeams();
  const { refresh, remove, toggle } = useRuleMutations<AssignmentRule>('ticket-assignment-rules');
  const [editing, setEditing] = useState<AssignmentRule | 'new' | null>(null);
  const [form] = Form.useForm<AssignValues>();
  const strategy = Form.useWatch('strategy', form);
  const { message } = App.useApp();
  const save = useMutation({
    mutationFn: (v: AssignValues) => {
      const body = { name: v.name.trim(), matchType: v.matchType ?? null, matchCategory: v.matchCategory?.trim() || null, strategy: v.strategy, teamId: v.teamId ?? null, precedence: v.precedence ?? 0, active: v.active };
      return editing && editing !== 'new' ? api<AssignmentRule>(`/ticket-assignment-rules/${editing.id}`, { method: 'PATCH', body: { ...body, version: editing.version } }) : api<AssignmentRule>('/ticket-assignment-rules', { method: 'POST', body });
    },
    onSuccess: () => {
      refresh();
      setEditing(null);
      void message.success(t('common.saved'));
    },
    onError: (e) => onError(e, { form, onReload: refresh }),
  });
  const open = (r: AssignmentRule | 'new') => {
    form.setFieldsValue(
      r === 'new'
        ? { name: '', matchType: null, matchCategory: '', strategy: 'round_robin', teamId: null, precedence: 0, active: true }
        : { name: r.name, matchType: r.matchType, matchCategory: r.matchCategory ?? '', strategy: r.strategy, teamId: r.teamId, precedence: r.precedence, active: r.active },
    );
    setEditing(r);
  };
  const any = <Typography.Text type="secondary">{t('sla.any')}</Typography.Text>;
  const columns: TableProps<AssignmentRule>['columns'] = [
    { key: 'precedence', title: t('sla.precedence'), width: 80, render: (_, r) => r.precedence },
    { key: 'name', title: t('serviceRules.name'), render: (_, r) => <Typography.Text strong>{r.name}</Typography.Text> },
    { key: 'matchType', title: t('tickets.field.type'), render: (_, r) => (r.matchType ? t(`tickets.type.${r.matchType}`) : any) },
    { key: 'matchCategory', title: t('tickets.field.category'), render: (_, r) => r.matchCategory ?? any },
    { key: 'strategy', title: t('serviceRules.strategy'), render: (_, r) => t(`serviceRules.strategies.${r.strategy}`) },
    { key: 'team', title: t('tickets.field.team'), render: (_, r) => (r.teamId ? (teams.data?.find((d) => d.id === r.teamId)?.name ?? `#${r.teamId}`) : '—') },
    { key: 'active', title: t('common.active'), render: (_, r) => <Switch size="small" checked={r.active} onChange={(active) => toggle.mutate({ r, active })} /> },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, r) => (
        <Flex gap={4}>
          <Button size="small" type="link" onClick={() => open(r)}>
            {t('common.edit')}
          </Button>
          <Popconfirm title={t('serviceRules.deleteConfirm', { name: r.name })} onConfirm={() => remove.mutate(r)} okText={t('common.delete')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')}>
            <Button size="small" type="link" danger>
              {t('common.delete')}
            </Button>
          </Popconfirm>
        </Flex>
      ),
    },
  ];
  return (
    <>
      <Flex justify="space-between" align="center" gap={12} wrap style={{ marginBottom: 12 }}>
        <Typography.Paragraph type="secondary" style={{ margin: 0, maxWidth: 760 }}>
          {t('serviceRules.assignHelp')}
        </Typography.Paragraph>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')} data-testid="assignment-rule-new">
          {t('serviceRules.create')}
        </Button>
      </Flex>
      <Table<AssignmentRule> rowKey="id" size="middle" columns={columns} dataSource={[...(rules.data ?? [])].sort((a, b) => b.precedence - a.precedence || a.id - b.id)} loading={rules.isFetching} pagination={false} scroll={{ x: 'max-content' }} locale={{ emptyText: t('serviceRules.noAssignRules') }} />
      <Modal open={editing !== null} title={editing === 'new' ? t('serviceRules.create') : t('serviceRules.edit')} onCancel={() => setEditing(null)} onOk={() => form.submit()} confirmLoading={save.isPending} okText={t('common.save')} cancelText={t('common.cancel')} forceRender>
        <Form<AssignValues> form={form} layout="vertical" onFinish={(v) => save.mutate(v)}>
          <Form.Item name="name" label={t('serviceRules.name')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('serviceRules.name') }) }]}>
            <Input />
          </Form.Item>
          <Flex gap={12}>
            <Form.Item name="matchType" label={t('serviceRules.matchType')} style={{ flex: 1 }}>
              <Select<TicketType | null> allowClear placeholder={t('sla.any')} options={ticketTypes.map((x) => ({ value: x, label: t(`tickets.type.${x}`) }))} />
            </Form.Item>
            <Form.Item name="matchCategory" label={t('serviceRules.matchCategory')} style={{ flex: 1 }}>
              <Input placeholder={t('sla.any')} maxLength={60} />
            </Form.Item>
          </Flex>
          <Form.Item name="strategy" label={t('serviceRules.strategy')} extra={t(`serviceRules.strategyHelp.${strategy ?? 'round_robin'}`)}>
            <Select options={(['round_robin', 'customer_owner'] as const).map((x) => ({ value: x, label: t(`serviceRules.strategies.${x}`) }))} />
          </Form.Item>
          <Form.Item name="teamId" label={t('tickets.field.team')} rules={strategy === 'round_robin' ? [{ required: true, message: t('validation.select', { field: t('tickets.field.team') }) }] : []}>
            <TeamSelect style={{ width: '100%' }} />
          </Form.Item>
          <Flex gap={12}>
            <Form.Item name="precedence" label={t('sla.precedence')} extra={t('serviceRules.precedenceHelp')} style={{ flex: 1 }}>
              <InputNumber min={-1000} max={1000} precision={0} style={{ width: '100%' }} />
            </Form.Item>
            <Form.Item name="active" label={t('common.active')} valuePropName="checked" style={{ flex: 1 }}>
              <Switch />
            </Form.Item>
          </Flex>
        </Form>
      </Modal>
    </>
  );
}

interface VisitValues {
  name: string;
  trigger: 'ticket_closed' | 'order_fulfilled';
  ticketType: TicketType | null;
  delayDays: number;
  assignTo: 'ticket_assignee' | 'customer_owner';
  active: boolean;
}

export function ReturnVisitRules() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useMutationErrors();
  const rules = useQuery({ queryKey: ['return-visit-rules'], queryFn: () => api<{ data: VisitRule[] }>('/return-visit-rules'), select: (r) => r.data });
  const { refresh, remove, toggle } = useRuleMutations<VisitRule>('return-visit-rules');
  const [editing, setEditing] = useState<VisitRule | 'new' | null>(null);
  const [form] = Form.useForm<VisitValues>();
  const trigger = Form.useWatch('trigger', form);
  const save = useMutation({
    mutationFn: (v: VisitValues) => {
      const ticketType = v.trigger === 'ticket_closed' ? (v.ticketType ?? null) : null;
      if (editing && editing !== 'new') return api<VisitRule>(`/return-visit-rules/${editing.id}`, { method: 'PATCH', body: { name: v.name.trim(), ticketType, delayDays: v.delayDays, assignTo: v.assignTo, active: v.active, version: editing.version } });
      return api<VisitRule>('/return-visit-rules', { method: 'POST', body: { name: v.name.trim(), trigger: v.trigger, ticketType, delayDays: v.delayDays, assignTo: v.assignTo, active: v.active } });
    },
    onSuccess: () => {
      refresh();
      setEditing(null);
      void message.success(t('common.saved'));
    },
    onError: (e) => onError(e, { form, onReload: refresh }),
  });
  const open = (r: VisitRule | 'new') => {
    form.setFieldsValue(r === 'new' ? { name: '', trigger: 'ticket_closed', ticketType: null, delayDays: 3, assignTo: 'ticket_assignee', active: true } : { name: r.name, trigger: r.trigger, ticketType: r.ticketType, delayDays: r.delayDays, assignTo: r.assignTo, active: r.active });
    setEditing(r);
  };
  const columns: TableProps<VisitRule>['columns'] = [
    { key: 'name', title: t('serviceRules.name'), render: (_, r) => <Typography.Text strong>{r.name}</Typography.Text> },
    { key: 'trigger', title: t('serviceRules.trigger'), render: (_, r) => t(`serviceRules.triggers.${r.trigger}`) + (r.ticketType ? ` · ${t(`tickets.type.${r.ticketType}`)}` : '') },
    { key: 'delay', title: t('serviceRules.delayDays'), render: (_, r) => t('serviceRules.days', { count: r.delayDays }) },
    { key: 'assignTo', title: t('serviceRules.assignTo'), render: (_, r) => t(`serviceRules.assignTos.${r.assignTo}`) },
    { key: 'active', title: t('common.active'), render: (_, r) => <Switch size="small" checked={r.active} onChange={(active) => toggle.mutate({ r, active })} /> },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, r) => (
        <Flex gap={4}>
          <Button size="small" type="link" onClick={() => open(r)}>
            {t('common.edit')}
          </Button>
          <Popconfirm title={t('serviceRules.deleteConfirm', { name: r.name })} onConfirm={() => remove.mutate(r)} okText={t('common.delete')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')}>
            <Button size="small" type="link" danger>
              {t('common.delete')}
            </Button>
          </Popconfirm>
        </Flex>
      ),
    },
  ];
  return (
    <>
      <Flex justify="space-between" align="center" gap={12} wrap style={{ marginBottom: 12 }}>
        <Typography.Paragraph type="secondary" style={{ margin: 0, maxWidth: 760 }}>
          {t('serviceRules.visitHelp')}
        </Typography.Paragraph>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')} data-testid="visit-rule-new">
          {t('serviceRules.createVisit')}
        </Button>
      </Flex>
      <Table<VisitRule> rowKey="id" size="middle" columns={columns} dataSource={rules.data ?? []} loading={rules.isFetching} pagination={false} scroll={{ x: 'max-content' }} locale={{ emptyText: t('serviceRules.noVisitRules') }} />
      <Modal open={editing !== null} title={editing === 'new' ? t('serviceRules.createVisit') : t('serviceRules.editVisit')} onCancel={() => setEditing(null)} onOk={() => form.submit()} confirmLoading={save.isPending} okText={t('common.save')} cancelText={t('common.cancel')} forceRender>
        <Form<VisitValues> form={form} layout="vertical" onFinish={(v) => save.mutate(v)}>
          <Form.Item name="name" label={t('serviceRules.name')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('serviceRules.name') }) }]}>
            <Input />
          </Form.Item>
          <Form.Item name="trigger" label={t('serviceRules.trigger')}>
            <Select
              disabled={editing !== 'new'}
              onChange={(v) => v === 'order_fulfilled' && form.setFieldsValue({ assignTo: 'customer_owner', ticketType: null })}
              options={(['ticket_closed', 'order_fulfilled'] as const).map((x) => ({ value: x, label: t(`serviceRules.triggers.${x}`) }))}
            />
          </Form.Item>
          {trigger === 'ticket_closed' ? (
            <Form.Item name="ticketType" label={t('tickets.field.type')}>
              <Select<TicketType | null> allowClear placeholder={t('sla.any')} options={ticketTypes.map((x) => ({ value: x, label: t(`tickets.type.${x}`) }))} />
            </Form.Item>
          ) : null}
          <Flex gap={12}>
            <Form.Item name="delayDays" label={t('serviceRules.delayDays')} style={{ flex: 1 }}>
              <InputNumber min={0} max={365} precision={0} style={{ width: '100%' }} />
            </Form.Item>
            <Form.Item name="assignTo" label={t('serviceRules.assignTo')} style={{ flex: 2 }}>
              <Select options={(['ticket_assignee', 'customer_owner'] as const).filter((x) => trigger !== 'order_fulfilled' || x === 'customer_owner').map((x) => ({ value: x, label: t(`serviceRules.assignTos.${x}`) }))} />
            </Form.Item>
          </Flex>
          <Form.Item name="active" label={t('common.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

export function GeneralServiceSettings() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const settings = useQuery({ queryKey: serviceSettingsKey, queryFn: () => api<ServiceSettings>('/service-settings') });
  const [form] = Form.useForm<{ compensationApprovalThreshold: string; complaintVisitDelayDays: number }>();
  const save = useMutation({
    mutationFn: (v: { compensationApprovalThreshold: string; complaintVisitDelayDays: number }) =>
      api<ServiceSettings>('/service-settings', { method: 'PATCH', body: { compensationApprovalThreshold: String(v.compensationApprovalThreshold), complaintVisitDelayDays: v.complaintVisitDelayDays, version: settings.data?.version } }),
    onSuccess: (s) => {
      client.setQueryData(serviceSettingsKey, s);
      void message.success(t('common.saved'));
    },
    onError: (e) => onError(e, { form, onReload: () => void settings.refetch() }),
  });
  if (!settings.data) return <Card loading />;
  return (
    <Card style={{ maxWidth: 640 }}>
      <Form
        form={form}
        layout="vertical"
        initialValues={{ compensationApprovalThreshold: settings.data.compensationApprovalThreshold, complaintVisitDelayDays: settings.data.complaintVisitDelayDays }}
        onFinish={(v) => save.mutate(v)}
        data-testid="service-settings-form"
      >
        <Form.Item
          name="compensationApprovalThreshold"
          label={t('serviceRules.threshold')}
          extra={t('serviceRules.thresholdHelp', { amount: formatMoney(settings.data.compensationApprovalThreshold) })}
          rules={[{ required: true, message: t('validation.required', { field: t('serviceRules.threshold') }) }]}
        >
          <InputNumber<string> stringMode min="0" max="999999999999.99" precision={2} prefix="¥" style={{ width: 220 }} data-testid="service-threshold" />
        </Form.Item>
        <Form.Item name="complaintVisitDelayDays" label={t('serviceRules.complaintVisitDelay')} extra={t('serviceRules.complaintVisitDelayHelp')}>
          <InputNumber min={0} max={365} precision={0} suffix={t('serviceRules.daysUnit')} style={{ width: 160 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="service-settings-save">
          {t('common.save')}
        </Button>
      </Form>
    </Card>
  );
}
