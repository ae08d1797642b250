// Tasks over the API: the list resource (`tasks`), and completing a task in one click with the
// lists and the home page's reminders updated before the server answers.
import { App } from 'antd';
import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Reminders, Task } from '@guanxi/contracts';
import { api, type Page } from '../../api/client';
import { useMutationErrors } from '../../shared/useMutationErrors';

/** Every query about tasks starts with this key (the list's resource name is `tasks`). */
export const tasksKey = ['tasks'] as const;
export const remindersKey = ['home', 'reminders'] as const;

const isPage = (v: unknown): v is Page<Task> => typeof v === 'object' && v !== null && Array.isArray((v as Page<Task>).data);
const isReminders = (v: unknown): v is Reminders => typeof v === 'object' && v !== null && Array.isArray((v as Reminders).dueToday);

/** Ticks a task done (or open again). Lists show the change at once and roll back on failure. */
export function useSetTaskDone() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  return useMutation({
    mutationFn: ({ task, done }: { task: Task; done: boolean }) => api<Task>(`/tasks/${task.id}`, { method: 'PATCH', body: { done, version: task.version } }),
    onMutate: async ({ task, done }) => {
      await Promise.all([client.cancelQueries({ queryKey: tasksKey }), client.cancelQueries({ queryKey: remindersKey })]);
      const saved: Array<[QueryKey, unknown]> = [...client.getQueriesData({ queryKey: tasksKey }), ...client.getQueriesData({ queryKey: remindersKey })];
      for (const [key, data] of saved) {
        if (isPage(data)) client.setQueryData(key, { ...data, data: data.data.map((x) => (x.id === task.id ? { ...x, done } : x)) });
        if (isReminders(data) && done) {
          const inToday = data.dueToday.some((x) => x.id === task.id);
          const inOverdue = data.overdue.some((x) => x.id === task.id);
          client.setQueryData(key, {
            ...data,
            dueToday: data.dueToday.filter((x) => x.id !== task.id),
            overdue: data.overdue.filter((x) => x.id !== task.id),
            counts: { ...data.counts, dueToday: data.counts.dueToday - (inToday ? 1 : 0), overdue: data.counts.overdue - (inOverdue ? 1 : 0) },
          });
        }
      }
      return { saved };
    },
    onError: (e, _v, context) => {
      for (const [key, data] of context?.saved ?? []) client.setQueryData(key, data);
      onError(e, { onReload: () => void client.invalidateQueries({ queryKey: tasksKey }) });
    },
    onSuccess: (task) => {
      if (task.done) void message.success(t('reminders.doneToast', { title: task.title }));
    },
    onSettled: () => {
      void client.invalidateQueries({ queryKey: tasksKey });
      void client.invalidateQueries({ queryKey: ['home'] });
    },
  });
}
