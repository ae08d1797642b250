// Create or edit an order's payment plan (回款计划): instalment rows whose amounts must add up to
// the order's receivable, checked in integer cents before anything is sent; "split evenly" spreads
// the receivable over N monthly instalments, the leftover cents on the last ones.
import { useEffect, useState } from 'react';
import { Alert, App, Button, Col, DatePicker, Flex, Form, Input, InputNumber, Modal, Row, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs, { type Dayjs } from 'dayjs';
import type { OrderReceivable, PaymentPlan } from '@guanxi/contracts';
import { api, isApiError } from '../../api/client';
import { formatMoney } from '../../shared/format';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { invalidateReceivables } from './receivables.api';
import { fromCents, splitEvenly, toCents } from './receivable-money';

interface Row {
  id?: number;
  dueDate?: Dayjs | null;
  amount?: string;
  note?: string | null;
  /** Already paid on a kept instalment: shown, and the floor of its amount. */
  paidAmount?: string;
}
interface Values {
  notes?: string | null;
  instalments: Row[];
}

/** Server refusals that explain themselves: their message (in the user's language) is shown as is. */
const explained = new Set(['sum_mismatch', 'below_paid', 'instalment_paid', 'order_not_owed', 'plan_exists']);

export function PaymentPlanForm({ open, receivable, onClose }: { open: boolean; receivable: OrderReceivable; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const [form] = Form.useForm<Values>();
  const [parts, setParts] = useState<number>(3);
  const [refusal, setRefusal] = useState<string | null>(null);
  const rows = Form.useWatch('instalments', form) ?? [];
  const target = toCents(receivable.receivable) ?? 0n;
  const editing = receivable.plan !== null;

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    setRefusal(null);
    form.setFieldsValue({
      notes: receivable.plan?.notes ?? '',
      instalments: editing
        ? receivable.instalments.map((i) => ({ id: i.id, dueDate: dayjs(i.dueDate), amount: i.amount, note: i.note ?? '', paidAmount: i.paidAmount }))
        : [{ dueDate: dayjs(receivable.orderDate).add(30, 'day'), amount: receivable.receivable, note: '' }],
    });
  }, [open, receivable, editing, form]);

  const amounts = rows.map((r) => toCents(r?.amount));
  const allValid = amounts.every((a) => a !== null && a > 0n);
  const sum = amounts.reduce<bigint>((s, a) => s + (a ?? 0n), 0n);
  const difference = sum - target;

  const split = () => {
    const current = (form.getFieldValue('instalments') as Row[] | undefined) ?? [];
    const first = current[0]?.dueDate ?? dayjs(receivable.orderDate).add(30, 'day');
    // rows keep their identity (and paid money) in order; due dates run monthly from the first
    const next = splitEvenly(target, parts).map((cents, i) => ({
      ...(current[i]?.id !== undefined ? { id: current[i]!.id, paidAmount: current[i]!.paidAmount } : {}),
      dueDate: current[i]?.dueDate ?? first.add(i, 'month'),
      amount: fromCents(cents),
      note: current[i]?.note ?? '',
    }));
    form.setFieldsValue({ instalments: next });
  };

  const save = useMutation({
    mutationFn: (v: Values) => {
      const instalments = v.instalments.map((r) => ({
        ...(r.id !== undefined ? { id: r.id } : {}),
        dueDate: r.dueDate!.format('YYYY-MM-DD'),
        amount: fromCents(toCents(r.amount)!),
        note: r.note?.trim() ? r.note.trim() : null,
      }));
      const notes = v.notes?.trim() ? v.notes.trim() : null;
      return receivable.plan
        ? api<PaymentPlan>(`/payment-plans/${receivable.plan.id}`, { method: 'PATCH', body: { version: receivable.plan.version, notes, instalments } })
        : api<PaymentPlan>('/payment-plans', { method: 'POST', body: { orderId: receivable.orderId, notes, instalments } });
    },
    onSuccess: () => {
      invalidateReceivables(client, receivable.orderId);
      void message.success(t('receivables.planSaved'));
      onClose();
    },
    onError: (e) => {
      if (isApiError(e) && e.details.some((d) => d.code !== undefined && explained.has(d.code))) {
        setRefusal(e.message);
        return;
      }
      onError(e, { form, onReload: () => invalidateReceivables(client, receivable.orderId) });
    },
  });

  const submit = async () => {
    await form.validateFields();
    if (!allValid || difference !== 0n) {
      setRefusal(t('receivables.sumMismatch', { receivable: formatMoney(receivable.receivable) }));
      return;
    }
    setRefusal(null);
    save.mutate(form.getFieldsValue(true) as Values);
  };

  const amountRule = {
    validator: (_: unknown, v: string | undefined) => {
      const c = toCents(v);
      return c !== null && c > 0n ? Promise.resolve() : Promise.reject(new Error(t('receivables.invalidAmount')));
    },
  };

  return (
    <Modal
      open={open}
      onCancel={onClose}
      title={editing ? t('receivables.editPlan') : t('receivables.createPlan')}
      width={760}
      destroyOnHidden
      footer={
        <Flex justify="space-between" align="center" gap={8} wrap>
          <Typography.Text type={difference === 0n && allValid ? 'success' : 'danger'} data-testid="plan-sum">
            {t('receivables.planSum', { sum: formatMoney(fromCents(sum)), receivable: formatMoney(receivable.receivable) })}
            {' · '}
            {difference === 0n && allValid ? t('receivables.planSumOk') : t('receivables.planSumOff', { diff: formatMoney(fromCents(difference)) })}
          </Typography.Text>
          <Flex gap={8}>
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button type="primary" loading={save.isPending} disabled={!allValid || difference !== 0n} onClick={() => void submit()} data-testid="plan-save">
              {t('common.save')}
            </Button>
          </Flex>
        </Flex>
      }
    >
      <Flex gap={8} align="center" wrap style={{ marginBottom: 16 }}>
        <Typography.Text>{t('receivables.splitEvenly')}</Typography.Text>
        <InputNumber min={1} max={60} precision={0} value={parts} onChange={(v) => setParts(v ?? 1)} style={{ width: 80 }} data-testid="plan-split-count" />
        <Typography.Text>{t('receivables.splitPeriods')}</Typography.Text>
        <Button onClick={split} data-testid="plan-split">
          {t('receivables.split')}
        </Button>
      </Flex>
      {refusal ? <Alert type="error" showIcon title={refusal} style={{ marginBottom: 16 }} data-testid="plan-error" /> : null}
      <Form form={form} name="payment-plan" layout="vertical" requiredMark={false} autoComplete="off">
        <Form.List name="instalments">
          {(items, { add, remove }) => (
            <>
              {items.map((item, index) => {
                const paid = rows[index]?.paidAmount;
                const paidCents = toCents(paid) ?? 0n;
                return (
                  <Row gutter={8} key={item.key} align="top">
                    <Col xs={4} md={2} style={{ paddingTop: 6 }}>
                      <Typography.Text type="secondary">{t('receivables.seqValue', { seq: index + 1 })}</Typography.Text>
                    </Col>
                    <Col xs={20} md={6}>
                      <Form.Item name={[item.name, 'dueDate']} rules={[{ required: true, message: t('validation.select', { field: t('receivables.dueDate') }) }]}>
                        <DatePicker style={{ width: '100%' }} placeholder={t('receivables.dueDate')} data-testid={`plan-due-${index}`} />
                      </Form.Item>
                    </Col>
                    <Col xs={12} md={6}>
                      <Form.Item
                        name={[item.name, 'amount']}
                        rules={[
                          amountRule,
                          {
                            validator: (_: unknown, v: string | undefined) =>
                              paidCents > 0n && (toCents(v) ?? 0n) < paidCents ? Promise.reject(new Error(t('receivables.belowPaid', { paid: formatMoney(paid) }))) : Promise.resolve(),
                          },
                        ]}
                        extra={paidCents > 0n ? t('receivables.alreadyPaid', { amount: formatMoney(paid) }) : undefined}
                      >
                        <Input prefix="¥" inputMode="decimal" placeholder={t('receivables.amount')} data-testid={`plan-amount-${index}`} />
                      </Form.Item>
                    </Col>
                    <Col xs={10} md={8}>
                      <Form.Item name={[item.name, 'note']}>
                        <Input maxLength={500} placeholder={t('receivables.note')} />
                      </Form.Item>
                    </Col>
                    <Col xs={2} md={2}>
                      <Button type="text" icon={<DeleteOutlined />} disabled={items.length <= 1 || paidCents > 0n} onClick={() => remove(item.name)} aria-label={t('common.delete')} />
                    </Col>
                  </Row>
                );
              })}
              <Button
                type="dashed"
                icon={<PlusOutlined />}
                onClick={() => {
                  const last = rows[rows.length - 1]?.dueDate;
                  const rest = target - sum;
                  add({ dueDate: last ? last.add(1, 'month') : dayjs().add(30, 'day'), amount: rest > 0n ? fromCents(rest) : '', note: '' });
                }}
                data-testid="plan-add"
              >
                {t('receivables.addInstalment')}
              </Button>
            </>
          )}
        </Form.List>
        <Form.Item name="notes" label={t('receivables.notes')} style={{ marginTop: 16 }}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
