// Customers (客户): server-side filtered, sorted and cursor-paged list; saved views (filters, sort
// and columns) per user, shared ones from managers; a column chooser; cards on phones.
import { useEffect, useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import type { SortOrder } from 'antd/es/table/interface';
import { App, Badge, Button, Card, Checkbox, Dropdown, Empty, Flex, Grid, Input, Modal, Popover, Select, Space, Table, Tag, Typography, type TableProps } from 'antd';
import { DeleteOutlined, DownloadOutlined, FilterOutlined, PlusOutlined, SaveOutlined, SettingOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { customerSortFields, importanceLevels, type CustomerListItem, type SavedView } from '@guanxi/contracts';
import { api } from '../../api/client';
import { PageHeader } from '../../shared/PageHeader';
import { CursorPager } from '../../shared/CursorPager';
import { useCursorList } from '../../shared/useCursorList';
import { useTableSort } from '../../shared/useTableSort';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { formatDate, formatDateTime } from '../../shared/format';
import { useCan, useCurrentUser } from '../auth/session';
import { UserRefPicker } from '../users/UserRefPicker';
import { customValueText, fieldLabel, formatYuan, importanceColor, useCustomFields, useTags } from './customers.api';
import { CustomerForm } from './CustomerForm';
import { FilterChips, FilterDrawer, fkey, type Filters } from './customer-list-filters';
import { customerExportColumns } from '@guanxi/contracts';
import { customerExportUrl } from '../imports/imports.api';

/** The export's columns for the list's visible ones (display columns map to the fields they show). */
const exportColumns = (visible: string[]): string[] => [
  'name',
  ...visible.flatMap((c) => (c === 'ownerId' ? ['owner'] : c === 'region' ? ['province', 'city'] : c === 'contactNumber' ? ['mobile', 'phone'] : [c])),
].filter((c, i, a) => a.indexOf(c) === i && ((customerExportColumns as readonly string[]).includes(c) || isScoreField(c) || c.startsWith('custom.')));
import { TagList } from './TagList';
import { isScoreField, renderScore, scoreFieldLabel, scoreFields } from '../analytics/customer-score-fields';

const COLUMNS_KEY = 'guanxi.customers.columns';
const defaultColumns = ['importance', 'loyalty', 'ownerId', 'tags', 'contactNumber', 'region', 'industry', 'lastFollowUpAt', 'nextFollowUpAt'];
const builtInColumns = [
  'kind', 'relationshipType', 'importance', 'loyalty', 'valueBehavior', 'relationshipStrategy', 'ownerId', 'tags', 'contactNumber', 'mobile', 'phone', 'email',
  'region', 'industry', 'source', 'registeredCapital', 'annualRevenue', 'lastFollowUpAt', 'nextFollowUpAt', 'createdAt', 'updatedAt',
  // the scores of the last analytics run (customer_metrics)
  ...scoreFields,
] as const;
/** The field the API sorts by for a column, when it sorts by one. */
const sortFieldOf = (column: string): string | undefined => {
  const f = column === 'region' ? 'province' : column;
  return (customerSortFields as readonly string[]).includes(f) ? f : undefined;
};

function savedColumns(): string[] {
  try {
    const raw = localStorage.getItem(COLUMNS_KEY);
    const v: unknown = raw ? JSON.parse(raw) : null;
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : defaultColumns;
  } catch {
    return defaultColumns;
  }
}

export default function CustomerList() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const navigate = useNavigate();
  const { message, modal } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const can = useCan();
  const me = useCurrentUser();
  const screens = Grid.useBreakpoint();
  const phone = !(screens.md ?? true);
  const [filters, setFilters] = useState<Filters>({});
  const { sort, setSort, sortOrder: fieldOrder, onChange: onTableChange } = useTableSort<CustomerListItem>(sortFieldOf);
  const [columns, setColumns] = useState<string[]>(savedColumns);
  const [pageSize, setPageSize] = useState(20);
  const [viewId, setViewId] = useState<number>();
  const [drawer, setDrawer] = useState(false);
  const [creating, setCreating] = useState(false);
  const [saving, setSaving] = useState(false);
  const [viewName, setViewName] = useState('');
  const [viewShared, setViewShared] = useState(false);
  /** With one of my views open, saving updates it unless the user asks for a new one. */
  const [saveAsNew, setSaveAsNew] = useState(true);
  const [nameInput, setNameInput] = useState('');
  const customFields = useCustomFields('customer');
  const tags = useTags();
  const fields = useMemo(() => customFields.data ?? [], [customFields.data]);

  useEffect(() => setNameInput(filters[fkey('name')] ?? ''), [filters]);
  useEffect(() => {
    try {
      localStorage.setItem(COLUMNS_KEY, JSON.stringify(columns));
    } catch {
      // Private mode: the choice lasts for this page only.
    }
  }, [columns]);

  const list = useCursorList<CustomerListItem>('customers', { ...filters, sort }, pageSize);
  const views = useQuery({
    queryKey: ['saved-views', 'customer'],
    queryFn: () => api<{ data: SavedView[] }>('/saved-views', { query: { 'filter[entity]': 'customer' } }),
    select: (r) => r.data,
  });

  const setFilter = (key: string, value: string | undefined) => {
    const next = { ...filters };
    if (value) next[key] = value;
    else delete next[key];
    setFilters(next);
    setViewId(undefined);
  };

  const applyView = (id: number | undefined) => {
    setViewId(id);
    const v = views.data?.find((x) => x.id === id);
    if (!v) {
      setFilters({});
      setSort(undefined);
      return;
    }
    setFilters({ ...v.definition.filters });
    setSort(v.definition.sort);
    if (v.definition.columns?.length) setColumns(v.definition.columns);
  };

  const saveView = useMutation({
    mutationFn: () => {
      const definition = { filters, ...(sort ? { sort } : {}), columns };
      const mine = views.data?.find((v) => v.id === viewId && v.userId === me.id);
      if (mine && !saveAsNew) {
        return api<SavedView>(`/saved-views/${mine.id}`, { method: 'PATCH', body: { name: viewName.trim(), shared: viewShared, definition, version: mine.version } });
      }
      return api<SavedView>('/saved-views', { method: 'POST', body: { entity: 'customer', name: viewName.trim(), shared: viewShared, definition } });
    },
    onSuccess: (v) => {
      void client.invalidateQueries({ queryKey: ['saved-views'] });
      setViewId(v.id);
      setSaving(false);
      void message.success(t('savedViews.savedToast', { name: v.name }));
    },
    onError: (e) => onError(e),
  });
  const deleteView = useMutation({
    mutationFn: (id: number) => api<void>(`/saved-views/${id}`, { method: 'DELETE' }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['saved-views'] });
      setViewId(undefined);
    },
    onError: (e) => onError(e),
  });
  const currentView = views.data?.find((v) => v.id === viewId);

  const sortOrder = (column: string): SortOrder => {
    const f = sortFieldOf(column);
    return f ? fieldOrder(f) : null;
  };

  const columnTitle = (key: string): string => {
    if (key.startsWith('custom.')) {
      const f = fields.find((x) => x.key === key.slice(7));
      return f ? fieldLabel(f, lang) : key;
    }
    if (key === 'tags') return t('customerField.tagIds');
    if (key === 'region') return t('customers.region');
    if (key === 'contactNumber') return t('customers.contactNumber');
    if (isScoreField(key)) return scoreFieldLabel(t, key);
    return t(`customerField.${key as 'name'}`);
  };

  const render = (key: string, c: CustomerListItem): React.ReactNode => {
    if (isScoreField(key)) return renderScore(t, key, c.scores);
    switch (key) {
      case 'kind':
        return t(`enums.kind.${c.kind}`);
      case 'relationshipType':
        return t(`enums.relationshipType.${c.relationshipType}`);
      case 'importance':
        return c.importance ? <Tag color={importanceColor[c.importance]}>{t(`enums.importance.${c.importance}`)}</Tag> : null;
      case 'loyalty':
        return c.loyalty ? t(`enums.loyalty.${c.loyalty}`) : null;
      case 'valueBehavior':
        return c.valueBehavior ? t(`enums.valueBehavior.${c.valueBehavior}`) : null;
      case 'relationshipStrategy':
        return c.relationshipStrategy ? t(`enums.relationshipStrategy.${c.relationshipStrategy}`) : null;
      case 'ownerId':
        return c.ownerName ?? <Tag color="orange">{t('customers.inPool')}</Tag>;
      case 'tags':
        return <TagList tags={c.tags} />;
      case 'contactNumber':
        return c.mobile ?? c.phone ?? '';
      case 'region':
        return [c.province, c.city].filter(Boolean).filter((x, i, a) => a.indexOf(x) === i).join(' ');
      case 'registeredCapital':
      case 'annualRevenue':
        return formatYuan(c[key], lang);
      case 'lastFollowUpAt':
      case 'nextFollowUpAt':
        return formatDate(c[key]);
      case 'createdAt':
      case 'updatedAt':
        return formatDateTime(c[key]);
      case 'mobile':
      case 'phone':
      case 'email':
      case 'industry':
      case 'source':
        return c[key] ?? '';
      default:
        if (key.startsWith('custom.')) {
          const f = fields.find((x) => x.key === key.slice(7));
          return customValueText(f, c.custom[key.slice(7)], lang, { yes: t('common.yes'), no: t('common.no') }, t('common.listSeparator'));
        }
        return null;
    }
  };

  const allColumns = [...builtInColumns, ...fields.map((f) => `custom.${f.key}`)];
  const tableColumns: TableProps<CustomerListItem>['columns'] = [
    {
      key: 'name',
      title: t('customerField.name'),
      fixed: 'left',
      sorter: true,
      sortOrder: sortOrder('name'),
      render: (_, c) => (
        <Flex vertical style={{ minWidth: 180, maxWidth: 320 }}>
          <Typography.Link strong onClick={() => void navigate(`/customers/${c.id}`)} data-testid="customer-link">
            {c.name}
          </Typography.Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t(`enums.kind.${c.kind}`)} · {t(`enums.relationshipType.${c.relationshipType}`)}
          </Typography.Text>
        </Flex>
      ),
    },
    ...columns
      .filter((k) => allColumns.includes(k))
      .map((key) => ({
        key,
        title: columnTitle(key),
        sorter: sortFieldOf(key) !== undefined,
        sortOrder: sortOrder(key),
        render: (_: unknown, c: CustomerListItem) => render(key, c),
      })),
  ];

  const ownerValue = filters[fkey('ownerId')];
  const hasFilters = Object.keys(filters).length > 0;
  const advancedCount = Object.keys(filters).filter((k) => ![fkey('name'), fkey('ownerId'), fkey('importance'), fkey('tagId')].includes(k)).length;

  const columnChooser = (
    <div style={{ maxHeight: 360, overflow: 'auto', minWidth: 200 }} data-testid="column-chooser">
      <Checkbox.Group value={columns} onChange={(v) => setColumns(allColumns.filter((k) => v.includes(k)))}>
        <Flex vertical gap={6}>
          {allColumns.map((k) => (
            <Checkbox key={k} value={k}>
              {columnTitle(k)}
            </Checkbox>
          ))}
        </Flex>
      </Checkbox.Group>
      <Button type="link" size="small" style={{ padding: 0, marginTop: 8 }} onClick={() => setColumns(defaultColumns)}>
        {t('customers.defaultColumns')}
      </Button>
    </div>
  );

  const empty = (
    <Empty
      image={Empty.PRESENTED_IMAGE_SIMPLE}
      description={
        hasFilters ? (
          t('customers.noMatch')
        ) : (
          <>
            <Typography.Text strong>{t('customers.emptyTitle')}</Typography.Text>
            <Typography.Paragraph type="secondary" style={{ margin: '4px auto 0', maxWidth: 420 }}>
              {t('customers.emptyText')}
            </Typography.Paragraph>
          </>
        )
      }
      data-testid="customers-empty"
    >
      {hasFilters ? (
        <Button onClick={() => setFilters({})}>{t('filters.clear')}</Button>
      ) : can('customers.write') ? (
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t('customers.create')}
        </Button>
      ) : null}
    </Empty>
  );

  return (
    <>
      <PageHeader
        title={t('customers.title')}
        description={t('customers.description')}
        extra={
          <>
            {can('customers.export') ? (
              <Dropdown
                menu={{
                  items: (['csv', 'xlsx'] as const).map((f) => ({ key: f, label: <a href={customerExportUrl({ ...filters, sort }, exportColumns(columns), f)} data-testid={`customer-export-${f}`}>{t(f === 'csv' ? 'imports.exportCsv' : 'imports.exportXlsx')}</a> })),
                }}
              >
                <Button icon={<DownloadOutlined />} data-testid="customer-export">
                  {t('imports.export')}
                </Button>
              </Dropdown>
            ) : null}
            {can('customers.import') ? (
              <Button icon={<UploadOutlined />} onClick={() => void navigate('/imports/new')} data-testid="customer-import">
                {t('imports.import')}
              </Button>
            ) : null}
            {can('customers.write') ? (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="create-customer">
                {t('customers.create')}
              </Button>
            ) : null}
          </>
        }
      />
      <div className="gx-panel">
        <Flex gap={8} wrap justify="space-between" style={{ marginBottom: 12 }}>
          <Space.Compact style={{ maxWidth: '100%' }}>
            <Select<number | undefined>
              style={{ width: phone ? 200 : 240 }}
              value={viewId}
              onChange={applyView}
              allowClear
              placeholder={t('savedViews.allCustomers')}
              loading={views.isPending}
              options={[
                { label: t('savedViews.mine'), options: (views.data ?? []).filter((v) => v.userId === me.id).map((v) => ({ value: v.id, label: v.name })) },
                { label: t('savedViews.shared'), options: (views.data ?? []).filter((v) => v.userId !== me.id).map((v) => ({ value: v.id, label: v.name })) },
              ].filter((g) => g.options.length)}
              notFoundContent={t('savedViews.none')}
              data-testid="saved-views"
            />
            <Button
              icon={<SaveOutlined />}
              onClick={() => {
                const mine = currentView && currentView.userId === me.id ? currentView : undefined;
                setViewName(mine?.name ?? '');
                setViewShared(mine?.shared ?? false);
                setSaveAsNew(!mine);
                setSaving(true);
              }}
              data-testid="save-view"
            >
              {phone ? null : t('savedViews.save')}
            </Button>
            {currentView && currentView.userId === me.id ? (
              <Button
                icon={<DeleteOutlined />}
                aria-label={t('savedViews.delete')}
                onClick={() =>
                  modal.confirm({
                    title: t('savedViews.delete'),
                    content: t('savedViews.deleteConfirm', { name: currentView.name }),
                    okButtonProps: { danger: true },
                    okText: t('common.delete'),
                    cancelText: t('common.cancel'),
                    onOk: () => deleteView.mutateAsync(currentView.id).catch(() => undefined),
                  })
                }
              />
            ) : null}
          </Space.Compact>
          <Space wrap>
            <Badge count={advancedCount} size="small" color="#1d4ed8">
              <Button icon={<FilterOutlined />} onClick={() => setDrawer(true)} data-testid="open-filters">
                {t('filters.more')}
              </Button>
            </Badge>
            {phone ? null : (
              <Popover trigger="click" placement="bottomRight" title={t('customers.columns')} content={columnChooser}>
                <Button icon={<SettingOutlined />} data-testid="open-columns">
                  {t('customers.columns')}
                </Button>
              </Popover>
            )}
          </Space>
        </Flex>
        <Flex gap={8} wrap style={{ marginBottom: 12 }}>
          <Input.Search
            allowClear
            placeholder={t('customers.searchName')}
            value={nameInput}
            onChange={(e) => setNameInput(e.target.value)}
            onSearch={(v) => setFilter(fkey('name'), v.trim() || undefined)}
            style={{ width: phone ? '100%' : 220 }}
            data-testid="customer-name-filter"
          />
          <Select<string>
            style={{ width: phone ? 'calc(50% - 4px)' : 130 }}
            value={ownerValue === 'me' || !ownerValue ? (ownerValue ?? 'all') : 'other'}
            onChange={(v) => (v === 'other' ? undefined : setFilter(fkey('ownerId'), v === 'all' ? undefined : v))}
            options={[
              { value: 'all', label: t('filters.anyOwner') },
              { value: 'me', label: t('filters.mine') },
              ...(ownerValue && ownerValue !== 'me' ? [{ value: 'other', label: t('filters.otherOwner') }] : []),
            ]}
            data-testid="owner-filter"
          />
          {phone ? null : (
            <UserRefPicker
              style={{ width: 150 }}
              placeholder={t('filters.ownerPick')}
              value={ownerValue && /^\d+$/.test(ownerValue) ? Number(ownerValue) : null}
              onChange={(v) => setFilter(fkey('ownerId'), v ? String(v) : undefined)}
            />
          )}
          <Select<string[]>
            mode="multiple"
            allowClear
            maxTagCount="responsive"
            style={{ width: phone ? 'calc(50% - 4px)' : 170 }}
            placeholder={t('customerField.importance')}
            value={filters[fkey('importance')]?.split(',') ?? []}
            onChange={(v) => setFilter(fkey('importance'), v.join(',') || undefined)}
            options={importanceLevels.map((v) => ({ value: v, label: t(`enums.importance.${v}`) }))}
          />
          <Select<number[]>
            mode="multiple"
            allowClear
            maxTagCount="responsive"
            style={{ width: phone ? '100%' : 170 }}
            placeholder={t('customerField.tagIds')}
            value={filters[fkey('tagId')]?.split(',').map(Number) ?? []}
            onChange={(v) => setFilter(fkey('tagId'), v.join(',') || undefined)}
            options={(tags.data ?? []).map((x) => ({ value: x.id, label: x.name }))}
            optionFilterProp="label"
          />
        </Flex>
        <FilterChips
          filters={filters}
          customFields={fields}
          onChange={(f) => {
            setFilters(f);
            setViewId(undefined);
          }}
        />
        {phone ? (
          list.rows.length || list.query.isFetching ? (
            <Flex vertical gap={10} data-testid="customer-cards">
              {list.rows.map((c) => (
                <Card size="small" key={c.id} className="gx-link-card" onClick={() => void navigate(`/customers/${c.id}`)}>
                  <Flex justify="space-between" gap={8} align="flex-start">
                    <Typography.Text strong style={{ wordBreak: 'break-word' }}>
                      {c.name}
                    </Typography.Text>
                    {c.importance ? <Tag color={importanceColor[c.importance]} style={{ marginInlineEnd: 0 }}>{t(`enums.importance.${c.importance}`)}</Tag> : null}
                  </Flex>
                  <Typography.Text type="secondary" style={{ display: 'block', fontSize: 13 }}>
                    {[c.ownerName ?? t('customers.inPool'), [c.province, c.city].filter(Boolean).filter((x, i, a) => a.indexOf(x) === i).join(' '), c.industry].filter(Boolean).join(' · ')}
                  </Typography.Text>
                  <Flex justify="space-between" gap={8} wrap style={{ marginTop: 6 }}>
                    <span>
                      <TagList tags={c.tags} />
                    </span>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {c.lastFollowUpAt ? t('customers.lastFollowUpShort', { date: formatDate(c.lastFollowUpAt) }) : t('customers.neverFollowedUp')}
                    </Typography.Text>
                  </Flex>
                </Card>
              ))}
            </Flex>
          ) : (
            empty
          )
        ) : (
          <Table<CustomerListItem>
            rowKey="id"
            columns={tableColumns}
            dataSource={list.rows}
            loading={list.query.isFetching}
            pagination={false}
            onChange={onTableChange}
            size="middle"
            scroll={{ x: 'max-content' }}
            locale={{ emptyText: list.query.isPending ? ' ' : empty }}
            data-testid="customers-table"
          />
        )}
        <CursorPager list={list} onPageSizeChange={setPageSize} />
      </div>

      <FilterDrawer
        open={drawer}
        value={filters}
        customFields={fields}
        onClose={() => setDrawer(false)}
        onApply={(f) => {
          setFilters(f);
          setViewId(undefined);
          setDrawer(false);
        }}
      />
      <CustomerForm open={creating} customer={null} onClose={() => setCreating(false)} onSaved={(c) => void navigate(`/customers/${c.id}`)} />
      <Modal
        open={saving}
        title={t('savedViews.save')}
        onCancel={() => setSaving(false)}
        onOk={() => saveView.mutate()}
        okButtonProps={{ disabled: !viewName.trim() }}
        confirmLoading={saveView.isPending}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t('savedViews.saveHelp')}</Typography.Paragraph>
        <Input value={viewName} onChange={(e) => setViewName(e.target.value)} maxLength={100} placeholder={t('savedViews.namePlaceholder')} data-testid="view-name" />
        {can('customers.assign') ? (
          <Checkbox checked={viewShared} onChange={(e) => setViewShared(e.target.checked)} style={{ marginTop: 12 }}>
            {t('savedViews.shareWithTeam')}
          </Checkbox>
        ) : null}
        {currentView && currentView.userId === me.id ? (
          <Checkbox checked={saveAsNew} onChange={(e) => setSaveAsNew(e.target.checked)} style={{ marginTop: 12 }} data-testid="view-save-as-new">
            {t('savedViews.saveAsNew')}
          </Checkbox>
        ) : null}
      </Modal>
    </>
  );
}
