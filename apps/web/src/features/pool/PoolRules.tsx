// Pool rules (公海规则) and the pool's limits: when neglected customers go back to the pool (no
// follow-up or no deal for N days, N by importance), the warning before, exemptions, claim caps.
import { useEffect, useState } from 'react';
import { App, Button, Card, Checkbox, Col, Flex, Form, Input, InputNumber, Modal, Popconfirm, Radio, Row, Select, Switch, Table, Tag, Typography, type TableProps } from 'antd';
import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { importanceLevels, poolRuleKinds, type PoolRule, type PoolSettings } from '@guanxi/contracts';
import { api, type Page } from '../../api/client';
import { PageHeader } from '../../shared/PageHeader';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { useTags } from '../customers/customers.api';

const rulesKey = ['pool-rules'] as const;

interface RuleValues {
  name: string;
  kind: PoolRule['kind'];
  daysDefault: number;
  daysVip?: number | null;
  daysImportant?: number | null;
  daysOrdinary?: number | null;
  warnDays: number;
  exemptImportance?: Array<(typeof importanceLevels)[number]>;
  exemptTagIds?: number[];
  withOpenDeals?: boolean;
  active: boolean;
}

function RuleForm({ rule, open, onClose }: { rule: PoolRule | null; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const tags = useTags();
  const [form] = Form.useForm<RuleValues>();
  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(
      rule
        ? {
            name: rule.name,
            kind: rule.kind,
            daysDefault: rule.days.default,
            daysVip: rule.days.vip ?? null,
            daysImportant: rule.days.important ?? null,
            daysOrdinary: rule.days.ordinary ?? null,
            warnDays: rule.warnDays,
            exemptImportance: rule.exempt.importance ?? [],
            exemptTagIds: rule.exempt.tagIds ?? [],
            withOpenDeals: rule.exempt.withOpenDeals ?? false,
            active: rule.active,
          }
        : { kind: 'no_follow_up', daysDefault: 30, warnDays: 3, active: true, exemptImportance: [], exemptTagIds: [], withOpenDeals: true },
    );
  }, [open, rule, form]);
  const save = useMutation({
    mutationFn: (v: RuleValues) => {
      const body = {
        name: v.name.trim(),
        kind: v.kind,
        days: { default: v.daysDefault, vip: v.daysVip ?? null, important: v.daysImportant ?? null, ordinary: v.daysOrdinary ?? null },
        warnDays: v.warnDays,
        exempt: { importance: v.exemptImportance ?? [], tagIds: v.exemptTagIds ?? [], withOpenDeals: v.withOpenDeals ?? false },
        active: v.active,
      };
      return rule ? api<PoolRule>(`/pool-rules/${rule.id}`, { method: 'PATCH', body: { ...body, version: rule.version } }) : api<PoolRule>('/pool-rules', { method: 'POST', body });
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: rulesKey });
      void message.success(t('common.saved'));
      onClose();
    },
    onError: (e) => onError(e, { form, onReload: () => void client.invalidateQueries({ queryKey: rulesKey }) }),
  });
  const days = (name: keyof RuleValues, label: string, required = false) => (
    <Col xs={12} md={6}>
      <Form.Item name={name} label={label} rules={required ? [{ required: true, message: t('validation.required', { field: label }) }] : []}>
        <InputNumber min={1} max={3650} precision={0} style={{ width: '100%' }} suffix={t('poolRules.daysUnit')} placeholder={required ? undefined : t('poolRules.useDefault')} />
      </Form.Item>
    </Col>
  );
  return (
    <Modal open={open} title={rule ? t('poolRules.edit') : t('poolRules.create')} onCancel={onClose} onOk={() => form.submit()} okText={t('common.save')} cancelText={t('common.cancel')} confirmLoading={save.isPending} width={720} destroyOnHidden>
      <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)} requiredMark="optional">
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="name" label={t('poolRules.name')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('poolRules.name') }) }]}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="kind" label={t('poolRules.kind')}>
              <Radio.Group optionType="button" options={poolRuleKinds.map((k) => ({ value: k, label: t(`enums.poolRuleKind.${k}`) }))} />
            </Form.Item>
          </Col>
          {days('daysDefault', t('poolRules.daysDefault'), true)}
          {days('daysVip', t('enums.importance.vip'))}
          {days('daysImportant', t('enums.importance.important'))}
          {days('daysOrdinary', t('enums.importance.ordinary'))}
          <Col xs={24} md={12}>
            <Form.Item name="warnDays" label={t('poolRules.warnDays')} extra={t('poolRules.warnHelp')}>
              <InputNumber min={0} max={365} precision={0} style={{ width: '100%' }} suffix={t('poolRules.daysUnit')} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="active" label={t('common.status')} valuePropName="checked">
              <Switch checkedChildren={t('common.active')} unCheckedChildren={t('common.inactive')} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="exemptImportance" label={t('poolRules.exemptImportance')}>
              <Select mode="multiple" allowClear options={importanceLevels.map((v) => ({ value: v, label: t(`enums.importance.${v}`) }))} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="exemptTagIds" label={t('poolRules.exemptTags')}>
              <Select mode="multiple" allowClear optionFilterProp="label" options={(tags.data ?? []).map((x) => ({ value: x.id, label: x.name }))} />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item name="withOpenDeals" valuePropName="checked" extra={t('poolRules.openDealsHelp')}>
              <Checkbox>{t('poolRules.exemptOpenDeals')}</Checkbox>
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}

function SettingsCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const [form] = Form.useForm<{ dailyClaimLimit: number | null; reclaimBlockDays: number; maxOwnedPerUser: number | null }>();
  const settings = useQuery({ queryKey: ['pool-settings'], queryFn: () => api<PoolSettings>('/pool-settings') });
  useEffect(() => {
    if (settings.data) form.setFieldsValue(settings.data);
  }, [settings.data, form]);
  const save = useMutation({
    mutationFn: (v: { dailyClaimLimit: number | null; reclaimBlockDays: number; maxOwnedPerUser: number | null }) =>
      api<PoolSettings>('/pool-settings', { method: 'PATCH', body: { dailyClaimLimit: v.dailyClaimLimit ?? null, reclaimBlockDays: v.reclaimBlockDays ?? 0, maxOwnedPerUser: v.maxOwnedPerUser ?? null, version: settings.data?.version ?? 1 } }),
    onSuccess: (s) => {
      client.setQueryData(['pool-settings'], s);
      void message.success(t('common.saved'));
    },
    onError: (e) => onError(e, { form, onReload: () => void settings.refetch() }),
  });
  return (
    <Card title={t('poolRules.settingsTitle')} data-testid="pool-settings">
      <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)}>
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item name="dailyClaimLimit" label={t('poolRules.dailyClaimLimit')} extra={t('poolRules.noLimitHelp')}>
              <InputNumber min={1} max={10000} precision={0} style={{ width: '100%' }} placeholder={t('poolRules.noLimit')} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="reclaimBlockDays" label={t('poolRules.reclaimBlockDays')} extra={t('poolRules.reclaimHelp')}>
              <InputNumber min={0} max={3650} precision={0} style={{ width: '100%' }} suffix={t('poolRules.daysUnit')} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="maxOwnedPerUser" label={t('poolRules.maxOwnedPerUser')} extra={t('poolRules.noLimitHelp')}>
              <InputNumber min={1} max={10000000} precision={0} style={{ width: '100%' }} placeholder={t('poolRules.noLimit')} />
            </Form.Item>
          </Col>
        </Row>
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          {t('common.save')}
        </Button>
      </Form>
    </Card>
  );
}

export default function PoolRules() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const [editing, setEditing] = useState<{ rule: PoolRule | null } | null>(null);
  const rules = useQuery({ queryKey: [...rulesKey, 'all'], queryFn: () => api<Page<PoolRule>>('/pool-rules', { query: { limit: 500, sort: 'name' } }) });
  const remove = useMutation({
    mutationFn: (id: number) => api<void>(`/pool-rules/${id}`, { method: 'DELETE' }),
    onSuccess: () => void client.invalidateQueries({ queryKey: rulesKey }),
    onError: (e) => onError(e),
  });
  const daysText = (r: PoolRule) =>
    [
      t('poolRules.daysDefaultShort', { days: r.days.default }),
      ...importanceLevels.filter((l) => r.days[l]).map((l) => `${t(`enums.importance.${l}`)} ${t('poolRules.nDays', { days: r.days[l] ?? 0 })}`),
    ].join(t('common.listSeparator'));
  const columns: TableProps<PoolRule>['columns'] = [
    { key: 'name', title: t('poolRules.name'), render: (_, r) => <Typography.Text strong>{r.name}</Typography.Text> },
    { key: 'kind', title: t('poolRules.kind'), render: (_, r) => t(`enums.poolRuleKind.${r.kind}`) },
    { key: 'days', title: t('poolRules.days'), render: (_, r) => daysText(r) },
    { key: 'warnDays', title: t('poolRules.warnDays'), render: (_, r) => t('poolRules.nDays', { days: r.warnDays }) },
    {
      key: 'exempt',
      title: t('poolRules.exempt'),
      render: (_, r) => (
        <Flex gap={4} wrap>
          {(r.exempt.importance ?? []).map((l) => (
            <Tag key={l}>{t(`enums.importance.${l}`)}</Tag>
          ))}
          {r.exempt.withOpenDeals ? <Tag>{t('poolRules.openDeals')}</Tag> : null}
          {r.exempt.tagIds?.length ? <Tag>{t('poolRules.tagCount', { count: r.exempt.tagIds.length })}</Tag> : null}
        </Flex>
      ),
    },
    { key: 'active', title: t('common.status'), render: (_, r) => <Tag color={r.active ? 'green' : 'default'}>{r.active ? t('common.active') : t('common.inactive')}</Tag> },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, r) => (
        <Flex gap={4}>
          <Button size="small" type="link" icon={<EditOutlined />} onClick={() => setEditing({ rule: r })}>
            {t('common.edit')}
          </Button>
          <Popconfirm title={t('poolRules.deleteConfirm', { name: r.name })} okText={t('common.delete')} cancelText={t('common.cancel')} okButtonProps={{ danger: true }} onConfirm={() => remove.mutateAsync(r.id).catch(() => undefined)}>
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
      <PageHeader
        title={t('poolRules.title')}
        description={t('poolRules.description')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ rule: null })} data-testid="create-pool-rule">
            {t('poolRules.create')}
          </Button>
        }
      />
      <div className="gx-panel" style={{ marginBottom: 20 }}>
        <Table<PoolRule> rowKey="id" columns={columns} dataSource={rules.data?.data ?? []} loading={rules.isFetching} pagination={false} scroll={{ x: 'max-content' }} locale={{ emptyText: t('poolRules.empty') }} />
      </div>
      <SettingsCard />
      <RuleForm open={editing !== null} rule={editing?.rule ?? null} onClose={() => setEditing(null)} />
    </>
  );
}
