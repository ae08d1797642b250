// Settings for lead capture: the public lead forms (create, edit, copy the direct link or the
// iframe snippet, preview) and the lead pool's return rule.
import { useEffect, useState } from 'react';
import { App, Button, Card, Checkbox, Flex, Form, Input, InputNumber, Modal, Switch, Table, Tag, Typography, type TableProps } from 'antd';
import { CopyOutlined, EyeOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { leadFormFields, type LeadForm, type LeadFormField, type LeadSettings } from '@guanxi/contracts';
import { api } from '../../api/client';
import { PageHeader } from '../../shared/PageHeader';
import { CursorPager } from '../../shared/CursorPager';
import { useCursorList } from '../../shared/useCursorList';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { formatDate } from '../../shared/format';
import { UserRefPicker } from '../users/UserRefPicker';
import { formUrls, leadFormsKey, leadsKey, useLeadSettings } from './leads.api';

interface Values {
  name: string;
  fields: LeadFormField[];
  defaultOwnerId?: number | null;
  thankYouText?: string;
  active: boolean;
}

function FormEditor({ open, form: editing, onClose }: { open: boolean; form: LeadForm | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const [form] = Form.useForm<Values>();
  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(
      editing
        ? { name: editing.name, fields: editing.fields, defaultOwnerId: editing.defaultOwnerId, thankYouText: editing.thankYouText ?? '', active: editing.active }
        : { fields: ['companyName', 'mobile', 'email', 'notes'], defaultOwnerId: null, active: true },
    );
  }, [open, editing, form]);
  const save = useMutation({
    mutationFn: (v: Values) => {
      const body = { name: v.name.trim(), fields: v.fields, defaultOwnerId: v.defaultOwnerId ?? null, thankYouText: v.thankYouText?.trim() ? v.thankYouText.trim() : null, active: v.active };
      return editing ? api<LeadForm>(`/lead-forms/${editing.id}`, { method: 'PATCH', body: { ...body, version: editing.version } }) : api<LeadForm>('/lead-forms', { method: 'POST', body });
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: leadFormsKey });
      void message.success(t('leadForms.savedToast'));
      onClose();
    },
    onError: (e) => onError(e, { form, onReload: () => void client.invalidateQueries({ queryKey: leadFormsKey }) }),
  });
  return (
    <Modal
      open={open}
      title={editing ? t('leadForms.edit') : t('leadForms.new')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      okButtonProps={{ 'data-testid': 'lead-form-submit' } as Record<string, string>}
      width={640}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" requiredMark="optional" onFinish={(v) => save.mutate(v)} autoComplete="off">
        <Form.Item name="name" label={t('leadForms.name')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('leadForms.name') }) }, { max: 100, message: t('validation.maxLength', { max: 100 }) }]}>
          <Input data-testid="lead-form-name" />
        </Form.Item>
        <Form.Item
          name="fields"
          label={t('leadForms.fields')}
          extra={t('leadForms.fieldsHelp')}
          rules={[
            {
              validator: (_r, v: LeadFormField[] | undefined) =>
                v?.some((f) => f === 'mobile' || f === 'phone' || f === 'email' || f === 'wechat') ? Promise.resolve() : Promise.reject(new Error(t('leadForms.fieldsHelp'))),
            },
          ]}
        >
          <Checkbox.Group options={leadFormFields.map((f) => ({ value: f, label: t(`leads.field.${f}`) }))} data-testid="lead-form-fields" />
        </Form.Item>
        <Form.Item name="defaultOwnerId" label={t('leadForms.defaultOwner')} extra={t('leadForms.defaultOwnerHelp')}>
          <UserRefPicker known={editing?.defaultOwnerId && editing.defaultOwnerName ? [{ id: editing.defaultOwnerId, name: editing.defaultOwnerName }] : []} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="thankYouText" label={t('leadForms.thankYouText')} rules={[{ max: 1000, message: t('validation.maxLength', { max: 1000 }) }]}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} />
        </Form.Item>
        <Form.Item name="active" label={t('leadForms.active')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function PoolSettingsCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const settings = useLeadSettings();
  const [form] = Form.useForm<{ returnAfterDays: number }>();
  useEffect(() => {
    if (settings.data) form.setFieldsValue({ returnAfterDays: settings.data.returnAfterDays });
  }, [settings.data, form]);
  const save = useMutation({
    mutationFn: (v: { returnAfterDays: number }) => api<LeadSettings>('/lead-settings', { method: 'PATCH', body: { returnAfterDays: v.returnAfterDays, version: settings.data?.version ?? 1 } }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: leadsKey });
      void message.success(t('leadForms.settingsSaved'));
    },
    onError: (e) => onError(e, { form, onReload: () => void client.invalidateQueries({ queryKey: leadsKey }) }),
  });
  return (
    <Card size="small" title={t('leadForms.poolSettings')} style={{ marginBottom: 16 }}>
      <Form form={form} layout="inline" onFinish={(v) => save.mutate(v)}>
        <Form.Item name="returnAfterDays" label={t('leadForms.returnAfterDays')} rules={[{ required: true, type: 'integer', min: 1, max: 3650, message: t('validation.required', { field: t('leadForms.returnAfterDays') }) }]}>
          <InputNumber min={1} max={3650} precision={0} data-testid="lead-return-days" />
        </Form.Item>
        <Button htmlType="submit" loading={save.isPending}>
          {t('common.save')}
        </Button>
      </Form>
      <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
        {t('leadForms.returnAfterDaysHelp')}
      </Typography.Paragraph>
    </Card>
  );
}

export default function LeadFormsPage() {
  const { t, i18n } = useTranslation();
  const { message, modal } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const [pageSize, setPageSize] = useState(20);
  const [editing, setEditing] = useState<LeadForm | null>(null);
  const [creating, setCreating] = useState(false);
  const [previewing, setPreviewing] = useState<LeadForm | null>(null);
  const list = useCursorList<LeadForm>('lead-forms', {}, pageSize);
  const lang = i18n.language === 'en' ? 'en' : 'zh-CN';

  const remove = useMutation({
    mutationFn: (f: LeadForm) => api<void>(`/lead-forms/${f.id}`, { method: 'DELETE' }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: leadFormsKey });
      void message.success(t('leadForms.deletedToast'));
    },
    onError: (e) => onError(e),
  });
  const copy = (text: string) =>
    navigator.clipboard.writeText(text).then(
      () => void message.success(t('leadForms.copied')),
      () => void message.error(t('errors.unknown')),
    );

  const columns: TableProps<LeadForm>['columns'] = [
    { key: 'name', title: t('leadForms.name'), render: (_, f) => <Typography.Text strong>{f.name}</Typography.Text> },
    { key: 'active', title: t('leadForms.active'), render: (_, f) => (f.active ? <Tag color="green">{t('leadForms.active')}</Tag> : <Tag>{t('leadForms.inactive')}</Tag>) },
    { key: 'fields', title: t('leadForms.fields'), render: (_, f) => [t('leads.field.name'), ...f.fields.map((x) => t(`leads.field.${x}`))].join('、') },
    { key: 'owner', title: t('leadForms.defaultOwner'), render: (_, f) => f.defaultOwnerName ?? <Tag color="orange">{t('leads.inPool')}</Tag> },
    { key: 'leadCount', title: t('leadForms.leadCount'), align: 'right', render: (_, f) => f.leadCount },
    { key: 'createdAt', title: t('leads.field.createdAt'), render: (_, f) => formatDate(f.createdAt) },
    {
      key: 'actions',
      title: t('common.actions'),
      fixed: 'right',
      render: (_, f) => {
        const urls = formUrls(f.publicKey, lang);
        return (
          <Flex gap={4} wrap>
            <Button size="small" icon={<CopyOutlined />} onClick={() => void copy(urls.link)} data-testid="lead-form-copy-link">
              {t('leadForms.copyLink')}
            </Button>
            <Button size="small" icon={<CopyOutlined />} onClick={() => void copy(urls.embed)} data-testid="lead-form-copy-embed">
              {t('leadForms.copyEmbed')}
            </Button>
            <Button size="small" icon={<EyeOutlined />} onClick={() => setPreviewing(f)} disabled={!f.active} data-testid="lead-form-preview">
              {t('leadForms.preview')}
            </Button>
            <Button size="small" onClick={() => setEditing(f)} data-testid="lead-form-edit">
              {t('common.edit')}
            </Button>
            <Button size="small" danger type="text" onClick={() => modal.confirm({ title: t('leadForms.deleteConfirm'), okButtonProps: { danger: true }, onOk: () => remove.mutate(f) })}>
              {t('common.delete')}
            </Button>
          </Flex>
        );
      },
    },
  ];

  const preview = previewing ? formUrls(previewing.publicKey, lang) : null;
  return (
    <>
      <PageHeader
        title={t('leadForms.title')}
        description={t('leadForms.description')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="lead-form-new">
            {t('leadForms.new')}
          </Button>
        }
      />
      <PoolSettingsCard />
      <div className="gx-panel">
        <Table<LeadForm>
          rowKey="id"
          columns={columns}
          dataSource={list.rows}
          loading={list.query.isFetching}
          pagination={false}
          size="middle"
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('leadForms.empty') }}
          data-testid="lead-form-table"
          expandable={{
            expandedRowRender: (f) => {
              const urls = formUrls(f.publicKey, lang);
              return (
                <Flex vertical gap={8}>
                  <Typography.Text type="secondary">{t('leadForms.link')}</Typography.Text>
                  <Typography.Text code copyable={{ text: urls.link }}>
                    {urls.link}
                  </Typography.Text>
                  <Typography.Text type="secondary">{t('leadForms.embed')}</Typography.Text>
                  <Typography.Text code copyable={{ text: urls.embed }} style={{ wordBreak: 'break-all' }}>
                    {urls.embed}
                  </Typography.Text>
                </Flex>
              );
            },
          }}
        />
        <CursorPager list={list} onPageSizeChange={setPageSize} />
      </div>
      <FormEditor open={creating || editing !== null} form={editing} onClose={() => (setCreating(false), setEditing(null))} />
      <Modal open={previewing !== null} title={t('leadForms.previewTitle', { name: previewing?.name ?? '' })} onCancel={() => setPreviewing(null)} footer={null} width={560} destroyOnHidden>
        {preview ? <iframe src={preview.link} title={previewing?.name ?? ''} style={{ width: '100%', height: 620, border: '1px solid #eaecf0', borderRadius: 8 }} data-testid="lead-form-iframe" /> : null}
      </Modal>
    </>
  );
}
