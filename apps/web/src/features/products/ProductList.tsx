// The product catalogue (产品目录): search by SKU or name, filter by category and whether the
// product is active; create and edit in a drawer, deactivate so it can no longer be ordered.
import { useState } from 'react';
import { App, Button, Flex, Input, Popconfirm, Segmented, Table, Tag, Typography, type TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Product } from '@guanxi/contracts';
import { api } from '../../api/client';
import { PageHeader } from '../../shared/PageHeader';
import { CursorPager } from '../../shared/CursorPager';
import { useCursorList } from '../../shared/useCursorList';
import { useTableSort } from '../../shared/useTableSort';
import { formatMoney } from '../../shared/format';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { useCan } from '../auth/session';
import { productsKey } from './products.api';
import { ProductForm } from './ProductForm';

const sortable = ['sku', 'name', 'category', 'listPrice', 'updatedAt'] as const;
type ActiveFilter = 'true' | 'false' | 'all';

export default function ProductList() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const can = useCan();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const [q, setQ] = useState('');
  const [category, setCategory] = useState('');
  const [active, setActive] = useState<ActiveFilter>('true');
  const { sort, setSort, sortOrder, onChange: onTableChange } = useTableSort<Product>(sortable);
  const [pageSize, setPageSize] = useState(20);
  const [editing, setEditing] = useState<Product | null | 'new'>(null);
  const list = useCursorList<Product>('products', { sort, q: q || undefined, 'filter[category]': category || undefined, 'filter[active]': active === 'all' ? undefined : active }, pageSize);
  const writable = can('sales.write');

  const toggle = useMutation({
    mutationFn: (p: Product) => api<Product>(`/products/${p.id}`, { method: 'PATCH', body: { active: !p.active, version: p.version } }),
    onSuccess: (p) => {
      void client.invalidateQueries({ queryKey: productsKey });
      void message.success(t(p.active ? 'products.activatedToast' : 'products.deactivatedToast', { name: p.name }));
    },
    onError: (e) => onError(e, { onReload: () => void client.invalidateQueries({ queryKey: productsKey }) }),
  });

  const columns: TableProps<Product>['columns'] = [
    { key: 'sku', title: t('products.sku'), sorter: true, sortOrder: sortOrder('sku'), render: (_, p) => <Typography.Text code>{p.sku}</Typography.Text> },
    {
      key: 'name',
      title: t('products.name'),
      sorter: true,
      sortOrder: sortOrder('name'),
      render: (_, p) => (writable ? <Typography.Link strong onClick={() => setEditing(p)}>{p.name}</Typography.Link> : <Typography.Text strong>{p.name}</Typography.Text>),
    },
    { key: 'category', title: t('products.category'), sorter: true, sortOrder: sortOrder('category'), render: (_, p) => (p.category ? <Tag>{p.category}</Tag> : '') },
    { key: 'unit', title: t('products.unit'), render: (_, p) => p.unit ?? '' },
    { key: 'listPrice', title: t('products.listPrice'), align: 'right', sorter: true, sortOrder: sortOrder('listPrice'), render: (_, p) => <span style={{ fontVariantNumeric: 'tabular-nums' }}>{formatMoney(p.listPrice)}</span> },
    { key: 'cost', title: t('products.cost'), align: 'right', render: (_, p) => <span style={{ fontVariantNumeric: 'tabular-nums' }}>{p.cost === null ? '—' : formatMoney(p.cost)}</span> },
    { key: 'active', title: t('common.status'), render: (_, p) => (p.active ? <Tag color="green">{t('common.active')}</Tag> : <Tag>{t('common.inactive')}</Tag>) },
    ...(writable
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_: unknown, p: Product) => (
              <Flex gap={4}>
                <Button size="small" type="link" onClick={() => setEditing(p)} data-testid={`product-edit-${p.sku}`}>
                  {t('common.edit')}
                </Button>
                <Popconfirm
                  title={p.active ? t('products.deactivateConfirm', { name: p.name }) : t('products.activateConfirm', { name: p.name })}
                  onConfirm={() => toggle.mutate(p)}
                  okText={t('common.confirm')}
                  cancelText={t('common.cancel')}
                >
                  <Button size="small" type="link" danger={p.active} data-testid={`product-toggle-${p.sku}`}>
                    {p.active ? t('products.deactivate') : t('products.activate')}
                  </Button>
                </Popconfirm>
              </Flex>
            ),
          },
        ]
      : []),
  ];

  return (
    <>
      <PageHeader
        title={t('products.pageTitle')}
        description={t('products.description')}
        extra={
          writable ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="product-new">
              {t('products.create')}
            </Button>
          ) : null
        }
      />
      <div className="gx-panel">
        <Flex gap={12} wrap style={{ marginBottom: 16 }}>
          <Input.Search allowClear placeholder={t('products.search')} onSearch={(v) => setQ(v.trim())} style={{ width: 260 }} data-testid="product-search" />
          <Input.Search allowClear placeholder={t('products.category')} onSearch={(v) => setCategory(v.trim())} style={{ width: 180 }} />
          <Segmented<ActiveFilter>
            value={active}
            onChange={setActive}
            options={[
              { value: 'true', label: t('common.active') },
              { value: 'false', label: t('common.inactive') },
              { value: 'all', label: t('common.all') },
            ]}
          />
        </Flex>
        <Table<Product>
          rowKey="id"
          columns={columns}
          dataSource={list.rows}
          loading={list.query.isFetching}
          pagination={false}
          onChange={onTableChange}
          scroll={{ x: 'max-content' }}
          data-testid="products-table"
        />
        <CursorPager list={list} onPageSizeChange={setPageSize} />
      </div>
      <ProductForm open={editing !== null} product={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
    </>
  );
}
