// One ticket (/tickets/:id): number, type, status, priority and who it is from; the SLA clocks;
// the complaint workflow for complaints; the conversation; status actions, assignment and files.
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { App, Button, Card, Col, Descriptions, Flex, Form, Input, Modal, Result, Row, Select, Skeleton, Space, Typography } from 'antd';
import { LeftOutlined, UserSwitchOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ticketPriorities, type Ticket, type TicketDetail } from '@guanxi/contracts';
import { api, isApiError } from '../../api/client';
import { errorText } from '../../shared/errors';
import { formatDateTime } from '../../shared/format';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { useCan, useCurrentUser } from '../auth/session';
import { UserRefPicker } from '../users/UserRefPicker';
import { ComplaintWorkflow, rootCauseLabel } from './ComplaintWorkflow';
import { PriorityTag, SlaTag, TeamSelect, TicketStatusTag, TypeTag, formatMinutes, useNow } from './ticket-bits';
import { TicketAttachments } from './TicketAttachments';
import { TicketThread } from './TicketThread';
import { ticketsKey, useInvalidateTickets, useSlaPolicies, useTicket, useTicketAction, type TicketPriority, type TicketStatus } from './tickets.api';
import { useQueryClient } from '@tanstack/react-query';

/** Where a ticket may go from here by the status endpoint; complaints resolve, close and reopen by their steps. */
function statusMoves(t: Ticket): TicketStatus[] {
  const all: Record<TicketStatus, TicketStatus[]> = {
    new: ['pending_customer', 'resolved', 'closed'],
    open: ['pending_customer', 'resolved', 'closed'],
    pending_customer: ['open', 'resolved', 'closed'],
    resolved: ['closed', 'open'],
    closed: ['open'],
  };
  const moves = all[t.status];
  return t.type === 'complaint' ? moves.filter((s) => (s === 'pending_customer' || s === 'open') && t.status !== 'resolved' && t.status !== 'closed') : moves;
}

export default function TicketPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const { id } = useParams();
  const ticketId = Number(id);
  const ticket = useTicket(Number.isSafeInteger(ticketId) ? ticketId : 0);

  if (ticket.isError) {
    const notFound = isApiError(ticket.error) && (ticket.error.status === 404 || ticket.error.status === 403);
    return (
      <Result
        status={notFound ? '404' : 'warning'}
        title={notFound ? t('tickets.notFound') : t('errors.loadFailed')}
        subTitle={notFound ? undefined : errorText(t, ticket.error)}
        extra={<Button onClick={() => void navigate('/tickets')}>{t('tickets.backToList')}</Button>}
      />
    );
  }
  if (!ticket.data) return <Skeleton active paragraph={{ rows: 10 }} />;
  return <TicketView ticket={ticket.data} refetch={() => void ticket.refetch()} onSaved={(msg) => void message.success(msg)} />;
}

function TicketView({ ticket: tk, refetch, onSaved }: { ticket: TicketDetail; refetch: () => void; onSaved: (msg: string) => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const can = useCan();
  const me = useCurrentUser();
  const now = useNow(15_000);
  const onError = useMutationErrors();
  const client = useQueryClient();
  const invalidate = useInvalidateTickets();
  const policies = useSlaPolicies();
  const act = useTicketAction(tk);
  const [assigning, setAssigning] = useState(false);
  const [assignForm] = Form.useForm<{ assigneeId: number | null; teamId: number | null }>();
  const [statusNote, setStatusNote] = useState<{ to: TicketStatus; note: string } | null>(null);
  const writable = can('service.write');
  const policy = policies.data?.find((p) => p.id === tk.sla.policyId);

  const patch = useMutation({
    mutationFn: (body: Record<string, unknown>) => api<Ticket>(`/tickets/${tk.id}`, { method: 'PATCH', body: { ...body, version: tk.version } }),
    onSuccess: (saved) => {
      client.setQueryData<TicketDetail>([...ticketsKey, 'one', saved.id], (old) => (old ? { ...old, ...saved } : old));
      invalidate();
      onSaved(t('common.saved'));
    },
    onError: (e) => onError(e, { onReload: refetch }),
  });

  const moveTo = (to: TicketStatus, note?: string) =>
    act.mutate(
      { kind: 'status', status: to, note: note ?? null },
      {
        onSuccess: () => {
          setStatusNote(null);
          onSaved(t('tickets.statusChanged', { status: t(`tickets.status.${to}`) }));
        },
        onError: (e) => onError(e, { onReload: refetch }),
      },
    );

  const assign = (assigneeId: number | null, teamId?: number | null) =>
    act.mutate(
      { kind: 'assign', assigneeId, ...(teamId !== undefined ? { teamId } : {}) },
      {
        onSuccess: () => {
          setAssigning(false);
          onSaved(t('tickets.assignedToast'));
        },
        onError: (e) => onError(e, { onReload: refetch }),
      },
    );

  const from = tk.customerId ? (
    <Typography.Link onClick={() => void navigate(`/customers/${tk.customerId}`)} data-testid="ticket-customer-link">
      {tk.customerName}
    </Typography.Link>
  ) : (
    <span>{[tk.callerName, tk.callerPhone, tk.callerEmail].filter(Boolean).join(' · ') || t('tickets.unknownCaller')}</span>
  );

  const moves = writable ? statusMoves(tk) : [];
  const dash = <Typography.Text type="secondary">—</Typography.Text>;

  return (
    <div data-testid="ticket-page">
      <Button type="link" icon={<LeftOutlined />} onClick={() => void navigate('/tickets')} style={{ padding: 0, marginBottom: 8 }}>
        {t('tickets.backToList')}
      </Button>
      <div className="gx-record-header">
        <Flex justify="space-between" align="flex-start" gap={16} wrap>
          <div style={{ minWidth: 0, flex: '1 1 420px' }}>
            <Typography.Text type="secondary" data-testid="ticket-number">
              {tk.number}
            </Typography.Text>
            <Typography.Title level={3} style={{ margin: '2px 0 8px', wordBreak: 'break-word' }}>
              {tk.subject}
            </Typography.Title>
            <Flex gap={6} wrap align="center">
              <TypeTag ticket={tk} />
              <span data-testid="ticket-status">
                <TicketStatusTag status={tk.status} />
              </span>
              <PriorityTag priority={tk.priority} />
              {tk.sla.customerTier ? <Typography.Text type="secondary">{t('tickets.tierOf', { tier: t(`enums.importance.${tk.sla.customerTier}`) })}</Typography.Text> : null}
              <Typography.Text type="secondary">· {from}</Typography.Text>
            </Flex>
          </div>
          <Space wrap>
            {moves.map((to) => (
              <Button
                key={to}
                type={to === 'resolved' ? 'primary' : 'default'}
                loading={act.isPending && act.variables?.kind === 'status' && act.variables.status === to}
                onClick={() => (to === 'pending_customer' || to === 'open' ? moveTo(to) : setStatusNote({ to, note: '' }))}
                data-testid={`ticket-status-${to}`}
              >
                {t(`tickets.moveTo.${to}`)}
              </Button>
            ))}
            {writable && tk.assigneeId !== me.id && tk.status !== 'closed' ? (
              <Button onClick={() => assign(me.id)} data-testid="ticket-take">
                {t('tickets.take')}
              </Button>
            ) : null}
            {writable ? (
              <Button
                icon={<UserSwitchOutlined />}
                onClick={() => {
                  assignForm.setFieldsValue({ assigneeId: tk.assigneeId, teamId: tk.teamId });
                  setAssigning(true);
                }}
                data-testid="ticket-assign"
              >
                {t('tickets.assign')}
              </Button>
            ) : null}
          </Space>
        </Flex>
      </div>

      <Row gutter={[20, 20]}>
        <Col xs={24} xl={16}>
          {tk.type === 'complaint' ? <ComplaintWorkflow ticket={tk} /> : null}
          <TicketThread ticket={tk} />
        </Col>
        <Col xs={24} xl={8}>
          <Card title={t('tickets.sla.title')} style={{ marginBottom: 20 }} data-testid="ticket-sla-panel">
            {tk.sla.policyId === null ? (
              <Typography.Text type="secondary">{t('tickets.sla.noneHelp')}</Typography.Text>
            ) : (
              <Flex vertical gap={14}>
                {(['firstResponse', 'resolution'] as const).map((kind) => {
                  const due = kind === 'firstResponse' ? tk.sla.firstResponseDueAt : tk.sla.resolutionDueAt;
                  const done = kind === 'firstResponse' ? tk.sla.firstRespondedAt : tk.sla.resolvedAt;
                  return (
                    <div key={kind}>
                      <Flex justify="space-between" align="center" gap={8}>
                        <Typography.Text strong>{t(`tickets.sla.${kind}`)}</Typography.Text>
                        <SlaTag ticket={tk} kind={kind} now={now} policy={policy} testId={kind === 'firstResponse' ? 'sla-first-response' : 'sla-resolution'} />
                      </Flex>
                      <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
                        {t('tickets.sla.dueAt', { at: formatDateTime(due) })}
                        {done ? ` · ${t('tickets.sla.doneAt', { at: formatDateTime(done) })}` : ''}
                      </Typography.Text>
                    </div>
                  );
                })}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {policy ? t('tickets.sla.policy', { name: policy.name, first: formatMinutes(t, policy.firstResponseMinutes), resolution: formatMinutes(t, policy.resolutionMinutes) }) : null}
                  {tk.sla.pausedMinutes > 0 ? ` · ${t('tickets.sla.pausedFor', { d: formatMinutes(t, tk.sla.pausedMinutes) })}` : ''}
                  {tk.sla.escalatedAt ? ` · ${t('tickets.sla.escalatedAt', { at: formatDateTime(tk.sla.escalatedAt) })}` : ''}
                </Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('tickets.sla.businessHoursHelp')}
                </Typography.Text>
              </Flex>
            )}
          </Card>
          <Card title={t('tickets.details')} style={{ marginBottom: 20 }}>
            <Descriptions
              column={1}
              size="small"
              items={[
                { key: 'from', label: tk.customerId ? t('tickets.field.customer') : t('tickets.field.caller'), children: from },
                ...(tk.customerId && (tk.callerName || tk.callerPhone) ? [{ key: 'caller', label: t('tickets.field.caller'), children: [tk.callerName, tk.callerPhone, tk.callerEmail].filter(Boolean).join(' · ') }] : []),
                { key: 'channel', label: t('tickets.field.channel'), children: t(`tickets.channel.${tk.channel}`) },
                {
                  key: 'priority',
                  label: t('tickets.field.priority'),
                  children: writable && tk.status !== 'closed' ? (
                    <Select<TicketPriority>
                      size="small"
                      value={tk.priority}
                      onChange={(priority) => patch.mutate({ priority })}
                      options={ticketPriorities.map((p) => ({ value: p, label: t(`tickets.priority.${p}`) }))}
                      style={{ width: 110 }}
                      data-testid="ticket-priority-select"
                    />
                  ) : (
                    <PriorityTag priority={tk.priority} />
                  ),
                },
                { key: 'category', label: t('tickets.field.category'), children: tk.category ?? dash },
                ...(tk.rootCause ? [{ key: 'rootCause', label: t('tickets.field.rootCause'), children: rootCauseLabel(t, tk.rootCause) }] : []),
                { key: 'team', label: t('tickets.field.team'), children: tk.teamName ?? dash },
                { key: 'assignee', label: t('tickets.field.assignee'), children: tk.assigneeName ?? <Typography.Text type="secondary">{t('tickets.unassigned')}</Typography.Text> },
                ...(tk.orderId ? [{ key: 'order', label: t('tickets.field.order'), children: can('sales.read') ? <Typography.Link onClick={() => void navigate(`/orders/${tk.orderId}`)}>#{tk.orderId}</Typography.Link> : `#${tk.orderId}` }] : []),
                ...(tk.productId ? [{ key: 'product', label: t('tickets.field.product'), children: `#${tk.productId}` }] : []),
                { key: 'created', label: t('common.createdAt'), children: formatDateTime(tk.createdAt) },
                { key: 'updated', label: t('tickets.field.updatedAt'), children: formatDateTime(tk.updatedAt) },
              ]}
            />
          </Card>
          <TicketAttachments ticket={tk} />
        </Col>
      </Row>

      <Modal
        open={assigning}
        title={t('tickets.assignTitle', { number: tk.number })}
        onCancel={() => setAssigning(false)}
        onOk={() => assignForm.submit()}
        confirmLoading={act.isPending}
        okText={t('tickets.assign')}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        <Form form={assignForm} layout="vertical" onFinish={(v) => assign(v.assigneeId ?? null, v.teamId ?? null)}>
          <Form.Item name="teamId" label={t('tickets.field.team')}>
            <TeamSelect style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="assigneeId" label={t('tickets.field.assignee')} extra={t('tickets.assignHelp')}>
            <UserRefPicker style={{ width: '100%' }} known={tk.assigneeId && tk.assigneeName ? [{ id: tk.assigneeId, name: tk.assigneeName }] : []} data-testid="ticket-assignee-picker" />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={statusNote !== null}
        title={statusNote ? t(`tickets.moveTo.${statusNote.to}`) : ''}
        onCancel={() => setStatusNote(null)}
        onOk={() => statusNote && moveTo(statusNote.to, statusNote.note.trim() || undefined)}
        confirmLoading={act.isPending}
        okText={t('common.confirm')}
        cancelText={t('common.cancel')}
        okButtonProps={{ 'data-testid': 'ticket-status-confirm' } as Record<string, string>}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{statusNote?.to === 'closed' ? t('tickets.closeNoteHelp') : t('tickets.statusNoteHelp')}</Typography.Paragraph>
        <Input.TextArea value={statusNote?.note ?? ''} onChange={(e) => setStatusNote((s) => (s ? { ...s, note: e.target.value } : s))} maxLength={2000} autoSize={{ minRows: 2, maxRows: 5 }} placeholder={t('tickets.statusNote')} />
      </Modal>
    </div>
  );
}
