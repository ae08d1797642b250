// How orders and their approvals read on the customer timeline (CustomerTimeline.tsx calls this
// for the `order` and `order_approval` item types).
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Typography } from 'antd';
import { AuditOutlined, ShoppingCartOutlined } from '@ant-design/icons';
import type { TFunction } from 'i18next';
import { orderStatuses, type TimelineItem } from '@guanxi/contracts';
import { formatMoney } from '../../shared/format';
import { OrderStatusTag } from './order-bits';

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const approvalActions = ['requested', 'approved', 'rejected'] as const;

export function orderTimelineItem(i: TimelineItem, head: (what: string, extra?: ReactNode) => ReactNode, t: TFunction) {
  if (i.type === 'order') {
    const status = str(i.data.status);
    return {
      key: i.id,
      color: 'purple',
      icon: <ShoppingCartOutlined />,
      content: (
        <div className="gx-timeline-item" data-testid="timeline-order">
          {head(t('orders.timelineCreated'), (orderStatuses as readonly string[]).includes(status) ? <OrderStatusTag status={status as (typeof orderStatuses)[number]} /> : null)}
          <Typography.Text style={{ display: 'block', marginTop: 4 }}>
            <Link to={`/orders/${str(i.data.id)}`}>{str(i.data.number)}</Link> · {formatMoney(str(i.data.total))}
          </Typography.Text>
        </div>
      ),
    };
  }
  const action = str(i.data.action);
  const known = (approvalActions as readonly string[]).includes(action) ? (action as (typeof approvalActions)[number]) : 'requested';
  const note = str(i.data.note);
  return {
    key: i.id,
    color: known === 'approved' ? 'green' : known === 'rejected' ? 'red' : 'orange',
    icon: <AuditOutlined />,
    content: (
      <div className="gx-timeline-item" data-testid="timeline-order-approval">
        {head(t(`orders.timelineApproval.${known}`))}
        <Typography.Text style={{ display: 'block', marginTop: 4 }}>
          <Link to={`/orders/${str(i.data.orderId)}`}>{str(i.data.number)}</Link>
        </Typography.Text>
        {note ? <Typography.Text type="secondary">{t('orders.timelineNote', { note })}</Typography.Text> : null}
      </div>
    ),
  };
}
