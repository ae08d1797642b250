// The recycle bin (回收站): soft-deleted customers and contacts in the caller's scope, restored
// with their links, or purged for good by an administrator (audited either way).
import { sql, type SQL } from 'drizzle-orm';
import { forgetRolledUpCustomers } from '../analytics/dashboard-rollups.js';
import type { Actor } from '../auth/actor.js';
import type { Database, DbOrTx } from '../db/client.js';
import { recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { ownedBy } from '../platform/data-scope.js';
import { invalid, notFound } from '../platform/errors.js';
import { customerVisible } from '../customers/customer-scope.js';

type Entity = 'customer' | 'contact';

function deletedCustomers(actor: Actor): SQL {
  return sql`select 'customer'::text as entity, c.id, c.name, c.deleted_at, c.deleted_by from customers c
    where c.deleted_at is not null and ${customerVisible(actor, 'c', true)}`;
}
function deletedContacts(actor: Actor): SQL {
  const scoped =
    actor.dataScope === 'all'
      ? sql`true`
      : sql`(${ownedBy(actor, sql`ct.owner_id`)} or exists (select 1 from customer_contacts cc join customers c on c.id = cc.customer_id
          where cc.contact_id = ct.id and c.deleted_at is null and ${customerVisible(actor, 'c')}))`;
  return sql`select 'contact'::text as entity, ct.id, ct.name, ct.deleted_at, ct.deleted_by from contacts ct where ct.deleted_at is not null and ${scoped}`;
}
const sources: Record<Entity, (actor: Actor) => SQL> = { customer: deletedCustomers, contact: deletedContacts };

export async function listRecycleBin(database: Database, ctx: Ctx, query: { 'filter[entity]'?: Entity | undefined; limit: number; cursor?: string | undefined }) {
  const chosen = query['filter[entity]'] ? [sources[query['filter[entity]']]] : Object.values(sources);
  const union = sql.join(chosen.map((s) => s(ctx.actor)), sql` union all `);
  let after = sql`true`;
  if (query.cursor) {
    let c: unknown;
    try {
      c = JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8'));
    } catch {
      c = null;
    }
    if (!Array.isArray(c) || typeof c[0] !== 'string' || typeof c[1] !== 'string' || !Number.isSafeInteger(c[2])) throw invalid('cursor', 'not a cursor returned by this list');
    after = sql`(t.deleted_at, t.entity, t.id) < (${c[0]}::timestamptz, ${c[1]}::text, ${c[2]}::bigint)`;
  }
  const rows = await database.rows<{ entity: Entity; id: number; name: string; deleted_at: Date | string; at_text: string; deleted_by: number | null; deleted_by_name: string | null }>(sql`
    select t.entity, t.id, t.name, t.deleted_at, t.deleted_at::text as at_text, t.deleted_by, u.name as deleted_by_name
    from (${union}) t left join users u on u.id = t.deleted_by
    where ${after}
    order by t.deleted_at desc, t.entity desc, t.id desc
    limit ${query.limit + 1}`);
  const [count] = await database.rows<{ total: number }>(sql`select count(*)::int as total from (${union}) t`);
  const more = rows.length > query.limit;
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    data: page.map((r) => ({
      entity: r.entity,
      id: Number(r.id),
      name: r.name,
      deletedAt: new Date(r.deleted_at).toISOString(),
      deletedBy: r.deleted_by === null ? null : { id: Number(r.deleted_by), name: r.deleted_by_name ?? '' },
    })),
    total: Number(count?.total ?? 0),
    nextCursor: more && last ? Buffer.from(JSON.stringify([last.at_text, last.entity, Number(last.id)])).toString('base64url') : null,
  };
}

async function findDeleted(tx: DbOrTx, actor: Actor, entity: Entity, id: number): Promise<{ id: number; name: string }> {
  const [row] = await (tx as DbOrTx).execute(sql`select t.id, t.name from (${sources[entity](actor)}) t where t.id = ${id}`).then((r) => (r as unknown as { rows: Array<{ id: number; name: string }> }).rows);
  if (!row) throw notFound();
  return row;
}

export async function restore(database: Database, ctx: Ctx, entity: Entity, id: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    const row = await findDeleted(tx, ctx.actor, entity, id);
    const table = sql.raw(entity === 'customer' ? 'customers' : 'contacts');
    await tx.execute(sql`update ${table} set deleted_at = null, deleted_by = null, version = version + 1, updated_at = now(), updated_by = ${ctx.actor.id} where id = ${id}`);
    await recordAudit(tx, ctx, { entity, entityId: id, action: 'restore', changes: { name: { old: null, new: row.name } } });
  });
}

/** Deletes for good, with everything that hangs on the record; the audit trail keeps who and what. */
export async function purge(database: Database, ctx: Ctx, entity: Entity, id: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    const row = await findDeleted(tx, ctx.actor, entity, id);
    if (entity === 'customer') {
      await tx.execute(sql`delete from follow_ups where customer_id = ${id}`);
      await tx.execute(sql`delete from tasks where customer_id = ${id}`);
      await tx.execute(sql`delete from customer_events where customer_id = ${id}`);
      // what it counts for in the analytics dashboards goes with it (its scores cascade away below)
      await forgetRolledUpCustomers(database, tx, [id]);
      await tx.execute(sql`delete from customers where id = ${id}`);
    } else {
      await tx.execute(sql`update follow_ups set contact_id = null where contact_id = ${id}`);
      await tx.execute(sql`delete from contacts where id = ${id}`);
    }
    await recordAudit(tx, ctx, { entity, entityId: id, action: 'purge', changes: { name: { old: row.name, new: null } } });
  });
}
