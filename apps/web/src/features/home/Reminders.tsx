// Reminders on the home page: the user's open tasks due today and overdue (follow-up dates,
// pool warnings, tasks made by hand), each with a link to its customer; ticking one closes it.
import { App, Badge, Card, Checkbox, Empty, Flex, List, Tag, Typography } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { Reminders as RemindersData, Task } from '@guanxi/contracts';
import { api } from '../../api/client';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { formatDateTime } from '../../shared/format';

export const remindersKey = ['home', 'reminders'] as const;

export function Reminders() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const reminders = useQuery({ queryKey: remindersKey, queryFn: () => api<RemindersData>('/home/reminders') });
  const done = useMutation({
    mutationFn: (task: Task) => api<Task>(`/tasks/${task.id}`, { method: 'PATCH', body: { done: true, version: task.version } }),
    onSuccess: (task) => {
      void client.invalidateQueries({ queryKey: ['home'] });
      void message.success(t('reminders.doneToast', { title: task.title }));
    },
    onError: (e) => onError(e, { onReload: () => void client.invalidateQueries({ queryKey: ['home'] }) }),
  });

  const list = (tasks: Task[], overdue: boolean) =>
    tasks.length ? (
      <List
        dataSource={tasks}
        renderItem={(task) => (
          <List.Item data-testid="reminder">
            <Flex gap={12} align="flex-start" style={{ width: '100%' }}>
              <Checkbox onChange={() => done.mutate(task)} aria-label={t('reminders.markDone')} style={{ marginTop: 2 }} />
              <div style={{ minWidth: 0, flex: 1 }}>
                <Flex gap={6} wrap align="center">
                  <Typography.Text strong>{task.title}</Typography.Text>
                  <Tag color={task.kind === 'pool_warning' ? 'orange' : task.kind === 'follow_up' ? 'blue' : 'default'}>{t(`enums.taskKind.${task.kind}`)}</Tag>
                  {task.priority === 'high' ? <Tag color="red">{t('enums.taskPriority.high')}</Tag> : null}
                </Flex>
                <Flex gap={12} wrap style={{ marginTop: 2 }}>
                  <Typography.Text type={overdue ? 'danger' : 'secondary'} style={{ fontSize: 13 }}>
                    {formatDateTime(task.dueAt)}
                  </Typography.Text>
                  {task.customerId && task.customerName ? (
                    <Typography.Link style={{ fontSize: 13 }} onClick={() => void navigate(`/customers/${task.customerId}`)} data-testid="reminder-customer">
                      {task.customerName}
                    </Typography.Link>
                  ) : null}
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
  const section = (label: string, count: number, tasks: Task[], overdue: boolean) => (
    <div style={{ flex: '1 1 320px', minWidth: 0 }} data-testid={overdue ? 'reminders-overdue' : 'reminders-today'}>
      <Flex align="center" gap={8} style={{ marginBottom: 4 }}>
        <Typography.Text strong>{label}</Typography.Text>
        <Badge count={count} showZero color={overdue ? '#d92d20' : '#1d4ed8'} />
      </Flex>
      {list(tasks, overdue)}
    </div>
  );
  return (
    <Card title={<><BellOutlined /> {t('reminders.title')}</>} loading={reminders.isPending} data-testid="reminders" extra={data ? <Typography.Text type="secondary">{t('reminders.upcoming', { count: data.counts.upcoming })}</Typography.Text> : null}>
      {data ? (
        <Flex gap={32} wrap>
          {section(t('reminders.today'), data.counts.dueToday, data.dueToday, false)}
          {section(t('reminders.overdue'), data.counts.overdue, data.overdue, true)}
        </Flex>
      ) : null}
    </Card>
  );
}
