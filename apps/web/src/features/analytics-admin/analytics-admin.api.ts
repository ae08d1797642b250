// The analytics admin pages over the API: the versioned settings and their preview, the scoring
// runs, one run polled every second while it runs, and starting a refresh.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type { AnalyticsRun, analyticsRunList, AnalyticsSettings, AnalyticsSettingsPreview, AnalyticsSettingsRecord } from '@guanxi/contracts';
import { api } from '../../api/client';

type AnalyticsRunList = z.infer<typeof analyticsRunList>;

export const analyticsSettingsKey = ['analytics-settings'] as const;
export const analyticsRunsKey = ['analytics-runs'] as const;

export function useAnalyticsSettings() {
  return useQuery({ queryKey: analyticsSettingsKey, queryFn: ({ signal }) => api<AnalyticsSettingsRecord>('/analytics-settings', { signal }) });
}

export const saveAnalyticsSettings = (settings: AnalyticsSettings, version: number) =>
  api<AnalyticsSettingsRecord>('/analytics-settings', { method: 'PUT', body: { settings, version } });

export const previewAnalyticsSettings = (settings: AnalyticsSettings) =>
  api<AnalyticsSettingsPreview>('/analytics-settings/preview', { method: 'POST', body: { settings } });

/** Newest first, a page at a time ("load more"); looked at again every 5 s while a run is going. */
export function useAnalyticsRuns() {
  return useInfiniteQuery({
    queryKey: analyticsRunsKey,
    queryFn: ({ signal, pageParam }) => api<AnalyticsRunList>('/analytics/runs', { query: { limit: 20, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: (q) => (q.state.data?.pages.some((p) => p.data.some((r) => r.status === 'running')) ? 5000 : false),
  });
}

/** One run; while it is running it is fetched again every second, for the progress bar. */
export function useAnalyticsRun(id: number | null) {
  return useQuery({
    queryKey: [...analyticsRunsKey, id],
    queryFn: ({ signal }) => api<AnalyticsRun>(`/analytics/runs/${id}`, { signal }),
    enabled: id !== null,
    refetchInterval: (q) => (q.state.data?.status === 'running' ? 1000 : false),
  });
}

export const startRefresh = (mode: AnalyticsRun['mode']) => api<AnalyticsRun>('/analytics/refresh', { method: 'POST', body: { mode } });
