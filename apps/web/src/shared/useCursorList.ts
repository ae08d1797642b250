// Cursor pagination for tables: the server returns `nextCursor`; we keep the cursor of every page
// visited so that "previous" works, and start again from page 1 whenever the filters change.
import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, type Page } from '../api/client';

type Params = Record<string, string | number | boolean | undefined>;

interface PagerState {
  key: string;
  cursors: Array<string | undefined>;
  page: number;
}

export type CursorList<T> = ReturnType<typeof useCursorList<T>>;

export function useCursorList<T>(resource: string, params: Params, pageSize: number) {
  const key = JSON.stringify([params, pageSize]);
  const [state, setState] = useState<PagerState>({ key, cursors: [undefined], page: 0 });
  const current = state.key === key ? state : { key, cursors: [undefined], page: 0 };
  if (current !== state) setState(current);

  const cursor = current.cursors[current.page];
  const query = useQuery({
    queryKey: [resource, 'list', params, pageSize, cursor ?? null],
    queryFn: ({ signal }) => api<Page<T>>(`/${resource}`, { query: { ...params, limit: pageSize, cursor }, signal }),
    placeholderData: keepPreviousData,
  });

  const nextCursor = query.data?.nextCursor ?? null;
  return {
    query,
    rows: query.data?.data ?? [],
    total: query.data?.total ?? 0,
    totalApproximate: query.data?.totalApproximate ?? false,
    page: current.page + 1,
    pageSize,
    hasPrevious: current.page > 0,
    hasNext: nextCursor !== null,
    next: () => {
      if (!nextCursor) return;
      const cursors = current.cursors.slice(0, current.page + 1);
      cursors.push(nextCursor);
      setState({ key, cursors, page: current.page + 1 });
    },
    previous: () => setState({ ...current, page: Math.max(0, current.page - 1) }),
  };
}
