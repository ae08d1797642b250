// Follow-up records (跟进记录). Writing one keeps the customer's last/next follow-up times current
// (lists and pool rules read them) and turns a next date into a reminder task for the owner.
import { and, eq, getTableColumns, isNull, sql, type SQL } from 'drizzle-orm';
import { followUpChannels, followUpDirections, followUpFilterFields, type FollowUp } from '@guanxi/contracts';
import type { Actor } from '../auth/actor.js';
import type { Database, DbOrTx } from '../db/client.js';
import { contacts, customerContacts, customers, followUps, tasks } from '../db/schema.js';
import { diff, recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { invalid, notFound, versionConflict } from '../platform/errors.js';
import { countRows, keyset, pageOf, parseSort } from '../platform/pagination.js';
import { auditFields, iso, isoNN, updateVersioned } from '../platform/versioned.js';
import { liveVisibleCustomer } from '../customers/customer-scope.js';
import { assertCustomerVisible } from '../customers/customers.service.js';
import { compileFilters, type ColumnsFor } from '../customers/list-filters.js';

type Row = typeof followUps.$inferSelect;
const audited = ['customerId', 'contactId', 'channel', 'direction', 'occurredAt', 'summary', 'outcome', 'nextFollowUpAt'] as const;

// This API serves customer follow-ups only (inner join on customers), so the customer is always set.
interface ViewRow extends Omit<Row, 'customerId'> {
  customerId: number;
  customerName: string;
  contactName: string | null;
  authorName: string | null;
}

const toFollowUp = (r: ViewRow): FollowUp => ({
  id: r.id,
  customerId: r.customerId,
  customerName: r.customerName,
  contactId: r.contactId,
  contactName: r.contactName,
  channel: r.channel,
  direction: r.direction,
  occurredAt: isoNN(r.occurredAt),
  summary: r.summary,
  outcome: r.outcome,
  nextFollowUpAt: iso(r.nextFollowUpAt),
  authorId: r.authorId,
  authorName: r.authorName,
  ...auditFields(r),
});

function selectView(db: DbOrTx, extra: Record<string, SQL> = {}) {
  return db
    .select({
      ...getTableColumns(followUps),
      customerName: customers.name,
      contactName: sql<string | null>`(select c.name from contacts c where c.id = ${followUps.contactId})`,
      authorName: sql<string | null>`(select u.name from users u where u.id = ${followUps.authorId})`,
      ...extra,
    })
    .from(followUps)
    .innerJoin(customers, eq(customers.id, followUps.customerId));
}

async function find(db: DbOrTx, actor: Actor, id: number): Promise<ViewRow> {
  const [row] = await selectView(db).where(and(eq(followUps.id, id), isNull(followUps.deletedAt), liveVisibleCustomer(actor)));
  if (!row) throw notFound();
  return row as unknown as ViewRow;
}
export const getFollowUp = async (database: Database, ctx: Ctx, id: number) => toFollowUp(await find(database.db, ctx.actor, id));

const sortColumns = {
  occurredAt: { expr: sql`${followUps.occurredAt}`, kind: 'timestamp' as const },
  nextFollowUpAt: { expr: sql`${followUps.nextFollowUpAt}`, kind: 'timestamp' as const },
  createdAt: { expr: sql`${followUps.createdAt}`, kind: 'timestamp' as const },
  id: { expr: sql`${followUps.id}`, kind: 'number' as const },
};
const idList = (ids: number[]) => sql.join(ids.map((i) => sql`${i}`), sql`, `);
const filterColumns: ColumnsFor<typeof followUpFilterFields> = {
  customerId: { kind: 'ids', build: (ids) => sql`${followUps.customerId} in (${idList(ids)})` },
  contactId: { kind: 'ids', build: (ids) => sql`${followUps.contactId} in (${idList(ids)})` },
  authorId: { kind: 'owner', expr: sql`${followUps.authorId}` },
  channel: { kind: 'enum', expr: sql`${followUps.channel}`, values: followUpChannels },
  direction: { kind: 'enum', expr: sql`${followUps.direction}`, values: followUpDirections },
  occurredAt: { kind: 'range', expr: sql`${followUps.occurredAt}`, type: 'timestamp' },
  nextFollowUpAt: { kind: 'range', expr: sql`${followUps.nextFollowUpAt}`, type: 'timestamp' },
};

export async function listFollowUps(
  database: Database,
  ctx: Ctx,
  query: Record<string, unknown> & { q?: string | undefined; sort?: string | undefined; limit: number; cursor?: string | undefined },
  timeZone: string,
): Promise<{ data: FollowUp[]; nextCursor: string | null; total: number; totalApproximate?: boolean }> {
  const conds = [sql`${followUps.deletedAt} is null`, liveVisibleCustomer(ctx.actor), ...compileFilters(query, { columns: filterColumns, actorId: ctx.actor.id, timeZone })];
  if (query.q) conds.push(sql`(${followUps.summary} ilike ${`%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} or ${followUps.outcome} ilike ${`%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`})`);
  const where = sql.join(conds, sql` and `);
  const spec = parseSort(query.sort, sortColumns, '-occurredAt');
  const page = keyset(spec, sql`${followUps.id}`, query.cursor);
  const rows = (await selectView(database.db, { sortValue: sql`(${spec.expr})::text` })
    .where(sql`${where} and ${page.where}`)
    .orderBy(page.orderBy)
    .limit(query.limit + 1)) as unknown as Array<ViewRow & { sortValue: string | null }>;
  const count = await countRows(database, sql`follow_ups join customers on customers.id = follow_ups.customer_id where ${where}`);
  const shown = pageOf(rows, query.limit, (r) => [r.sortValue, r.id]);
  return { data: shown.rows.map(toFollowUp), total: count.total, totalApproximate: count.approximate, nextCursor: shown.nextCursor };
}

async function checkContact(tx: DbOrTx, customerId: number, contactId: number | null | undefined) {
  if (!contactId) return;
  const [link] = await tx
    .select({ id: contacts.id })
    .from(customerContacts)
    .innerJoin(contacts, eq(contacts.id, customerContacts.contactId))
    .where(and(eq(customerContacts.customerId, customerId), eq(customerContacts.contactId, contactId), isNull(contacts.deletedAt)));
  if (!link) throw invalid('contactId', 'not a contact of this customer', 'not_found');
}

/** Latest follow-up time and the next date of the latest follow-up, recomputed from the records. */
export async function refreshCustomer(tx: DbOrTx, customerId: number) {
  await tx.execute(sql`
    update customers c set
      last_follow_up_at = f.occurred_at,
      next_follow_up_at = f.next_follow_up_at
    from (select
            (select max(occurred_at) from follow_ups where customer_id = ${customerId} and deleted_at is null) as occurred_at,
            (select next_follow_up_at from follow_ups where customer_id = ${customerId} and deleted_at is null
              order by occurred_at desc, id desc limit 1) as next_follow_up_at) f
    where c.id = ${customerId}`);
}

/** The reminder for a follow-up's next date: one task per follow-up (source_key), kept in step with it. */
export async function syncTask(tx: DbOrTx, actor: Actor, followUp: Row, customer: { name: string; ownerId: number | null }) {
  const sourceKey = `follow_up:${followUp.id}`;
  const [existing] = await tx.select().from(tasks).where(and(eq(tasks.sourceKey, sourceKey), isNull(tasks.deletedAt)));
  if (!followUp.nextFollowUpAt || followUp.deletedAt) {
    if (existing && !existing.doneAt) await tx.update(tasks).set({ deletedAt: new Date(), updatedBy: actor.id }).where(eq(tasks.id, existing.id));
    return;
  }
  if (existing) {
    if (existing.dueAt.getTime() !== followUp.nextFollowUpAt.getTime() && !existing.doneAt) {
      await tx.update(tasks).set({ dueAt: followUp.nextFollowUpAt, updatedAt: new Date(), updatedBy: actor.id, version: sql`${tasks.version} + 1` }).where(eq(tasks.id, existing.id));
    }
    return;
  }
  await tx
    .insert(tasks)
    .values({
      kind: 'follow_up',
      title: `跟进 ${customer.name}`.slice(0, 200),
      notes: followUp.summary.slice(0, 500),
      dueAt: followUp.nextFollowUpAt,
      assigneeId: customer.ownerId ?? followUp.authorId ?? actor.id,
      customerId: followUp.customerId,
      sourceKey,
      createdBy: actor.id,
      updatedBy: actor.id,
    })
    .onConflictDoNothing();
}

export interface FollowUpInput {
  customerId: number;
  contactId?: number | null | undefined;
  channel: Row['channel'];
  direction: Row['direction'];
  occurredAt?: string | undefined;
  summary: string;
  outcome?: string | null | undefined;
  nextFollowUpAt?: string | null | undefined;
}

export async function createFollowUp(database: Database, ctx: Ctx, input: FollowUpInput): Promise<FollowUp> {
  return database.db.transaction(async (tx) => {
    let customer;
    try {
      customer = await assertCustomerVisible(tx, ctx.actor, input.customerId);
    } catch {
      throw invalid('customerId', 'no such customer', 'not_found');
    }
    await checkContact(tx, input.customerId, input.contactId);
    const [row] = await tx
      .insert(followUps)
      .values({
        customerId: input.customerId,
        contactId: input.contactId ?? null,
        channel: input.channel,
        direction: input.direction,
        occurredAt: input.occurredAt ? new Date(input.occurredAt) : new Date(),
        summary: input.summary,
        outcome: input.outcome ?? null,
        nextFollowUpAt: input.nextFollowUpAt ? new Date(input.nextFollowUpAt) : null,
        authorId: ctx.actor.id,
        createdBy: ctx.actor.id,
        updatedBy: ctx.actor.id,
      })
      .returning();
    await refreshCustomer(tx, input.customerId);
    await syncTask(tx, ctx.actor, row!, customer);
    await recordAudit(tx, ctx, { entity: 'follow_up', entityId: row!.id, action: 'create', changes: diff(null, row!, audited) });
    return toFollowUp(await find(tx, ctx.actor, row!.id));
  });
}

export async function updateFollowUp(
  database: Database,
  ctx: Ctx,
  id: number,
  input: Partial<Omit<FollowUpInput, 'customerId'>> & { version: number },
): Promise<FollowUp> {
  return database.db.transaction(async (tx) => {
    const current = await find(tx, ctx.actor, id);
    if (current.version !== input.version) throw versionConflict(toFollowUp(current));
    const { version, ...rest } = input;
    if (rest.contactId !== undefined) await checkContact(tx, current.customerId, rest.contactId);
    const patch: Partial<Row> = {};
    if (rest.contactId !== undefined) patch.contactId = rest.contactId;
    if (rest.channel !== undefined) patch.channel = rest.channel;
    if (rest.direction !== undefined) patch.direction = rest.direction;
    if (rest.occurredAt !== undefined) patch.occurredAt = new Date(rest.occurredAt);
    if (rest.summary !== undefined) patch.summary = rest.summary;
    if (rest.outcome !== undefined) patch.outcome = rest.outcome;
    if (rest.nextFollowUpAt !== undefined) patch.nextFollowUpAt = rest.nextFollowUpAt ? new Date(rest.nextFollowUpAt) : null;
    const before = (await tx.select().from(followUps).where(eq(followUps.id, id)))[0]!;
    const after = await updateVersioned(tx, followUps, { id, version, actorId: ctx.actor.id, patch, toApi: (r) => r });
    await refreshCustomer(tx, current.customerId);
    const customer = await assertCustomerVisible(tx, ctx.actor, current.customerId);
    await syncTask(tx, ctx.actor, after, customer);
    await recordAudit(tx, ctx, { entity: 'follow_up', entityId: id, action: 'update', changes: diff(before, after, audited) });
    return toFollowUp(await find(tx, ctx.actor, id));
  });
}

export async function deleteFollowUp(database: Database, ctx: Ctx, id: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    const current = await find(tx, ctx.actor, id);
    const [after] = await tx.update(followUps).set({ deletedAt: new Date(), updatedBy: ctx.actor.id }).where(eq(followUps.id, id)).returning();
    await refreshCustomer(tx, current.customerId);
    await syncTask(tx, ctx.actor, after!, { name: current.customerName, ownerId: null });
    await recordAudit(tx, ctx, { entity: 'follow_up', entityId: id, action: 'delete', changes: { summary: { old: current.summary, new: null } } });
  });
}
