// Queries and mutations of the service desk's tickets, shared by the queues, the ticket page and
// the customer's tickets tab.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { BusinessCalendarDto, CreateTicketStepBody, Department, SlaPolicy, Ticket, TicketDetail, afterSalesSubtypes, ticketChannels, ticketPriorities, ticketStatuses, ticketSteps, ticketTypes } from '@guanxi/contracts';
import { api, type Page } from '../../api/client';

export type TicketStatus = (typeof ticketStatuses)[number];
export type TicketPriority = (typeof ticketPriorities)[number];
export type TicketType = (typeof ticketTypes)[number];
export type TicketChannel = (typeof ticketChannels)[number];
export type TicketSubtype = (typeof afterSalesSubtypes)[number];
export type TicketStepName = (typeof ticketSteps)[number];
/** A step's body without the version, which the mutation adds. */
export type StepBody = CreateTicketStepBody extends infer B ? (B extends unknown ? Omit<B, 'version'> : never) : never;

/** Every query about tickets starts with this key (and the list's resource name is `tickets`). */
export const ticketsKey = ['tickets'] as const;
export const serviceSettingsKey = ['service-settings'] as const;
export const slaPoliciesKey = ['sla-policies'] as const;
export const calendarsKey = ['business-calendars'] as const;

export const statusColor: Record<TicketStatus, string> = { new: 'blue', open: 'processing', pending_customer: 'gold', resolved: 'green', closed: 'default' };
export const priorityColor: Record<TicketPriority, string> = { low: 'default', normal: 'blue', high: 'orange', urgent: 'red' };
export const typeColor: Record<TicketType, string> = { inquiry: 'cyan', complaint: 'volcano', suggestion: 'purple', after_sales: 'geekblue' };

export function useTicket(id: number) {
  return useQuery({ queryKey: [...ticketsKey, 'one', id], queryFn: () => api<TicketDetail>(`/tickets/${id}`), enabled: id > 0, retry: false });
}

export function useSlaPolicies() {
  return useQuery({ queryKey: slaPoliciesKey, queryFn: () => api<{ data: SlaPolicy[] }>('/sla-policies'), select: (r) => r.data, staleTime: 60_000 });
}

export function useCalendars() {
  return useQuery({ queryKey: calendarsKey, queryFn: () => api<{ data: BusinessCalendarDto[] }>('/business-calendars'), select: (r) => r.data, staleTime: 60_000 });
}

/** Teams are departments; every logged-in user may read the list. */
export function useTeams() {
  return useQuery({
    queryKey: ['departments', 'all'],
    queryFn: () => api<Page<Department>>('/departments', { query: { limit: 500, sort: 'name' } }),
    select: (page) => page.data,
    staleTime: 60_000,
  });
}

/** After a ticket changes: the ticket, the queues and their counts, visits and notices that follow from it. */
export function useInvalidateTickets() {
  const client = useQueryClient();
  return () => {
    void client.invalidateQueries({ queryKey: ticketsKey });
    void client.invalidateQueries({ queryKey: ['return-visits'] });
    void client.invalidateQueries({ queryKey: ['tasks'] });
  };
}

type Action =
  | { kind: 'status'; status: TicketStatus; note?: string | null }
  | { kind: 'assign'; assigneeId: number | null; teamId?: number | null }
  | { kind: 'step'; body: StepBody };

export function useTicketAction(ticket: Ticket | undefined) {
  const client = useQueryClient();
  const invalidate = useInvalidateTickets();
  return useMutation({
    mutationFn: async (a: Action): Promise<Ticket | TicketDetail> => {
      const id = ticket?.id ?? 0;
      const version = ticket?.version;
      if (a.kind === 'status') return api<Ticket>(`/tickets/${id}/status`, { method: 'POST', body: { status: a.status, ...(a.note ? { note: a.note } : {}), version } });
      if (a.kind === 'assign') return api<Ticket>(`/tickets/${id}/assign`, { method: 'POST', body: { assigneeId: a.assigneeId, ...(a.teamId !== undefined ? { teamId: a.teamId } : {}), version } });
      const saved = await api<Ticket>(`/tickets/${id}/steps`, { method: 'POST', body: { ...a.body, version } });
      // A step changes the step list as well as the ticket: take the whole ticket, so the page never
      // shows the new next step beside the old steps (an approval banner without its proposal).
      return api<TicketDetail>(`/tickets/${id}`).catch(() => saved);
    },
    onSuccess: (saved) => {
      client.setQueryData<TicketDetail>([...ticketsKey, 'one', saved.id], (old) => (old ? { ...old, ...saved } : old));
      invalidate();
    },
  });
}
