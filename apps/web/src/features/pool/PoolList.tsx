// The public pool (公海): customers without an owner, contact details masked until claimed.
// Reps claim; managers (customers.assign) assign to someone in their scope.
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { App, Button, Flex, Input, Modal, Select, Table, Tag, Typography, type TableProps } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { importanceLevels, type CustomerOwnership, type PoolCustomer } from '@guanxi/contracts';
import { api } from '../../api/client';
import { PageHeader } from '../../shared/PageHeader';
import { CursorPager } from '../../shared/CursorPager';
import { useCursorList } from '../../shared/useCursorList';
import { useTableSort } from '../../shared/useTableSort';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { formatDate, formatDateTime } from '../../shared/format';
import { useCan } from '../auth/session';
import { UserRefPicker } from '../users/UserRefPicker';
import { customersKey, importanceColor, useUserRefs } from '../customers/customers.api';

const sortable = ['poolSince', 'name', 'createdAt', 'lastFollowUpAt'] as const;

export default function PoolList() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const can = useCan();
  const [q, setQ] = useState('');
  const [importance, setImportance] = useState<string>();
  const [kind, setKind] = useState<string>();
  const { sort, setSort, sortOrder, onChange: onTableChange } = useTableSort<PoolCustomer>(sortable, '-poolSince');
  const [pageSize, setPageSize] = useState(20);
  const [assigning, setAssigning] = useState<PoolCustomer | null>(null);
  const [assignTo, setAssignTo] = useState<number | null>(null);
  const list = useCursorList<PoolCustomer>('pool', { q: q || undefined, sort, 'filter[importance]': importance, 'filter[kind]': kind }, pageSize);
  const previousOwners = useUserRefs(list.rows.map((r) => r.previousOwnerId).filter((x): x is number => x !== null));

  const move = useMutation({
    mutationFn: ({ c, action, userId }: { c: PoolCustomer; action: 'claim' | 'assign'; userId?: number }) =>
      api<CustomerOwnership>(`/customers/${c.id}/${action}`, { method: 'POST', body: action === 'assign' ? { userId } : {} }),
    onSuccess: (_r, v) => {
      void client.invalidateQueries({ queryKey: ['pool'] });
      void client.invalidateQueries({ queryKey: customersKey });
      setAssigning(null);
      void message.success(
        t(v.action === 'claim' ? 'pool.claimedToast' : 'pool.assignedToast', { name: v.c.name }),
      );
      if (v.action === 'claim') void navigate(`/customers/${v.c.id}`);
    },
    onError: (e) => onError(e),
  });

  const columns: TableProps<PoolCustomer>['columns'] = [
    {
      key: 'name',
      title: t('customerField.name'),
      sorter: true,
      sortOrder: sortOrder('name'),
      render: (_, c) => (
        <Flex vertical style={{ minWidth: 180 }}>
          <Typography.Text strong>{c.name}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {[t(`enums.kind.${c.kind}`), c.industry].filter(Boolean).join(' · ')}
          </Typography.Text>
        </Flex>
      ),
    },
    { key: 'importance', title: t('customerField.importance'), render: (_, c) => (c.importance ? <Tag color={importanceColor[c.importance]}>{t(`enums.importance.${c.importance}`)}</Tag> : null) },
    {
      key: 'contact',
      title: t('pool.contactMasked'),
      render: (_, c) => (
        <Typography.Text type="secondary" style={{ fontFamily: 'monospace' }}>
          {[c.mobile, c.phone, c.email].filter(Boolean).join(' · ') || '—'}
        </Typography.Text>
      ),
    },
    { key: 'region', title: t('customers.region'), render: (_, c) => [c.province, c.city].filter(Boolean).filter((x, i, a) => a.indexOf(x) === i).join(' ') },
    { key: 'source', title: t('customerField.source'), render: (_, c) => c.source ?? '' },
    { key: 'previousOwner', title: t('pool.previousOwner'), render: (_, c) => (c.previousOwnerId ? (previousOwners.data?.get(c.previousOwnerId)?.name ?? '') : '') },
    { key: 'lastFollowUpAt', title: t('customerField.lastFollowUpAt'), sorter: true, sortOrder: sortOrder('lastFollowUpAt'), render: (_, c) => formatDate(c.lastFollowUpAt) },
    { key: 'poolSince', title: t('pool.poolSince'), sorter: true, sortOrder: sortOrder('poolSince'), render: (_, c) => formatDateTime(c.poolSince) },
    {
      key: 'actions',
      title: t('common.actions'),
      fixed: 'right',
      render: (_, c) => (
        <Flex gap={4}>
          {can('customers.write') ? (
            <Button size="small" type="primary" ghost loading={move.isPending && move.variables?.c.id === c.id} onClick={() => move.mutate({ c, action: 'claim' })} data-testid="claim">
              {t('pool.claim')}
            </Button>
          ) : null}
          {can('customers.assign') ? (
            <Button
              size="small"
              onClick={() => {
                setAssignTo(null);
                setAssigning(c);
              }}
            >
              {t('customers.assign')}
            </Button>
          ) : null}
        </Flex>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('pool.title')}
        description={t('pool.description')}
        extra={can('pool.manage') ? <Button onClick={() => void navigate('/settings/pool-rules')}>{t('nav.poolRules')}</Button> : null}
      />
      <div className="gx-panel">
        <Flex gap={12} wrap style={{ marginBottom: 16 }}>
          <Input.Search allowClear placeholder={t('pool.searchPlaceholder')} onSearch={(v) => setQ(v.trim())} style={{ width: 260 }} data-testid="pool-search" />
          <Select
            allowClear
            placeholder={t('customerField.importance')}
            value={importance}
            onChange={setImportance}
            style={{ width: 150 }}
            options={importanceLevels.map((v) => ({ value: v, label: t(`enums.importance.${v}`) }))}
          />
          <Select
            allowClear
            placeholder={t('customerField.kind')}
            value={kind}
            onChange={setKind}
            style={{ width: 150 }}
            options={(['organization', 'individual'] as const).map((v) => ({ value: v, label: t(`enums.kind.${v}`) }))}
          />
        </Flex>
        <Table<PoolCustomer>
          rowKey="id"
          columns={columns}
          dataSource={list.rows}
          loading={list.query.isFetching}
          pagination={false}
          onChange={onTableChange}
          size="middle"
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('pool.empty') }}
          data-testid="pool-table"
        />
        <CursorPager list={list} onPageSizeChange={setPageSize} />
      </div>
      <Modal
        open={assigning !== null}
        title={t('customers.assignTitle', { name: assigning?.name ?? '' })}
        onCancel={() => setAssigning(null)}
        onOk={() => assigning && assignTo && move.mutate({ c: assigning, action: 'assign', userId: assignTo })}
        okButtonProps={{ disabled: !assignTo }}
        confirmLoading={move.isPending}
        okText={t('customers.assign')}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t('customers.assignText')}</Typography.Paragraph>
        <UserRefPicker value={assignTo} onChange={setAssignTo} style={{ width: '100%' }} />
      </Modal>
    </>
  );
}
