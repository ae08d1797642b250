// Create or edit a task: title, due date and time, assignee (someone in your data scope), the
// customer it concerns, priority and notes. A task about another record (an order, a lead) keeps
// that link; it is shown, not edited here.
import { useEffect, useMemo, useState } from 'react';
import { App, DatePicker, Form, Input, Modal, Segmented, Select, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs, { type Dayjs } from 'dayjs';
import { taskPriorities, type Customer, type Task } from '@guanxi/contracts';
import { api, type Page } from '../../api/client';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { useCurrentUser } from '../auth/session';
import { UserRefPicker } from '../users/UserRefPicker';
import { tasksKey } from './tasks.api';
import { TaskRelatedLink } from './task-display';

interface Values {
  title: string;
  dueAt: Dayjs;
  assigneeId: number | null;
  customerId: number | null;
  priority: Task['priority'];
  notes?: string | null;
}

function CustomerPicker({ value, onChange, known }: { value?: number | null; onChange?: (v: number | null) => void; known: { id: number; name: string } | null }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const search = useQuery({
    queryKey: ['customers', 'pick', q],
    queryFn: ({ signal }) => api<Page<Customer>>('/customers', { query: { 'filter[name]': q || undefined, limit: 20, sort: 'name' }, signal }),
    staleTime: 10_000,
  });
  const options = useMemo(() => {
    const list = (search.data?.data ?? []).map((c) => ({ value: c.id, label: c.name }));
    if (known && !list.some((o) => o.value === known.id)) list.push({ value: known.id, label: known.name });
    return list;
  }, [search.data, known]);
  return (
    <Select<number | null>
      showSearch={{ filterOption: false, onSearch: setQ }}
      allowClear
      value={value ?? null}
      onChange={(v) => onChange?.(v ?? null)}
      options={options}
      loading={search.isFetching}
      placeholder={t('tasks.pickCustomer')}
      notFoundContent={t('common.empty')}
      data-testid="task-customer"
    />
  );
}

/** Next full hour today, or 09:00 tomorrow when the working day is over. */
function defaultDue(): Dayjs {
  const next = dayjs().add(1, 'hour').startOf('hour');
  return next.hour() >= 19 || next.day() !== dayjs().day() ? dayjs().add(1, 'day').hour(9).startOf('hour') : next;
}

export function TaskForm({ open, task, customer, onClose }: { open: boolean; task: Task | null; customer?: { id: number; name: string }; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useCurrentUser();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const [form] = Form.useForm<Values>();
  const linkedElsewhere = task !== null && task.relatedType !== null && task.relatedType !== 'customer';

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (task) {
      form.setFieldsValue({ title: task.title, dueAt: dayjs(task.dueAt), assigneeId: task.assigneeId, customerId: task.customerId, priority: task.priority, notes: task.notes ?? '' });
    } else {
      form.setFieldsValue({ dueAt: defaultDue(), assigneeId: me.id, customerId: customer?.id ?? null, priority: 'normal', notes: '' });
    }
  }, [open, task, customer, form, me.id]);

  const save = useMutation({
    mutationFn: (v: Values) => {
      const body = {
        title: v.title.trim(),
        dueAt: v.dueAt.toISOString(),
        assigneeId: v.assigneeId ?? me.id,
        priority: v.priority,
        notes: v.notes?.trim() ? v.notes.trim() : null,
        ...(linkedElsewhere ? {} : { customerId: v.customerId ?? null }),
      };
      return task ? api<Task>(`/tasks/${task.id}`, { method: 'PATCH', body: { ...body, version: task.version } }) : api<Task>('/tasks', { method: 'POST', body });
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: tasksKey });
      void client.invalidateQueries({ queryKey: ['home'] });
      void message.success(t('common.saved'));
      onClose();
    },
    onError: (e) => onError(e, { form, onReload: () => void client.invalidateQueries({ queryKey: tasksKey }) }),
  });

  const knownCustomer = task?.customerId && task.customerName ? { id: task.customerId, name: task.customerName } : (customer ?? null);
  return (
    <Modal
      open={open}
      title={task ? t('tasks.edit') : t('tasks.create')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'task-save' } as Record<string, string>}
    >
      <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)} requiredMark="optional" data-testid="task-form">
        <Form.Item name="title" label={t('tasks.title')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('tasks.title') }) }, { max: 200 }]}>
          <Input autoFocus maxLength={200} data-testid="task-title" />
        </Form.Item>
        <Form.Item name="dueAt" label={t('tasks.dueAt')} rules={[{ required: true, message: t('validation.required', { field: t('tasks.dueAt') }) }]}>
          <DatePicker showTime={{ format: 'HH:mm', minuteStep: 5 }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} data-testid="task-due" />
        </Form.Item>
        <Form.Item name="assigneeId" label={t('tasks.assignee')}>
          <UserRefPicker known={[{ id: me.id, name: me.name }, ...(task ? [{ id: task.assigneeId, name: task.assigneeName ?? `#${task.assigneeId}` }] : [])]} data-testid="task-assignee" />
        </Form.Item>
        {linkedElsewhere && task ? (
          <Form.Item label={t('tasks.related')}>
            <TaskRelatedLink task={task} size={14} />
          </Form.Item>
        ) : (
          <Form.Item name="customerId" label={t('tasks.customer')}>
            <CustomerPicker known={knownCustomer} />
          </Form.Item>
        )}
        <Form.Item name="priority" label={t('tasks.priority')}>
          <Segmented options={taskPriorities.map((p) => ({ value: p, label: t(`enums.taskPriority.${p}`) }))} data-testid="task-priority" />
        </Form.Item>
        <Form.Item name="notes" label={t('tasks.notes')}>
          <Input.TextArea rows={3} maxLength={5000} />
        </Form.Item>
        {task && task.kind !== 'manual' ? <Typography.Text type="secondary">{t('tasks.generatedHint')}</Typography.Text> : null}
      </Form>
    </Modal>
  );
}
