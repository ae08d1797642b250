// The targets report (销售目标): one month or quarter, a table per user and per department with
// target, actual, completion and the time elapsed, behind-schedule targets flagged (销售进度预警),
// and a bar chart of target against actual. Managers set targets and the settings here.
import { lazy, Suspense, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { App, Button, DatePicker, Empty, Flex, Popconfirm, Segmented, Skeleton, Table, Tabs, Tag, Typography, type TableProps } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined, SettingOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs, { type Dayjs } from 'dayjs';
import type { SalesTarget, TargetProgress } from '@guanxi/contracts';
import { api } from '../../api/client';
import { PageHeader } from '../../shared/PageHeader';
import { formatMoney } from '../../shared/format';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { useCan } from '../auth/session';
import { BehindTag, TargetProgressBars } from './TargetProgressBars';
import { TargetForm } from './TargetForm';
import { TargetSettingsModal } from './TargetSettingsModal';
import { periodLabel, targetsKey, useTargetProgress } from './targets.api';

const TargetChart = lazy(() => import('./TargetChart'));

const periodPattern = /^(\d{4}-(0[1-9]|1[0-2])|\d{4}-Q[1-4])$/;

export default function TargetReport() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const can = useCan();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const [params, setParams] = useSearchParams();
  const asked = params.get('period') ?? '';
  const [kind, setKind] = useState<'month' | 'quarter'>(asked.includes('Q') ? 'quarter' : 'month');
  const period = periodPattern.test(asked) && asked.includes('Q') === (kind === 'quarter') ? asked : kind;
  const report = useTargetProgress(period);
  const [subject, setSubject] = useState<SalesTarget['subject']>('user');
  const [editing, setEditing] = useState<SalesTarget | 'new' | null>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const manage = can('sales.manage');

  const data = report.data;
  const shownDate: Dayjs | null = data ? dayjs(data.periodStart) : null;
  const pick = (d: Dayjs | null) => {
    if (!d) return;
    const start = kind === 'month' ? d.date(1) : d.month(d.month() - (d.month() % 3)).date(1);
    setParams({ period: periodLabel(kind, start.format('YYYY-MM-DD')) }, { replace: true });
  };

  const remove = useMutation({
    mutationFn: (target: SalesTarget) => api<null>(`/targets/${target.id}`, { method: 'DELETE' }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: targetsKey });
      void message.success(t('targets.deleted'));
    },
    onError: (e) => onError(e),
  });

  const rows = useMemo(() => (data?.data ?? []).filter((p) => p.target.subject === subject), [data, subject]);
  const behind = (data?.data ?? []).filter((p) => p.behind).length;

  const columns: TableProps<TargetProgress>['columns'] = [
    {
      key: 'subject',
      title: subject === 'user' ? t('targets.subject.user') : t('targets.subject.department'),
      render: (_, p) => (
        <Flex vertical gap={2}>
          <Typography.Text strong>{p.target.subjectName ?? ''}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t(`targets.basisShort.${p.target.basis}`)}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      key: 'amount',
      title: t('targets.amountColumn'),
      align: 'right',
      render: (_, p) =>
        p.target.amountTarget ? (
          <Flex vertical gap={2} align="flex-end">
            <Typography.Text>{formatMoney(p.actualAmount)}</Typography.Text>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              / {formatMoney(p.target.amountTarget)}
            </Typography.Text>
          </Flex>
        ) : (
          <Typography.Text type="secondary">{formatMoney(p.actualAmount)}</Typography.Text>
        ),
    },
    {
      key: 'count',
      title: t('targets.countColumn'),
      align: 'right',
      render: (_, p) => (p.target.countTarget ? `${p.actualCount} / ${p.target.countTarget}` : <Typography.Text type="secondary">{p.actualCount}</Typography.Text>),
    },
    { key: 'progress', title: t('targets.completion'), width: 260, render: (_, p) => <TargetProgressBars p={p} tolerance={data?.tolerancePoints ?? 0} /> },
    { key: 'status', title: t('targets.status'), render: (_, p) => <BehindTag behind={p.behind} /> },
    ...(manage
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_: unknown, p: TargetProgress) => (
              <Flex gap={4}>
                <Button size="small" type="text" icon={<EditOutlined />} onClick={() => setEditing(p.target)} aria-label={t('common.edit')} data-testid="target-edit" />
                <Popconfirm title={t('targets.deleteConfirm')} okText={t('common.delete')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')} onConfirm={() => remove.mutateAsync(p.target).catch(() => undefined)}>
                  <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} data-testid="target-delete" />
                </Popconfirm>
              </Flex>
            ),
          },
        ]
      : []),
  ];

  return (
    <>
      <PageHeader
        title={t('targets.pageTitle')}
        description={t('targets.description')}
        extra={
          manage ? (
            <>
              <Button icon={<SettingOutlined />} onClick={() => setSettingsOpen(true)} data-testid="target-settings">
                {t('targets.settingsTitle')}
              </Button>
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="create-target">
                {t('targets.create')}
              </Button>
            </>
          ) : null
        }
      />
      <div className="gx-panel">
        <Flex gap={12} wrap align="center" justify="space-between" style={{ marginBottom: 16 }}>
          <Flex gap={12} wrap align="center">
            <Segmented<'month' | 'quarter'>
              value={kind}
              onChange={(k) => {
                setKind(k);
                setParams({}, { replace: true });
              }}
              options={[
                { value: 'month', label: t('targets.periodKind.month') },
                { value: 'quarter', label: t('targets.periodKind.quarter') },
              ]}
              data-testid="target-period-kind"
            />
            <DatePicker picker={kind} value={shownDate} onChange={pick} allowClear={false} data-testid="target-period-picker" />
          </Flex>
          {data ? (
            <Flex gap={8} wrap align="center">
              <Tag color="blue" data-testid="target-expected">
                {t('targets.timeProgress', { period: data.period, expected: data.expectedPercent })}
              </Tag>
              {behind ? (
                <Tag color="warning" data-testid="target-behind-count">
                  {t('targets.behindCount', { count: behind })}
                </Tag>
              ) : null}
            </Flex>
          ) : null}
        </Flex>
        <Tabs
          activeKey={subject}
          onChange={(k) => setSubject(k === 'department' ? 'department' : 'user')}
          items={[
            { key: 'user', label: <span data-testid="targets-tab-user">{t('targets.byUser')}</span> },
            { key: 'department', label: <span data-testid="targets-tab-department">{t('targets.byDepartment')}</span> },
          ]}
        />
        {rows.length ? (
          <Suspense fallback={<Skeleton active paragraph={{ rows: 6 }} />}>
            <TargetChart rows={rows} />
          </Suspense>
        ) : null}
        <Table<TargetProgress>
          rowKey={(p) => p.target.id}
          columns={columns}
          dataSource={rows}
          loading={report.isFetching}
          pagination={false}
          scroll={{ x: 'max-content' }}
          rowClassName={(p) => (p.behind ? 'gx-row-warning' : '')}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('targets.noneInPeriod')} /> }}
          data-testid="targets-table"
        />
      </div>
      <TargetForm
        open={editing !== null}
        target={editing === 'new' ? null : editing}
        initial={data ? { period: data.periodKind, periodStart: data.periodStart, subject } : undefined}
        onClose={() => setEditing(null)}
      />
      <TargetSettingsModal open={settingsOpen} onClose={() => setSettingsOpen(false)} />
    </>
  );
}
