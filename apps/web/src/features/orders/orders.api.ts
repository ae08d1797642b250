import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Order, OrderApprovalSettings, OpportunitySummary, PurchaseSummary } from '@guanxi/contracts';
import { api, type Page } from '../../api/client';
import { customersKey } from '../customers/customers.api';

/** Every query about orders starts with this key (and the list's resource name is `orders`). */
export const ordersKey = ['orders'] as const;
export const approvalSettingsKey = ['order-approval-settings'] as const;

export function useOrder(id: number) {
  return useQuery({ queryKey: [...ordersKey, 'one', id], queryFn: () => api<Order>(`/orders/${id}`), enabled: id > 0 });
}

export function usePurchaseSummary(customerId: number) {
  return useQuery({
    queryKey: [...ordersKey, 'purchase-summary', customerId],
    queryFn: () => api<PurchaseSummary>(`/customers/${customerId}/purchase-summary`),
    enabled: customerId > 0,
  });
}

export function useApprovalSettings() {
  return useQuery({ queryKey: approvalSettingsKey, queryFn: () => api<OrderApprovalSettings>('/order-approval-settings'), staleTime: 30_000 });
}

/** The customer's deals an order can win: open ones, plus the one already linked. */
export function useCustomerDeals(customerId: number | undefined) {
  return useQuery({
    queryKey: ['opportunities', 'for-order', customerId ?? 0],
    queryFn: ({ signal }) => api<Page<OpportunitySummary>>('/opportunities', { query: { 'filter[customerId]': customerId, limit: 100, sort: '-updatedAt' }, signal }),
    select: (p) => p.data.filter((o) => o.status !== 'lost'),
    enabled: (customerId ?? 0) > 0,
  });
}

/** After an order changes: the order, the lists, the customer's summary, timeline and deals. */
export function useInvalidateOrders() {
  const client = useQueryClient();
  return () => {
    void client.invalidateQueries({ queryKey: ordersKey });
    void client.invalidateQueries({ queryKey: customersKey });
    void client.invalidateQueries({ queryKey: ['opportunities'] });
    void client.invalidateQueries({ queryKey: ['tasks'] });
    // a return or a cancel changes what the customer owes
    void client.invalidateQueries({ queryKey: ['receivables'] });
  };
}

export type OrderActionName = 'confirm' | 'fulfil' | 'cancel' | 'approve' | 'reject';

export function useOrderAction(order: Order | undefined) {
  const invalidate = useInvalidateOrders();
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ action, note }: { action: OrderActionName; note?: string | undefined }) =>
      api<Order>(`/orders/${order?.id ?? 0}/${action}`, { method: 'POST', body: { version: order?.version, ...(note ? { note } : {}) } }),
    onSuccess: (saved) => {
      client.setQueryData([...ordersKey, 'one', saved.id], saved);
      invalidate();
    },
  });
}
