// Small pieces the service pages share: status, priority and type tags, the SLA countdown, the
// team picker and the clock they tick on.
import { useEffect, useState } from 'react';
import { Tag, Tooltip, TreeSelect } from 'antd';
import { CheckCircleOutlined, ClockCircleOutlined, ExclamationCircleOutlined, PauseCircleOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { SlaPolicy, Ticket } from '@guanxi/contracts';
import { formatDateTime } from '../../shared/format';
import { buildTree } from '../departments/departments.api';
import { priorityColor, statusColor, typeColor, useTeams, type TicketPriority, type TicketStatus } from './tickets.api';

export function TicketStatusTag({ status }: { status: TicketStatus }) {
  const { t } = useTranslation();
  return <Tag color={statusColor[status]}>{t(`tickets.status.${status}`)}</Tag>;
}

export function PriorityTag({ priority }: { priority: TicketPriority }) {
  const { t } = useTranslation();
  return <Tag color={priorityColor[priority]}>{t(`tickets.priority.${priority}`)}</Tag>;
}

export function TypeTag({ ticket }: { ticket: Pick<Ticket, 'type' | 'subtype'> }) {
  const { t } = useTranslation();
  return (
    <Tag color={typeColor[ticket.type]} variant="outlined">
      {t(`tickets.type.${ticket.type}`)}
      {ticket.subtype ? ` · ${t(`tickets.subtype.${ticket.subtype}`)}` : ''}
    </Tag>
  );
}

/** The current time, re-read every `ms` so countdowns move without a refetch. */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(timer);
  }, [ms]);
  return now;
}

/** 2天3小时 / 2d 3h; below an hour, minutes. */
export function formatDuration(t: TFunction, ms: number): string {
  const minutes = Math.max(0, Math.round(Math.abs(ms) / 60_000));
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  // the English units end in a space so that they join as `2d 3h`
  if (d > 0) return (h ? `${t('tickets.dur.d', { n: d })}${t('tickets.dur.h', { n: h })}` : t('tickets.dur.d', { n: d })).trim();
  if (h > 0) return (m ? `${t('tickets.dur.h', { n: h })}${t('tickets.dur.m', { n: m })}` : t('tickets.dur.h', { n: h })).trim();
  return t('tickets.dur.m', { n: m });
}

/** Business minutes as 30小时20分 / 30h 20m (reports and policies): never days, since a business day is not 24 hours. */
export function formatMinutes(t: TFunction, minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined) return '—';
  const total = Math.round(minutes);
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (h === 0) return t('tickets.dur.m', { n: m });
  return (m ? `${t('tickets.dur.h', { n: h })}${t('tickets.dur.m', { n: m })}` : t('tickets.dur.h', { n: h })).trim();
}

export type ClockKind = 'firstResponse' | 'resolution';
export type ClockState = 'none' | 'achieved' | 'breached' | 'paused' | 'overdue' | 'near' | 'running';

export interface Clock {
  state: ClockState;
  dueAt: string | null;
  doneAt: string | null;
  /** Wall time left until the due time (negative: past it). */
  remainingMs: number | null;
}

/**
 * Where one SLA clock of a ticket stands now. The due times already count business hours only (the
 * server adds the policy's business minutes on its calendar), so the wall time left until one is
 * the real time left. Near breach: the server's flag (set by the SLA check) or, between checks, the
 * share of the allowed span the policy warns at (80 % unless the policy says otherwise).
 */
export function clockOf(ticket: Ticket, kind: ClockKind, now: number, policy?: Pick<SlaPolicy, 'nearBreachPercent'>): Clock {
  const sla = ticket.sla;
  const dueAt = kind === 'firstResponse' ? sla.firstResponseDueAt : sla.resolutionDueAt;
  const doneAt = kind === 'firstResponse' ? sla.firstRespondedAt : sla.resolvedAt;
  const verdict = kind === 'firstResponse' ? sla.firstResponse : sla.resolution;
  if (!dueAt) return { state: 'none', dueAt, doneAt, remainingMs: null };
  const remainingMs = Date.parse(dueAt) - now;
  if (verdict === 'achieved') return { state: 'achieved', dueAt, doneAt, remainingMs };
  if (verdict === 'breached' && doneAt) return { state: 'breached', dueAt, doneAt, remainingMs };
  if (sla.pausedSince || ticket.status === 'pending_customer') return { state: 'paused', dueAt, doneAt, remainingMs };
  if (verdict === 'breached' || remainingMs < 0) return { state: 'overdue', dueAt, doneAt, remainingMs };
  const span = Date.parse(dueAt) - Date.parse(ticket.createdAt);
  const warnShare = 1 - (policy?.nearBreachPercent ?? 80) / 100;
  const near = (sla.nearBreach && kind === activeClock(ticket)) || (span > 0 && remainingMs <= span * warnShare);
  return { state: near ? 'near' : 'running', dueAt, doneAt, remainingMs };
}

/**
 * The clock that matters now: the first response until there is one (also once it is overdue — a
 * breached first response is what the ticket is late on), then the resolution; a ticket resolved
 * without a reply shows how its resolution went.
 */
export function activeClock(ticket: Ticket): ClockKind {
  return ticket.sla.firstRespondedAt === null && ticket.sla.resolvedAt === null ? 'firstResponse' : 'resolution';
}

const clockColor: Record<ClockState, string> = { none: 'default', achieved: 'green', breached: 'red', paused: 'default', overdue: 'red', near: 'orange', running: 'blue' };

export function SlaTag({ ticket, kind, now, policy, withLabel, testId }: { ticket: Ticket; kind: ClockKind; now: number; policy?: Pick<SlaPolicy, 'nearBreachPercent'> | undefined; withLabel?: boolean; testId?: string }) {
  const { t } = useTranslation();
  const c = clockOf(ticket, kind, now, policy);

  let text: string;
  let icon = <ClockCircleOutlined />;
  switch (c.state) {
    case 'none':
      text = t('tickets.sla.none');
      icon = <></>;
      break;
    case 'achieved':
      text = t('tickets.sla.achieved');
      icon = <CheckCircleOutlined />;
      break;
    case 'breached':
      text = t('tickets.sla.breached');
      icon = <ExclamationCircleOutlined />;
      break;
    case 'paused':
      text = t('tickets.sla.paused');
      icon = <PauseCircleOutlined />;
      break;
    case 'overdue':
      // marked missed by the server while this browser's clock is not yet past the due time (clocks
      // differ a little, or the SLA check was run as of a later moment): missed, without a duration
      text = (c.remainingMs ?? 0) < 0 ? t('tickets.sla.overdueBy', { d: formatDuration(t, c.remainingMs ?? 0) }) : t('tickets.sla.breached');
      icon = <ExclamationCircleOutlined />;
      break;
    default:
      text = t('tickets.sla.left', { d: formatDuration(t, c.remainingMs ?? 0) });
  }
  const tip = c.dueAt
    ? [t('tickets.sla.dueAt', { at: formatDateTime(c.dueAt) }), c.doneAt ? t('tickets.sla.doneAt', { at: formatDateTime(c.doneAt) }) : null, c.state === 'paused' ? t('tickets.sla.pausedHelp') : null].filter(Boolean).join(' · ')
    : t('tickets.sla.noneHelp');
  return (
    <Tooltip title={tip}>
      <Tag color={clockColor[c.state]} icon={icon} data-testid={testId} data-state={c.state} style={{ marginInlineEnd: 0 }}>
        {withLabel ? t('tickets.sla.labelled', { label: t(`tickets.sla.${kind}Short`), text }) : text}
      </Tag>
    </Tooltip>
  );
}

/** A team (department) picker as a tree. */
export function TeamSelect({ value, onChange, style, placeholder, testId }: { value?: number | null; onChange?: (v: number | null) => void; style?: React.CSSProperties; placeholder?: string; testId?: string }) {
  const { t } = useTranslation();
  const teams = useTeams();
  return (
    <TreeSelect<number | null>
      allowClear
      treeDefaultExpandAll
      value={value ?? null}
      onChange={(v) => onChange?.(v ?? null)}
      treeData={buildTree(teams.data ?? [])}
      loading={teams.isFetching}
      placeholder={placeholder ?? t('tickets.field.team')}
      style={style}
      data-testid={testId}
    />
  );
}
