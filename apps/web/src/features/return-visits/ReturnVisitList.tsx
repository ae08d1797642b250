// Return visits (回访): my scheduled visits, the visits done, and all in my scope. Recording one
// asks the customer's satisfaction (1–5), whether they would recommend us (0–10, for the NPS)
// and what they said; a complaint's visit also completes its `visited` step.
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { App, Badge, Button, Flex, Form, Input, Modal, Popconfirm, Radio, Rate, Table, Tabs, Tag, Typography, type TableProps } from 'antd';
import { CloseOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import type { ReturnVisit } from '@guanxi/contracts';
import { api, type Page } from '../../api/client';
import { PageHeader } from '../../shared/PageHeader';
import { CursorPager } from '../../shared/CursorPager';
import { useCursorList } from '../../shared/useCursorList';
import { formatDate, formatDateTime } from '../../shared/format';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { useCan } from '../auth/session';

type Tab = 'mine' | 'done' | 'all';
const statusColor: Record<ReturnVisit['status'], string> = { scheduled: 'blue', done: 'green', cancelled: 'default' };

export default function ReturnVisitList() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const can = useCan();
  const [search, setSearch] = useSearchParams();
  const tab: Tab = search.get('tab') === 'done' ? 'done' : search.get('tab') === 'all' ? 'all' : 'mine';
  const ticketId = Number(search.get('ticketId')) || undefined;
  const [pageSize, setPageSize] = useState(20);
  const [completing, setCompleting] = useState<ReturnVisit | null>(null);
  const params = {
    'filter[ticketId]': ticketId,
    ...(tab === 'mine' ? { 'filter[status]': 'scheduled', 'filter[assigneeId]': 'me', sort: 'scheduledOn' } : tab === 'done' ? { 'filter[status]': 'done', sort: '-scheduledOn' } : { sort: '-scheduledOn' }),
  };
  const list = useCursorList<ReturnVisit>('return-visits', params, pageSize);
  const mine = useQuery({
    queryKey: ['return-visits', 'mine-count'],
    queryFn: () => api<Page<ReturnVisit>>('/return-visits', { query: { 'filter[status]': 'scheduled', 'filter[assigneeId]': 'me', limit: 1 } }),
    select: (p) => p.total,
  });
  const client = useQueryClient();
  const onError = useMutationErrors();
  const { message } = App.useApp();
  const cancel = useMutation({
    mutationFn: (v: ReturnVisit) => api<ReturnVisit>(`/return-visits/${v.id}/cancel`, { method: 'POST', body: { version: v.version } }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['return-visits'] });
      void message.success(t('returnVisits.cancelled'));
    },
    onError: (e) => onError(e),
  });
  const today = dayjs().format('YYYY-MM-DD');

  const columns: TableProps<ReturnVisit>['columns'] = [
    {
      key: 'scheduledOn',
      title: t('returnVisits.scheduledOn'),
      render: (_, v) => (
        <Flex gap={6} align="center" style={{ whiteSpace: 'nowrap' }}>
          {formatDate(v.scheduledOn)}
          {v.status === 'scheduled' && v.scheduledOn < today ? <Tag color="red">{t('returnVisits.overdue')}</Tag> : v.status === 'scheduled' && v.scheduledOn === today ? <Tag color="orange">{t('returnVisits.today')}</Tag> : null}
        </Flex>
      ),
    },
    { key: 'customer', title: t('returnVisits.customer'), render: (_, v) => <Typography.Link onClick={() => void navigate(`/customers/${v.customerId}`)}>{v.customerName}</Typography.Link> },
    {
      key: 'about',
      title: t('returnVisits.about'),
      render: (_, v) =>
        v.ticketId ? (
          <Typography.Link onClick={() => void navigate(`/tickets/${v.ticketId}`)}>{t('returnVisits.aboutTicket', { number: v.ticketNumber ?? v.ticketId })}</Typography.Link>
        ) : v.orderId ? (
          <Typography.Link onClick={() => void navigate(`/orders/${v.orderId}`)}>{t('returnVisits.aboutOrder', { number: v.orderNumber ?? v.orderId })}</Typography.Link>
        ) : (
          '—'
        ),
    },
    { key: 'assignee', title: t('returnVisits.assignee'), render: (_, v) => v.assigneeName ?? '' },
    { key: 'status', title: t('common.status'), render: (_, v) => <Tag color={statusColor[v.status]}>{t(`returnVisits.status.${v.status}`)}</Tag> },
    {
      key: 'result',
      title: t('returnVisits.result'),
      render: (_, v) =>
        v.status === 'done' ? (
          <Flex vertical>
            <Flex gap={8} align="center">
              <Rate disabled value={v.satisfaction ?? 0} style={{ fontSize: 14 }} />
              {v.wouldRecommend !== null ? <Typography.Text type="secondary">{t('returnVisits.npsShort', { n: v.wouldRecommend })}</Typography.Text> : null}
            </Flex>
            {v.comment ? (
              <Typography.Text type="secondary" ellipsis={{ tooltip: v.comment }} style={{ maxWidth: 280, fontSize: 12 }}>
                {v.comment}
              </Typography.Text>
            ) : null}
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {formatDateTime(v.doneAt)}
            </Typography.Text>
          </Flex>
        ) : (
          ''
        ),
    },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, v) =>
        v.status === 'scheduled' && can('service.write') ? (
          <Flex gap={4}>
            <Button size="small" type="primary" onClick={() => setCompleting(v)} data-testid="visit-complete">
              {t('returnVisits.record')}
            </Button>
            <Popconfirm title={t('returnVisits.cancelConfirm')} onConfirm={() => cancel.mutate(v)} okText={t('common.confirm')} cancelText={t('common.cancel')}>
              <Button size="small" type="text" icon={<CloseOutlined />} aria-label={t('returnVisits.cancel')} />
            </Popconfirm>
          </Flex>
        ) : null,
    },
  ];

  return (
    <>
      <PageHeader title={t('returnVisits.pageTitle')} description={t('returnVisits.description')} />
      <div className="gx-panel">
        <Tabs
          activeKey={tab}
          onChange={(k) => setSearch(k === 'mine' ? {} : { tab: k })}
          items={[
            {
              key: 'mine',
              label: (
                <Flex gap={6} align="center" data-testid="visits-tab-mine">
                  {t('returnVisits.tabMine')}
                  {mine.data ? <Badge count={mine.data} size="small" /> : null}
                </Flex>
              ),
            },
            { key: 'done', label: t('returnVisits.tabDone') },
            { key: 'all', label: t('returnVisits.tabAll') },
          ]}
        />
        {ticketId ? (
          <Flex gap={8} align="center" style={{ marginBottom: 12 }}>
            <Tag closable onClose={() => setSearch(tab === 'mine' ? {} : { tab })}>
              {t('returnVisits.forTicket', { id: ticketId })}
            </Tag>
          </Flex>
        ) : null}
        <Table<ReturnVisit>
          rowKey="id"
          columns={columns}
          dataSource={list.rows}
          loading={list.query.isFetching}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t(`returnVisits.empty.${tab}`) }}
          data-testid="visits-table"
        />
        <CursorPager list={list} onPageSizeChange={setPageSize} />
      </div>
      <CompleteVisitModal visit={completing} onClose={() => setCompleting(null)} />
    </>
  );
}

interface Values {
  satisfaction: number;
  wouldRecommend: number;
  comment?: string;
}

export function CompleteVisitModal({ visit, onClose }: { visit: ReturnVisit | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const [form] = Form.useForm<Values>();
  const save = useMutation({
    mutationFn: (v: Values) =>
      api<ReturnVisit>(`/return-visits/${visit?.id ?? 0}/complete`, { method: 'POST', body: { satisfaction: v.satisfaction, wouldRecommend: v.wouldRecommend, comment: v.comment?.trim() || null, version: visit?.version } }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['return-visits'] });
      void client.invalidateQueries({ queryKey: ['tickets'] });
      void message.success(t('returnVisits.recorded'));
      onClose();
    },
    onError: (e) => onError(e, { form, onReload: () => void client.invalidateQueries({ queryKey: ['return-visits'] }) }),
  });
  return (
    <Modal
      open={visit !== null}
      title={t('returnVisits.recordTitle', { name: visit?.customerName ?? '' })}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      okButtonProps={{ 'data-testid': 'visit-save' } as Record<string, string>}
      destroyOnHidden
      width={600}
    >
      <Form<Values> form={form} layout="vertical" onFinish={(v) => save.mutate(v)} preserve={false}>
        <Form.Item name="satisfaction" label={t('returnVisits.satisfaction')} rules={[{ required: true, message: t('validation.select', { field: t('returnVisits.satisfaction') }) }]} extra={t('returnVisits.satisfactionHelp')}>
          <Rate tooltips={[1, 2, 3, 4, 5].map((n) => t(`returnVisits.csat.s${n as 1}`))} data-testid="visit-satisfaction" />
        </Form.Item>
        <Form.Item name="wouldRecommend" label={t('returnVisits.wouldRecommend')} rules={[{ required: true, message: t('validation.select', { field: t('returnVisits.wouldRecommend') }) }]} extra={t('returnVisits.wouldRecommendHelp')}>
          <Radio.Group optionType="button" options={Array.from({ length: 11 }, (_, n) => ({ value: n, label: String(n) }))} data-testid="visit-recommend" />
        </Form.Item>
        <Form.Item name="comment" label={t('returnVisits.comment')} rules={[{ max: 2000, message: t('validation.maxLength', { max: 2000 }) }]}>
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} data-testid="visit-comment" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
