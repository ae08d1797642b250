// Deals: the board, lists, one deal, moves and the forecast, over TanStack Query.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Board, Forecast, Opportunity, OpportunitySummary, PipelineSummary } from '@guanxi/contracts';
import { api } from '../../api/client';

export const opportunitiesKey = ['opportunities'] as const;

/** Owner, department and expected-close filters, shared by the board, the list and the forecast. */
export interface DealFilters {
  ownerId?: number | 'me' | undefined;
  departmentId?: number | undefined;
  closeFrom?: string | undefined;
  closeTo?: string | undefined;
}

export const filterQuery = (f: DealFilters) => ({
  'filter[ownerId]': f.ownerId,
  'filter[departmentId]': f.departmentId,
  'filter[closeFrom]': f.closeFrom,
  'filter[closeTo]': f.closeTo,
});

export const boardKey = (pipelineId: number | undefined, filters: DealFilters) => [...opportunitiesKey, 'board', pipelineId ?? 0, filters] as const;

export function useBoard(pipelineId: number | undefined, filters: DealFilters, perStage = 20) {
  return useQuery({
    queryKey: boardKey(pipelineId, filters),
    queryFn: ({ signal }) => api<Board>('/opportunities/board', { query: { pipelineId, perStage, ...filterQuery(filters) }, signal }),
  });
}

export function loadColumn(stageId: number, filters: DealFilters, cursor: string) {
  return api<{ data: OpportunitySummary[]; nextCursor: string | null }>(`/opportunities/board/stages/${stageId}`, { query: { cursor, limit: 20, ...filterQuery(filters) } });
}

export function useOpportunity(id: number) {
  return useQuery({ queryKey: [...opportunitiesKey, 'one', id], queryFn: () => api<Opportunity>(`/opportunities/${id}`), enabled: id > 0 });
}

/** `pipelineId` of another active pipeline moves the deal there, to `stageId` of that pipeline. */
export function moveOpportunity(id: number, body: { stageId: number; pipelineId?: number; version: number; reason?: string }) {
  return api<Opportunity>(`/opportunities/${id}/move`, { method: 'POST', body });
}

export function useInvalidateDeals() {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: opportunitiesKey });
}

export function useDeleteOpportunity() {
  const invalidate = useInvalidateDeals();
  return useMutation({ mutationFn: (id: number) => api<void>(`/opportunities/${id}`, { method: 'DELETE' }), onSuccess: () => void invalidate() });
}

/** `currency` undefined lets the server pick the one with the most deals in the period. */
export function useForecast(from: string, to: string, pipelineId: number | undefined, filters: DealFilters, currency?: string) {
  return useQuery({
    queryKey: [...opportunitiesKey, 'forecast', from, to, pipelineId ?? 0, filters, currency ?? ''],
    queryFn: ({ signal }) =>
      api<Forecast>('/opportunities/forecast', { query: { from, to, pipelineId, currency, 'filter[ownerId]': filters.ownerId, 'filter[departmentId]': filters.departmentId }, signal }),
  });
}

export function usePipelineSummary(scope: 'me' | 'team') {
  return useQuery({
    queryKey: [...opportunitiesKey, 'summary', scope],
    queryFn: ({ signal }) => api<PipelineSummary>('/opportunities/summary', { query: { scope }, signal }),
  });
}

/** Seconds as the largest whole unit: 3 d, 5 h, 12 min. */
export function durationParts(seconds: number): { unit: 'days' | 'hours' | 'minutes'; count: number } {
  if (seconds >= 86400) return { unit: 'days', count: Math.floor(seconds / 86400) };
  if (seconds >= 3600) return { unit: 'hours', count: Math.floor(seconds / 3600) };
  return { unit: 'minutes', count: Math.max(0, Math.floor(seconds / 60)) };
}
