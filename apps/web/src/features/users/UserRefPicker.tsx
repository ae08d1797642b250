// Picks one or several users through /users/lookup, which every logged-in user may read (owner,
// collaborator and assignee pickers). Chosen users stay visible by name while searching.
import { useMemo, useState } from 'react';
import { Select } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { UserRef } from '@guanxi/contracts';
import { api } from '../../api/client';

interface Common {
  known?: ReadonlyArray<{ id: number; name: string }>;
  placeholder?: string;
  style?: React.CSSProperties;
  exclude?: number;
  'data-testid'?: string;
}
type Single = Common & { mode?: undefined; value?: number | null; onChange?: (v: number | null) => void };
type Multiple = Common & { mode: 'multiple'; value?: number[]; onChange?: (v: number[]) => void };

export function UserRefPicker(props: Single | Multiple) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const search = useQuery({
    queryKey: ['users', 'lookup', 'q', q],
    queryFn: ({ signal }) => api<{ data: UserRef[] }>('/users/lookup', { query: { q, limit: 20 }, signal }),
    select: (r) => r.data.filter((u) => u.active),
    staleTime: 10_000,
  });
  const { known, exclude } = props;
  const options = useMemo(() => {
    const list = (search.data ?? [])
      .filter((u) => u.id !== exclude)
      .map((u) => ({ value: u.id, label: u.departmentName ? `${u.name} · ${u.departmentName}` : u.name }));
    for (const k of known ?? []) if (!list.some((o) => o.value === k.id)) list.push({ value: k.id, label: k.name });
    return list;
  }, [search.data, exclude, known]);
  const common = {
    showSearch: { filterOption: false, onSearch: setQ },
    allowClear: true,
    placeholder: props.placeholder ?? t('customers.pickUser'),
    loading: search.isFetching,
    options,
    notFoundContent: t('common.empty'),
    style: props.style,
    'data-testid': props['data-testid'],
  } as const;
  if (props.mode === 'multiple') {
    const { onChange } = props;
    return <Select<number[]> {...common} mode="multiple" value={props.value ?? []} onChange={(v) => onChange?.(v)} />;
  }
  const { onChange } = props;
  return <Select<number | null> {...common} value={props.value ?? null} onChange={(v) => onChange?.(v ?? null)} />;
}
