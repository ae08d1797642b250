// The search box in the header: customers and contacts by any fragment of a name (Chinese
// included), phone, email or company; picking a hit opens the record.
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { AutoComplete, Button, Flex, Input, Modal, Tag, Typography } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { SearchHit } from '@guanxi/contracts';
import { api } from '../../api/client';
import { useCan } from '../auth/session';

function useDebounced(value: string, ms: number): string {
  const [v, setV] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setV(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return v;
}

function SearchBox({ onDone, autoFocus = false, width }: { onDone?: () => void; autoFocus?: boolean; width: number | string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 200);
  const search = useQuery({
    queryKey: ['search', q],
    queryFn: ({ signal }) => api<{ data: SearchHit[] }>('/search', { query: { q, limit: 12 }, signal }),
    enabled: q.length > 0,
    staleTime: 10_000,
  });
  const hits = search.data?.data ?? [];
  const group = (type: SearchHit['type']) => {
    const list = hits.filter((h) => h.type === type);
    if (!list.length) return [];
    return [
      {
        label: t(type === 'customer' ? 'search.customers' : 'search.contacts'),
        options: list.map((h) => ({
          value: `${h.type}:${h.id}`,
          label: (
            <Flex vertical data-testid="search-hit">
              <Typography.Text strong>{h.name}</Typography.Text>
              {h.subtitle ? (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {h.subtitle}
                </Typography.Text>
              ) : null}
            </Flex>
          ),
        })),
      },
    ];
  };
  const open = (value: string) => {
    const [type, id] = value.split(':');
    setText('');
    onDone?.();
    void navigate(type === 'contact' ? `/contacts/${id}` : `/customers/${id}`);
  };
  return (
    <AutoComplete
      value={text}
      onChange={setText}
      onSelect={open}
      options={[...group('customer'), ...group('contact')]}
      style={{ width }}
      popupMatchSelectWidth={Math.max(typeof width === 'number' ? width : 320, 320)}
      notFoundContent={q && !search.isFetching ? <Typography.Text type="secondary">{t('search.noHits')}</Typography.Text> : null}
      autoFocus={autoFocus}
    >
      <Input prefix={<SearchOutlined style={{ color: '#98a2b3' }} />} placeholder={t('search.placeholder')} allowClear data-testid="global-search" suffix={search.isFetching ? <Tag variant="filled">…</Tag> : null} />
    </AutoComplete>
  );
}

export function GlobalSearch({ compact }: { compact: boolean }) {
  const { t } = useTranslation();
  const can = useCan();
  const [open, setOpen] = useState(false);
  if (!can('customers.read')) return null;
  if (!compact) return <SearchBox width={300} />;
  return (
    <>
      <Button type="text" icon={<SearchOutlined />} aria-label={t('search.placeholder')} onClick={() => setOpen(true)} data-testid="open-search" />
      <Modal open={open} onCancel={() => setOpen(false)} footer={null} title={t('search.title')} destroyOnHidden>
        <SearchBox width="100%" autoFocus onDone={() => setOpen(false)} />
      </Modal>
    </>
  );
}
