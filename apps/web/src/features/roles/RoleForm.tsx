// Create a custom role or change one: key, name, data scope, read-only, permissions.
import { useEffect, useState } from 'react';
import { Alert, App, Button, Drawer, Flex, Form, Input, Radio, Switch, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { dataScopes, type DataScope, type Permission, type Role } from '@guanxi/contracts';
import { api } from '../../api/client';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { rolesKey } from './roles.api';
import { PermissionPicker } from './PermissionPicker';

interface Values {
  key: string;
  name: string;
  description?: string | null;
  dataScope: DataScope;
  readOnly: boolean;
  permissions: Permission[];
}

function isRole(v: unknown): v is Role {
  return typeof v === 'object' && v !== null && 'id' in v && 'version' in v && 'permissions' in v;
}

const toValues = (r: Role): Values => ({
  key: r.key,
  name: r.name,
  description: r.description,
  dataScope: r.dataScope,
  readOnly: r.readOnly,
  permissions: r.permissions,
});

export function RoleForm({ open, role, onClose }: { open: boolean; role: Role | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const [form] = Form.useForm<Values>();
  const [version, setVersion] = useState<number | null>(null);
  const isAdminRole = role?.builtIn === true && role.key === 'admin';

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (role) {
      form.setFieldsValue(toValues(role));
      setVersion(role.version);
    } else {
      form.setFieldsValue({ dataScope: 'own', readOnly: false, permissions: [] });
      setVersion(null);
    }
  }, [open, role, form]);

  const save = useMutation({
    mutationFn: (v: Values) => {
      const body = {
        name: v.name.trim(),
        description: v.description?.trim() ? v.description.trim() : null,
        dataScope: v.dataScope,
        readOnly: v.readOnly,
        permissions: v.permissions,
      };
      return role
        ? api<Role>(`/roles/${role.id}`, { method: 'PATCH', body: isAdminRole ? { name: body.name, description: body.description, version } : { ...body, version } })
        : api<Role>('/roles', { method: 'POST', body: { ...body, key: v.key.trim() } });
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: rolesKey });
      void message.success(role ? t('common.saved') : t('common.created'));
      onClose();
    },
    onError: (e) =>
      onError(e, {
        form,
        onReload: (current) => {
          void client.invalidateQueries({ queryKey: rolesKey });
          if (isRole(current)) {
            form.setFieldsValue(toValues(current));
            setVersion(current.version);
          } else onClose();
        },
      }),
  });

  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={role ? t('roles.edit') : t('roles.create')}
      size={600}
      destroyOnHidden
      footer={
        <Flex justify="flex-end" gap={8}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={save.isPending} onClick={() => form.submit()}>
            {role ? t('common.save') : t('common.create')}
          </Button>
        </Flex>
      }
    >
      <Form form={form} name="role" layout="vertical" requiredMark="optional" onFinish={(v) => save.mutate(v)} autoComplete="off">
        <Form.Item
          name="key"
          label={t('roles.key')}
          extra={role ? undefined : t('roles.keyHelp')}
          rules={
            role
              ? []
              : [
                  { required: true, message: t('validation.required', { field: t('roles.key') }) },
                  { min: 2, message: t('validation.minLength', { min: 2 }) },
                  { max: 40, message: t('validation.maxLength', { max: 40 }) },
                  { pattern: /^[a-z][a-z0-9_]*$/, message: t('validation.roleKey') },
                ]
          }
        >
          <Input disabled={role !== null} style={{ fontFamily: 'monospace' }} />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('roles.name')}
          rules={[
            { required: true, whitespace: true, message: t('validation.required', { field: t('roles.name') }) },
            { max: 100, message: t('validation.maxLength', { max: 100 }) },
          ]}
        >
          <Input />
        </Form.Item>
        <Form.Item name="description" label={t('roles.descriptionLabel')} rules={[{ max: 1000, message: t('validation.maxLength', { max: 1000 }) }]}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} />
        </Form.Item>
        {isAdminRole ? <Alert type="info" showIcon title={t('roles.adminLocked')} style={{ marginBottom: 16 }} /> : null}
        <Form.Item name="dataScope" label={t('roles.dataScope')} rules={[{ required: true, message: t('validation.select', { field: t('roles.dataScope') }) }]}>
          <Radio.Group disabled={isAdminRole} style={{ display: 'grid', gap: 8 }}>
            {dataScopes.map((s) => (
              <Radio key={s} value={s}>
                <Typography.Text>{t(`dataScope.${s}`)}</Typography.Text>
                <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                  {t(`dataScopeHelp.${s}`)}
                </Typography.Text>
              </Radio>
            ))}
          </Radio.Group>
        </Form.Item>
        <Form.Item name="readOnly" label={t('roles.readOnly')} extra={t('roles.readOnlyHelp')} valuePropName="checked">
          <Switch disabled={isAdminRole} />
        </Form.Item>
        <Form.Item name="permissions" label={t('roles.permissions')}>
          <PermissionPicker disabled={isAdminRole} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
