// Receivables (回款): an order's balance and plan, its payments, the overdue list (外欠款预警) and
// the summaries. Every money value stays the API's decimal string.
import { useQuery, type QueryClient } from '@tanstack/react-query';
import type { OrderReceivable, OverdueRow, OverdueSummary, Payment, ReceivablesSummary } from '@guanxi/contracts';
import { api, type Page } from '../../api/client';

/** Every query about receivables starts with this key. */
export const receivablesKey = ['receivables'] as const;
/** The overdue list's resource for useCursorList (its query key starts with it). */
export const overdueResource = 'receivables/overdue';

export interface OverdueFilters {
  'filter[ownerId]'?: 'me' | number | undefined;
  'filter[departmentId]'?: number | undefined;
  'filter[minDays]'?: number | undefined;
}

export function useOrderReceivable(orderId: number) {
  return useQuery({ queryKey: [...receivablesKey, 'order', orderId], queryFn: ({ signal }) => api<OrderReceivable>(`/orders/${orderId}/receivable`, { signal }), enabled: orderId > 0 });
}

export function useOrderPayments(orderId: number) {
  return useQuery({
    queryKey: [...receivablesKey, 'payments', orderId],
    queryFn: ({ signal }) => api<Page<Payment>>('/payments', { query: { 'filter[orderId]': orderId, limit: 200, sort: '-receivedOn' }, signal }),
    enabled: orderId > 0,
  });
}

export function useOverdueSummary(groupBy: 'owner' | 'department', filters: OverdueFilters) {
  return useQuery({
    queryKey: [...receivablesKey, 'overdue-summary', groupBy, filters],
    queryFn: ({ signal }) => api<OverdueSummary>('/receivables/overdue/summary', { query: { groupBy, ...filters }, signal }),
  });
}

export function useReceivablesSummary(scope: 'me' | 'team') {
  return useQuery({ queryKey: [...receivablesKey, 'summary', scope], queryFn: ({ signal }) => api<ReceivablesSummary>('/receivables/summary', { query: { scope }, signal }) });
}

/** The most overdue instalments first, for the home page. */
export function useTopOverdue(scope: 'me' | 'team', limit: number) {
  return useQuery({
    queryKey: [...receivablesKey, 'top', scope, limit],
    queryFn: ({ signal }) => api<Page<OverdueRow>>('/receivables/overdue', { query: { limit, sort: '-daysOverdue', 'filter[ownerId]': scope === 'me' ? 'me' : undefined }, signal }),
  });
}

/** After money moved: balances, the overdue list and summaries, and the customer's timeline change. */
export function invalidateReceivables(client: QueryClient, orderId: number) {
  void client.invalidateQueries({ queryKey: receivablesKey });
  void client.invalidateQueries({ queryKey: [overdueResource] });
  void client.invalidateQueries({ queryKey: ['orders', 'one', orderId] });
  void client.invalidateQueries({ queryKey: ['customers'] });
}
