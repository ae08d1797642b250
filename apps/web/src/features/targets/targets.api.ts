// Sales targets over the API: progress reports (a month like 2026-11, a quarter like 2026-Q4, or
// `month` / `quarter` for the current one in the company's time zone) and the settings.
import { useQuery } from '@tanstack/react-query';
import type { MyTargetProgress, TargetProgressReport, TargetSettings } from '@guanxi/contracts';
import { api } from '../../api/client';

export const targetsKey = ['targets'] as const;

export function useTargetProgress(period: string, enabled = true) {
  return useQuery({
    queryKey: [...targetsKey, 'progress', period],
    queryFn: ({ signal }) => api<TargetProgressReport>('/targets/progress', { query: { period }, signal }),
    enabled,
  });
}

export function useMyTargetProgress(enabled = true) {
  return useQuery({ queryKey: [...targetsKey, 'progress', 'me'], queryFn: ({ signal }) => api<MyTargetProgress>('/targets/progress/me', { signal }), enabled });
}

export function useTargetSettings(enabled = true) {
  return useQuery({ queryKey: [...targetsKey, 'settings'], queryFn: () => api<TargetSettings>('/target-settings'), enabled });
}

/** `2026-11` or `2026-Q4` for the month or quarter starting on an ISO date. */
export function periodLabel(kind: 'month' | 'quarter', start: string): string {
  const year = start.slice(0, 4);
  const month = Number(start.slice(5, 7));
  return kind === 'month' ? start.slice(0, 7) : `${year}-Q${Math.floor((month - 1) / 3) + 1}`;
}
