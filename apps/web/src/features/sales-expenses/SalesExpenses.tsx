// Sales expenses (销售费用): record one's own (date, amount, category, customer, note) and list
// those in one's data scope with their sum; the early-warnings page compares them with revenue.
import { useState } from 'react';
import { App, Button, DatePicker, Flex, Form, Input, Modal, Popconfirm, Select, Statistic, Table, Typography, type TableProps } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs, { type Dayjs } from 'dayjs';
import { expenseCategories, type SalesExpense } from '@guanxi/contracts';
import { api } from '../../api/client';
import { PageHeader } from '../../shared/PageHeader';
import { CursorPager } from '../../shared/CursorPager';
import { useCursorList } from '../../shared/useCursorList';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { formatDate, formatMoney } from '../../shared/format';
import { useCan, useCurrentUser } from '../auth/session';
import { CustomerSelect } from '../orders/order-bits';
import { warningsKey } from '../warnings/warnings.api';

type Category = (typeof expenseCategories)[number];
const resource = 'sales-expenses';
const moneyPattern = /^\d{1,12}(\.\d{1,2})?$/;

interface FormValues {
  spentOn: Dayjs;
  amount: string;
  category: Category;
  customerId?: number | null;
  note?: string;
}

function ExpenseForm({ editing, onClose }: { editing: SalesExpense | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const save = useMutation({
    mutationFn: (v: FormValues) => {
      const body = { spentOn: v.spentOn.format('YYYY-MM-DD'), amount: v.amount.trim(), category: v.category, customerId: v.customerId ?? null, note: v.note?.trim() || null };
      return editing ? api<SalesExpense>(`/${resource}/${editing.id}`, { method: 'PATCH', body: { ...body, version: editing.version } }) : api<SalesExpense>(`/${resource}`, { method: 'POST', body });
    },
    onSuccess: () => {
      void message.success(t('common.saved'));
      void client.invalidateQueries({ queryKey: [resource] });
      void client.invalidateQueries({ queryKey: warningsKey });
      onClose();
    },
    onError: (e) => onError(e, { form, onReload: () => void client.invalidateQueries({ queryKey: [resource] }) }),
  });
  return (
    <Modal open title={editing ? t('salesExpenses.edit') : t('salesExpenses.create')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={save.isPending} okText={t('common.save')} cancelText={t('common.cancel')} destroyOnHidden>
      <Form<FormValues>
        form={form}
        layout="vertical"
        initialValues={
          editing
            ? { spentOn: dayjs(editing.spentOn), amount: editing.amount, category: editing.category, customerId: editing.customerId, note: editing.note ?? '' }
            : { spentOn: dayjs(), category: 'travel' }
        }
        onFinish={(v) => save.mutate(v)}
        data-testid="expense-form"
      >
        <Form.Item name="spentOn" label={t('salesExpenses.spentOn')} rules={[{ required: true }]}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="amount" label={t('salesExpenses.amount')} rules={[{ required: true, pattern: moneyPattern, message: t('salesExpenses.amountHelp') }]}>
          <Input prefix="¥" inputMode="decimal" data-testid="expense-amount" />
        </Form.Item>
        <Form.Item name="category" label={t('salesExpenses.category')} rules={[{ required: true }]}>
          <Select options={expenseCategories.map((c) => ({ value: c, label: t(`salesExpenses.categories.${c}`) }))} />
        </Form.Item>
        <Form.Item name="customerId" label={t('salesExpenses.customer')}>
          <CustomerSelect known={editing?.customerId ? { id: editing.customerId, name: editing.customerName ?? `#${editing.customerId}` } : null} />
        </Form.Item>
        <Form.Item name="note" label={t('salesExpenses.note')}>
          <Input.TextArea rows={2} maxLength={1000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function SalesExpenses() {
  const { t } = useTranslation();
  const can = useCan();
  const me = useCurrentUser();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const [range, setRange] = useState<[Dayjs, Dayjs] | null>(null);
  const [category, setCategory] = useState<Category>();
  const [mineOnly, setMineOnly] = useState(false);
  const [pageSize, setPageSize] = useState(20);
  const [editing, setEditing] = useState<SalesExpense | null | undefined>(undefined);
  const params = {
    'filter[from]': range?.[0].format('YYYY-MM-DD'),
    'filter[to]': range?.[1].format('YYYY-MM-DD'),
    'filter[category]': category,
    'filter[userId]': mineOnly ? 'me' : undefined,
  };
  const list = useCursorList<SalesExpense>(resource, params, pageSize);
  const totalAmount = (list.query.data as { totalAmount?: string } | undefined)?.totalAmount ?? '0.00';
  const remove = useMutation({
    mutationFn: (e: SalesExpense) => api<null>(`/${resource}/${e.id}`, { method: 'DELETE' }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: [resource] });
      void client.invalidateQueries({ queryKey: warningsKey });
    },
    onError: (e) => onError(e),
  });
  const mayChange = (e: SalesExpense) => can('sales.write') && (e.userId === me.id || can('sales.manage'));

  const columns: TableProps<SalesExpense>['columns'] = [
    { key: 'spentOn', title: t('salesExpenses.spentOn'), render: (_, e) => formatDate(e.spentOn) },
    { key: 'user', title: t('salesExpenses.user'), render: (_, e) => e.userName ?? `#${e.userId}` },
    { key: 'category', title: t('salesExpenses.category'), render: (_, e) => t(`salesExpenses.categories.${e.category}`) },
    { key: 'customer', title: t('salesExpenses.customer'), render: (_, e) => e.customerName ?? '—' },
    { key: 'amount', title: t('salesExpenses.amount'), align: 'right', render: (_, e) => <Typography.Text strong>{formatMoney(e.amount)}</Typography.Text> },
    { key: 'note', title: t('salesExpenses.note'), render: (_, e) => e.note ?? '' },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, e) =>
        mayChange(e) ? (
          <Flex gap={4}>
            <Button size="small" type="text" icon={<EditOutlined />} aria-label={t('common.edit')} onClick={() => setEditing(e)} />
            <Popconfirm title={t('salesExpenses.deleteConfirm')} onConfirm={() => remove.mutate(e)} okText={t('common.delete')} cancelText={t('common.cancel')}>
              <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} />
            </Popconfirm>
          </Flex>
        ) : null,
    },
  ];

  return (
    <>
      <PageHeader
        title={t('salesExpenses.title')}
        description={t('salesExpenses.description')}
        extra={
          can('sales.write') ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)} data-testid="expense-create">
              {t('salesExpenses.create')}
            </Button>
          ) : null
        }
      />
      <div className="gx-panel">
        <Flex gap={12} wrap align="center" style={{ marginBottom: 16 }}>
          <DatePicker.RangePicker value={range} onChange={(v) => setRange(v && v[0] && v[1] ? [v[0], v[1]] : null)} />
          <Select<Category> allowClear placeholder={t('salesExpenses.allCategories')} value={category} onChange={setCategory} options={expenseCategories.map((c) => ({ value: c, label: t(`salesExpenses.categories.${c}`) }))} style={{ width: 160 }} />
          <Select<'all' | 'mine'> value={mineOnly ? 'mine' : 'all'} onChange={(v) => setMineOnly(v === 'mine')} options={[{ value: 'all', label: t('salesExpenses.everyoneInScope') }, { value: 'mine', label: t('salesExpenses.mine') }]} style={{ width: 160 }} />
          <Statistic title={t('salesExpenses.sum')} value={formatMoney(totalAmount)} styles={{ content: { fontSize: 18 } }} style={{ marginLeft: 'auto' }} data-testid="expense-sum" />
        </Flex>
        <Table<SalesExpense> rowKey="id" columns={columns} dataSource={list.rows} loading={list.query.isFetching} pagination={false} scroll={{ x: 'max-content' }} data-testid="expense-table" />
        <CursorPager list={list} onPageSizeChange={setPageSize} />
      </div>
      {editing !== undefined ? <ExpenseForm editing={editing} onClose={() => setEditing(undefined)} /> : null}
    </>
  );
}
