// Tasks (任务): my tasks and my team's, filtered by due (today, overdue, upcoming, done), kind,
// priority and assignee; one click completes a task. Generated reminders (follow-up dates, pool
// warnings, approvals) appear with their kind and a link to the record they are about. Filters
// live in the address so the home page can link straight to "overdue tasks of this person".
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { App, Button, Checkbox, Flex, Input, Popconfirm, Segmented, Select, Table, Tabs, Tag, Typography, type TableProps } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { taskKinds, taskPriorities, type Task } from '@guanxi/contracts';
import { api } from '../../api/client';
import { PageHeader } from '../../shared/PageHeader';
import { CursorPager } from '../../shared/CursorPager';
import { useCursorList } from '../../shared/useCursorList';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { formatDateTime } from '../../shared/format';
import { useCurrentUser } from '../auth/session';
import { UserRefPicker } from '../users/UserRefPicker';
import { TaskForm } from './TaskForm';
import { TaskKindTag, TaskRelatedLink } from './task-display';
import { tasksKey, useSetTaskDone } from './tasks.api';

const dueFilters = ['open', 'today', 'overdue', 'upcoming', 'done'] as const;
type DueFilter = (typeof dueFilters)[number];
const isDue = (s: string | null): s is DueFilter => (dueFilters as readonly string[]).includes(s ?? '');
const isKind = (s: string | null): s is Task['kind'] => (taskKinds as readonly string[]).includes(s ?? '');
const isPriority = (s: string | null): s is Task['priority'] => (taskPriorities as readonly string[]).includes(s ?? '');

function dueParams(due: DueFilter): Record<string, string> {
  switch (due) {
    case 'open':
      return { 'filter[done]': 'false' };
    case 'today':
      return { 'filter[due]': 'today', 'filter[done]': 'false' };
    case 'overdue':
      return { 'filter[due]': 'overdue' };
    case 'upcoming':
      return { 'filter[due]': 'upcoming', 'filter[done]': 'false' };
    case 'done':
      return { 'filter[done]': 'true', sort: '-dueAt' };
  }
}

export default function TaskList() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useCurrentUser();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const [params, setParams] = useSearchParams();
  const hasTeam = me.dataScope !== 'own';
  const scope = hasTeam && params.get('scope') === 'team' ? 'team' : 'mine';
  const due: DueFilter = isDue(params.get('due')) ? (params.get('due') as DueFilter) : 'open';
  const kindParam = params.get('kind');
  const kind = isKind(kindParam) ? kindParam : undefined;
  const priorityParam = params.get('priority');
  const priority = isPriority(priorityParam) ? priorityParam : undefined;
  const assigneeParam = Number(params.get('assignee'));
  const assignee = scope === 'team' && Number.isInteger(assigneeParam) && assigneeParam > 0 ? assigneeParam : undefined;
  const q = params.get('q') ?? '';
  const [pageSize, setPageSize] = useState(20);
  const [editing, setEditing] = useState<Task | 'new' | null>(null);

  const set = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace: true });
  };

  const list = useCursorList<Task>(
    'tasks',
    {
      'filter[scope]': scope,
      ...dueParams(due),
      'filter[kind]': kind,
      'filter[priority]': priority,
      'filter[assigneeId]': assignee,
      q: q || undefined,
    },
    pageSize,
  );
  const setDone = useSetTaskDone();
  const remove = useMutation({
    mutationFn: (task: Task) => api<null>(`/tasks/${task.id}`, { method: 'DELETE' }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: tasksKey });
      void client.invalidateQueries({ queryKey: ['home'] });
      void message.success(t('tasks.deleted'));
    },
    onError: (e) => onError(e),
  });

  const now = dayjs();
  const columns: TableProps<Task>['columns'] = [
    {
      key: 'done',
      width: 48,
      render: (_, task) => (
        <Checkbox
          checked={task.done}
          onChange={(e) => setDone.mutate({ task, done: e.target.checked })}
          aria-label={task.done ? t('tasks.reopen') : t('reminders.markDone')}
          data-testid="task-done"
        />
      ),
    },
    {
      key: 'title',
      title: t('tasks.title'),
      render: (_, task) => (
        <Flex vertical gap={2} style={{ minWidth: 200 }}>
          <Flex gap={6} wrap align="center">
            <Typography.Text strong delete={task.done} data-testid="task-title-cell">
              {task.title}
            </Typography.Text>
            {task.priority === 'high' ? <Tag color="red">{t('enums.taskPriority.high')}</Tag> : null}
          </Flex>
          {task.notes ? (
            <Typography.Text type="secondary" ellipsis={{ tooltip: task.notes }} style={{ fontSize: 13, maxWidth: 360 }}>
              {task.notes}
            </Typography.Text>
          ) : null}
        </Flex>
      ),
    },
    { key: 'kind', title: t('tasks.kind'), render: (_, task) => <TaskKindTag kind={task.kind} /> },
    {
      key: 'dueAt',
      title: t('tasks.dueAt'),
      render: (_, task) => (
        <Typography.Text type={!task.done && dayjs(task.dueAt).isBefore(now.startOf('day')) ? 'danger' : undefined} style={{ whiteSpace: 'nowrap' }}>
          {formatDateTime(task.dueAt)}
        </Typography.Text>
      ),
    },
    { key: 'related', title: t('tasks.related'), render: (_, task) => <TaskRelatedLink task={task} size={14} /> },
    ...(scope === 'team' ? [{ key: 'assignee', title: t('tasks.assignee'), render: (_: unknown, task: Task) => task.assigneeName ?? '' }] : []),
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, task) => (
        <Flex gap={4}>
          <Button size="small" type="text" icon={<EditOutlined />} onClick={() => setEditing(task)} aria-label={t('common.edit')} data-testid="task-edit" />
          <Popconfirm title={t('tasks.deleteConfirm')} okText={t('common.delete')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')} onConfirm={() => remove.mutateAsync(task).catch(() => undefined)}>
            <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} data-testid="task-delete" />
          </Popconfirm>
        </Flex>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('tasks.pageTitle')}
        description={t('tasks.description')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="create-task">
            {t('tasks.create')}
          </Button>
        }
      />
      <div className="gx-panel">
        {hasTeam ? (
          <Tabs
            activeKey={scope}
            onChange={(k) => set({ scope: k === 'team' ? 'team' : undefined, assignee: undefined })}
            items={[
              { key: 'mine', label: <span data-testid="tasks-tab-mine">{t('tasks.mine')}</span> },
              { key: 'team', label: <span data-testid="tasks-tab-team">{t('tasks.team')}</span> },
            ]}
          />
        ) : null}
        <Flex gap={12} wrap style={{ marginBottom: 16 }} align="center">
          <Segmented<DueFilter>
            value={due}
            onChange={(v) => set({ due: v === 'open' ? undefined : v })}
            options={dueFilters.map((d) => ({ value: d, label: t(`tasks.due.${d}`) }))}
            data-testid="tasks-due"
          />
          <Select<Task['kind']>
            allowClear
            value={kind}
            onChange={(v) => set({ kind: v })}
            placeholder={t('tasks.kind')}
            options={taskKinds.map((k) => ({ value: k, label: t(`enums.taskKind.${k}`) }))}
            style={{ width: 150 }}
            data-testid="tasks-kind"
          />
          <Select<Task['priority']>
            allowClear
            value={priority}
            onChange={(v) => set({ priority: v })}
            placeholder={t('tasks.priority')}
            options={taskPriorities.map((p) => ({ value: p, label: t(`enums.taskPriority.${p}`) }))}
            style={{ width: 120 }}
            data-testid="tasks-priority"
          />
          {scope === 'team' ? (
            <UserRefPicker value={assignee ?? null} onChange={(v) => set({ assignee: v ? String(v) : undefined })} exclude={me.id} placeholder={t('tasks.assignee')} style={{ width: 200 }} data-testid="tasks-assignee" />
          ) : null}
          <Input.Search allowClear defaultValue={q} placeholder={t('tasks.search')} onSearch={(v) => set({ q: v.trim() || undefined })} style={{ width: 220 }} />
        </Flex>
        <Table<Task>
          rowKey="id"
          columns={columns}
          dataSource={list.rows}
          loading={list.query.isFetching && !setDone.isPending}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('tasks.empty') }}
          data-testid="tasks-table"
        />
        <CursorPager list={list} onPageSizeChange={setPageSize} />
      </div>
      <TaskForm open={editing !== null} task={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
    </>
  );
}
