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
