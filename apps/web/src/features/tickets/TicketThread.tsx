// The conversation of a ticket: what the customer said (inbound), our replies (outbound) and the
// team's internal notes, oldest first, and the box to add one.
import { App, Button, Card, Empty, Flex, Form, Input, Segmented, Select, Tag, Tooltip, Typography } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, LockOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ticketChannels, type TicketDetail, type TicketReply } from '@guanxi/contracts';
import { api } from '../../api/client';
import { formatDateTime } from '../../shared/format';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { useCan } from '../auth/session';
import { useInvalidateTickets, type TicketChannel } from './tickets.api';

type Direction = TicketReply['direction'];
const look: Record<Direction, { bg: string; border: string; icon: React.ReactNode }> = {
  inbound: { bg: '#f5f7fa', border: '#d9dee8', icon: <ArrowDownOutlined /> },
  outbound: { bg: '#eef5ff', border: '#b7d3ff', icon: <ArrowUpOutlined /> },
  internal: { bg: '#fffbe6', border: '#ffe58f', icon: <LockOutlined /> },
};

const bubble: React.CSSProperties = { border: '1px solid', borderRadius: 8, padding: '10px 14px', marginBottom: 10 };

export function TicketThread({ ticket }: { ticket: TicketDetail }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const can = useCan();
  const onError = useMutationErrors();
  const invalidate = useInvalidateTickets();
  const [form] = Form.useForm<{ direction: Direction; channel: TicketChannel; body: string }>();
  const direction = Form.useWatch('direction', form) ?? 'outbound';
  const add = useMutation({
    mutationFn: (v: { direction: Direction; channel: TicketChannel; body: string }) =>
      api<TicketReply>(`/tickets/${ticket.id}/replies`, { method: 'POST', body: { direction: v.direction, ...(v.direction === 'internal' ? {} : { channel: v.channel }), body: v.body.trim() } }),
    onSuccess: (_r, v) => {
      invalidate();
      form.setFieldsValue({ body: '' });
      void message.success(t(`tickets.replyAdded.${v.direction}`));
    },
    onError: (e) => onError(e, { form }),
  });

  // A ticket opened by an email keeps the mail's text as its description and as the first inbound
  // message (with the sender); show it once, as the message.
  const first = ticket.replies[0];
  const description = ticket.description && !(first?.direction === 'inbound' && first.body.trim() === ticket.description.trim()) ? ticket.description : null;

  return (
    <Card title={t('tickets.conversation')} style={{ marginBottom: 20 }} data-testid="ticket-thread">
      {description ? (
        <div style={{ ...bubble, background: look.inbound.bg, borderColor: look.inbound.border }}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('tickets.field.description')} · {formatDateTime(ticket.createdAt)}
          </Typography.Text>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: '4px 0 0' }}>{description}</Typography.Paragraph>
        </div>
      ) : null}
      {ticket.replies.length ? (
        ticket.replies.map((r) => (
          <div
            key={r.id}
            style={{ ...bubble, background: look[r.direction].bg, borderColor: look[r.direction].border, marginInlineStart: r.direction === 'inbound' ? 0 : 32 }}
            data-testid={`ticket-reply-${r.direction}`}
          >
            <Flex justify="space-between" gap={8} wrap>
              <Typography.Text strong style={{ fontSize: 13 }}>
                {look[r.direction].icon} {t(`tickets.direction.${r.direction}`)}
                {r.direction === 'internal' ? '' : ` · ${t(`tickets.channel.${r.channel}`)}`}
                {' · '}
                {r.direction === 'inbound' ? (r.fromAddress ?? ticket.customerName ?? ticket.callerName ?? '') : (r.authorName ?? '')}
              </Typography.Text>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {formatDateTime(r.at)}
              </Typography.Text>
            </Flex>
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: '4px 0 0' }}>{r.body}</Typography.Paragraph>
            {r.delivery ? <DeliveryLine ticketId={ticket.id} reply={r} /> : null}
          </div>
        ))
      ) : description ? null : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('tickets.noReplies')} />
      )}
      {can('service.write') ? (
        <Form form={form} layout="vertical" initialValues={{ direction: 'outbound', channel: ticket.channel }} onFinish={(v) => add.mutate(v)} style={{ marginTop: 16 }}>
          <Flex gap={12} wrap align="center" style={{ marginBottom: 8 }}>
            <Form.Item name="direction" noStyle>
              <Segmented<Direction>
                options={(['outbound', 'internal', 'inbound'] as const).map((d) => ({ value: d, label: t(`tickets.directionAction.${d}`) }))}
                data-testid="ticket-reply-direction"
              />
            </Form.Item>
            {direction === 'internal' ? null : (
              <Form.Item name="channel" noStyle>
                <Select<TicketChannel> options={ticketChannels.map((c) => ({ value: c, label: t(`tickets.channel.${c}`) }))} style={{ width: 120 }} aria-label={t('tickets.field.channel')} />
              </Form.Item>
            )}
          </Flex>
          <Form.Item name="body" rules={[{ required: true, whitespace: true, message: t('tickets.replyEmpty') }, { max: 20000, message: t('validation.maxLength', { max: 20000 }) }]}>
            <Input.TextArea
              autoSize={{ minRows: 3, maxRows: 12 }}
              placeholder={t(`tickets.replyPlaceholder.${direction}`)}
              style={direction === 'internal' ? { background: look.internal.bg } : undefined}
              data-testid="ticket-reply-body"
            />
          </Form.Item>
          <Flex justify="space-between" align="center" gap={8} wrap>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {direction === 'outbound' && ticket.sla.firstRespondedAt === null ? t('tickets.firstResponseHint') : direction === 'internal' ? t('tickets.internalHint') : ''}
            </Typography.Text>
            <Button type="primary" htmlType="submit" loading={add.isPending} data-testid="ticket-reply">
              {t(`tickets.replySubmit.${direction}`)}
            </Button>
          </Flex>
        </Form>
      ) : null}
    </Card>
  );
}

const deliveryColor = { queued: 'processing', sent: 'success', failed: 'error', not_sent: 'warning' } as const;

/** Whether an email reply went out; one that failed or was never sent can be sent again. */
function DeliveryLine({ ticketId, reply }: { ticketId: number; reply: TicketReply }) {
  const { t } = useTranslation();
  const invalidate = useInvalidateTickets();
  const onError = useMutationErrors();
  const resend = useMutation({
    mutationFn: () => api<TicketReply>(`/tickets/${ticketId}/replies/${reply.id}/resend`, { method: 'POST' }),
    onSuccess: () => invalidate(),
    onError: (e) => onError(e),
  });
  const d = reply.delivery;
  if (!d) return null;
  return (
    <Flex gap={8} align="center" wrap style={{ marginTop: 6 }} data-testid={`reply-delivery-${reply.id}`}>
      <Tooltip title={d.lastError ?? undefined}>
        <Tag color={deliveryColor[d.status]} style={{ marginInlineEnd: 0 }}>
          {t(`tickets.delivery.${d.status}`)}
        </Tag>
      </Tooltip>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {d.to ? t('tickets.delivery.to', { to: d.to }) : ''}
        {d.status === 'sent' && d.sentAt ? ` · ${formatDateTime(d.sentAt)}` : ''}
        {d.status !== 'sent' && d.lastError ? ` · ${d.lastError}` : ''}
      </Typography.Text>
      {d.status === 'failed' || d.status === 'not_sent' ? (
        <Button size="small" type="link" loading={resend.isPending} onClick={() => resend.mutate()} data-testid={`reply-resend-${reply.id}`}>
          {t('tickets.delivery.resend')}
        </Button>
      ) : null}
    </Flex>
  );
}
