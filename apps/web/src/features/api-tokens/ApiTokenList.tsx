// The caller's own API tokens: create (the secret is shown once), see usage, revoke.
import { useState } from 'react';
import { Alert, App, Badge, Button, Checkbox, Flex, Form, Input, Modal, Popconfirm, Select, Table, Tag, Typography, type TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { apiTokenScopes, type ApiToken } from '@guanxi/contracts';
import { api, type Page } from '../../api/client';
import { PageHeader } from '../../shared/PageHeader';
import { errorText } from '../../shared/errors';
import { formatDateTime } from '../../shared/format';
import { useMutationErrors } from '../../shared/useMutationErrors';

const tokensKey = ['api-tokens'] as const;
type Created = ApiToken & { token: string };
interface Values {
  name: string;
  scopes: Array<(typeof apiTokenScopes)[number]>;
  expiresInDays: number | 'never';
}

function status(tk: ApiToken): 'revoked' | 'expired' | 'active' {
  if (tk.revokedAt) return 'revoked';
  if (tk.expiresAt && new Date(tk.expiresAt).getTime() <= Date.now()) return 'expired';
  return 'active';
}

export default function ApiTokenList() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const [form] = Form.useForm<Values>();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<Created | null>(null);

  const tokens = useQuery({ queryKey: tokensKey, queryFn: () => api<Page<ApiToken>>('/api-tokens', { query: { limit: 500 } }) });

  const create = useMutation({
    mutationFn: (v: Values) =>
      api<Created>('/api-tokens', { method: 'POST', body: { name: v.name.trim(), scopes: v.scopes, expiresInDays: v.expiresInDays === 'never' ? null : v.expiresInDays } }),
    onSuccess: (created) => {
      void client.invalidateQueries({ queryKey: tokensKey });
      setCreating(false);
      setSecret(created);
    },
    onError: (e) => onError(e, { form }),
  });

  const revoke = useMutation({
    mutationFn: (tk: ApiToken) => api<void>(`/api-tokens/${tk.id}`, { method: 'DELETE' }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: tokensKey });
      void message.success(t('apiTokens.revoked'));
    },
    onError: (e) => void message.error(errorText(t, e)),
  });

  const statusBadge = {
    active: <Badge status="success" text={t('apiTokens.statusActive')} />,
    expired: <Badge status="warning" text={t('apiTokens.statusExpired')} />,
    revoked: <Badge status="default" text={t('apiTokens.statusRevoked')} />,
  };

  const columns: TableProps<ApiToken>['columns'] = [
    { key: 'name', title: t('apiTokens.name'), render: (_, tk) => <Typography.Text strong>{tk.name}</Typography.Text> },
    { key: 'prefix', title: t('apiTokens.prefix'), render: (_, tk) => <Typography.Text code>{tk.prefix}…</Typography.Text> },
    {
      key: 'scopes',
      title: t('apiTokens.scopes'),
      render: (_, tk) =>
        tk.scopes.map((s) => (
          <Tag key={s} color={s === 'write' ? 'orange' : 'blue'}>
            {s === 'write' ? t('apiTokens.scopeWrite') : t('apiTokens.scopeRead')}
          </Tag>
        )),
    },
    { key: 'status', title: t('common.status'), render: (_, tk) => statusBadge[status(tk)] },
    { key: 'createdAt', title: t('common.createdAt'), responsive: ['lg'], render: (_, tk) => formatDateTime(tk.createdAt) },
    { key: 'lastUsedAt', title: t('apiTokens.lastUsed'), responsive: ['md'], render: (_, tk) => (tk.lastUsedAt ? formatDateTime(tk.lastUsedAt) : t('common.never')) },
    { key: 'expiresAt', title: t('apiTokens.expires'), render: (_, tk) => (tk.expiresAt ? formatDateTime(tk.expiresAt) : t('apiTokens.noExpiry')) },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, tk) =>
        status(tk) === 'revoked' ? null : (
          <Popconfirm
            title={t('apiTokens.revokeConfirm')}
            okText={t('apiTokens.revoke')}
            okButtonProps={{ danger: true }}
            cancelText={t('common.cancel')}
            onConfirm={() => revoke.mutateAsync(tk).catch(() => undefined)}
          >
            <Button size="small" type="link" danger>
              {t('apiTokens.revoke')}
            </Button>
          </Popconfirm>
        ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('apiTokens.title')}
        description={t('apiTokens.description')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => {
              form.resetFields();
              setCreating(true);
            }}
          >
            {t('apiTokens.create')}
          </Button>
        }
      />
      <div className="gx-panel">
        <Table<ApiToken> rowKey="id" columns={columns} dataSource={tokens.data?.data ?? []} loading={tokens.isFetching} pagination={false} scroll={{ x: 'max-content' }} />
      </div>

      <Modal
        open={creating}
        title={t('apiTokens.create')}
        onCancel={() => setCreating(false)}
        onOk={() => form.submit()}
        okText={t('common.create')}
        cancelText={t('common.cancel')}
        confirmLoading={create.isPending}
        forceRender
      >
        <Form
          form={form}
          name="apiToken"
          layout="vertical"
          requiredMark="optional"
          initialValues={{ scopes: ['read'], expiresInDays: 90 }}
          onFinish={(v) => create.mutate(v)}
          autoComplete="off"
        >
          <Form.Item
            name="name"
            label={t('apiTokens.name')}
            rules={[
              { required: true, whitespace: true, message: t('validation.required', { field: t('apiTokens.name') }) },
              { max: 100, message: t('validation.maxLength', { max: 100 }) },
            ]}
          >
            <Input placeholder={t('apiTokens.namePlaceholder')} />
          </Form.Item>
          <Form.Item name="scopes" label={t('apiTokens.scopes')} rules={[{ required: true, type: 'array', min: 1, message: t('validation.scopes') }]}>
            <Checkbox.Group
              options={apiTokenScopes.map((s) => ({ value: s, label: s === 'write' ? t('apiTokens.scopeWrite') : t('apiTokens.scopeRead') }))}
            />
          </Form.Item>
          <Form.Item name="expiresInDays" label={t('apiTokens.expiry')}>
            <Select
              options={[
                ...[30, 90, 365].map((d) => ({ value: d, label: t('apiTokens.days', { count: d }) })),
                { value: 'never', label: t('apiTokens.noExpiry') },
              ]}
            />
          </Form.Item>
        </Form>
      </Modal>

      <Modal
        open={secret !== null}
        title={t('apiTokens.secretTitle')}
        closable={false}
        mask={{ closable: false }}
        footer={
          <Button type="primary" onClick={() => setSecret(null)}>
            {t('apiTokens.secretDone')}
          </Button>
        }
      >
        <Alert type="warning" showIcon title={t('apiTokens.secretWarning')} style={{ marginBottom: 16 }} />
        <Flex vertical gap={4}>
          <Typography.Text type="secondary">{secret?.name}</Typography.Text>
          <Typography.Paragraph
            copyable={{ text: secret?.token ?? '', tooltips: [t('common.copy'), t('common.copied')] }}
            code
            style={{ wordBreak: 'break-all', fontSize: 14, margin: 0 }}
            data-testid="token-secret"
          >
            {secret?.token}
          </Typography.Paragraph>
        </Flex>
      </Modal>
    </>
  );
}
