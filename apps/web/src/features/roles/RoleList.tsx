// Roles: the built-in ones (marked, not deletable) and the company's own.
import { useState } from 'react';
import { App, Button, Flex, Popconfirm, Table, Tag, Tooltip, Typography, type TableProps } from 'antd';
import { DeleteOutlined, EditOutlined, LockOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Role } from '@guanxi/contracts';
import { api } from '../../api/client';
import { PageHeader } from '../../shared/PageHeader';
import { errorText } from '../../shared/errors';
import { roleLabel } from '../../shared/role-label';
import { permissionKey } from '../../i18n/keys';
import { rolesKey, useRoles } from './roles.api';
import { RoleForm } from './RoleForm';

export default function RoleList() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const roles = useRoles();
  const [editing, setEditing] = useState<{ role: Role | null } | null>(null);

  const remove = useMutation({
    mutationFn: (r: Role) => api<void>(`/roles/${r.id}`, { method: 'DELETE' }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: rolesKey });
      void message.success(t('common.deleted'));
    },
    onError: (e) => void message.error(errorText(t, e)),
  });

  const columns: TableProps<Role>['columns'] = [
    {
      key: 'name',
      title: t('roles.name'),
      render: (_, r) => (
        <Flex vertical>
          <span>
            <Typography.Text strong>{roleLabel(t, r)}</Typography.Text>
            {r.builtIn ? (
              <Tag icon={<LockOutlined />} style={{ marginLeft: 8 }}>
                {t('roles.builtIn')}
              </Tag>
            ) : (
              <Tag color="geekblue" style={{ marginLeft: 8 }}>
                {t('roles.custom')}
              </Tag>
            )}
            {r.readOnly ? <Tag color="orange">{t('roles.readOnly')}</Tag> : null}
          </span>
          <Typography.Text type="secondary" code style={{ fontSize: 12, alignSelf: 'flex-start' }}>
            {r.key}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      key: 'dataScope',
      title: t('roles.dataScope'),
      render: (_, r) => (
        <Tooltip title={t(`dataScopeHelp.${r.dataScope}`)}>
          <Tag color="blue">{t(`dataScope.${r.dataScope}`)}</Tag>
        </Tooltip>
      ),
    },
    {
      key: 'permissions',
      title: t('roles.permissions'),
      responsive: ['md'],
      render: (_, r) => (
        <Tooltip title={r.permissions.map((p) => t(`perm.${permissionKey(p)}`)).join(t('common.listSeparator'))}>
          <Typography.Text>{t('roles.permCount', { count: r.permissions.length })}</Typography.Text>
        </Tooltip>
      ),
    },
    { key: 'users', title: t('roles.users'), dataIndex: 'userCount', width: 90 },
    {
      key: 'actions',
      title: t('common.actions'),
      width: 180,
      render: (_, r) => {
        const blocked = r.builtIn ? t('roles.builtInNoDelete') : r.userCount > 0 ? t('roles.inUseNoDelete') : null;
        return (
          <Flex gap={4}>
            <Button size="small" type="link" icon={<EditOutlined />} onClick={() => setEditing({ role: r })}>
              {t('common.edit')}
            </Button>
            {blocked ? (
              <Tooltip title={blocked}>
                <Button size="small" type="link" danger icon={<DeleteOutlined />} disabled>
                  {t('common.delete')}
                </Button>
              </Tooltip>
            ) : (
              <Popconfirm
                title={t('roles.deleteConfirm', { name: r.name })}
                okText={t('common.delete')}
                okButtonProps={{ danger: true }}
                cancelText={t('common.cancel')}
                onConfirm={() => remove.mutateAsync(r).catch(() => undefined)}
              >
                <Button size="small" type="link" danger icon={<DeleteOutlined />}>
                  {t('common.delete')}
                </Button>
              </Popconfirm>
            )}
          </Flex>
        );
      },
    },
  ];

  return (
    <>
      <PageHeader
        title={t('roles.title')}
        description={t('roles.description')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ role: null })}>
            {t('roles.create')}
          </Button>
        }
      />
      <div className="gx-panel">
        <Table<Role> rowKey="id" columns={columns} dataSource={roles.data ?? []} loading={roles.isFetching} pagination={false} scroll={{ x: 'max-content' }} />
      </div>
      <RoleForm open={editing !== null} role={editing?.role ?? null} onClose={() => setEditing(null)} />
    </>
  );
}
