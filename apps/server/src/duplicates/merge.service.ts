// Merging duplicate customers: one survivor keeps the chosen value of each field, every record
// that hangs on the others moves to it, and the others are soft-deleted with merged_into set.
// customer_merges keeps the before-images and the moved rows' ids, so an undo puts back exactly
// what the merge changed — and refuses when the survivor was edited since in a way an undo would
// overwrite.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { mergeableFields, type CustomerMerge, type MergeBody } from '@guanxi/contracts';
import type { ErrorDetail } from '@guanxi/contracts';
import type { Actor } from '../auth/actor.js';
import type { Database, DbOrTx } from '../db/client.js';
import { customers } from '../db/schema.js';
import { customerVisible, liveVisibleCustomer } from '../customers/customer-scope.js';
import { findCustomer } from '../customers/customers.service.js';
import { maskPersonal, type CustomerRow } from '../customers/customer-view.js';
import { refreshCustomer } from '../follow-ups/follow-ups.service.js';
import { recordAudit, type Changes } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { conflict, forbidden, invalid, msg, notFound, versionConflict } from '../platform/errors.js';
import { isoNN, iso } from '../platform/versioned.js';
import { customerMerges, type MergeMoves } from './duplicates.table.js';

/**
 * Every column that points at a customer, and what a merge does with it. `move`: rows with their
 * own id are re-pointed at the survivor; `link`: link rows (customer_id + key) are re-pointed, a
 * link the survivor already has is dropped; `keep`: left on the merged record, with the reason.
 * customer-references.test.ts lists the database's columns that reference customers and fails
 * when one is missing here, so a new table cannot be forgotten silently.
 */
export type CustomerReference =
  | { table: string; column: string; how: 'move'; where?: string; /** also set updated_at, so incremental readers (the analytics refresh) see the move */ touch?: boolean }
  | { table: string; column: 'customer_id'; how: 'link'; key: string }
  | { table: string; column: string; how: 'keep'; why: string };

export const customerReferences: CustomerReference[] = [
  { table: 'follow_ups', column: 'customer_id', how: 'move' },
  { table: 'tasks', column: 'customer_id', how: 'move' },
  { table: 'tasks', column: 'related_id', how: 'move', where: `related_type = 'customer'` },
  { table: 'orders', column: 'customer_id', how: 'move', touch: true },
  { table: 'payments', column: 'customer_id', how: 'move' },
  { table: 'payment_instalments', column: 'customer_id', how: 'move' },
  { table: 'opportunities', column: 'customer_id', how: 'move' },
  { table: 'leads', column: 'converted_customer_id', how: 'move' },
  { table: 'tickets', column: 'customer_id', how: 'move' },
  { table: 'return_visits', column: 'customer_id', how: 'move' },
  { table: 'customer_contacts', column: 'customer_id', how: 'link', key: 'contact_id' },
  { table: 'customer_tags', column: 'customer_id', how: 'link', key: 'tag_id' },
  { table: 'customer_collaborators', column: 'customer_id', how: 'link', key: 'user_id' },
  { table: 'customer_events', column: 'customer_id', how: 'keep', why: 'claims and pool returns describe who held the merged record; the survivor has its own' },
  { table: 'customer_merges', column: 'survivor_id', how: 'keep', why: 'the merge history itself' },
  { table: 'duplicate_candidates', column: 'customer_a_id', how: 'keep', why: 'the merge closes the pairs among its records (status merged)' },
  { table: 'duplicate_candidates', column: 'customer_b_id', how: 'keep', why: 'the merge closes the pairs among its records (status merged)' },
  { table: 'customers', column: 'merged_into', how: 'keep', why: 'the merge marker itself' },
  { table: 'sales_expenses', column: 'customer_id', how: 'move' },
  { table: 'customer_metrics', column: 'customer_id', how: 'keep', why: 'scores are derived: the next analytics refresh scores the survivor from the moved orders and drops the merged record' },
  { table: 'customer_metric_history', column: 'customer_id', how: 'keep', why: 'the class changes the merged record went through' },
  { table: 'customer_warnings', column: 'customer_id', how: 'keep', why: 'the next warnings sync closes a merged record\'s open warning (cause gone) and judges the survivor' },
  { table: 'customer_pinyin_keys', column: 'customer_id', how: 'keep', why: 'derived from the name; the duplicates scan only reads live customers' },
  { table: 'analytics_rollup_customers', column: 'customer_id', how: 'keep', why: 'what the dashboards counted the record for: the next refresh takes a deleted (merged) record out and counts the survivor with its moved orders' },
];

type CustomerKey = keyof CustomerRow;
const customKey = /^custom\.([a-z][a-z0-9_]{0,39})$/;

async function rowsOf<T>(tx: DbOrTx, q: ReturnType<typeof sql>): Promise<T[]> {
  return ((await tx.execute(q)) as unknown as { rows: T[] }).rows;
}

const ident = (s: string) => sql.raw(`"${s.replace(/"/g, '')}"`);

async function moveRows(tx: DbOrTx, survivorId: number, mergedIds: number[]): Promise<MergeMoves> {
  const moves: MergeMoves = { rows: [], links: [] };
  const merged = sql`(select (jsonb_array_elements_text(${JSON.stringify(mergedIds)}::jsonb))::bigint)`;
  for (const ref of customerReferences) {
    const t = ident(ref.table);
    const c = ident(ref.column);
    if (ref.how === 'move') {
      const extra = ref.where ? sql.raw(` and ${ref.where}`) : sql``;
      const moved = await rowsOf<{ id: number; old: number }>(tx, sql`
        update ${t} set ${c} = ${survivorId}${ref.touch ? sql`, updated_at = now()` : sql``} from (select id, ${c} as old from ${t} where ${c} in ${merged}${extra}) o
        where ${t}.id = o.id returning ${t}.id, o.old`);
      if (moved.length) moves.rows.push({ table: ref.table, column: ref.column, ids: moved.map((m) => [Number(m.id), Number(m.old)]) });
    } else if (ref.how === 'link') {
      const k = ident(ref.key);
      const before = (await rowsOf<{ k: number }>(tx, sql`select ${k} as k from ${t} where customer_id = ${survivorId}`)).map((r) => Number(r.k));
      const original = (await rowsOf<{ r: Record<string, unknown> }>(tx, sql`select to_jsonb(x) as r from ${t} x where customer_id in ${merged} order by customer_id`)).map((r) => r.r);
      if (!original.length && ref.table !== 'customer_collaborators') continue;
      await tx.execute(sql`
        insert into ${t} select (jsonb_populate_record(null::${t}, to_jsonb(x) || jsonb_build_object('customer_id', ${survivorId}::bigint))).*
        from ${t} x where customer_id in ${merged} order by customer_id on conflict do nothing`);
      await tx.execute(sql`delete from ${t} where customer_id in ${merged}`);
      if (ref.table === 'customer_contacts') {
        // one primary contact: the survivor's own, else the first merged record's
        await tx.execute(sql`
          update customer_contacts set is_primary = false where customer_id = ${survivorId} and is_primary and contact_id <> (
            select contact_id from customer_contacts where customer_id = ${survivorId} and is_primary
            order by (contact_id in (select (jsonb_array_elements_text(${JSON.stringify(before)}::jsonb))::bigint)) desc, created_at, contact_id limit 1)`);
      }
      if (ref.table === 'customer_collaborators') {
        // the owners of the merged records keep seeing what used to be theirs
        await tx.execute(sql`
          insert into customer_collaborators (customer_id, user_id)
          select ${survivorId}, c.owner_id from customers c where c.id in ${merged} and c.owner_id is not null on conflict do nothing`);
        await tx.execute(sql`delete from customer_collaborators where customer_id = ${survivorId} and user_id = (select owner_id from customers where id = ${survivorId})`);
      }
      const after = (await rowsOf<{ k: number }>(tx, sql`select ${k} as k from ${t} where customer_id = ${survivorId}`)).map((r) => Number(r.k));
      const added = after.filter((x) => !before.includes(x));
      if (original.length || added.length) moves.links.push({ table: ref.table, key: ref.key, original, added });
    }
  }
  return moves;
}

async function restoreRows(tx: DbOrTx, survivorId: number, moves: MergeMoves): Promise<number> {
  let notRestored = 0;
  for (const m of moves.rows) {
    const ref = customerReferences.find((r) => r.table === m.table && r.column === m.column);
    const extra = ref?.how === 'move' && ref.where ? sql.raw(` and ${ref.where}`) : sql``;
    const t = ident(m.table);
    const c = ident(m.column);
    const back = await rowsOf<{ id: number }>(tx, sql`
      update ${t} set ${c} = m.old${ref?.how === 'move' && ref.touch ? sql`, updated_at = now()` : sql``} from (select (e->>0)::bigint as id, (e->>1)::bigint as old from jsonb_array_elements(${JSON.stringify(m.ids)}::jsonb) e) m
      where ${t}.id = m.id and ${t}.${c} = ${survivorId}${extra} returning ${t}.id`);
    notRestored += m.ids.length - back.length;
  }
  for (const l of moves.links) {
    const t = ident(l.table);
    if (l.added.length) await tx.execute(sql`delete from ${t} where customer_id = ${survivorId} and ${ident(l.key)} in (select (jsonb_array_elements_text(${JSON.stringify(l.added)}::jsonb))::bigint)`);
    if (l.original.length) await tx.execute(sql`insert into ${t} select * from jsonb_populate_recordset(null::${t}, ${JSON.stringify(l.original)}::jsonb) on conflict do nothing`);
  }
  return notRestored;
}

function pickValues(rows: Map<number, CustomerRow>, survivor: CustomerRow, fields: Record<string, number>): Partial<CustomerRow> {
  const patch: Partial<Record<CustomerKey, unknown>> = {};
  let custom: Record<string, unknown> | null = null;
  for (const [field, fromId] of Object.entries(fields)) {
    const source = rows.get(fromId);
    if (!source) throw invalid(`fields.${field}`, `customer ${fromId} is not one of the merged records`, 'not_involved');
    const ck = customKey.exec(field);
    if (ck) {
      custom ??= { ...survivor.custom };
      const v = source.custom[ck[1]!];
      if (v === undefined || v === null) delete custom[ck[1]!];
      else custom[ck[1]!] = v;
      continue;
    }
    if (!(mergeableFields as readonly string[]).includes(field)) throw invalid(`fields.${field}`, 'not a field that can be merged', 'unknown_field');
    if (fromId === survivor.id) continue;
    patch[field as CustomerKey] = source[field as CustomerKey];
    if (field === 'importance') patch.importanceSource = source.importanceSource;
  }
  if (custom) patch.custom = custom;
  return patch as Partial<CustomerRow>;
}

const mergedFieldNames = [...mergeableFields, 'importanceSource', 'custom', 'lastDealAt'] as const;

export async function mergeCustomers(database: Database, ctx: Ctx, body: MergeBody): Promise<CustomerMerge> {
  const { actor } = ctx;
  const id = await database.db.transaction(async (tx) => {
    const ids = [body.survivorId, ...body.mergedIds];
    const found = await tx.select().from(customers).where(and(inArray(customers.id, ids), liveVisibleCustomer(actor))).orderBy(customers.id).for('update');
    if (found.length !== ids.length) throw notFound();
    if (!actor.permissions.has('customers.delete')) {
      throw forbidden(msg('Merging removes the merged records: it needs the permission to delete customers.', '合并会删除被合并的客户记录，需要删除客户的权限。'));
    }
    const rows = new Map(found.map((r) => [r.id, r]));
    for (const cid of ids) {
      const v = body.versions[String(cid)];
      if (v === undefined) throw invalid(`versions.${cid}`, 'the version of every involved customer is required', 'required');
      if (v !== rows.get(cid)!.version) throw versionConflict(await findCustomer(tx, actor, cid));
    }
    const survivor = rows.get(body.survivorId)!;
    const patch = pickValues(rows, survivor, body.fields);
    const lastDeal = found.map((r) => r.lastDealAt).filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0] ?? null;
    if (lastDeal && (!survivor.lastDealAt || lastDeal > survivor.lastDealAt)) patch.lastDealAt = lastDeal;
    const [after] = await tx
      .update(customers)
      .set({ ...patch, version: sql`${customers.version} + 1`, updatedAt: sql`now()`, updatedBy: actor.id })
      .where(eq(customers.id, survivor.id))
      .returning();
    const survivorChanges: Changes = {};
    for (const f of mergedFieldNames) {
      if (JSON.stringify(survivor[f] ?? null) !== JSON.stringify(after![f] ?? null)) survivorChanges[f] = { old: survivor[f] ?? null, new: after![f] ?? null };
    }
    const mergedBefore: Record<string, { deleted_at: string | null; deleted_by: number | null; version: number }> = {};
    for (const mid of body.mergedIds) mergedBefore[String(mid)] = { deleted_at: null, deleted_by: null, version: rows.get(mid)!.version };
    // contacts and other rows first: the collaborators step reads the merged records' owners
    const moves = await moveRows(tx, survivor.id, body.mergedIds);
    await tx
      .update(customers)
      .set({ deletedAt: sql`now()`, deletedBy: actor.id, mergedInto: survivor.id, version: sql`${customers.version} + 1`, updatedAt: sql`now()`, updatedBy: actor.id })
      .where(inArray(customers.id, body.mergedIds));
    for (const cid of ids) await refreshCustomer(tx, cid);
    const [merge] = await tx.insert(customerMerges).values({ survivorId: survivor.id, mergedIds: body.mergedIds, survivorChanges, mergedBefore, moves, createdBy: actor.id, updatedBy: actor.id }).returning({ id: customerMerges.id });
    const closed = await rowsOf<{ id: number }>(tx, sql`
      update duplicate_candidates set status = 'merged', merge_id = ${merge!.id}, decided_at = now(), decided_by = ${actor.id}
      where status <> 'merged' and customer_a_id in (select (jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))::bigint)
        and customer_b_id in (select (jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))::bigint) returning id`);
    await tx.update(customerMerges).set({ candidateIds: closed.map((c) => Number(c.id)) }).where(eq(customerMerges.id, merge!.id));
    // the survivor's timeline shows the merge as a change with the picked values
    await recordAudit(tx, ctx, { entity: 'customer', entityId: survivor.id, action: 'merge', changes: { ...survivorChanges, mergedIds: { old: null, new: body.mergedIds }, mergeId: { old: null, new: merge!.id } } });
    for (const mid of body.mergedIds) await recordAudit(tx, ctx, { entity: 'customer', entityId: mid, action: 'merged_into', changes: { mergedInto: { old: null, new: survivor.id }, mergeId: { old: null, new: merge!.id } } });
    return merge!.id;
  });
  return getMerge(database.db, actor, id);
}

export async function undoMerge(database: Database, ctx: Ctx, mergeId: number): Promise<CustomerMerge> {
  const { actor } = ctx;
  await database.db.transaction(async (tx) => {
    const [m] = await tx.select().from(customerMerges).where(eq(customerMerges.id, mergeId)).for('update');
    if (!m) throw notFound();
    const [survivor] = await tx.select().from(customers).where(and(eq(customers.id, m.survivorId), liveVisibleCustomer(actor))).for('update');
    if (!survivor) throw notFound();
    const merged = await rowsOf<{ id: number; deleted_at: Date | null; merged_into: number | null }>(tx, sql`
      select c.id, c.deleted_at, c.merged_into from customers c
      where c.id in (select (jsonb_array_elements_text(${JSON.stringify(m.mergedIds)}::jsonb))::bigint) and ${customerVisible(actor, 'c', true)} for update`);
    if (merged.length !== m.mergedIds.length) throw notFound();
    if (!actor.permissions.has('customers.delete')) throw forbidden(msg('Undoing a merge restores deleted records: it needs the permission to delete customers.', '撤销合并会恢复已删除的客户，需要删除客户的权限。'));
    if (m.undoneAt) throw conflict(msg('This merge has already been undone.', '该合并已撤销。'));
    const problems: ErrorDetail[] = [];
    for (const [field, change] of Object.entries(m.survivorChanges)) {
      if (field === 'lastDealAt' || field === 'importanceSource') continue;
      const now = survivor[field as CustomerKey] ?? null;
      if (JSON.stringify(now) !== JSON.stringify(change.new)) problems.push({ path: field, message: `${field} was changed after the merge`, code: 'changed_since' });
    }
    for (const r of merged) {
      if (r.deleted_at === null || Number(r.merged_into) !== m.survivorId) problems.push({ path: `mergedIds.${r.id}`, message: `customer ${r.id} was restored or changed after the merge`, code: 'changed_since' });
    }
    if (problems.length) {
      const what = problems.map((p) => p.path).join(', ');
      throw conflict(
        msg(`The merge cannot be undone: ${what} changed after it, and undoing would overwrite that. Change it back or fix the records by hand.`, `无法撤销合并：合并后 ${what} 已被修改，撤销会覆盖这些修改。请先改回，或手工修正记录。`),
        problems,
      );
    }
    const patch: Partial<Record<CustomerKey, unknown>> = {};
    for (const [field, change] of Object.entries(m.survivorChanges)) {
      if (field === 'lastDealAt') {
        // a deal after the merge is the survivor's own: keep it
        if (iso(survivor.lastDealAt) !== iso(change.new as string | null)) continue;
        patch.lastDealAt = change.old === null ? null : new Date(change.old as string);
        continue;
      }
      patch[field as CustomerKey] = change.old;
    }
    await tx.update(customers).set({ ...(patch as Partial<CustomerRow>), version: sql`${customers.version} + 1`, updatedAt: sql`now()`, updatedBy: actor.id }).where(eq(customers.id, survivor.id));
    for (const [mid, before] of Object.entries(m.mergedBefore)) {
      await tx.execute(sql`update customers set deleted_at = ${before.deleted_at}::timestamptz, deleted_by = ${before.deleted_by}::bigint, merged_into = null,
        version = version + 1, updated_at = now(), updated_by = ${actor.id} where id = ${Number(mid)}`);
    }
    const notRestored = await restoreRows(tx, survivor.id, m.moves);
    for (const cid of [survivor.id, ...m.mergedIds]) await refreshCustomer(tx, cid);
    if (m.candidateIds.length) {
      await tx.execute(sql`update duplicate_candidates set status = 'open', merge_id = null, decided_at = null, decided_by = null
        where merge_id = ${m.id} and status = 'merged'`);
    }
    await tx.update(customerMerges).set({ undoneAt: sql`now()`, undoneBy: actor.id, version: sql`${customerMerges.version} + 1`, updatedAt: sql`now()`, updatedBy: actor.id }).where(eq(customerMerges.id, m.id));
    const undone: Changes = {};
    for (const [f, c] of Object.entries(m.survivorChanges)) undone[f] = { old: c.new, new: c.old };
    await recordAudit(tx, ctx, { entity: 'customer', entityId: survivor.id, action: 'merge_undo', changes: { ...undone, mergedIds: { old: m.mergedIds, new: null }, mergeId: { old: m.id, new: null }, ...(notRestored ? { rowsNotRestored: { old: null, new: notRestored } } : {}) } });
    for (const mid of m.mergedIds) await recordAudit(tx, ctx, { entity: 'customer', entityId: mid, action: 'merge_undo', changes: { mergedInto: { old: survivor.id, new: null }, mergeId: { old: m.id, new: null } } });
  });
  return getMerge(database.db, actor, mergeId);
}

interface MergeRow {
  id: number;
  survivor_id: number;
  survivor_name: string;
  merged: Array<{ id: number; name: string }>;
  survivor_changes: Changes;
  moves: MergeMoves;
  created_at: Date;
  created_by: number | null;
  creator_name: string | null;
  undone_at: Date | null;
}

function toMerge(actor: Actor, r: MergeRow): CustomerMerge {
  const moved: Record<string, number> = {};
  for (const m of r.moves.rows) moved[m.table] = (moved[m.table] ?? 0) + m.ids.length;
  for (const l of r.moves.links) if (l.original.length) moved[l.table] = (moved[l.table] ?? 0) + l.original.length;
  const changes: CustomerMerge['changes'] = {};
  for (const [f, c] of Object.entries(r.survivor_changes)) {
    changes[f] = { old: maskPersonal(actor, { [f]: c.old })[f], new: maskPersonal(actor, { [f]: c.new })[f] };
  }
  return {
    id: Number(r.id),
    survivor: { id: Number(r.survivor_id), name: r.survivor_name },
    merged: r.merged.map((m) => ({ id: Number(m.id), name: m.name })),
    changes,
    moved,
    createdAt: isoNN(r.created_at),
    createdBy: r.created_by === null ? null : { id: Number(r.created_by), name: r.creator_name ?? '' },
    undoneAt: iso(r.undone_at),
  };
}

const mergeSelect = sql`select m.id, m.survivor_id, s.name as survivor_name, m.survivor_changes, m.moves, m.created_at, m.created_by, u.name as creator_name, m.undone_at,
    (select coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'name', c.name) order by c.id), '[]'::jsonb) from customers c where c.id = any(m.merged_ids)) as merged
  from customer_merges m join customers s on s.id = m.survivor_id left join users u on u.id = m.created_by`;

export async function getMerge(db: DbOrTx, actor: Actor, id: number): Promise<CustomerMerge> {
  const [r] = await rowsOf<MergeRow>(db, sql`${mergeSelect} where m.id = ${id} and ${customerVisible(actor, 's')}`);
  if (!r) throw notFound();
  return toMerge(actor, r);
}

/** Merges whose survivor the caller can see, newest first. */
export async function listMerges(database: Database, ctx: Ctx, q: { 'filter[customerId]'?: number | undefined; limit: number; cursor?: string | undefined }): Promise<{ data: CustomerMerge[]; nextCursor: string | null }> {
  let after = sql`true`;
  if (q.cursor) {
    const id = Number(Buffer.from(q.cursor, 'base64url').toString('utf8'));
    if (!Number.isSafeInteger(id)) throw invalid('cursor', 'not a cursor returned by this list');
    after = sql`m.id < ${id}`;
  }
  const cid = q['filter[customerId]'];
  const forCustomer = cid ? sql`(m.survivor_id = ${cid} or ${cid}::bigint = any(m.merged_ids))` : sql`true`;
  const rows = await rowsOf<MergeRow>(database.db, sql`${mergeSelect} where s.deleted_at is null and ${customerVisible(ctx.actor, 's')} and ${forCustomer} and ${after} order by m.id desc limit ${q.limit + 1}`);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    data: page.map((r) => toMerge(ctx.actor, r)),
    nextCursor: rows.length > q.limit && last ? Buffer.from(String(last.id)).toString('base64url') : null,
  };
}
