// Users: searchable, filterable, sortable list with server-side cursor pagination.
import { useMemo, useState } from 'react';
import { App, Badge, Button, Dropdown, Flex, Input, Select, Table, Tag, TreeSelect, Typography, type TableProps } from 'antd';
import { EditOutlined, MoreOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Role, User } from '@guanxi/contracts';
import { api } from '../../api/client';
import { PageHeader } from '../../shared/PageHeader';
import { CursorPager } from '../../shared/CursorPager';
import { useCursorList } from '../../shared/useCursorList';
import { useTableSort } from '../../shared/useTableSort';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { formatDateTime } from '../../shared/format';
import { roleLabel } from '../../shared/role-label';
import { useCurrentUser } from '../auth/session';
import { useRoles } from '../roles/roles.api';
import { buildTree, useDepartments } from '../departments/departments.api';
import { UserForm } from './UserForm';
import { ResetPasswordModal } from './ResetPasswordModal';
import { usersKey } from './users.api';

type SortField = 'name' | 'email' | 'createdAt' | 'lastLoginAt';
const sortable: readonly SortField[] = ['name', 'email', 'createdAt', 'lastLoginAt'];

export default function UserList() {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const me = useCurrentUser();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const [q, setQ] = useState('');
  const [roleId, setRoleId] = useState<number>();
  const [departmentId, setDepartmentId] = useState<number>();
  const [active, setActive] = useState<'true' | 'false'>();
  const { sort, sortOrder, onChange: onTableChange } = useTableSort<User>(sortable);
  const [pageSize, setPageSize] = useState(20);
  const [editing, setEditing] = useState<{ user: User | null } | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);

  const roles = useRoles();
  const departments = useDepartments();
  const rolesById = useMemo(() => new Map<number, Role>((roles.data ?? []).map((r) => [r.id, r])), [roles.data]);

  const list = useCursorList<User>(
    'users',
    { q: q || undefined, sort, 'filter[roleId]': roleId, 'filter[departmentId]': departmentId, 'filter[active]': active },
    pageSize,
  );

  const setActiveState = useMutation({
    mutationFn: (u: User) => api<User>(`/users/${u.id}`, { method: 'PATCH', body: { active: !u.active, version: u.version } }),
    onSuccess: (u) => {
      void client.invalidateQueries({ queryKey: usersKey });
      void message.success(t(u.active ? 'users.activated' : 'users.deactivated', { name: u.name }));
    },
    onError: (e) => onError(e, { onReload: () => void client.invalidateQueries({ queryKey: usersKey }) }),
  });

  const toggleActive = (u: User) => {
    if (!u.active) return setActiveState.mutate(u);
    modal.confirm({
      title: t('users.deactivate'),
      content: t('users.deactivateConfirm', { name: u.name }),
      okText: t('users.deactivate'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: () => setActiveState.mutateAsync(u).catch(() => undefined),
    });
  };

  const columns: TableProps<User>['columns'] = [
    {
      key: 'name',
      title: t('users.name'),
      sorter: true,
      sortOrder: sortOrder('name'),
      render: (_, u) => (
        <Flex vertical>
          <span>
            <Typography.Text strong>{u.name}</Typography.Text>
            {u.id === me.id ? (
              <Tag color="blue" style={{ marginLeft: 8 }}>
                {t('users.you')}
              </Tag>
            ) : null}
          </span>
          <Typography.Text type="secondary" style={{ fontSize: 13 }}>
            {u.email}
          </Typography.Text>
        </Flex>
      ),
    },
    { key: 'phone', title: t('users.phone'), dataIndex: 'phone', responsive: ['xl'], render: (v: string | null) => v ?? '' },
    {
      key: 'role',
      title: t('users.role'),
      render: (_, u) => {
        const r = rolesById.get(u.roleId);
        return <Tag>{r ? roleLabel(t, r) : u.roleName}</Tag>;
      },
    },
    { key: 'department', title: t('users.department'), dataIndex: 'departmentName', responsive: ['md'], render: (v: string | null) => v ?? '' },
    {
      key: 'active',
      title: t('common.status'),
      render: (_, u) => <Badge status={u.active ? 'success' : 'default'} text={u.active ? t('common.active') : t('common.inactive')} />,
    },
    {
      key: 'lastLoginAt',
      title: t('users.lastLogin'),
      sorter: true,
      sortOrder: sortOrder('lastLoginAt'),
      responsive: ['lg'],
      render: (_, u) => (u.lastLoginAt ? formatDateTime(u.lastLoginAt) : <Typography.Text type="secondary">{t('common.never')}</Typography.Text>),
    },
    { key: 'createdAt', title: t('common.createdAt'), sorter: true, sortOrder: sortOrder('createdAt'), responsive: ['xl'], render: (_, u) => formatDateTime(u.createdAt) },
    {
      key: 'actions',
      title: t('common.actions'),
      width: 120,
      render: (_, u) => (
        <Flex gap={4}>
          <Button size="small" type="link" icon={<EditOutlined />} onClick={() => setEditing({ user: u })}>
            {t('common.edit')}
          </Button>
          <Dropdown
            trigger={['click']}
            menu={{
              items: [
                { key: 'reset', label: t('users.resetPassword') },
                { key: 'toggle', label: u.active ? t('users.deactivate') : t('users.activate'), danger: u.active, disabled: u.id === me.id },
              ],
              onClick: ({ key }) => (key === 'reset' ? setResetting(u) : toggleActive(u)),
            }}
          >
            <Button size="small" type="text" icon={<MoreOutlined />} aria-label={t('common.actions')} />
          </Dropdown>
        </Flex>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('users.title')}
        description={t('users.description')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ user: null })} data-testid="create-user">
            {t('users.create')}
          </Button>
        }
      />
      <div className="gx-panel">
        <Flex gap={12} wrap style={{ marginBottom: 16 }}>
          <Input.Search allowClear placeholder={t('users.searchPlaceholder')} onSearch={(v) => setQ(v.trim())} style={{ width: 260 }} />
          <Select
            allowClear
            placeholder={t('users.allRoles')}
            value={roleId}
            onChange={setRoleId}
            style={{ width: 170 }}
            options={(roles.data ?? []).map((r) => ({ value: r.id, label: roleLabel(t, r) }))}
          />
          <TreeSelect
            allowClear
            treeDefaultExpandAll
            placeholder={t('users.allDepartments')}
            value={departmentId}
            onChange={(v: number | undefined) => setDepartmentId(v)}
            style={{ width: 200 }}
            treeData={buildTree(departments.data ?? [])}
          />
          <Select
            allowClear
            placeholder={t('users.allStatuses')}
            value={active}
            onChange={setActive}
            style={{ width: 140 }}
            options={[
              { value: 'true', label: t('common.active') },
              { value: 'false', label: t('common.inactive') },
            ]}
          />
        </Flex>
        <Table<User>
          rowKey="id"
          columns={columns}
          dataSource={list.rows}
          loading={list.query.isFetching}
          pagination={false}
          onChange={onTableChange}
          scroll={{ x: 'max-content' }}
          data-testid="users-table"
        />
        <CursorPager list={list} onPageSizeChange={setPageSize} />
      </div>
      <UserForm open={editing !== null} user={editing?.user ?? null} onClose={() => setEditing(null)} />
      <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} />
    </>
  );
}
