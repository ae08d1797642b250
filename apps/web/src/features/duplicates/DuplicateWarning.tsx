// The create/edit warning: while the user types, the form's identifying values are checked
// against existing customers (debounced); likely matches are shown with their evidence and a link.
// It never blocks saving — the form asks once more on save when matches remain.
import { useEffect, useState } from 'react';
import { Alert, Flex, Tag, Typography, type FormInstance } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CheckDuplicatesResult } from '@guanxi/contracts';
import { Form } from 'antd';
import { checkDuplicates, type CheckValues } from './duplicates.api';
import { EvidenceTags } from './EvidenceTags';

const watched = ['kind', 'name', 'mobile', 'phone', 'email', 'creditCode', 'province', 'city'] as const;

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  const key = JSON.stringify(value);
  useEffect(() => {
    const timer = setTimeout(() => setV(value), ms);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, ms]);
  return v;
}

/** Likely duplicates of what the form holds now (null until something identifying is typed). */
export function useDuplicateCheck(form: FormInstance, excludeId: number | undefined, enabled: boolean): CheckDuplicatesResult | null {
  const all = Form.useWatch([], form) as Record<string, unknown> | undefined;
  const values: CheckValues = {};
  for (const k of watched) {
    const v = all?.[k];
    if (typeof v === 'string' && v.trim()) values[k] = v.trim();
  }
  if (excludeId) values.excludeId = excludeId;
  const debounced = useDebounced(values, 400);
  const identifying = ['name', 'mobile', 'phone', 'email', 'creditCode'].some((k) => k in debounced);
  const q = useQuery({
    queryKey: ['duplicates', 'check', debounced],
    queryFn: ({ signal }) => checkDuplicates(debounced, signal),
    enabled: enabled && identifying,
    staleTime: 30_000,
  });
  return enabled && identifying ? (q.data ?? null) : null;
}

export function DuplicateWarning({ result }: { result: CheckDuplicatesResult | null }) {
  const { t } = useTranslation();
  if (!result || (!result.data.length && !result.hiddenMatches)) return null;
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="duplicate-warning"
      message={t('duplicates.warningTitle')}
      description={
        <Flex vertical gap={4}>
          {result.data.map((m) => (
            <Flex key={m.customer.id} gap={8} wrap align="center">
              <Link to={`/customers/${m.customer.id}`} target="_blank">
                {m.customer.name}
              </Link>
              <Typography.Text type="secondary">
                {[m.customer.city, m.customer.ownerName ?? (m.inPool ? t('duplicates.inPool') : null)].filter(Boolean).join(' · ')}
              </Typography.Text>
              <EvidenceTags evidence={m.evidence} />
              <Tag>{t('duplicates.confidence', { value: Math.round(m.confidence * 100) })}</Tag>
            </Flex>
          ))}
          {result.hiddenMatches ? <Typography.Text type="secondary">{t('duplicates.hiddenMatches', { count: result.hiddenMatches })}</Typography.Text> : null}
        </Flex>
      }
    />
  );
}
