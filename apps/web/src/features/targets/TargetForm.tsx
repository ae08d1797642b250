// Set or change a sales target (sales.manage): a user or a department, a month or a quarter, an
// amount and/or a count, and whether progress counts orders or payments received. Subject and
// period are what a target is: they are fixed once it exists.
import { useEffect } from 'react';
import { App, DatePicker, Form, Input, InputNumber, Modal, Radio, Select, Space, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs, { type Dayjs } from 'dayjs';
import { targetBases, type SalesTarget } from '@guanxi/contracts';
import { api } from '../../api/client';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { useDepartments } from '../departments/departments.api';
import { UserRefPicker } from '../users/UserRefPicker';
import { targetsKey, useTargetSettings } from './targets.api';

interface Values {
  subject: SalesTarget['subject'];
  userId?: number | null;
  departmentId?: number | null;
  period: SalesTarget['period'];
  periodDate: Dayjs;
  amountTarget?: string | null;
  countTarget?: number | null;
  basis: SalesTarget['basis'];
  notes?: string | null;
}

function periodStartOf(kind: SalesTarget['period'], d: Dayjs): string {
  const month = kind === 'month' ? d.month() : d.month() - (d.month() % 3);
  return d.month(month).date(1).format('YYYY-MM-DD');
}

export function TargetForm({ open, target, initial, onClose }: { open: boolean; target: SalesTarget | null; initial?: { period: SalesTarget['period']; periodStart: string; subject: SalesTarget['subject'] }; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const [form] = Form.useForm<Values>();
  const settings = useTargetSettings(open);
  const departments = useDepartments(open);
  const subject = Form.useWatch('subject', form);
  const period = Form.useWatch('period', form);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (target) {
      form.setFieldsValue({
        subject: target.subject,
        userId: target.userId,
        departmentId: target.departmentId,
        period: target.period,
        periodDate: dayjs(target.periodStart),
        amountTarget: target.amountTarget,
        countTarget: target.countTarget,
        basis: target.basis,
        notes: target.notes ?? '',
      });
    } else {
      form.setFieldsValue({
        subject: initial?.subject ?? 'user',
        period: initial?.period ?? 'month',
        periodDate: initial ? dayjs(initial.periodStart) : dayjs(),
        basis: settings.data?.defaultBasis ?? 'orders',
        notes: '',
      });
    }
  }, [open, target, initial, form, settings.data?.defaultBasis]);

  const save = useMutation({
    mutationFn: (v: Values) => {
      const measures = { amountTarget: v.amountTarget ? String(v.amountTarget) : null, countTarget: v.countTarget ?? null, basis: v.basis, notes: v.notes?.trim() ? v.notes.trim() : null };
      if (target) return api<SalesTarget>(`/targets/${target.id}`, { method: 'PATCH', body: { ...measures, version: target.version } });
      return api<SalesTarget>('/targets', {
        method: 'POST',
        body: {
          subject: v.subject,
          ...(v.subject === 'user' ? { userId: v.userId ?? null } : { departmentId: v.departmentId ?? null }),
          period: v.period,
          periodStart: periodStartOf(v.period, v.periodDate),
          ...measures,
        },
      });
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: targetsKey });
      void message.success(t('common.saved'));
      onClose();
    },
    onError: (e) => onError(e, { form, onReload: () => void client.invalidateQueries({ queryKey: targetsKey }) }),
  });

  const editing = target !== null;
  return (
    <Modal
      open={open}
      title={editing ? t('targets.edit') : t('targets.create')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'target-save' } as Record<string, string>}
    >
      <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)} requiredMark="optional" data-testid="target-form">
        <Form.Item name="subject" label={t('targets.subjectLabel')}>
          <Radio.Group disabled={editing} optionType="button" options={(['user', 'department'] as const).map((s) => ({ value: s, label: t(`targets.subject.${s}`) }))} />
        </Form.Item>
        {subject === 'department' ? (
          <Form.Item name="departmentId" label={t('targets.subject.department')} rules={[{ required: true, message: t('validation.required', { field: t('targets.subject.department') }) }]}>
            <Select
              disabled={editing}
              showSearch={{ optionFilterProp: 'label' }}
              loading={departments.isPending}
              options={(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
              data-testid="target-department"
            />
          </Form.Item>
        ) : (
          <Form.Item name="userId" label={t('targets.subject.user')} rules={[{ required: true, message: t('validation.required', { field: t('targets.subject.user') }) }]}>
            {editing ? <Input disabled value={target.subjectName ?? ''} /> : <UserRefPicker data-testid="target-user" />}
          </Form.Item>
        )}
        <Form.Item label={t('targets.period')} required>
          <Space.Compact style={{ display: 'flex' }}>
            <Form.Item name="period" noStyle>
              <Select disabled={editing} style={{ width: 110 }} options={(['month', 'quarter'] as const).map((k) => ({ value: k, label: t(`targets.periodKind.${k}`) }))} />
            </Form.Item>
            <Form.Item name="periodDate" noStyle rules={[{ required: true }]}>
              <DatePicker disabled={editing} picker={period === 'quarter' ? 'quarter' : 'month'} allowClear={false} style={{ flex: 1 }} data-testid="target-period" />
            </Form.Item>
          </Space.Compact>
        </Form.Item>
        <Form.Item name="amountTarget" label={t('targets.amountTarget')} extra={t('targets.measureHint')}>
          <InputNumber<string> stringMode min="0.01" precision={2} prefix="¥" style={{ width: '100%' }} data-testid="target-amount" />
        </Form.Item>
        <Form.Item name="countTarget" label={t('targets.countTarget')}>
          <InputNumber<number> min={1} precision={0} style={{ width: '100%' }} data-testid="target-count" />
        </Form.Item>
        <Form.Item name="basis" label={t('targets.basis')} extra={<Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('targets.basisHint')}</Typography.Text>}>
          <Radio.Group options={targetBases.map((b) => ({ value: b, label: t(`targets.basisKind.${b}`) }))} />
        </Form.Item>
        <Form.Item name="notes" label={t('targets.notes')}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
