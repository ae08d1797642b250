// Early warnings over the API: one list per kind (overdue, progress, expense, churn) with the
// owner and period filters, and the open warnings that became tasks, grouped by owner.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { EarlyWarningKind, EarlyWarnings, OpenWarnings } from '@guanxi/contracts';
import { api } from '../../api/client';

export const warningsKey = ['analytics', 'warnings'] as const;

export interface WarningFilters {
  'filter[ownerId]'?: 'me' | number | undefined;
  /** Owners in this department or below it. */
  'filter[departmentId]'?: number | undefined;
  period?: string | undefined;
}

export function useEarlyWarnings<K extends EarlyWarningKind>(kind: K, filters: WarningFilters) {
  return useQuery({
    queryKey: [...warningsKey, 'early', kind, filters],
    queryFn: ({ signal }) => api<Extract<EarlyWarnings, { kind: K }>>('/analytics/early-warnings', { query: { kind, ...filters, limit: 200 }, signal }),
    placeholderData: keepPreviousData,
  });
}

export function useOpenWarnings(filters: Pick<WarningFilters, 'filter[ownerId]' | 'filter[departmentId]'>) {
  return useQuery({
    queryKey: [...warningsKey, 'open', filters],
    queryFn: ({ signal }) => api<OpenWarnings>('/analytics/warnings', { query: { ...filters, limit: 200 }, signal }),
    placeholderData: keepPreviousData,
  });
}
