// The audit trail, newest first: who changed which record, and each field's old and new value.
import { useMemo, useState, type ReactNode } from 'react';
import { Select, Table, Tag, Typography, type TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { AuditEntry } from '@guanxi/contracts';
import { PageHeader } from '../../shared/PageHeader';
import { CursorPager } from '../../shared/CursorPager';
import { useCursorList } from '../../shared/useCursorList';
import { formatDateTime } from '../../shared/format';
import { auditEntityKeys, isAuditActionKey, isAuditEntityKey } from '../../i18n/keys';
import { zhCN } from '../../i18n/zh-CN';
import { roleLabel } from '../../shared/role-label';
import { useCan } from '../auth/session';
import { useRoles } from '../roles/roles.api';
import { useDepartments } from '../departments/departments.api';

type AuditField = keyof typeof zhCN.auditField;
const isAuditField = (f: string): f is AuditField => f in zhCN.auditField;

/** Names for the ids an audit entry stores, where this user can read them. */
type Names = { roleId: Map<number, string>; departmentId: Map<number, string> };

function showValue(t: TFunction, v: unknown, field?: string, names?: Names): string {
  if (typeof v === 'number' && names && (field === 'roleId' || field === 'departmentId' || field === 'parentId')) {
    const name = (field === 'roleId' ? names.roleId : names.departmentId).get(v);
    if (name) return name;
  }
  if (v === null || v === undefined || v === '') return t('audit.empty');
  if (v === '***') return t('audit.hidden');
  if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
  if (Array.isArray(v)) return v.map((x) => showValue(t, x)).join(t('common.listSeparator'));
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function Changes({ changes, names }: { changes: AuditEntry['changes']; names: Names }): ReactNode {
  const { t } = useTranslation();
  const entries = Object.entries(changes ?? {});
  if (!entries.length) return <Typography.Text type="secondary">{t('audit.noChanges')}</Typography.Text>;
  return entries.map(([field, { old, new: next }]) => (
    <span className="gx-change" key={field}>
      <Typography.Text type="secondary">{isAuditField(field) ? t(`auditField.${field}`) : field}: </Typography.Text>
      {old !== null && old !== undefined ? (
        <>
          <span className="gx-change-old">{showValue(t, old, field, names)}</span> →{' '}
        </>
      ) : null}
      <span className="gx-change-new">{showValue(t, next, field, names)}</span>
    </span>
  ));
}

export default function AuditLog() {
  const { t } = useTranslation();
  const [entity, setEntity] = useState<string>();
  const [pageSize, setPageSize] = useState(50);
  const can = useCan();
  const roles = useRoles(can('roles.manage'));
  const departments = useDepartments();
  const names = useMemo<Names>(
    () => ({
      roleId: new Map((roles.data ?? []).map((r) => [r.id, roleLabel(t, r)])),
      departmentId: new Map((departments.data ?? []).map((d) => [d.id, d.name])),
    }),
    [roles.data, departments.data, t],
  );
  const list = useCursorList<AuditEntry>('audit-log', { sort: '-at', 'filter[entity]': entity }, pageSize);

  const columns: TableProps<AuditEntry>['columns'] = [
    { key: 'at', title: t('audit.time'), width: 160, render: (_, e) => formatDateTime(e.at) },
    { key: 'actor', title: t('audit.actor'), width: 160, render: (_, e) => e.actorName ?? <Typography.Text type="secondary">{t('audit.system')}</Typography.Text> },
    {
      key: 'entity',
      title: t('audit.entity'),
      width: 150,
      render: (_, e) => (
        <span>
          {isAuditEntityKey(e.entity) ? t(`auditEntity.${e.entity}`) : e.entity}{' '}
          <Typography.Text type="secondary">#{e.entityId}</Typography.Text>
        </span>
      ),
    },
    {
      key: 'action',
      title: t('audit.action'),
      width: 130,
      render: (_, e) => (
        <Tag color={e.action === 'delete' || e.action === 'revoke' || e.action === 'deactivate' ? 'red' : e.action === 'create' ? 'green' : 'blue'}>
          {isAuditActionKey(e.action) ? t(`auditAction.${e.action}`) : e.action}
        </Tag>
      ),
    },
    { key: 'changes', title: t('audit.changes'), render: (_, e) => <Changes changes={e.changes} names={names} /> },
  ];

  return (
    <>
      <PageHeader title={t('audit.title')} description={t('audit.description')} />
      <div className="gx-panel">
        <Select
          allowClear
          placeholder={t('audit.allEntities')}
          value={entity}
          onChange={setEntity}
          style={{ width: 180, marginBottom: 16 }}
          options={auditEntityKeys.map((k) => ({ value: k, label: t(`auditEntity.${k}`) }))}
        />
        <Table<AuditEntry> rowKey="id" columns={columns} dataSource={list.rows} loading={list.query.isFetching} pagination={false} scroll={{ x: 900 }} size="middle" />
        <CursorPager list={list} onPageSizeChange={setPageSize} />
      </div>
    </>
  );
}
