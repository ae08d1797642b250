// Data quality over the API: one customer's quality, mark verified, the dashboard summary.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CustomerQuality, QualitySummary } from '@guanxi/contracts';
import { api } from '../../api/client';

export function useCustomerQuality(id: number) {
  return useQuery({ queryKey: ['data-quality', 'customer', id], queryFn: () => api<CustomerQuality>(`/customers/${id}/quality`) });
}

export function useVerify(id: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (version: number) => api<CustomerQuality>(`/customers/${id}/verify`, { method: 'POST', body: { version } }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['data-quality'] });
      void client.invalidateQueries({ queryKey: ['customers'] });
    },
  });
}

export function useQualitySummary(groupBy: 'owner' | 'department') {
  return useQuery({ queryKey: ['data-quality', 'summary', groupBy], queryFn: () => api<QualitySummary>('/data-quality/summary', { query: { groupBy } }) });
}
