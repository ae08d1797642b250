// Scoring runs (/settings/analytics-runs, analytics.read): every refresh of the customer scores with
// mode, trigger, who, as-of, status, duration, customers scored and class changes; a drawer with a
// run's fitted models and counts; and, for analytics.manage, "refresh now" with live progress.
import { useEffect, useRef, useState } from 'react';
import { Alert, App, Button, Card, Empty, Flex, Table, Typography } from 'antd';
import { SyncOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { AnalyticsRun } from '@guanxi/contracts';
import { isApiError } from '../../api/client';
import { PageHeader } from '../../shared/PageHeader';
import { formatDate, formatDateTime } from '../../shared/format';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { useCan } from '../auth/session';
import { analyticsRunsKey, startRefresh, useAnalyticsRun, useAnalyticsRuns } from './analytics-admin.api';
import { customersOf, totalChanges } from './run-details';
import { RunProgress, RunStatusTag, formatDuration } from './run-bits';
import { RunDetailDrawer } from './RunDetailDrawer';

const count = (n: number | null) => (n === null ? '—' : n.toLocaleString());

/** The run in progress, polled every second; when it ends the list is fetched again. */
function ActiveRun({ runId, onOpen }: { runId: number; onOpen: (id: number) => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const run = useAnalyticsRun(runId);
  const status = run.data?.status;
  const seen = useRef(status);
  useEffect(() => {
    if (seen.current === 'running' && status && status !== 'running') void client.invalidateQueries({ queryKey: analyticsRunsKey, exact: true });
    seen.current = status;
  }, [status, client]);
  if (!run.data || run.data.status !== 'running') return null;
  return (
    <Card size="small" style={{ marginBottom: 16 }} data-testid="active-run">
      <Flex justify="space-between" align="center" gap={12} wrap>
        <Typography.Text strong>
          <SyncOutlined spin /> {t('analyticsAdmin.detailTitle', { id: run.data.id })} · {t(`analyticsAdmin.mode.${run.data.mode}`)} · {t('analyticsAdmin.running')}
        </Typography.Text>
        <Button size="small" onClick={() => onOpen(run.data.id)}>
          {t('analyticsAdmin.openRun')}
        </Button>
      </Flex>
      <RunProgress run={run.data} />
    </Card>
  );
}

/** Disabled while a run is known to be going; a run started elsewhere meanwhile still answers 409. */
function RefreshButtons({ running, onStarted }: { running: boolean; onStarted: (run: AnalyticsRun) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const refresh = useMutation({
    mutationFn: startRefresh,
    onSuccess: (run) => {
      void message.success(t('analyticsAdmin.refreshStarted'));
      onStarted(run);
      void client.invalidateQueries({ queryKey: analyticsRunsKey, exact: true });
    },
    onError: (e) => {
      // One run at a time: show the one already going instead.
      if (isApiError(e) && e.status === 409) {
        void message.warning(t('analyticsAdmin.alreadyRunning'));
        const running = e.current as AnalyticsRun | null | undefined;
        if (running?.id) onStarted(running);
        void client.invalidateQueries({ queryKey: analyticsRunsKey, exact: true });
      } else onError(e);
    },
  });
  const pending = refresh.isPending ? refresh.variables : null;
  return (
    <>
      <Button type="primary" icon={<ThunderboltOutlined />} loading={pending === 'full'} disabled={running || refresh.isPending} onClick={() => refresh.mutate('full')} data-testid="refresh-full">
        {t('analyticsAdmin.refreshFull')}
      </Button>
      <Button icon={<SyncOutlined />} loading={pending === 'incremental'} disabled={running || refresh.isPending} onClick={() => refresh.mutate('incremental')} data-testid="refresh-incremental">
        {t('analyticsAdmin.refreshIncremental')}
      </Button>
    </>
  );
}

export default function AnalyticsRunsPage() {
  const { t } = useTranslation();
  const can = useCan();
  const runs = useAnalyticsRuns();
  const [open, setOpen] = useState<number | null>(null);
  const [started, setStarted] = useState<number | null>(null);
  const rows = runs.data?.pages.flatMap((p) => p.data) ?? [];
  const activeId = rows.find((r) => r.status === 'running')?.id ?? started;
  const active = useAnalyticsRun(activeId);
  const running = active.data?.status === 'running';
  const manage = can('analytics.manage');

  return (
    <>
      <PageHeader title={t('analyticsAdmin.runsTitle')} description={t('analyticsAdmin.runsDescription')} extra={manage ? <RefreshButtons running={running} onStarted={(r) => setStarted(r.id)} /> : null} />
      {manage ? <Alert type="info" showIcon title={t('analyticsAdmin.refreshHint')} style={{ marginBottom: 16 }} /> : null}
      {activeId !== null ? <ActiveRun key={activeId} runId={activeId} onOpen={setOpen} /> : null}
      <div className="gx-panel">
        <Table<AnalyticsRun>
          rowKey="id"
          size="middle"
          loading={runs.isPending}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 960 }}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('analyticsAdmin.noRuns')} /> }}
          onRow={(r) => ({ onClick: () => setOpen(r.id), style: { cursor: 'pointer' }, 'data-testid': `run-row-${r.id}` } as React.HTMLAttributes<HTMLElement>)}
          data-testid="runs-table"
          columns={[
            { title: t('analyticsAdmin.col.startedAt'), dataIndex: 'startedAt', render: (v: string) => formatDateTime(v) },
            { title: t('analyticsAdmin.col.mode'), dataIndex: 'mode', render: (v: AnalyticsRun['mode']) => t(`analyticsAdmin.mode.${v}`) },
            { title: t('analyticsAdmin.col.trigger'), dataIndex: 'trigger', render: (v: AnalyticsRun['trigger']) => t(`analyticsAdmin.trigger.${v}`) },
            { title: t('analyticsAdmin.col.requestedBy'), dataIndex: 'requestedByName', render: (v: string | null) => v ?? t('analyticsAdmin.system') },
            { title: t('analyticsAdmin.col.asOf'), dataIndex: 'asOf', render: (v: string) => formatDate(v) },
            { title: t('analyticsAdmin.col.status'), dataIndex: 'status', render: (v: AnalyticsRun['status']) => <RunStatusTag status={v} /> },
            { title: t('analyticsAdmin.col.duration'), dataIndex: 'durationMs', align: 'right', render: (v: number | null) => formatDuration(t, v) },
            { title: t('analyticsAdmin.col.customers'), key: 'customers', align: 'right', render: (_, r) => count(customersOf(r)) },
            { title: t('analyticsAdmin.col.changes'), key: 'changes', align: 'right', render: (_, r) => count(totalChanges(r)) },
          ]}
        />
        {runs.hasNextPage ? (
          <Flex justify="center" style={{ marginTop: 12 }}>
            <Button onClick={() => void runs.fetchNextPage()} loading={runs.isFetchingNextPage}>
              {t('analyticsAdmin.loadMore')}
            </Button>
          </Flex>
        ) : null}
      </div>
      <RunDetailDrawer runId={open} onClose={() => setOpen(null)} />
    </>
  );
}
