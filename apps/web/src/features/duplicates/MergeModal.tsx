// Compare duplicate records side by side and merge them: pick the survivor, then per field the
// record whose value it keeps (radio buttons); everything else hangs on the survivor afterwards.
import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Flex, Modal, Radio, Skeleton, Table, Typography } from 'antd';
import { useQueries } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { mergeableFields, type Customer, type MergeableField } from '@guanxi/contracts';
import { api } from '../../api/client';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { useCustomFields } from '../customers/customers.api';
import { useFieldText } from '../customers/customer-fields';
import { useMerge } from './duplicates.api';

const empty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

function valueOf(c: Customer, field: string): unknown {
  return field.startsWith('custom.') ? c.custom[field.slice(7)] : c[field as MergeableField];
}

export function MergeModal({ ids, open, onClose }: { ids: number[]; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useMutationErrors();
  const merge = useMerge();
  const customFields = useCustomFields('customer');
  const text = useFieldText({ customFields: customFields.data ?? [] });
  const results = useQueries({ queries: ids.map((id) => ({ queryKey: ['customers', id], queryFn: () => api<Customer>(`/customers/${id}`), enabled: open })) });
  const records = results.map((r) => r.data).filter((c): c is Customer => c !== undefined);
  // Closed, the modal has no ids: nothing is loaded (and there is no record to pick a survivor
  // from). Reopened, cached records are refetched first (a merge or an undo since changed them):
  // choices made on stale values would be wrong, and their versions refused.
  const loaded = ids.length > 0 && results.every((r) => r.data !== undefined && !r.isFetching);
  const recordsKey = records.map((c) => `${c.id}:${c.version}`).join(',');
  const [survivorId, setSurvivorId] = useState<number | null>(null);
  const [picks, setPicks] = useState<Record<string, number>>({});

  const fields = useMemo(() => {
    const custom = (customFields.data ?? []).map((f) => `custom.${f.key}`);
    // only the fields where the records differ need a choice
    return [...mergeableFields, ...custom].filter((f) => new Set(records.map((c) => JSON.stringify(valueOf(c, f) ?? null))).size > 1);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [loaded, recordsKey, customFields.data]);

  useEffect(() => {
    if (!loaded || survivorId !== null) return;
    // the most complete record survives by default
    const filled = (c: Customer) => fields.filter((f) => !empty(valueOf(c, f))).length;
    setSurvivorId([...records].sort((a, b) => filled(b) - filled(a) || a.id - b.id)[0]!.id);
  }, [loaded, survivorId, fields, records]);

  useEffect(() => {
    if (survivorId === null) return;
    const survivor = records.find((c) => c.id === survivorId);
    if (!survivor) return;
    const next: Record<string, number> = {};
    for (const f of fields) next[f] = empty(valueOf(survivor, f)) ? (records.find((c) => !empty(valueOf(c, f)))?.id ?? survivorId) : survivorId;
    setPicks(next);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [survivorId, fields]);

  useEffect(() => {
    if (!open) {
      setSurvivorId(null);
      setPicks({});
    }
  }, [open]);

  const submit = () => {
    if (survivorId === null) return;
    const chosen = Object.fromEntries(Object.entries(picks).filter(([, id]) => id !== survivorId));
    merge.mutate(
      { survivorId, mergedIds: records.map((c) => c.id).filter((id) => id !== survivorId), fields: chosen, versions: Object.fromEntries(records.map((c) => [String(c.id), c.version])) },
      {
        onSuccess: (m) => {
          void message.success(t('duplicates.mergedToast', { name: m.survivor.name }));
          onClose();
        },
        onError: (e) => onError(e),
      },
    );
  };

  const columns = [
    { title: t('duplicates.field'), dataIndex: 'field', width: 140, render: (f: string) => <Typography.Text strong>{text.label(f)}</Typography.Text> },
    ...records.map((c) => ({
      title: (
        <Radio checked={survivorId === c.id} onChange={() => setSurvivorId(c.id)} data-testid={`merge-survivor-${c.id}`}>
          {t('duplicates.keepThis', { id: c.id })}
        </Radio>
      ),
      key: String(c.id),
      render: (_: unknown, row: { field: string }) => (
        <Radio checked={picks[row.field] === c.id} onChange={() => setPicks({ ...picks, [row.field]: c.id })} disabled={empty(valueOf(c, row.field)) && picks[row.field] !== c.id}>
          {empty(valueOf(c, row.field)) ? <Typography.Text type="secondary">—</Typography.Text> : text.value(row.field, valueOf(c, row.field))}
        </Radio>
      ),
    })),
  ];

  return (
    <Modal
      open={open}
      onCancel={onClose}
      width={Math.min(1100, 320 + ids.length * 280)}
      title={t('duplicates.mergeTitle')}
      footer={
        <Flex justify="flex-end" gap={8}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" danger loading={merge.isPending} disabled={!loaded || survivorId === null} onClick={submit} data-testid="merge-submit">
            {t('duplicates.merge')}
          </Button>
        </Flex>
      }
      destroyOnHidden
    >
      {!loaded ? (
        <Skeleton active />
      ) : (
        <>
          <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('duplicates.mergeExplain')} />
          <Table rowKey="field" size="small" pagination={false} columns={columns} dataSource={fields.map((field) => ({ field }))} locale={{ emptyText: t('duplicates.sameValues') }} />
        </>
      )}
    </Modal>
  );
}
