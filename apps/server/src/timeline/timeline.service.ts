// A customer's timeline (客户时间线): follow-ups, field changes and ownership moves, newest first,
// one item shape for all. Each source is one function returning rows of
// (type, id, at, actor_id, data); adding orders or tickets later is adding one function here.
import { sql, type SQL } from 'drizzle-orm';
import type { TimelineItem } from '@guanxi/contracts';
import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/client.js';
import type { Ctx } from '../platform/context.js';
import { ownedBy } from '../platform/data-scope.js';
import { invalid } from '../platform/errors.js';
import { canSeePersonalData } from '../platform/masking.js';
import { assertCustomerVisible } from '../customers/customers.service.js';
import { maskPersonal, personalFields } from '../customers/customer-view.js';

type Source = (customerId: number, actor: Actor) => SQL;

const sources: Record<TimelineItem['type'], Source> = {
  follow_up: (id) => sql`
    select 'follow_up'::text as type, f.id, f.occurred_at as at, f.author_id as actor_id,
      jsonb_build_object('id', f.id, 'channel', f.channel, 'direction', f.direction, 'summary', f.summary, 'outcome', f.outcome,
        'nextFollowUpAt', f.next_follow_up_at, 'contactId', f.contact_id) as data
    from follow_ups f where f.customer_id = ${id} and f.deleted_at is null`,
  change: (id) => sql`
    select 'change'::text, a.id, a.at, a.actor_id, jsonb_build_object('action', a.action, 'changes', coalesce(a.changes, '{}'::jsonb))
    from audit_log a where a.entity = 'customer' and a.entity_id = ${String(id)}
      -- ownership moves have their own, richer item from customer_events; edits that changed nothing show nothing
      and a.action not in ('claim', 'assign', 'release', 'return')
      and (a.action <> 'update' or a.changes is not null)`,
  ownership: (id) => sql`
    select 'ownership'::text, e.id, e.at, e.actor_id,
      coalesce(e.data, '{}'::jsonb) || jsonb_build_object('kind', e.kind, 'fromUserId', e.from_user_id, 'toUserId', e.to_user_id)
    from customer_events e where e.customer_id = ${id}`,
  // orders are owned rows: only those in the caller's data scope appear
  order: (id, actor) => sql`
    select 'order'::text, o.id, o.created_at, o.created_by,
      jsonb_build_object('id', o.id, 'number', o.number, 'status', o.status, 'action', o.status, 'orderDate', o.order_date, 'total', o.total::text)
    from orders o where o.customer_id = ${id} and o.deleted_at is null and ${ownedBy(actor, sql`o.owner_id`)}`,
  // payments received (回款) on orders in the caller's scope; a voided one stays, marked
  payment: (id, actor) => sql`
    select 'payment'::text, p.id, p.created_at, p.created_by,
      jsonb_build_object('id', p.id, 'orderId', p.order_id, 'number', o.number, 'amount', p.amount::text, 'receivedOn', p.received_on,
        'method', p.method, 'reference', p.reference, 'voided', p.deleted_at is not null, 'voidedReason', p.voided_reason)
    from payments p join orders o on o.id = p.order_id
    where p.customer_id = ${id} and o.deleted_at is null and ${ownedBy(actor, sql`o.owner_id`)}`,
  // approval requests and decisions, from the order's audit rows (see orders/order-approvals.service.ts)
  order_approval: (id, actor) => sql`
    select 'order_approval'::text, a.id, a.at, a.actor_id,
      jsonb_build_object('orderId', o.id, 'number', o.number,
        'action', case a.action when 'request_approval' then 'requested' when 'approve' then 'approved' else 'rejected' end,
        'approverId', a.changes->'approverId'->'new', 'note', a.changes->'approvalNote'->'new')
    from audit_log a join orders o on a.entity = 'order' and o.id::text = a.entity_id
    where o.customer_id = ${id} and o.deleted_at is null and a.action in ('request_approval', 'approve', 'reject')
      and ${ownedBy(actor, sql`o.owner_id`)}`,
  // stage changes (and creation) of the customer's deals in the caller's scope
  opportunity: (id, actor) => sql`
    select 'opportunity'::text, h.id, h.at, h.actor_id,
      jsonb_build_object('opportunityId', o.id, 'name', o.name, 'fromStageName', f.name, 'fromStageKey', f.key,
        'toStageName', t.name, 'toStageKey', t.key, 'toStageKind', t.kind, 'fromPipelineId', f.pipeline_id, 'fromPipelineName', fp.name,
        'toPipelineId', t.pipeline_id, 'toPipelineName', tp.name,
        'amount', o.amount::text, 'currency', o.currency, 'reason', h.reason, 'secondsInPrevious', h.seconds_in_previous)
    from opportunity_stage_history h join opportunities o on o.id = h.opportunity_id
      join pipeline_stages t on t.id = h.to_stage_id join pipelines tp on tp.id = t.pipeline_id
      left join pipeline_stages f on f.id = h.from_stage_id left join pipelines fp on fp.id = f.pipeline_id
    where o.customer_id = ${id} and o.deleted_at is null and ${ownedBy(actor, sql`o.owner_id`)}`,
  // tickets (their creation) and each complaint step (投诉处理): shown to whoever may see the customer
  ticket: (id) => sql`
    select 'ticket'::text, t.id, t.created_at, t.created_by,
      jsonb_build_object('ticketId', t.id, 'number', t.number, 'type', t.type, 'subject', t.subject, 'status', t.status,
        'priority', t.priority, 'channel', t.channel, 'action', 'created')
    from tickets t where t.customer_id = ${id} and t.deleted_at is null
    union all
    select 'ticket'::text, -s.id, s.at, s.actor_id,
      jsonb_build_object('ticketId', t.id, 'number', t.number, 'type', t.type, 'subject', t.subject, 'status', t.status,
        'priority', t.priority, 'action', s.step, 'note', s.note, 'data', s.data)
    from ticket_steps s join tickets t on t.id = s.ticket_id
    where t.customer_id = ${id} and t.deleted_at is null and s.step <> 'received'`,
};

function decodeCursor(cursor: string): [string, string, number] {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'string' && Number.isSafeInteger(v[2])) return v as [string, string, number];
  } catch {
    // fall through
  }
  throw invalid('cursor', 'not a cursor returned by this list');
}

/** Old and new values of personal fields are masked like the record itself. */
function maskChanges(actor: Actor, data: Record<string, unknown>): Record<string, unknown> {
  if (canSeePersonalData(actor) || typeof data.changes !== 'object' || data.changes === null) return data;
  const changes: Record<string, unknown> = {};
  for (const [field, change] of Object.entries(data.changes as Record<string, { old: unknown; new: unknown }>)) {
    if (!(field in personalFields)) changes[field] = change;
    else changes[field] = { old: maskPersonal(actor, { [field]: change.old })[field], new: maskPersonal(actor, { [field]: change.new })[field] };
  }
  return { ...data, changes };
}

export async function customerTimeline(
  database: Database,
  ctx: Ctx,
  customerId: number,
  query: { limit: number; cursor?: string | undefined; 'filter[type]'?: TimelineItem['type'] | undefined },
): Promise<{ data: TimelineItem[]; nextCursor: string | null }> {
  await assertCustomerVisible(database.db, ctx.actor, customerId);
  const chosen = query['filter[type]'] ? [sources[query['filter[type]']]] : Object.values(sources);
  const union = sql.join(chosen.map((s) => s(customerId, ctx.actor)), sql` union all `);
  let after = sql`true`;
  if (query.cursor) {
    const [at, type, id] = decodeCursor(query.cursor);
    after = sql`(t.at, t.type, t.id) < (${at}::timestamptz, ${type}::text, ${id}::bigint)`;
  }
  const rows = await database.rows<{ type: TimelineItem['type']; id: number; at: Date | string; at_text: string; actor_id: number | null; actor_name: string | null; data: Record<string, unknown> }>(sql`
    select t.type, t.id, t.at, t.at::text as at_text, t.actor_id, u.name as actor_name, t.data
    from (${union}) as t (type, id, at, actor_id, data)
    left join users u on u.id = t.actor_id
    where ${after}
    order by t.at desc, t.type desc, t.id desc
    limit ${query.limit + 1}`);
  const more = rows.length > query.limit;
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    data: page.map((r) => ({
      type: r.type,
      id: `${r.type}:${r.id}`,
      at: new Date(r.at).toISOString(),
      actor: r.actor_id === null ? null : { id: Number(r.actor_id), name: r.actor_name ?? '' },
      data: r.type === 'change' ? maskChanges(ctx.actor, r.data) : r.data,
    })),
    nextCursor: more && last ? Buffer.from(JSON.stringify([last.at_text, last.type, Number(last.id)])).toString('base64url') : null,
  };
}
