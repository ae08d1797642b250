// The deal list: the board's filters plus stage, status and stale, sortable, a page at a time.
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { Button, Checkbox, Flex, Input, Segmented, Select, Table, Tag, Typography, type TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { OpportunitySummary } from '@guanxi/contracts';
import { PageHeader } from '../../shared/PageHeader';
import { CursorPager } from '../../shared/CursorPager';
import { useCursorList } from '../../shared/useCursorList';
import { useTableSort } from '../../shared/useTableSort';
import { currencyPrefix, formatDate, formatMoney } from '../../shared/format';
import { useCan } from '../auth/session';
import { stageColor, stageLabel, stageLabelOf, usePipelines } from '../pipelines/pipelines.api';
import { DealFiltersBar } from './DealFiltersBar';
import { OpportunityDrawer, type DrawerTarget } from './OpportunityDrawer';
import { filterQuery, type DealFilters } from './opportunities.api';

const sortable = ['name', 'amount', 'expectedCloseDate', 'stageEnteredAt', 'updatedAt'] as const;
const statuses = ['open', 'won', 'lost'] as const;

export default function OpportunityList() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const can = useCan();
  const [params] = useSearchParams();
  const pipelines = usePipelines();
  const [filters, setFilters] = useState<DealFilters>({ ownerId: params.get('owner') === 'me' ? 'me' : undefined });
  const [stageId, setStageId] = useState<number | undefined>(Number(params.get('stageId')) || undefined);
  const [status, setStatus] = useState<(typeof statuses)[number] | undefined>();
  const [stale, setStale] = useState(params.get('stale') === 'true');
  const [q, setQ] = useState('');
  const { sort, setSort, sortOrder, onChange: onTableChange } = useTableSort<OpportunitySummary>(sortable);
  const [pageSize, setPageSize] = useState(20);
  const opened = Number(params.get('open'));
  const [drawer, setDrawer] = useState<DrawerTarget | null>(opened > 0 ? { mode: 'edit', id: opened } : null);
  const list = useCursorList<OpportunitySummary>(
    'opportunities',
    { sort, q: q || undefined, ...filterQuery(filters), 'filter[stageId]': stageId, 'filter[status]': status, 'filter[stale]': stale ? 'true' : undefined },
    pageSize,
  );
  const stageOptions = (pipelines.data ?? []).flatMap((p) => p.stages.map((s) => ({ value: s.id, label: pipelines.data!.length > 1 ? `${p.name} · ${stageLabel(t, s)}` : stageLabel(t, s) })));

  const columns: TableProps<OpportunitySummary>['columns'] = [
    {
      key: 'name',
      title: t('opportunities.name'),
      sorter: true,
      sortOrder: sortOrder('name'),
      render: (_, o) => (
        <Flex gap={6} align="center">
          <Typography.Link strong onClick={() => setDrawer({ mode: 'edit', id: o.id })} data-testid={`opportunity-row-${o.id}`}>
            {o.name}
          </Typography.Link>
          {o.stale ? <Tag color="orange">{t('opportunities.stale')}</Tag> : null}
        </Flex>
      ),
    },
    { key: 'customer', title: t('opportunities.customer'), render: (_, o) => <Typography.Link onClick={() => void navigate(`/customers/${o.customerId}`)}>{o.customerName}</Typography.Link> },
    { key: 'stage', title: t('opportunities.stage'), render: (_, o) => <Tag color={stageColor[o.status]}>{stageLabelOf(t, o.stageKey, o.stageName)}</Tag> },
    { key: 'amount', title: t('opportunities.amount'), align: 'right', sorter: true, sortOrder: sortOrder('amount'), render: (_, o) => formatMoney(o.amount, currencyPrefix(o.currency)) },
    { key: 'probability', title: t('opportunities.probability'), align: 'right', render: (_, o) => `${o.probability}%` },
    { key: 'weighted', title: t('opportunities.weighted'), align: 'right', render: (_, o) => formatMoney(o.weightedAmount, currencyPrefix(o.currency)) },
    { key: 'expectedCloseDate', title: t('opportunities.expectedCloseDate'), sorter: true, sortOrder: sortOrder('expectedCloseDate'), render: (_, o) => formatDate(o.expectedCloseDate) },
    { key: 'owner', title: t('opportunities.owner'), render: (_, o) => o.ownerName ?? '' },
    { key: 'stageEnteredAt', title: t('opportunities.timeInStage'), sorter: true, sortOrder: sortOrder('stageEnteredAt'), render: (_, o) => t('opportunities.daysInStage', { count: o.daysInStage }) },
  ];

  return (
    <>
      <PageHeader
        title={t('opportunities.listTitle')}
        description={t('opportunities.listDescription')}
        extra={
          <Flex gap={8}>
            <Segmented
              value="list"
              onChange={(v) => v === 'board' && void navigate('/opportunities/board')}
              options={[
                { value: 'board', label: t('opportunities.viewBoard') },
                { value: 'list', label: t('opportunities.viewList') },
              ]}
            />
            {can('sales.write') ? (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setDrawer({ mode: 'create' })} data-testid="opportunity-new">
                {t('opportunities.new')}
              </Button>
            ) : null}
          </Flex>
        }
      />
      <div className="gx-panel">
        <Flex gap={12} wrap style={{ marginBottom: 16 }}>
          <Input.Search allowClear placeholder={t('opportunities.search')} onSearch={(v) => setQ(v.trim())} style={{ width: 220 }} data-testid="opportunity-search" />
          <DealFiltersBar value={filters} onChange={setFilters} />
          <Select allowClear value={stageId} onChange={setStageId} options={stageOptions} placeholder={t('opportunities.filterStage')} style={{ width: 180 }} data-testid="deal-filter-stage" />
          <Select allowClear value={status} onChange={setStatus} options={statuses.map((s) => ({ value: s, label: t(`opportunities.statuses.${s}`) }))} placeholder={t('opportunities.filterStatus')} style={{ width: 120 }} />
          <Checkbox checked={stale} onChange={(e) => setStale(e.target.checked)} data-testid="deal-filter-stale">
            {t('opportunities.onlyStale')}
          </Checkbox>
        </Flex>
        <Table<OpportunitySummary>
          rowKey="id"
          columns={columns}
          dataSource={list.rows}
          loading={list.query.isFetching}
          pagination={false}
          onChange={onTableChange}
          scroll={{ x: 'max-content' }}
          data-testid="opportunities-table"
        />
        <CursorPager list={list} onPageSizeChange={setPageSize} />
      </div>
      <OpportunityDrawer target={drawer} onClose={() => setDrawer(null)} />
    </>
  );
}
