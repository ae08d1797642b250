// Reminders on the home page: open tasks due today and overdue (follow-up dates, pool warnings,
// approvals, tasks made by hand), each with a link to the record it is about; ticking one closes
// it at once. `team` shows the others in the user's data scope, with per-person counts that open
// that person's task list.
import { Badge, Card, Checkbox, Empty, Flex, List, Table, Tag, Typography } from 'antd';
import { BellOutlined, PlusOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { Reminders as RemindersData, Task } from '@guanxi/contracts';
import { api } from '../../api/client';
import { formatDateTime } from '../../shared/format';
import { TaskForm } from '../tasks/TaskForm';
import { TaskKindTag, TaskRelatedLink } from '../tasks/task-display';
import { remindersKey, useSetTaskDone } from '../tasks/tasks.api';

type Scope = 'me' | 'team';
type ByAssignee = NonNullable<RemindersData['byAssignee']>[number];

export function useReminders(scope: Scope) {
  return useQuery({ queryKey: [...remindersKey, scope], queryFn: () => api<RemindersData>('/home/reminders', { query: { scope } }) });
}

/** The task list filtered as the number clicked says: whose, and which due state. */
export function taskListPath(scope: Scope, due: 'today' | 'overdue' | 'upcoming', assignee?: number): string {
  const q = new URLSearchParams({ due });
  if (scope === 'team') q.set('scope', 'team');
  if (assignee) q.set('assignee', String(assignee));
  return `/tasks?${q.toString()}`;
}

export function Reminders({ scope = 'me' }: { scope?: Scope }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const reminders = useReminders(scope);
  const setDone = useSetTaskDone();
  const [creating, setCreating] = useState(false);

  const list = (tasks: Task[], overdue: boolean) =>
    tasks.length ? (
      <List
        dataSource={tasks.slice(0, 8)}
        renderItem={(task) => (
          <List.Item data-testid="reminder">
            <Flex gap={12} align="flex-start" style={{ width: '100%' }}>
              <Checkbox checked={task.done} onChange={() => setDone.mutate({ task, done: true })} aria-label={t('reminders.markDone')} style={{ marginTop: 2 }} data-testid="reminder-done" />
              <div style={{ minWidth: 0, flex: 1 }}>
                <Flex gap={6} wrap align="center">
                  <Typography.Text strong>{task.title}</Typography.Text>
                  <TaskKindTag kind={task.kind} />
                  {task.priority === 'high' ? <Tag color="red">{t('enums.taskPriority.high')}</Tag> : null}
                </Flex>
                <Flex gap={12} wrap style={{ marginTop: 2 }}>
                  <Typography.Text type={overdue ? 'danger' : 'secondary'} style={{ fontSize: 13 }}>
                    {formatDateTime(task.dueAt)}
                  </Typography.Text>
                  {scope === 'team' && task.assigneeName ? (
                    <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                      {task.assigneeName}
                    </Typography.Text>
                  ) : null}
                  {task.relatedType === 'customer' && task.customerId && task.customerName ? (
                    <Typography.Link style={{ fontSize: 13 }} onClick={() => void navigate(`/customers/${task.customerId}`)} data-testid="reminder-customer">
                      {task.customerName}
                    </Typography.Link>
                  ) : (
                    <TaskRelatedLink task={task} />
                  )}
                </Flex>
              </div>
            </Flex>
          </List.Item>
        )}
      />
    ) : (
      <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={overdue ? t('reminders.noneOverdue') : t('reminders.noneToday')} />
    );

  const data = reminders.data;
  const section = (due: 'today' | 'overdue', count: number, tasks: Task[]) => (
    <div style={{ flex: '1 1 300px', minWidth: 0 }} data-testid={due === 'overdue' ? 'reminders-overdue' : 'reminders-today'}>
      <Flex align="center" gap={8} style={{ marginBottom: 4 }}>
        <Typography.Link strong onClick={() => void navigate(taskListPath(scope, due))} data-testid={`reminders-${due}-link`}>
          {due === 'overdue' ? t('reminders.overdue') : t('reminders.today')}
        </Typography.Link>
        <Badge count={count} showZero color={due === 'overdue' ? '#d92d20' : '#1d4ed8'} />
      </Flex>
      {list(tasks, due === 'overdue')}
      {count > Math.min(tasks.length, 8) ? (
        <Typography.Link style={{ fontSize: 13 }} onClick={() => void navigate(taskListPath(scope, due))}>
          {t('reminders.seeAll', { count })}
        </Typography.Link>
      ) : null}
    </div>
  );

  const count = (n: number, path: string, danger = false) =>
    n ? (
      <Typography.Link onClick={() => void navigate(path)} type={danger ? 'danger' : undefined} strong data-testid="reminders-drill">
        {n}
      </Typography.Link>
    ) : (
      <Typography.Text type="secondary">0</Typography.Text>
    );

  return (
    <Card
      title={
        <>
          <BellOutlined /> {scope === 'team' ? t('reminders.teamTitle') : t('reminders.title')}
        </>
      }
      loading={reminders.isPending}
      data-testid={scope === 'team' ? 'reminders-team' : 'reminders'}
      style={{ height: '100%' }}
      extra={
        <Flex gap={12} align="center">
          {data?.counts.upcoming ? (
            <Typography.Link type="secondary" onClick={() => void navigate(taskListPath(scope, 'upcoming'))} style={{ fontSize: 13 }}>
              {t('reminders.upcoming', { count: data.counts.upcoming })}
            </Typography.Link>
          ) : null}
          {scope === 'me' ? (
            <Typography.Link onClick={() => setCreating(true)} data-testid="reminders-add">
              <PlusOutlined /> {t('tasks.create')}
            </Typography.Link>
          ) : null}
        </Flex>
      }
    >
      {data ? (
        <Flex vertical gap={16}>
          {scope === 'team' ? (
            data.byAssignee?.length ? (
              <Table<ByAssignee>
                size="small"
                rowKey="userId"
                pagination={false}
                dataSource={data.byAssignee}
                scroll={{ x: 'max-content' }}
                data-testid="reminders-by-assignee"
                columns={[
                  { key: 'name', title: t('tasks.assignee'), render: (_, r) => r.name ?? `#${r.userId}` },
                  { key: 'overdue', title: t('reminders.overdue'), align: 'right', render: (_, r) => count(r.overdue, taskListPath('team', 'overdue', r.userId), true) },
                  { key: 'today', title: t('reminders.today'), align: 'right', render: (_, r) => count(r.dueToday, taskListPath('team', 'today', r.userId)) },
                  { key: 'upcoming', title: t('reminders.upcomingShort'), align: 'right', render: (_, r) => count(r.upcoming, taskListPath('team', 'upcoming', r.userId)) },
                ]}
              />
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('reminders.teamNone')} />
            )
          ) : null}
          <Flex gap={32} wrap>
            {section('today', data.counts.dueToday, data.dueToday)}
            {section('overdue', data.counts.overdue, data.overdue)}
          </Flex>
        </Flex>
      ) : null}
      <TaskForm open={creating} task={null} onClose={() => setCreating(false)} />
    </Card>
  );
}
