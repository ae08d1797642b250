// The customer's timeline (客户时间线): follow-ups, field changes (old → new) and ownership and
// pool moves, newest first, a page at a time.
import { useMemo, useState } from 'react';
import { Button, Empty, Flex, Segmented, Tag, Timeline, Typography } from 'antd';
import { ArrowRightOutlined, CustomerServiceOutlined, DollarOutlined, EditOutlined, MessageOutlined, SwapOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { paymentMethods, type Contact, type PaymentMethod, type TimelineItem } from '@guanxi/contracts';
import { api } from '../../api/client';
import { formatDate, formatDateTime, formatMoney } from '../../shared/format';
import { customersKey, useCustomFields, useTags, useUserRefs } from './customers.api';
import { isEnumValue, useFieldText } from './customer-fields';
import { orderTimelineItem } from '../orders/OrderTimelineItem';
import { opportunityTimelineItem } from '../opportunities/OpportunityTimelineItem';

type Filter = 'all' | TimelineItem['type'];
const PAGE = 20;
/** Moves of ownership are shown once, from the ownership events; their audit rows would repeat them. */
const ownershipActions = new Set(['claim', 'assign', 'release', 'return']);
const ownershipKinds = ['claimed', 'assigned', 'released', 'returned'] as const;
const changeActions = ['create', 'update', 'delete', 'restore', 'convert_lead', 'merge', 'merged_into', 'merge_undo', 'verify'] as const;

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const isChanges = (v: unknown): v is Record<string, { old: unknown; new: unknown }> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function CustomerTimeline({ customerId, contacts }: { customerId: number; contacts: readonly Contact[] }) {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<Filter>('all');
  const query = useInfiniteQuery({
    queryKey: [...customersKey, 'timeline', customerId, filter],
    queryFn: ({ pageParam, signal }) =>
      api<{ data: TimelineItem[]; nextCursor: string | null }>(`/customers/${customerId}/timeline`, {
        query: { limit: PAGE, cursor: pageParam ?? undefined, 'filter[type]': filter === 'all' ? undefined : filter },
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const items = useMemo(
    () => (query.data?.pages ?? []).flatMap((p) => p.data)// An update that changed nothing has nothing to show.
        .filter((i) => !(i.type === 'change' && (ownershipActions.has(String(i.data.action)) || (i.data.action === 'update' && isChanges(i.data.changes) && !Object.keys(i.data.changes).length)))),
    [query.data],
  );

  const userIds = useMemo(() => {
    const ids: number[] = [];
    for (const i of items) {
      if (i.type === 'ownership') for (const v of [i.data.fromUserId, i.data.toUserId]) if (typeof v === 'number') ids.push(v);
      if (i.type === 'change' && isChanges(i.data.changes)) {
        for (const [field, c] of Object.entries(i.data.changes)) {
          if (field !== 'ownerId' && field !== 'collaboratorIds') continue;
          for (const v of [c.old, c.new].flat()) if (typeof v === 'number') ids.push(v);
        }
      }
    }
    return ids;
  }, [items]);
  const users = useUserRefs(userIds);
  const customFields = useCustomFields('customer');
  const tags = useTags();
  const text = useFieldText({ customFields: customFields.data ?? [], tags: tags.data ?? [], users: users.data ?? new Map() });
  const userName = (id: unknown) => (typeof id === 'number' ? (users.data?.get(id)?.name ?? `#${id}`) : t('timeline.nobody'));

  const render = (i: TimelineItem) => {
    const who = i.actor?.name ?? t('timeline.system');
    const head = (what: string, extra?: React.ReactNode) => (
      <Flex gap={8} wrap align="baseline">
        <Typography.Text strong>{who}</Typography.Text>
        <Typography.Text>{what}</Typography.Text>
        {extra}
        <Typography.Text type="secondary" style={{ fontSize: 12, marginLeft: 'auto' }}>
          {formatDateTime(i.at)}
        </Typography.Text>
      </Flex>
    );
    if (i.type === 'follow_up') {
      const channel = i.data.channel;
      const direction = i.data.direction;
      const contact = contacts.find((c) => c.id === num(i.data.contactId));
      const next = str(i.data.nextFollowUpAt);
      return {
        key: i.id,
        color: 'blue',
        icon: <MessageOutlined />,
        content: (
          <div className="gx-timeline-item" data-testid="timeline-follow-up">
            {head(
              t('timeline.followedUp'),
              <>
                {isEnumValue('channel', channel) ? <Tag color="blue">{t(`enums.channel.${channel}`)}</Tag> : null}
                {isEnumValue('direction', direction) ? <Tag>{t(`enums.direction.${direction}`)}</Tag> : null}
                {contact ? <Typography.Text type="secondary">{t('timeline.withContact', { name: contact.name })}</Typography.Text> : null}
              </>,
            )}
            <Typography.Paragraph style={{ margin: '6px 0 0', whiteSpace: 'pre-wrap' }}>{str(i.data.summary) ?? ''}</Typography.Paragraph>
            {str(i.data.outcome) || next ? (
              <Flex gap={12} wrap style={{ marginTop: 4 }}>
                {str(i.data.outcome) ? (
                  <Typography.Text type="secondary">
                    {t('followUps.outcome')}{t('common.colon')}{str(i.data.outcome)}
                  </Typography.Text>
                ) : null}
                {next ? (
                  <Typography.Text type="secondary">
                    {t('followUps.nextFollowUpAt')}{t('common.colon')}{formatDateTime(next)}
                  </Typography.Text>
                ) : null}
              </Flex>
            ) : null}
          </div>
        ),
      };
    }
    if (i.type === 'ownership') {
      const kind = String(i.data.kind);
      const label = (ownershipKinds as readonly string[]).includes(kind) ? t(`timeline.ownership.${kind as (typeof ownershipKinds)[number]}`) : kind;
      const reason = str(i.data.reason);
      return {
        key: i.id,
        color: kind === 'returned' || kind === 'released' ? 'orange' : 'green',
        icon: <SwapOutlined />,
        content: (
          <div className="gx-timeline-item" data-testid="timeline-ownership">
            {head(label)}
            <Typography.Text type="secondary" style={{ display: 'block', marginTop: 4 }}>
              {userName(i.data.fromUserId) === t('timeline.nobody') ? t('timeline.pool') : userName(i.data.fromUserId)} <ArrowRightOutlined />{' '}
              {i.data.toUserId === null || i.data.toUserId === undefined ? t('timeline.pool') : userName(i.data.toUserId)}
            </Typography.Text>
            {reason ? <Typography.Text type="secondary">{t('timeline.reason', { reason })}</Typography.Text> : null}
          </div>
        ),
      };
    }
    if (i.type === 'payment') {
      const method = paymentMethods.find((m): m is PaymentMethod => m === i.data.method);
      const voided = i.data.voided === true;
      return {
        key: i.id,
        color: voided ? 'gray' : 'green',
        icon: <DollarOutlined />,
        content: (
          <div className="gx-timeline-item" data-testid="timeline-payment">
            {head(
              t('timeline.payment'),
              <>
                <Typography.Text strong delete={voided}>
                  {formatMoney(str(i.data.amount))}
                </Typography.Text>
                {voided ? <Tag>{t('timeline.paymentVoided')}</Tag> : null}
              </>,
            )}
            <Typography.Text type="secondary" style={{ display: 'block', marginTop: 4 }}>
              {num(i.data.orderId) !== null ? <Link to={`/orders/${num(i.data.orderId)}`}>{str(i.data.number)}</Link> : null}
              {' · '}
              {formatDate(str(i.data.receivedOn))}
              {method ? ` · ${t(`receivables.methods.${method}`)}` : ''}
              {str(i.data.reference) ? ` · ${str(i.data.reference)}` : ''}
            </Typography.Text>
          </div>
        ),
      };
    }
    if (i.type === 'ticket') {
      // a ticket opened, or a step of its complaint workflow (投诉处理)
      const step = str(i.data.action) ?? '';
      const known = ['created', 'recorded', 'judged', 'solution_proposed', 'solution_approved', 'solution_rejected', 'carried_out', 'visited', 'closed', 'reopened'] as const;
      const label = (known as readonly string[]).includes(step) ? t(`timeline.ticketAction.${step as (typeof known)[number]}`) : step;
      return {
        key: i.id,
        color: i.data.type === 'complaint' ? 'red' : 'blue',
        icon: <CustomerServiceOutlined />,
        content: (
          <div className="gx-timeline-item" data-testid="timeline-ticket">
            {head(label ?? step, <Typography.Text>{str(i.data.number)}</Typography.Text>)}
            <Typography.Text type="secondary" style={{ display: 'block', marginTop: 4 }}>
              {str(i.data.subject)}
              {str(i.data.note) ? ` · ${str(i.data.note)}` : ''}
            </Typography.Text>
          </div>
        ),
      };
    }
    if (i.type === 'order' || i.type === 'order_approval') return orderTimelineItem(i, head, t);
    if (i.type === 'opportunity') return opportunityTimelineItem(i, head, t);
    const action = String(i.data.action);
    const actionLabel = (changeActions as readonly string[]).includes(action) ? t(`timeline.change.${action as (typeof changeActions)[number]}`) : action;
    const changes = isChanges(i.data.changes) ? Object.entries(i.data.changes) : [];
    return {
      key: i.id,
      color: 'gray',
      icon: <EditOutlined />,
      content: (
        <div className="gx-timeline-item" data-testid="timeline-change">
          {head(actionLabel)}
          {action === 'update' || action === 'merge' || action === 'merge_undo'
            ? changes.filter(([field]) => field !== 'mergedIds' && field !== 'mergeId').map(([field, c]) => (
                <span className="gx-change" key={field}>
                  <Typography.Text strong>{text.label(field)}</Typography.Text>
                  {t('common.colon')}
                  <span className="gx-change-old">{text.value(field, c.old)}</span> <ArrowRightOutlined style={{ fontSize: 11, color: '#98a2b3' }} />{' '}
                  <span className="gx-change-new">{text.value(field, c.new)}</span>
                </span>
              ))
            : null}
          {action === 'convert_lead' ? <ConvertedLead changes={i.data.changes} /> : null}
        </div>
      ),
    };
  };

  return (
    <div data-testid="timeline">
      <Segmented<Filter>
        value={filter}
        onChange={setFilter}
        options={[
          { value: 'all', label: t('timeline.all') },
          { value: 'follow_up', label: t('timeline.followUps') },
          { value: 'change', label: t('timeline.changes') },
          { value: 'ownership', label: t('timeline.ownershipMoves') },
          { value: 'order', label: t('orders.timelineFilter') },
          { value: 'opportunity', label: t('timeline.opportunities') },
          { value: 'payment', label: t('timeline.payments') },
          { value: 'ticket', label: t('timeline.tickets') },
        ]}
        style={{ marginBottom: 20 }}
      />
      {query.isPending ? null : items.length ? (
        <Timeline items={items.map(render)} />
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('timeline.empty')} />
      )}
      {query.hasNextPage ? (
        <Flex justify="center">
          <Button onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage}>
            {t('timeline.loadMore')}
          </Button>
        </Flex>
      ) : null}
    </div>
  );
}

/** The lead a customer was converted from, linked (the lead keeps its own page and history). */
function ConvertedLead({ changes }: { changes: unknown }) {
  const lead = isChanges(changes) ? (changes.lead?.new as { id?: unknown; name?: unknown; companyName?: unknown } | undefined) : undefined;
  const id = num(lead?.id);
  if (!lead || id === null) return null;
  return (
    <Link to={`/leads/${id}`} data-testid="timeline-lead-link">
      {[str(lead.name), str(lead.companyName)].filter(Boolean).join(' · ')}
    </Link>
  );
}
