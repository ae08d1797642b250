// Record a return (退货) on a confirmed or fulfilled order: how much of each line comes back, why
// and when. The server computes each line's share of the amount and refuses more than remains.
import { useEffect, useMemo } from 'react';
import { App, DatePicker, Form, Input, Modal, Table, Typography, type TableProps } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs, { type Dayjs } from 'dayjs';
import type { Order, OrderLine } from '@guanxi/contracts';
import { api, isApiError } from '../../api/client';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { Money } from './order-bits';
import { parseDecimal } from './order-money';
import { ordersKey, useInvalidateOrders } from './orders.api';

interface Values {
  returnedOn: Dayjs;
  reason: string;
  qty: Record<string, string | undefined>;
}

const qtyPattern = /^\d{1,11}(\.\d{1,3})?$/;

/** quantity − returned, both with 3 decimals, as text without trailing zeros. */
function remainingOf(l: OrderLine): string {
  const left = (parseDecimal(l.quantity) ?? 0n) - (parseDecimal(l.returnedQuantity) ?? 0n); // ten-thousandths
  const int = left / 10000n;
  const frac = (left % 10000n).toString().padStart(4, '0').replace(/0+$/, '');
  return frac ? `${int}.${frac}` : `${int}`;
}

export function ReturnModal({ open, order, onClose }: { open: boolean; order: Order; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const invalidate = useInvalidateOrders();
  const onError = useMutationErrors();
  const [form] = Form.useForm<Values>();
  const lines = useMemo(() => order.lines.filter((l) => remainingOf(l) !== '0'), [order.lines]);

  useEffect(() => {
    if (open) {
      form.resetFields();
      form.setFieldsValue({ returnedOn: dayjs(), reason: '', qty: {} });
    }
  }, [open, form]);

  const save = useMutation({
    mutationFn: (v: Values) => {
      const chosen = lines.filter((l) => v.qty[String(l.id)]?.trim()).map((l) => ({ lineId: l.id, quantity: v.qty[String(l.id)]!.trim() }));
      return api<Order>(`/orders/${order.id}/returns`, { method: 'POST', body: { returnedOn: v.returnedOn.format('YYYY-MM-DD'), reason: v.reason.trim(), lines: chosen, version: order.version } });
    },
    onSuccess: (saved) => {
      client.setQueryData([...ordersKey, 'one', saved.id], saved);
      invalidate();
      void message.success(t('orders.toast.returnToast', { number: saved.number }));
      onClose();
    },
    onError: (e) => {
      const v = form.getFieldsValue(true) as Values;
      const chosen = lines.filter((l) => v.qty[String(l.id)]?.trim());
      // The server names lines by their index in what was sent (lines.N.quantity); the form by line id.
      if (isApiError(e) && e.details.length) {
        const fields = e.details.flatMap((d) => {
          const m = /^lines\.(\d+)\.\w+$/.exec(d.path);
          const line = m ? chosen[Number(m[1])] : undefined;
          if (line) return [{ name: ['qty', String(line.id)], errors: [d.message] }];
          return d.path === 'reason' || d.path === 'returnedOn' ? [{ name: [d.path], errors: [d.message] }] : [];
        });
        if (fields.length) {
          form.setFields(fields as Parameters<typeof form.setFields>[0]);
          return;
        }
      }
      onError(e, { onReload: () => void client.invalidateQueries({ queryKey: [...ordersKey, 'one', order.id] }) });
    },
  });

  const columns: TableProps<OrderLine>['columns'] = [
    { key: 'product', title: t('orders.product'), render: (_, l) => `${l.productSku} · ${l.productName}` },
    { key: 'amount', title: t('orders.amount'), align: 'right', render: (_, l) => <Money value={l.amount} /> },
    { key: 'remaining', title: t('orders.returnable'), align: 'right', render: (_, l) => remainingOf(l) },
    {
      key: 'qty',
      title: t('orders.returnQty'),
      width: 140,
      render: (_, l) => (
        <Form.Item
          name={['qty', String(l.id)]}
          style={{ margin: 0 }}
          rules={[
            { pattern: qtyPattern, message: t('orders.qtyFormat') },
            {
              validator: async (_r, v: string | undefined) => {
                const q = parseDecimal(v);
                if (v && q !== null && q > (parseDecimal(remainingOf(l)) ?? 0n)) throw new Error(t('orders.returnTooMuch', { qty: remainingOf(l) }));
              },
            },
          ]}
        >
          <Input inputMode="decimal" placeholder="0" data-testid={`return-qty-${l.id}`} />
        </Form.Item>
      ),
    },
  ];

  return (
    <Modal
      open={open}
      title={t('orders.returnTitle', { number: order.number })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('orders.newReturn')}
      okButtonProps={{ loading: save.isPending, 'data-testid': 'return-submit' }}
      cancelText={t('common.cancel')}
      width={760}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(v: Values) => {
          const all = form.getFieldsValue(true) as Values;
          if (!lines.some((l) => all.qty[String(l.id)]?.trim())) {
            void message.warning(t('orders.returnPickLine'));
            return;
          }
          save.mutate({ ...all, ...v, qty: all.qty });
        }}
      >
        <Table<OrderLine> rowKey="id" size="small" columns={columns} dataSource={lines} pagination={false} style={{ marginBottom: 16 }} scroll={{ x: 'max-content' }} />
        <Form.Item name="reason" label={t('orders.reason')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('orders.reason') }) }, { max: 500, message: t('validation.maxLength', { max: 500 }) }]}>
          <Input data-testid="return-reason" />
        </Form.Item>
        <Form.Item name="returnedOn" label={t('orders.returnedOn')} rules={[{ required: true }]}>
          <DatePicker allowClear={false} />
        </Form.Item>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('orders.returnHelp')}
        </Typography.Text>
      </Form>
    </Modal>
  );
}
