// Small pieces the order pages share: status and approval tags, the customer and product
// pickers, money in table cells, and mapping the server's `lines.N.field` errors onto a Form.List.
import { useMemo, useState } from 'react';
import { Select, Tag, type FormInstance } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ApprovalStatus, Customer, OrderStatus, Product } from '@guanxi/contracts';
import { api, isApiError, type Page } from '../../api/client';
import { formatMoney } from '../../shared/format';
import { customersKey } from '../customers/customers.api';
import { useProductSearch } from '../products/products.api';

const statusColor: Record<OrderStatus, string> = { draft: 'default', confirmed: 'blue', fulfilled: 'green', cancelled: 'red' };
const approvalColor: Record<ApprovalStatus, string> = { none: 'default', pending: 'orange', approved: 'green', rejected: 'red' };

export function OrderStatusTag({ status }: { status: OrderStatus }) {
  const { t } = useTranslation();
  return <Tag color={statusColor[status]}>{t(`orders.status.${status}`)}</Tag>;
}

/** Nothing for orders that never needed approval. */
export function ApprovalTag({ status }: { status: ApprovalStatus }) {
  const { t } = useTranslation();
  if (status === 'none') return null;
  return <Tag color={approvalColor[status]}>{t(`orders.approvalStatus.${status}`)}</Tag>;
}

export function Money({ value, strong, muted }: { value: string | null | undefined; strong?: boolean; muted?: boolean }) {
  return (
    <span style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap', fontWeight: strong ? 600 : undefined, color: muted ? 'rgba(0,0,0,0.45)' : undefined }}>
      {formatMoney(value)}
    </span>
  );
}

export function CustomerSelect({ value, onChange, known, disabled, style }: { value?: number | null; onChange?: (v: number | null) => void; known?: { id: number; name: string } | null; disabled?: boolean; style?: React.CSSProperties }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const search = useQuery({
    queryKey: [...customersKey, 'pick', q],
    queryFn: ({ signal }) => api<Page<Customer>>('/customers', { query: { 'filter[name]': q || undefined, limit: 20, sort: 'name' }, signal }),
    staleTime: 10_000,
    enabled: !disabled,
  });
  const options = useMemo(() => {
    const list = (search.data?.data ?? []).map((c) => ({ value: c.id, label: c.name }));
    if (known && !list.some((o) => o.value === known.id)) list.push({ value: known.id, label: known.name });
    return list;
  }, [search.data, known]);
  return (
    <Select<number | null>
      showSearch={{ filterOption: false, onSearch: setQ }}
      allowClear
      value={value ?? null}
      onChange={(v) => onChange?.(v ?? null)}
      options={options}
      loading={search.isFetching}
      disabled={disabled}
      placeholder={t('orders.pickCustomer')}
      notFoundContent={t('common.empty')}
      style={style}
      data-testid="order-customer"
    />
  );
}

export function ProductSelect({ value, onChange, onProduct, known, testId }: { value?: number; onChange?: (v: number) => void; onProduct: (p: Product) => void; known?: { id: number; sku: string; name: string } | null; testId?: string }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const search = useProductSearch(q);
  const options = useMemo(() => {
    const list = (search.data ?? []).map((p) => ({ value: p.id, label: `${p.sku} · ${p.name}` }));
    if (known && !list.some((o) => o.value === known.id)) list.push({ value: known.id, label: `${known.sku} · ${known.name}` });
    return list;
  }, [search.data, known]);
  return (
    <Select<number>
      showSearch={{ filterOption: false, onSearch: setQ }}
      value={value}
      onChange={(id) => {
        onChange?.(id);
        const p = search.data?.find((x) => x.id === id);
        if (p) onProduct(p);
      }}
      options={options}
      loading={search.isFetching}
      placeholder={t('orders.pickProduct')}
      notFoundContent={t('common.empty')}
      style={{ width: '100%' }}
      popupMatchSelectWidth={360}
      data-testid={testId}
    />
  );
}

/**
 * Puts `lines.N.field` errors on the Form.List row (`rename` maps API names to form names, e.g.
 * discountRate → discountPercent) and other field errors on their fields. Returns whether any
 * detail found a field, so the caller can skip the generic toast.
 */
export function applyOrderErrors(form: FormInstance, error: unknown, heads: readonly string[], rename: Record<string, string> = {}, rowOf: (n: number) => number = (n) => n): boolean {
  if (!isApiError(error) || !error.details.length) return false;
  const fields: Array<{ name: (string | number)[]; errors: string[] }> = [];
  for (const d of error.details) {
    const parts = d.path.split('.');
    const [head, index, sub] = parts;
    if (head === undefined) continue;
    if (index !== undefined && /^\d+$/.test(index) && sub) fields.push({ name: [head, rowOf(Number(index)), rename[sub] ?? sub], errors: [d.message] });
    else if (parts.length === 1) fields.push({ name: [rename[head] ?? head], errors: [d.message] });
  }
  const known = fields.filter((f) => heads.includes(String(f.name[0])));
  if (!known.length) return false;
  form.setFields(known);
  return true;
}
