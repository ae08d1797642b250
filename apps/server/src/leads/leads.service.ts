// Leads (线索): create, read, list, edit, soft-delete, status changes and the lead pool moves
// (claim, release, assign), within the caller's data scope over the lead's owner.
//
// Who sees what: owned leads by the owner's data scope (ownedBy); pool leads (no owner) by anyone
// with sales.read, through the pool tab, with contact channels masked for scoped roles until
// claimed — the same deal as the customer pool. Writing needs the lead in scope and owned (or a
// role with scope `all`); a converted lead is history and no longer changes.
import { and, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import { leadSources, leadStatuses, type Lead, type LeadListQuery, type LeadStatus } from '@guanxi/contracts';
import type { Actor } from '../auth/actor.js';
import type { Database, DbOrTx } from '../db/client.js';
import { leads } from '../db/schema.js';
import { diff, recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { ownedBy } from '../platform/data-scope.js';
import { AppError, conflict, forbidden, invalid, msg, notFound, versionConflict } from '../platform/errors.js';
import { canSeePersonalData, maskEmail, maskPhone, maskText } from '../platform/masking.js';
import { countRows, keyset, pageOf, parseSort } from '../platform/pagination.js';
import { auditFields, iso, updateVersioned } from '../platform/versioned.js';
import { compileFilters, likeContains } from '../customers/list-filters.js';

export type LeadRow = typeof leads.$inferSelect;
type PlainRow = Omit<LeadRow, 'searchText'>;
type ViewRow = PlainRow & { ownerName: string | null };

export const auditedLeadFields = [
  'name', 'companyName', 'title', 'mobile', 'phone', 'email', 'wechat', 'province', 'city', 'source', 'status', 'disqualifyReason', 'notes', 'ownerId',
  'convertedCustomerId', 'convertedContactId', 'convertedOpportunityId',
] as const;

const { searchText: _st, ...plainColumns } = getTableColumns(leads);
const viewColumns = { ...plainColumns, ownerName: sql<string | null>`(select u.name from users u where u.id = ${leads.ownerId})` };

/** A live lead the caller may read: owned within scope, or in the pool. */
export function leadReadable(actor: Pick<Actor, 'id' | 'dataScope' | 'departmentId'>): SQL {
  return sql`(${leads.deletedAt} is null and (${leads.ownerId} is null or ${ownedBy(actor, leads.ownerId)}))`;
}
/** A live lead the caller may change: owned within scope; pool leads only for scope `all`. */
export function leadWritable(actor: Pick<Actor, 'id' | 'dataScope' | 'departmentId'>): SQL {
  if (actor.dataScope === 'all') return sql`${leads.deletedAt} is null`;
  return sql`(${leads.deletedAt} is null and ${leads.ownerId} is not null and ${ownedBy(actor, leads.ownerId)})`;
}

export function toLead(actor: Actor, r: ViewRow): Lead {
  // Pool leads keep their channels hidden from scoped roles until claimed, as pool customers do.
  const poolMasked = r.ownerId === null && actor.dataScope !== 'all';
  const hide = poolMasked || !canSeePersonalData(actor);
  return {
    id: r.id,
    name: r.name,
    companyName: r.companyName,
    title: r.title,
    mobile: hide ? maskPhone(r.mobile) : r.mobile,
    phone: hide ? maskPhone(r.phone) : r.phone,
    email: hide ? maskEmail(r.email) : r.email,
    wechat: hide ? maskText(r.wechat) : r.wechat,
    province: r.province,
    city: r.city,
    source: r.source,
    status: r.status,
    disqualifyReason: r.disqualifyReason,
    notes: r.notes,
    ownerId: r.ownerId,
    ownerName: r.ownerName,
    ownerSince: iso(r.ownerSince),
    poolSince: iso(r.poolSince),
    lastActivityAt: iso(r.lastActivityAt),
    formId: r.formId,
    convertedCustomerId: r.convertedCustomerId,
    convertedContactId: r.convertedContactId,
    convertedOpportunityId: r.convertedOpportunityId,
    convertedAt: iso(r.convertedAt),
    convertedBy: r.convertedBy,
    ...auditFields(r),
  };
}

export async function findLeadView(db: DbOrTx, actor: Actor, id: number): Promise<Lead> {
  const [row] = await db.select(viewColumns).from(leads).where(and(eq(leads.id, id), leadReadable(actor)));
  if (!row) throw notFound();
  return toLead(actor, row);
}
export const getLead = (database: Database, ctx: Ctx, id: number) => findLeadView(database.db, ctx.actor, id);

/**
 * The lead row for a change, locked; 404 when the caller cannot see it, 409 when it is in the pool
 * (claim it first) or already converted.
 */
export async function lockWritableLead(tx: DbOrTx, actor: Actor, id: number, opts: { allowConverted?: boolean } = {}): Promise<LeadRow> {
  const [row] = await tx.select().from(leads).where(and(eq(leads.id, id), leadWritable(actor))).for('update');
  if (!row) {
    const [visible] = await tx.select({ id: leads.id }).from(leads).where(and(eq(leads.id, id), leadReadable(actor)));
    if (!visible) throw notFound();
    throw conflict(msg('This lead is in the lead pool. Claim it first.', '该线索在线索池中，请先领取。'), [{ path: 'lead', message: 'in the pool', code: 'in_pool' }]);
  }
  if (row.status === 'converted' && !opts.allowConverted) {
    throw conflict(msg('This lead has been converted; change the customer instead.', '该线索已转化，请修改对应的客户。'), [{ path: 'status', message: 'already converted', code: 'converted' }]);
  }
  return row;
}

const sortColumns = {
  createdAt: { expr: sql`${leads.createdAt}`, kind: 'timestamp' as const, notNull: true },
  updatedAt: { expr: sql`${leads.updatedAt}`, kind: 'timestamp' as const, notNull: true },
  name: { expr: sql`${leads.name}`, kind: 'text' as const, notNull: true },
  companyName: { expr: sql`${leads.companyName}`, kind: 'text' as const },
  lastActivityAt: { expr: sql`${leads.lastActivityAt}`, kind: 'timestamp' as const },
  poolSince: { expr: sql`${leads.poolSince}`, kind: 'timestamp' as const },
  status: { expr: sql`${leads.status}`, kind: 'text' as const, notNull: true },
  id: { expr: sql`${leads.id}`, kind: 'number' as const, notNull: true },
};
const filterColumns = {
  status: { kind: 'enum' as const, expr: sql`${leads.status}`, values: leadStatuses },
  source: { kind: 'enum' as const, expr: sql`${leads.source}`, values: leadSources },
  ownerId: { kind: 'owner' as const, expr: sql`${leads.ownerId}` },
};

export async function listLeads(database: Database, ctx: Ctx, query: LeadListQuery, timeZone: string): Promise<{ data: Lead[]; nextCursor: string | null; total: number; totalApproximate: boolean }> {
  const { actor } = ctx;
  const { 'filter[pool]': pool, ...rest } = query;
  const conds: SQL[] = [sql`${leads.deletedAt} is null`];
  if (pool === 'true') conds.push(sql`${leads.ownerId} is null`);
  else if (actor.dataScope === 'all') {
    if (pool === 'false') conds.push(sql`${leads.ownerId} is not null`);
  } else {
    // Scoped roles reach pool leads through the pool tab only, as with customers.
    conds.push(sql`${leads.ownerId} is not null`, ownedBy(actor, leads.ownerId));
  }
  if (query.q) conds.push(sql`${leads.searchText} like ${likeContains(query.q.toLowerCase())}`);
  conds.push(...compileFilters(rest, { columns: filterColumns, actorId: actor.id, timeZone }));
  const where = sql.join(conds, sql` and `);
  const spec = parseSort(query.sort, sortColumns, pool === 'true' ? '-poolSince' : '-createdAt');
  const page = keyset(spec, sql`${leads.id}`, query.cursor);
  const rows = await database.db
    .select({ ...viewColumns, sortValue: sql<string | null>`${page.sortValue}` })
    .from(leads)
    .where(sql`${where} and ${page.where}`)
    .orderBy(page.orderBy)
    .limit(query.limit + 1);
  const count = await countRows(database, sql`leads where ${where}`);
  const shown = pageOf(rows, query.limit, (r) => [r.sortValue, r.id]);
  return { data: shown.rows.map((r) => toLead(actor, r)), total: count.total, totalApproximate: count.approximate, nextCursor: shown.nextCursor };
}

const mayAssign = (actor: Actor) => actor.permissions.has('customers.assign') || actor.permissions.has('sales.manage');

/** An active user within the caller's scope, or a 4xx naming `path`. */
async function checkOwner(tx: DbOrTx, actor: Actor, userId: number, path: string): Promise<void> {
  const result = (await tx.execute(sql`select id from users where id = ${userId} and active and deleted_at is null and ${ownedBy(actor, sql`id`)}`)) as unknown as { rows: unknown[] };
  if (!result.rows.length) throw invalid(path, 'not an active user in your data scope', 'out_of_scope');
}

export interface LeadInput {
  name?: string | undefined;
  companyName?: string | null | undefined;
  title?: string | null | undefined;
  mobile?: string | null | undefined;
  phone?: string | null | undefined;
  email?: string | null | undefined;
  wechat?: string | null | undefined;
  province?: string | null | undefined;
  city?: string | null | undefined;
  notes?: string | null | undefined;
  source?: LeadRow['source'] | undefined;
}

/** Inserts a lead and audits it; callers have checked the owner. `ctx` null: a public form. */
export async function insertLead(
  tx: DbOrTx,
  ctx: Ctx | null,
  values: LeadInput & { name: string; source: LeadRow['source']; ownerId: number | null; formId?: number | null },
  via?: Record<string, unknown>,
): Promise<LeadRow> {
  const actorId = ctx?.actor.id ?? null;
  const now = new Date();
  const [row] = await tx
    .insert(leads)
    .values({ ...values, ownerSince: values.ownerId ? now : null, poolSince: values.ownerId ? null : now, createdBy: actorId, updatedBy: actorId })
    .returning();
  const changes = diff(null, row!, auditedLeadFields);
  // Without an actor the entry says where the lead came from (which public form, which address).
  if (via) changes.via = { old: null, new: via };
  await recordAudit(tx, ctx, { entity: 'lead', entityId: row!.id, action: 'create', changes });
  return row!;
}

export async function createLead(database: Database, ctx: Ctx, input: LeadInput & { name: string; source: LeadRow['source']; ownerId?: number | null | undefined }): Promise<Lead> {
  const { actor } = ctx;
  const ownerId = input.ownerId === undefined ? actor.id : input.ownerId;
  if (ownerId !== actor.id && !mayAssign(actor)) {
    throw forbidden(msg('Only users who may assign leads can create them for others or into the pool.', '只有具有分配权限的用户才能为他人创建线索或直接放入线索池。'));
  }
  return database.db.transaction(async (tx) => {
    if (ownerId !== null && ownerId !== actor.id) await checkOwner(tx, actor, ownerId, 'ownerId');
    const row = await insertLead(tx, ctx, { ...input, ownerId });
    const [view] = await tx.select(viewColumns).from(leads).where(eq(leads.id, row.id));
    return toLead(actor, view!);
  });
}

export async function updateLead(database: Database, ctx: Ctx, id: number, input: LeadInput & { version: number }): Promise<Lead> {
  return database.db.transaction(async (tx) => {
    const before = await lockWritableLead(tx, ctx.actor, id);
    if (before.version !== input.version) throw versionConflict(await findLeadView(tx, ctx.actor, id));
    const { version, ...patch } = input;
    const after = await updateVersioned(tx, leads, { id, version, actorId: ctx.actor.id, patch, toApi: (r) => r });
    await recordAudit(tx, ctx, { entity: 'lead', entityId: id, action: 'update', changes: diff(before, after, auditedLeadFields) });
    return findLeadView(tx, ctx.actor, id);
  });
}

export async function deleteLead(database: Database, ctx: Ctx, id: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    const before = await lockWritableLead(tx, ctx.actor, id, { allowConverted: true });
    await tx.update(leads).set({ deletedAt: new Date(), deletedBy: ctx.actor.id }).where(eq(leads.id, id));
    await recordAudit(tx, ctx, { entity: 'lead', entityId: id, action: 'delete', changes: { name: { old: before.name, new: null } } });
  });
}

/** Which status each manual change may start from; `converted` is reached only by converting. */
const allowedFrom: Record<'contacted' | 'qualified' | 'disqualified', readonly LeadStatus[]> = {
  contacted: ['new', 'disqualified'],
  qualified: ['new', 'contacted', 'disqualified'],
  disqualified: ['new', 'contacted', 'qualified'],
};

export async function changeLeadStatus(
  database: Database,
  ctx: Ctx,
  id: number,
  input: { status: 'contacted' | 'qualified' | 'disqualified'; reason?: string | undefined; version: number },
): Promise<Lead> {
  return database.db.transaction(async (tx) => {
    const before = await lockWritableLead(tx, ctx.actor, id);
    if (before.version !== input.version) throw versionConflict(await findLeadView(tx, ctx.actor, id));
    if (!allowedFrom[input.status].includes(before.status)) {
      throw conflict(msg(`A ${before.status} lead cannot become ${input.status}.`, '当前状态下不能进行此操作。'), [
        { path: 'status', message: `cannot go from ${before.status} to ${input.status}`, code: 'invalid_transition' },
      ]);
    }
    const patch = { status: input.status, disqualifyReason: input.status === 'disqualified' ? (input.reason ?? null) : null };
    const after = await updateVersioned(tx, leads, { id, version: input.version, actorId: ctx.actor.id, patch, toApi: (r) => r });
    await recordAudit(tx, ctx, { entity: 'lead', entityId: id, action: 'status', changes: diff(before, after, auditedLeadFields) });
    return findLeadView(tx, ctx.actor, id);
  });
}

// ---- the lead pool ----

const alreadyOwned = () => conflict(msg('Someone else has already claimed this lead.', '该线索已被他人领取。'), [{ path: 'lead', message: 'not in the pool', code: 'already_owned' }]);

/**
 * A rep takes a pool lead. Races are settled by the conditional update (`owner_id is null`): of
 * several concurrent claims exactly one updates the row, the others get 409.
 */
export async function claimLead(database: Database, ctx: Ctx, id: number): Promise<Lead> {
  return database.db.transaction(async (tx) => {
    const [before] = await tx.select().from(leads).where(and(eq(leads.id, id), leadReadable(ctx.actor)));
    if (!before) {
      // A rep who lost a race sees the lead leave their scope; "taken just now" is the honest answer
      // there, while older out-of-scope leads stay 404 so that ids reveal nothing.
      const recent = (await tx.execute(sql`select 1 from leads l where l.id = ${id} and l.deleted_at is null and exists (
        select 1 from audit_log a where a.entity = 'lead' and a.entity_id = ${String(id)} and a.action in ('claim', 'assign') and a.at > now() - interval '10 minutes')`)) as unknown as { rows: unknown[] };
      if (recent.rows.length) throw alreadyOwned();
      throw notFound();
    }
    if (before.ownerId !== null) {
      if (before.ownerId === ctx.actor.id) throw conflict(msg('You already own this lead.', '该线索已在您名下。'), [{ path: 'lead', message: 'already yours', code: 'already_owned' }]);
      throw alreadyOwned();
    }
    const [after] = await tx
      .update(leads)
      .set({ ownerId: ctx.actor.id, ownerSince: sql`now()`, poolSince: null, version: sql`${leads.version} + 1`, updatedAt: sql`now()`, updatedBy: ctx.actor.id })
      .where(and(eq(leads.id, id), sql`${leads.ownerId} is null`, sql`${leads.deletedAt} is null`))
      .returning();
    if (!after) throw alreadyOwned();
    await recordAudit(tx, ctx, { entity: 'lead', entityId: id, action: 'claim', changes: { ownerId: { old: null, new: ctx.actor.id } } });
    return findLeadView(tx, ctx.actor, id);
  });
}

/** The owner (or someone who may assign, over the owner) puts a lead back into the pool. */
export async function releaseLead(database: Database, ctx: Ctx, id: number, reason: string | undefined): Promise<Lead> {
  return database.db.transaction(async (tx) => {
    const before = await lockWritableLead(tx, ctx.actor, id);
    if (before.ownerId === null) throw conflict(msg('This lead is already in the pool.', '该线索已在线索池中。'), [{ path: 'lead', message: 'already in the pool', code: 'in_pool' }]);
    if (before.ownerId !== ctx.actor.id && !mayAssign(ctx.actor)) throw forbidden(msg('Only the owner can release this lead.', '只有负责人可以释放该线索。'));
    await tx
      .update(leads)
      .set({ ownerId: null, ownerSince: null, poolSince: sql`now()`, previousOwnerId: before.ownerId, version: sql`${leads.version} + 1`, updatedAt: sql`now()`, updatedBy: ctx.actor.id })
      .where(eq(leads.id, id));
    await recordAudit(tx, ctx, { entity: 'lead', entityId: id, action: 'release', changes: { ownerId: { old: before.ownerId, new: null }, ...(reason ? { reason: { old: null, new: reason } } : {}) } });
    return findLeadView(tx, ctx.actor, id);
  });
}

/** Someone who may assign gives a lead (from the pool or from their scope) to a user in their scope. */
export async function assignLead(database: Database, ctx: Ctx, id: number, ownerId: number): Promise<Lead> {
  return database.db.transaction(async (tx) => {
    const [before] = await tx.select().from(leads).where(and(eq(leads.id, id), leadReadable(ctx.actor))).for('update');
    if (!before) throw notFound();
    if (before.status === 'converted') throw conflict(msg('This lead has been converted.', '该线索已转化。'), [{ path: 'status', message: 'already converted', code: 'converted' }]);
    const target = (await tx.execute(sql`select id from users where id = ${ownerId} and active and deleted_at is null and ${ownedBy(ctx.actor, sql`id`)}`)) as unknown as { rows: unknown[] };
    if (!target.rows.length) {
      throw new AppError('FORBIDDEN', msg('You can only assign leads to active users in your data scope.', '只能分配给您数据权限范围内的在职用户。'), [
        { path: 'ownerId', message: 'not an active user in your data scope', code: 'out_of_scope' },
      ]);
    }
    if (before.ownerId === ownerId) throw conflict(msg('The lead already belongs to this user.', '该线索已属于此用户。'), [{ path: 'ownerId', message: 'already the owner', code: 'already_owned' }]);
    await tx
      .update(leads)
      .set({ ownerId, ownerSince: sql`now()`, poolSince: null, previousOwnerId: before.ownerId ?? before.previousOwnerId, version: sql`${leads.version} + 1`, updatedAt: sql`now()`, updatedBy: ctx.actor.id })
      .where(eq(leads.id, id));
    await recordAudit(tx, ctx, { entity: 'lead', entityId: id, action: 'assign', changes: { ownerId: { old: before.ownerId, new: ownerId } } });
    return findLeadView(tx, ctx.actor, id);
  });
}
