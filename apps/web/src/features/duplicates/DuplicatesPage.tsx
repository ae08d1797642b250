// 重复资料: likely duplicate pairs with their evidence and confidence (kept current by the daily
// duplicates-scan job), compare-and-merge, dismiss, and the merge history with undo.
import { useState } from 'react';
import { App, Button, Flex, InputNumber, Popconfirm, Segmented, Select, Table, Tabs, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { duplicateEvidenceKinds, type CustomerBrief, type CustomerMerge, type DuplicatePair } from '@guanxi/contracts';
import { PageHeader } from '../../shared/PageHeader';
import { CursorPager } from '../../shared/CursorPager';
import { useCursorList } from '../../shared/useCursorList';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { formatDateTime } from '../../shared/format';
import { useCan } from '../auth/session';
import { useDismiss, useMerges, useUndoMerge } from './duplicates.api';
import { EvidenceTags } from './EvidenceTags';
import { MergeModal } from './MergeModal';

function Brief({ c }: { c: CustomerBrief }) {
  return (
    <Flex vertical>
      <Link to={`/customers/${c.id}`}>{c.name}</Link>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {[c.mobile, c.phone, c.email, c.creditCode, c.city, c.ownerName].filter(Boolean).join(' · ')}
      </Typography.Text>
    </Flex>
  );
}

function Pairs() {
  const { t } = useTranslation();
  const can = useCan();
  const onError = useMutationErrors();
  const dismiss = useDismiss();
  const [status, setStatus] = useState<'open' | 'dismissed' | 'merged'>('open');
  const [kind, setKind] = useState<string | undefined>();
  const [minConfidence, setMinConfidence] = useState<number | null>(null);
  const [mine, setMine] = useState(false);
  const [merging, setMerging] = useState<number[] | null>(null);
  const list = useCursorList<DuplicatePair>('duplicates', {
    'filter[status]': status,
    'filter[kind]': kind,
    'filter[minConfidence]': minConfidence === null ? undefined : minConfidence / 100,
    'filter[ownerId]': mine ? 'me' : undefined,
  }, 50);
  const canMerge = can('customers.write') && can('customers.delete');
  return (
    <>
      <Flex gap={12} wrap style={{ marginBottom: 16 }}>
        <Segmented value={status} onChange={(v) => setStatus(v as typeof status)} options={(['open', 'dismissed', 'merged'] as const).map((s) => ({ value: s, label: t(`duplicates.status.${s}`) }))} />
        <Select allowClear placeholder={t('duplicates.evidenceFilter')} style={{ width: 180 }} value={kind} onChange={setKind} options={duplicateEvidenceKinds.map((k) => ({ value: k, label: t(`duplicates.evidence.${k}`) }))} />
        <InputNumber min={0} max={100} addonBefore={t('duplicates.minConfidence')} addonAfter="%" value={minConfidence} onChange={(v) => setMinConfidence(v)} style={{ width: 220 }} />
        <Segmented value={mine ? 'mine' : 'all'} onChange={(v) => setMine(v === 'mine')} options={[{ value: 'all', label: t('duplicates.allOwners') }, { value: 'mine', label: t('duplicates.mine') }]} />
      </Flex>
      <Table<DuplicatePair>
        rowKey="id"
        loading={list.query.isFetching}
        dataSource={list.rows}
        pagination={false}
        onRow={(r) => ({ 'data-testid': `duplicates-row-${r.id}` }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('duplicates.recordA'), width: '25%', render: (_, r) => <Brief c={r.a} /> },
          { title: t('duplicates.recordB'), width: '25%', render: (_, r) => <Brief c={r.b} /> },
          { title: t('duplicates.evidenceTitle'), render: (_, r) => <EvidenceTags evidence={r.evidence} /> },
          {
            title: t('duplicates.confidenceTitle'),
            width: 110,
            render: (_, r) => <Tag color={r.confidence >= 0.8 ? 'red' : r.confidence >= 0.5 ? 'orange' : 'default'}>{Math.round(r.confidence * 100)}%</Tag>,
          },
          { title: t('duplicates.detectedAt'), width: 150, render: (_, r) => <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(r.detectedAt)}</span> },
          {
            title: '',
            width: 150,
            render: (_, r) =>
              r.status === 'open' ? (
                // stacked, so the two records' columns keep their room
                <Flex vertical gap={6} align="flex-start">
                  {canMerge ? (
                    <Button size="small" type="primary" data-testid="merge-open" onClick={() => setMerging([r.a.id, r.b.id])}>
                      {t('duplicates.compareMerge')}
                    </Button>
                  ) : null}
                  {can('customers.write') ? (
                    <Popconfirm title={t('duplicates.dismissConfirm')} onConfirm={() => dismiss.mutate(r.id, { onError: (e) => onError(e) })}>
                      <Button size="small">{t('duplicates.dismiss')}</Button>
                    </Popconfirm>
                  ) : null}
                </Flex>
              ) : null,
          },
        ]}
      />
      <CursorPager list={list} />
      <MergeModal ids={merging ?? []} open={merging !== null} onClose={() => setMerging(null)} />
    </>
  );
}

export function MergeHistory({ customerId }: { customerId?: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const can = useCan();
  const onError = useMutationErrors();
  const merges = useMerges(customerId);
  const undo = useUndoMerge();
  return (
    <Table<CustomerMerge>
      rowKey="id"
      loading={merges.isFetching}
      dataSource={merges.data?.data ?? []}
      pagination={false}
      columns={[
        { title: t('duplicates.survivor'), render: (_, m) => <Link to={`/customers/${m.survivor.id}`}>{m.survivor.name}</Link> },
        { title: t('duplicates.mergedRecords'), render: (_, m) => m.merged.map((x) => `${x.name} (#${x.id})`).join('、') },
        {
          title: t('duplicates.moved'),
          render: (_, m) =>
            Object.keys(m.moved).length ? Object.entries(m.moved).map(([table, n]) => <Tag key={table}>{t(`duplicates.tables.${table}`, { defaultValue: table })} {n}</Tag>) : <Typography.Text type="secondary">—</Typography.Text>,
        },
        { title: t('duplicates.mergedAt'), render: (_, m) => `${formatDateTime(m.createdAt)} · ${m.createdBy?.name ?? ''}` },
        {
          title: '',
          width: 140,
          render: (_, m) =>
            m.undoneAt ? (
              <Tag>{t('duplicates.undone')}</Tag>
            ) : can('customers.delete') ? (
              <Popconfirm
                title={t('duplicates.undoConfirm')}
                onConfirm={() => undo.mutate(m.id, { onSuccess: () => void message.success(t('duplicates.undoneToast')), onError: (e) => onError(e) })}
              >
                <Button size="small" data-testid="merge-undo">
                  {t('duplicates.undo')}
                </Button>
              </Popconfirm>
            ) : null,
        },
      ]}
    />
  );
}

export default function DuplicatesPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('duplicates.title')} description={t('duplicates.description')} />
      <Tabs items={[{ key: 'pairs', label: t('duplicates.pairsTab'), children: <Pairs /> }, { key: 'merges', label: t('duplicates.mergesTab'), children: <MergeHistory /> }]} />
    </>
  );
}
