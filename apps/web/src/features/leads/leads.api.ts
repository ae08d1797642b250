// Data access for leads (线索): query keys, reads the lead screens share, and the status colours.
import { useQuery } from '@tanstack/react-query';
import type { Lead, LeadDuplicates, LeadFollowUp, LeadSettings, LeadStatus } from '@guanxi/contracts';
import { api, type Page } from '../../api/client';

/** Every query about leads starts with this key, so one invalidation refreshes them all. */
export const leadsKey = ['leads'] as const;
export const leadFormsKey = ['lead-forms'] as const;

export const leadStatusColor: Record<LeadStatus, string> = { new: 'blue', contacted: 'cyan', qualified: 'green', disqualified: 'default', converted: 'purple' };

export function useLead(id: number) {
  return useQuery({ queryKey: [...leadsKey, 'one', id], queryFn: () => api<Lead>(`/leads/${id}`), enabled: id > 0 });
}

export function useLeadFollowUps(id: number) {
  return useQuery({ queryKey: [...leadsKey, 'follow-ups', id], queryFn: () => api<Page<LeadFollowUp>>(`/leads/${id}/follow-ups`, { query: { limit: 200 } }), enabled: id > 0 });
}

export function useLeadDuplicates(id: number, enabled: boolean) {
  return useQuery({ queryKey: [...leadsKey, 'duplicates', id], queryFn: () => api<LeadDuplicates>(`/leads/${id}/duplicates`), enabled: enabled && id > 0 });
}

export function useLeadSettings() {
  return useQuery({ queryKey: [...leadsKey, 'settings'], queryFn: () => api<LeadSettings>('/lead-settings') });
}

/** Where a public form lives: the direct link and the iframe snippet for another site. */
export function formUrls(publicKey: string, lang: 'zh-CN' | 'en') {
  const link = `${window.location.origin}/forms/leads/${encodeURIComponent(publicKey)}?lang=${lang}`;
  return { link, embed: `<iframe src="${link}" width="100%" height="640" style="border:0" loading="lazy" title="lead form"></iframe>` };
}
