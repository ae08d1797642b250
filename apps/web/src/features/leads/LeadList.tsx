// Leads (线索): the caller's leads with status and source filters, and the lead pool tab where
// reps claim unowned leads (contact details masked until then).
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { App, Button, Flex, Input, Modal, Select, Table, Tabs, Tag, Typography, type TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { leadSources, leadStatuses, type Lead } from '@guanxi/contracts';
import { api } from '../../api/client';
import { PageHeader } from '../../shared/PageHeader';
import { CursorPager } from '../../shared/CursorPager';
import { useCursorList } from '../../shared/useCursorList';
import { useTableSort } from '../../shared/useTableSort';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { formatDate, formatDateTime } from '../../shared/format';
import { useCan } from '../auth/session';
import { UserRefPicker } from '../users/UserRefPicker';
import { leadStatusColor, leadsKey } from './leads.api';
import { LeadFormModal } from './LeadFormModal';

type TabKey = 'mine' | 'pool';
const sortable = ['name', 'companyName', 'createdAt', 'lastActivityAt', 'poolSince'] as const;

export default function LeadList() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const can = useCan();
  const [tab, setTab] = useState<TabKey>('mine');
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<string[]>([]);
  const [source, setSource] = useState<string[]>([]);
  const { sort, setSort, sortOrder, onChange: onTableChange } = useTableSort<Lead>(sortable);
  const [pageSize, setPageSize] = useState(20);
  const [creating, setCreating] = useState(false);
  const [assigning, setAssigning] = useState<Lead | null>(null);
  const [assignTo, setAssignTo] = useState<number | null>(null);
  const pool = tab === 'pool';
  const list = useCursorList<Lead>(
    'leads',
    {
      q: q || undefined,
      sort,
      'filter[pool]': pool ? 'true' : undefined,
      'filter[status]': status.length ? status.join(',') : undefined,
      'filter[source]': source.length ? source.join(',') : undefined,
    },
    pageSize,
  );
  const mayAssign = can('customers.assign') || can('sales.manage');

  const move = useMutation({
    mutationFn: ({ lead, action, ownerId }: { lead: Lead; action: 'claim' | 'assign'; ownerId?: number }) =>
      api<Lead>(`/leads/${lead.id}/${action}`, { method: 'POST', body: action === 'assign' ? { ownerId } : {} }),
    onSuccess: (_r, v) => {
      void client.invalidateQueries({ queryKey: leadsKey });
      setAssigning(null);
      void message.success(v.action === 'claim' ? t('leads.claimedToast', { name: v.lead.name }) : t('leads.assignedToast'));
      if (v.action === 'claim') void navigate(`/leads/${v.lead.id}`);
    },
    onError: (e) => onError(e),
  });

  const columns: TableProps<Lead>['columns'] = [
    {
      key: 'name',
      title: t('leads.field.name'),
      sorter: true,
      sortOrder: sortOrder('name'),
      render: (_, l) => (
        <Flex vertical style={{ minWidth: 160 }}>
          <Typography.Link onClick={() => void navigate(`/leads/${l.id}`)} data-testid="lead-link">
            {l.name}
          </Typography.Link>
          {l.title ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {l.title}
            </Typography.Text>
          ) : null}
        </Flex>
      ),
    },
    { key: 'companyName', title: t('leads.field.companyName'), sorter: true, sortOrder: sortOrder('companyName'), render: (_, l) => l.companyName ?? '' },
    {
      key: 'status',
      title: t('leads.field.status'),
      render: (_, l) => (
        <Tag color={leadStatusColor[l.status]} data-testid="lead-status">
          {t(`leads.status.${l.status}`)}
        </Tag>
      ),
    },
    { key: 'source', title: t('leads.field.source'), render: (_, l) => t(`leads.source.${l.source}`) },
    {
      key: 'contact',
      title: t('leads.field.contact'),
      render: (_, l) => <Typography.Text style={{ fontFamily: pool ? 'monospace' : undefined }}>{[l.mobile ?? l.phone, l.email].filter(Boolean).join(' · ')}</Typography.Text>,
    },
    { key: 'region', title: t('leads.field.region'), render: (_, l) => [l.province, l.city].filter(Boolean).filter((x, i, a) => a.indexOf(x) === i).join(' ') },
    ...(pool
      ? [{ key: 'poolSince', title: t('leads.field.poolSince'), sorter: true, sortOrder: sortOrder('poolSince'), render: (_: unknown, l: Lead) => formatDateTime(l.poolSince) }]
      : [{ key: 'owner', title: t('leads.field.owner'), render: (_: unknown, l: Lead) => l.ownerName ?? <Tag color="orange">{t('leads.inPool')}</Tag> }]),
    { key: 'lastActivityAt', title: t('leads.field.lastActivityAt'), sorter: true, sortOrder: sortOrder('lastActivityAt'), render: (_, l) => formatDate(l.lastActivityAt) },
    { key: 'createdAt', title: t('leads.field.createdAt'), sorter: true, sortOrder: sortOrder('createdAt'), render: (_, l) => formatDate(l.createdAt) },
    ...(pool
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            fixed: 'right' as const,
            render: (_: unknown, l: Lead) => (
              <Flex gap={4}>
                {can('sales.write') ? (
                  <Button size="small" type="primary" ghost loading={move.isPending && move.variables?.lead.id === l.id} onClick={() => move.mutate({ lead: l, action: 'claim' })} data-testid="lead-claim">
                    {t('leads.claim')}
                  </Button>
                ) : null}
                {mayAssign ? (
                  <Button
                    size="small"
                    onClick={() => {
                      setAssignTo(null);
                      setAssigning(l);
                    }}
                    data-testid="lead-assign"
                  >
                    {t('leads.assign')}
                  </Button>
                ) : null}
              </Flex>
            ),
          },
        ]
      : []),
  ];

  return (
    <>
      <PageHeader
        title={t('leads.title')}
        description={t('leads.description')}
        extra={
          can('sales.write') ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="lead-new">
              {t('leads.new')}
            </Button>
          ) : null
        }
      />
      <div className="gx-panel">
        <Tabs
          activeKey={tab}
          onChange={(k) => {
            setTab(k as TabKey);
            setSort(undefined);
          }}
          items={[
            { key: 'mine', label: <span data-testid="lead-tab-mine">{t('leads.tabMine')}</span> },
            { key: 'pool', label: <span data-testid="lead-tab-pool">{t('leads.tabPool')}</span> },
          ]}
        />
        {pool ? (
          <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
            {t('leads.poolHint')}
          </Typography.Paragraph>
        ) : null}
        <Flex gap={12} wrap style={{ marginBottom: 16 }}>
          <Input.Search allowClear placeholder={t('leads.searchPlaceholder')} onSearch={(v) => setQ(v.trim())} style={{ width: 280 }} data-testid="lead-search" />
          <Select
            mode="multiple"
            allowClear
            placeholder={t('leads.field.status')}
            value={status}
            onChange={setStatus}
            style={{ minWidth: 180 }}
            options={leadStatuses.map((v) => ({ value: v, label: t(`leads.status.${v}`) }))}
            data-testid="lead-filter-status"
          />
          <Select
            mode="multiple"
            allowClear
            placeholder={t('leads.field.source')}
            value={source}
            onChange={setSource}
            style={{ minWidth: 180 }}
            options={leadSources.map((v) => ({ value: v, label: t(`leads.source.${v}`) }))}
            data-testid="lead-filter-source"
          />
        </Flex>
        <Table<Lead>
          rowKey="id"
          columns={columns}
          dataSource={list.rows}
          loading={list.query.isFetching}
          pagination={false}
          onChange={onTableChange}
          size="middle"
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: pool ? t('leads.poolEmpty') : t('leads.empty') }}
          data-testid="lead-table"
        />
        <CursorPager list={list} onPageSizeChange={setPageSize} />
      </div>
      <LeadFormModal open={creating} lead={null} onClose={() => setCreating(false)} onSaved={(l) => void navigate(`/leads/${l.id}`)} />
      <Modal
        open={assigning !== null}
        title={t('leads.assignTitle', { name: assigning?.name ?? '' })}
        onCancel={() => setAssigning(null)}
        onOk={() => assigning && assignTo && move.mutate({ lead: assigning, action: 'assign', ownerId: assignTo })}
        okButtonProps={{ disabled: !assignTo }}
        confirmLoading={move.isPending}
        okText={t('leads.assign')}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        <UserRefPicker value={assignTo} onChange={setAssignTo} style={{ width: '100%' }} />
      </Modal>
    </>
  );
}
