// Record a payment received (登记回款) on an order: the amount starts at the open balance and may
// not exceed it (checked in cents here, and under a row lock on the server); the server allocates
// it to the instalments oldest due first.
import { useEffect, useState } from 'react';
import { Alert, App, DatePicker, Form, Input, Modal, Select } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs, { type Dayjs } from 'dayjs';
import { paymentMethods, type OrderReceivable, type Payment, type PaymentMethod } from '@guanxi/contracts';
import { api, isApiError } from '../../api/client';
import { formatMoney } from '../../shared/format';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { invalidateReceivables } from './receivables.api';
import { fromCents, toCents } from './receivable-money';

interface Values {
  amount: string;
  receivedOn: Dayjs;
  method: PaymentMethod;
  reference?: string;
  notes?: string;
}

const explained = new Set(['exceeds_balance', 'order_not_owed', 'exceeds_open', 'sum_mismatch']);

export function PaymentForm({ open, receivable, onClose }: { open: boolean; receivable: OrderReceivable; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const [form] = Form.useForm<Values>();
  const [refusal, setRefusal] = useState<string | null>(null);
  const balance = toCents(receivable.balance) ?? 0n;

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    setRefusal(null);
    form.setFieldsValue({ amount: receivable.balance, receivedOn: dayjs(), method: 'bank_transfer', reference: '', notes: '' });
  }, [open, receivable.balance, form]);

  const save = useMutation({
    mutationFn: (v: Values) =>
      api<Payment>('/payments', {
        method: 'POST',
        body: {
          orderId: receivable.orderId,
          amount: fromCents(toCents(v.amount)!),
          receivedOn: v.receivedOn.format('YYYY-MM-DD'),
          method: v.method,
          reference: v.reference?.trim() ? v.reference.trim() : null,
          notes: v.notes?.trim() ? v.notes.trim() : null,
        },
      }),
    onSuccess: (p) => {
      invalidateReceivables(client, receivable.orderId);
      void message.success(t('receivables.paymentSaved', { amount: formatMoney(p.amount) }));
      onClose();
    },
    onError: (e) => {
      if (isApiError(e) && e.details.some((d) => d.code !== undefined && explained.has(d.code))) {
        setRefusal(e.message);
        // the balance may have changed under us (another payment): show the current one
        invalidateReceivables(client, receivable.orderId);
        return;
      }
      onError(e, { form });
    },
  });

  return (
    <Modal
      open={open}
      onCancel={onClose}
      title={t('receivables.recordPayment')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      okButtonProps={{ loading: save.isPending, ...({ 'data-testid': 'payment-save' } as Record<string, string>) }}
      destroyOnHidden
    >
      {refusal ? <Alert type="error" showIcon title={refusal} style={{ marginBottom: 16 }} data-testid="payment-error" /> : null}
      <Form form={form} name="payment" layout="vertical" requiredMark="optional" onFinish={() => save.mutate(form.getFieldsValue(true) as Values)} autoComplete="off">
        <Form.Item
          name="amount"
          label={t('receivables.amount')}
          extra={t('receivables.balanceHint', { balance: formatMoney(receivable.balance) })}
          rules={[
            {
              validator: (_: unknown, v: string | undefined) => {
                const c = toCents(v);
                if (c === null || c <= 0n) return Promise.reject(new Error(t('receivables.invalidAmount')));
                if (c > balance) return Promise.reject(new Error(t('receivables.overBalance', { balance: formatMoney(receivable.balance) })));
                return Promise.resolve();
              },
            },
          ]}
        >
          <Input prefix="¥" inputMode="decimal" data-testid="payment-amount" />
        </Form.Item>
        <Form.Item name="receivedOn" label={t('receivables.receivedOn')} rules={[{ required: true, message: t('validation.select', { field: t('receivables.receivedOn') }) }]}>
          <DatePicker style={{ width: '100%' }} data-testid="payment-date" />
        </Form.Item>
        <Form.Item name="method" label={t('receivables.method')} rules={[{ required: true, message: t('validation.select', { field: t('receivables.method') }) }]}>
          <Select options={paymentMethods.map((m) => ({ value: m, label: t(`receivables.methods.${m}`) }))} data-testid="payment-method" />
        </Form.Item>
        <Form.Item name="reference" label={t('receivables.reference')}>
          <Input maxLength={200} data-testid="payment-reference" />
        </Form.Item>
        <Form.Item name="notes" label={t('receivables.notes')}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Void a payment with a reason; its allocations go back to the instalments. */
export function VoidPaymentModal({ payment, orderId, onClose }: { payment: Payment | null; orderId: number; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const [form] = Form.useForm<{ reason: string }>();
  const run = useMutation({
    mutationFn: (v: { reason: string }) => api<Payment>(`/payments/${payment!.id}/void`, { method: 'POST', body: { version: payment!.version, reason: v.reason.trim() } }),
    onSuccess: () => {
      invalidateReceivables(client, orderId);
      void message.success(t('receivables.voidedToast'));
      onClose();
    },
    onError: (e) => onError(e, { form, onReload: () => { invalidateReceivables(client, orderId); onClose(); } }),
  });
  return (
    <Modal
      open={payment !== null}
      onCancel={onClose}
      title={payment ? t('receivables.voidTitle', { amount: formatMoney(payment.amount) }) : ''}
      okText={t('receivables.void')}
      okButtonProps={{ danger: true, loading: run.isPending, ...({ 'data-testid': 'payment-void-confirm' } as Record<string, string>) }}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={(v) => run.mutate(v)} autoComplete="off">
        <Form.Item name="reason" label={t('receivables.voidReason')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('receivables.voidReason') }) }]}>
          <Input maxLength={500} data-testid="payment-void-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
