// Create or edit a user in a drawer. Edits carry the version read, so a concurrent change is
// caught by the server and offered for reload instead of being overwritten.
import { useEffect, useState } from 'react';
import { App, Button, Drawer, Flex, Form, Input, Select, TreeSelect } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { locales, type Locale, type User } from '@guanxi/contracts';
import { api } from '../../api/client';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { roleLabel } from '../../shared/role-label';
import { useRoles } from '../roles/roles.api';
import { buildTree, useDepartments } from '../departments/departments.api';
import { usersKey } from './users.api';
import { UserPicker } from './UserPicker';

interface Values {
  name: string;
  email: string;
  phone?: string;
  password?: string;
  roleId?: number;
  departmentId?: number | null;
  managerId?: number | null;
  locale: Locale | 'browser';
}

function toValues(u: User): Values {
  return {
    name: u.name,
    email: u.email,
    phone: u.phone ?? '',
    roleId: u.roleId,
    departmentId: u.departmentId,
    managerId: u.managerId,
    locale: u.locale ?? 'browser',
  };
}

function isUser(v: unknown): v is User {
  return typeof v === 'object' && v !== null && 'id' in v && 'version' in v && 'email' in v;
}

export function UserForm({ open, user, onClose }: { open: boolean; user: User | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const [form] = Form.useForm<Values>();
  const [version, setVersion] = useState<number | null>(null);
  const roles = useRoles(open);
  const departments = useDepartments(open);
  const manager = useQuery({
    queryKey: [...usersKey, 'one', user?.managerId ?? 0],
    queryFn: () => api<User>(`/users/${user?.managerId ?? 0}`),
    enabled: open && !!user?.managerId,
  });

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (user) {
      form.setFieldsValue(toValues(user));
      setVersion(user.version);
    } else {
      form.setFieldsValue({ locale: 'browser', departmentId: null, managerId: null });
      setVersion(null);
    }
  }, [open, user, form]);

  const save = useMutation({
    mutationFn: (v: Values) => {
      const common = {
        name: v.name.trim(),
        email: v.email.trim(),
        phone: v.phone?.trim() ? v.phone.trim() : null,
        roleId: v.roleId,
        departmentId: v.departmentId ?? null,
        managerId: v.managerId ?? null,
        locale: v.locale === 'browser' ? null : v.locale,
      };
      return user
        ? api<User>(`/users/${user.id}`, { method: 'PATCH', body: { ...common, version } })
        : api<User>('/users', { method: 'POST', body: { ...common, password: v.password } });
    },
    onSuccess: (saved) => {
      void client.invalidateQueries({ queryKey: usersKey });
      void message.success(t(user ? 'users.updatedToast' : 'users.createdToast', { name: saved.name }));
      onClose();
    },
    onError: (e) =>
      onError(e, {
        form,
        onReload: (current) => {
          const apply = (u: User) => {
            form.setFieldsValue(toValues(u));
            setVersion(u.version);
          };
          if (isUser(current)) apply(current);
          else if (user) void api<User>(`/users/${user.id}`).then(apply);
        },
      }),
  });

  const required = (field: string) => ({ required: true, whitespace: true, message: t('validation.required', { field }) });

  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={user ? t('users.edit') : t('users.create')}
      size={480}
      destroyOnHidden
      footer={
        <Flex justify="flex-end" gap={8}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="user-form-submit">
            {user ? t('common.save') : t('common.create')}
          </Button>
        </Flex>
      }
    >
      <Form form={form} name="user" layout="vertical" requiredMark="optional" onFinish={(v) => save.mutate(v)} autoComplete="off">
        <Form.Item name="name" label={t('users.name')} rules={[required(t('users.name')), { max: 100, message: t('validation.maxLength', { max: 100 }) }]}>
          <Input />
        </Form.Item>
        <Form.Item
          name="email"
          label={t('users.email')}
          rules={[required(t('users.email')), { type: 'email', message: t('validation.email') }, { max: 254, message: t('validation.maxLength', { max: 254 }) }]}
        >
          <Input inputMode="email" autoComplete="off" />
        </Form.Item>
        <Form.Item name="phone" label={t('users.phone')} rules={[{ pattern: /^\+?[0-9][0-9 -]{4,30}$/, message: t('validation.phone') }]}>
          <Input inputMode="tel" />
        </Form.Item>
        {user ? null : (
          <Form.Item
            name="password"
            label={t('users.password')}
            extra={t('users.passwordHelp')}
            rules={[required(t('users.password')), { min: 10, message: t('validation.minLength', { min: 10 }) }, { max: 200, message: t('validation.maxLength', { max: 200 }) }]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        )}
        <Form.Item name="roleId" label={t('users.role')} rules={[{ required: true, message: t('validation.select', { field: t('users.role') }) }]}>
          <Select
            loading={roles.isPending}
            options={(roles.data ?? []).map((r) => ({ value: r.id, label: roleLabel(t, r) }))}
            data-testid="user-form-role"
          />
        </Form.Item>
        <Form.Item name="departmentId" label={t('users.department')}>
          <TreeSelect
            allowClear
            treeDefaultExpandAll
            loading={departments.isPending}
            treeData={buildTree(departments.data ?? [])}
            placeholder={t('common.none')}
          />
        </Form.Item>
        <Form.Item name="managerId" label={t('users.manager')}>
          <UserPicker exclude={user?.id} initial={manager.data ? { id: manager.data.id, name: manager.data.name } : null} />
        </Form.Item>
        <Form.Item name="locale" label={t('users.locale')}>
          <Select
            options={[{ value: 'browser', label: t('lang.followBrowser') }, ...locales.map((l) => ({ value: l, label: t(`lang.${l}`) }))]}
          />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
