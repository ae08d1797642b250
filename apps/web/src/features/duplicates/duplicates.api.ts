// Duplicates, merges and the create/edit check over the API.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CheckDuplicatesResult, CustomerMerge, MergeBody } from '@guanxi/contracts';
import { api } from '../../api/client';
import { customersKey } from '../customers/customers.api';

export const duplicatesKey = ['duplicates'] as const;
export const mergesKey = ['customers', 'merges'] as const;

export function useMerges(customerId?: number) {
  return useQuery({
    queryKey: [...mergesKey, customerId ?? null],
    queryFn: () => api<{ data: CustomerMerge[]; nextCursor: string | null }>('/customers/merges', { query: { limit: 100, 'filter[customerId]': customerId } }),
  });
}

function useInvalidateAll() {
  const client = useQueryClient();
  return () => {
    void client.invalidateQueries({ queryKey: duplicatesKey });
    void client.invalidateQueries({ queryKey: customersKey });
    void client.invalidateQueries({ queryKey: ['data-quality'] });
  };
}

export function useDismiss() {
  const invalidate = useInvalidateAll();
  return useMutation({ mutationFn: (id: number) => api<null>(`/duplicates/${id}/dismiss`, { method: 'POST' }), onSuccess: invalidate });
}

export function useMerge() {
  const invalidate = useInvalidateAll();
  return useMutation({ mutationFn: (body: MergeBody) => api<CustomerMerge>('/customers/merge', { method: 'POST', body }), onSuccess: invalidate });
}

export function useUndoMerge() {
  const invalidate = useInvalidateAll();
  return useMutation({ mutationFn: (id: number) => api<CustomerMerge>(`/customers/merges/${id}/undo`, { method: 'POST' }), onSuccess: invalidate });
}

export type CheckValues = { excludeId?: number; kind?: string; name?: string; mobile?: string; phone?: string; email?: string; creditCode?: string; province?: string; city?: string };
export const checkDuplicates = (values: CheckValues, signal?: AbortSignal) =>
  api<CheckDuplicatesResult>('/customers/check-duplicates', { method: 'POST', body: values, signal });
