// Small pieces of the runs page: a run's status tag, its live progress bar, durations and phase names.
import { Progress, Tag, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { AnalyticsRun } from '@guanxi/contracts';
import type { Messages } from '../../i18n/en';

const statusColor: Record<AnalyticsRun['status'], string> = { running: 'processing', succeeded: 'success', failed: 'error' };

export function RunStatusTag({ status }: { status: AnalyticsRun['status'] }) {
  const { t } = useTranslation();
  return <Tag color={statusColor[status]}>{t(`analyticsAdmin.status.${status}`)}</Tag>;
}

/** 850 ms, 12.3 s, 2 min 05 s — in the user's language. */
export function formatDuration(t: TFunction, ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return t('analyticsAdmin.duration.ms', { n: ms });
  if (ms < 60_000) return t('analyticsAdmin.duration.s', { n: (ms / 1000).toFixed(1) });
  const s = Math.round(ms / 1000);
  return t('analyticsAdmin.duration.min', { m: Math.floor(s / 60), s: String(s % 60).padStart(2, '0') });
}

export function phaseLabel(t: TFunction, phase: string): string {
  const labels: Messages['analyticsAdmin']['phase'] = t('analyticsAdmin.phase', { returnObjects: true });
  return (labels as Record<string, string>)[phase] ?? phase;
}

/** The phases of a refresh in the order the server goes through them (refresh-analytics.ts). */
export const phases = ['start', 'aggregate', 'score', 'write', 'importance', 'model_check', 'warnings', 'rollups'] as const;

/**
 * Progress of a running run: each phase is an equal step of the bar and the rows done within the
 * phase fill its step, so the bar only moves forward.
 */
export function RunProgress({ run }: { run: AnalyticsRun }) {
  const { t } = useTranslation();
  const p = run.progress;
  const within = p && p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  const step = p ? phases.indexOf(p.phase as (typeof phases)[number]) : -1;
  const percent = Math.round(step < 0 ? within * 100 : ((step + within) / phases.length) * 100);
  return (
    <div style={{ marginTop: 12 }} data-testid={`run-progress-${run.id}`}>
      <Progress percent={percent} status="active" size="small" />
      <Typography.Text type="secondary">{p ? t('analyticsAdmin.progressPhase', { phase: phaseLabel(t, p.phase), done: p.done.toLocaleString(), total: p.total.toLocaleString() }) : t('analyticsAdmin.running')}</Typography.Text>
    </div>
  );
}
