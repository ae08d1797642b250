// Recycle bin (回收站): deleted customers and contacts, restorable with their links; administrators
// (settings.manage) may delete for good.
import { useState } from 'react';
import { App, Button, Flex, Popconfirm, Segmented, Table, Tag, type TableProps } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { recycleBinItem } from '@guanxi/contracts';
import { api } from '../../api/client';
import { PageHeader } from '../../shared/PageHeader';
import { CursorPager } from '../../shared/CursorPager';
import { useCursorList } from '../../shared/useCursorList';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { formatDateTime } from '../../shared/format';
import { useCan } from '../auth/session';
import { customersKey } from '../customers/customers.api';
import { contactsKey } from '../contacts/contacts.api';

type Item = z.infer<typeof recycleBinItem>;

export default function RecycleBin() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const can = useCan();
  const [entity, setEntity] = useState<'all' | Item['entity']>('all');
  const list = useCursorList<Item>('recycle-bin', { 'filter[entity]': entity === 'all' ? undefined : entity }, 50);
  const refresh = () => {
    void client.invalidateQueries({ queryKey: ['recycle-bin'] });
    void client.invalidateQueries({ queryKey: customersKey });
    void client.invalidateQueries({ queryKey: contactsKey });
  };
  const restore = useMutation({
    mutationFn: (i: Item) => api<void>(`/recycle-bin/${i.entity}/${i.id}/restore`, { method: 'POST' }),
    onSuccess: (_r, i) => {
      refresh();
      void message.success(t('recycleBin.restoredToast', { name: i.name }));
    },
    onError: (e) => onError(e),
  });
  const purge = useMutation({
    mutationFn: (i: Item) => api<void>(`/recycle-bin/${i.entity}/${i.id}`, { method: 'DELETE' }),
    onSuccess: (_r, i) => {
      refresh();
      void message.success(t('recycleBin.purgedToast', { name: i.name }));
    },
    onError: (e) => onError(e),
  });
  const columns: TableProps<Item>['columns'] = [
    { key: 'name', title: t('recycleBin.name'), render: (_, i) => i.name },
    { key: 'entity', title: t('recycleBin.entity'), render: (_, i) => <Tag>{t(`recycleBin.entities.${i.entity}`)}</Tag> },
    { key: 'deletedBy', title: t('recycleBin.deletedBy'), render: (_, i) => i.deletedBy?.name ?? '' },
    { key: 'deletedAt', title: t('recycleBin.deletedAt'), render: (_, i) => formatDateTime(i.deletedAt) },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, i) => (
        <Flex gap={4}>
          <Button size="small" type="link" onClick={() => restore.mutate(i)} data-testid="restore">
            {t('recycleBin.restore')}
          </Button>
          {can('settings.manage') ? (
            <Popconfirm title={t('recycleBin.purgeConfirm', { name: i.name })} okText={t('recycleBin.purge')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')} onConfirm={() => purge.mutateAsync(i).catch(() => undefined)}>
              <Button size="small" type="link" danger>
                {t('recycleBin.purge')}
              </Button>
            </Popconfirm>
          ) : null}
        </Flex>
      ),
    },
  ];
  return (
    <>
      <PageHeader title={t('recycleBin.title')} description={t('recycleBin.description')} />
      <div className="gx-panel">
        <Segmented<'all' | Item['entity']>
          value={entity}
          onChange={setEntity}
          style={{ marginBottom: 16 }}
          options={[
            { value: 'all', label: t('common.all') },
            { value: 'customer', label: t('recycleBin.entities.customer') },
            { value: 'contact', label: t('recycleBin.entities.contact') },
          ]}
        />
        <Table<Item> rowKey={(i) => `${i.entity}:${i.id}`} columns={columns} dataSource={list.rows} loading={list.query.isFetching} pagination={false} scroll={{ x: 'max-content' }} locale={{ emptyText: t('recycleBin.empty') }} data-testid="recycle-table" />
        <CursorPager list={list} />
      </div>
    </>
  );
}
