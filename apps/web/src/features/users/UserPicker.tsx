// Picks a user by typing part of a name or email; keeps the current choice visible by name.
import { useMemo, useState } from 'react';
import { Select } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { User } from '@guanxi/contracts';
import { api, type Page } from '../../api/client';
import { usersKey } from './users.api';

export function UserPicker({ value, onChange, exclude, initial }: { value?: number | null; onChange?: (v: number | null) => void; exclude?: number; initial?: { id: number; name: string } | null }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const search = useQuery({
    queryKey: [...usersKey, 'pick', q],
    queryFn: ({ signal }) => api<Page<User>>('/users', { query: { q, limit: 20, sort: 'name', 'filter[active]': 'true' }, signal }),
    staleTime: 10_000,
  });
  const options = useMemo(() => {
    const list = (search.data?.data ?? []).filter((u) => u.id !== exclude).map((u) => ({ value: u.id, label: `${u.name} · ${u.email}` }));
    if (initial && !list.some((o) => o.value === initial.id)) list.unshift({ value: initial.id, label: initial.name });
    return list;
  }, [search.data, exclude, initial]);
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setQ }}
      allowClear
      value={value ?? undefined}
      onChange={(v: number | undefined) => onChange?.(v ?? null)}
      placeholder={t('users.managerPlaceholder')}
      loading={search.isFetching}
      options={options}
      notFoundContent={t('common.empty')}
    />
  );
}

