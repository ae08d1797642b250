// Tags: a shared vocabulary for marking customers (VIP展会, 老客户转介绍…); filterable in lists.
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Tag } from '@guanxi/contracts';
import type { Database, DbOrTx } from '../db/client.js';
import { tags } from '../db/schema.js';
import { diff, recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { conflict, msg, notFound } from '../platform/errors.js';
import { keyset, pageOf, parseSort } from '../platform/pagination.js';
import { auditFields, updateVersioned } from '../platform/versioned.js';

type Row = typeof tags.$inferSelect;
const toTag = (r: Row & { customerCount?: number }): Tag => ({ id: r.id, name: r.name, color: r.color, customerCount: Number(r.customerCount ?? 0), ...auditFields(r) });
const customerCount = sql<number>`(select count(*)::int from customer_tags ct join customers c on c.id = ct.customer_id and c.deleted_at is null where ct.tag_id = ${tags.id})`;

async function find(db: DbOrTx, id: number) {
  const [row] = await db.select({ ...tagColumns(), customerCount }).from(tags).where(and(eq(tags.id, id), isNull(tags.deletedAt)));
  if (!row) throw notFound();
  return row;
}
function tagColumns() {
  return { id: tags.id, name: tags.name, color: tags.color, deletedAt: tags.deletedAt, createdAt: tags.createdAt, updatedAt: tags.updatedAt, createdBy: tags.createdBy, updatedBy: tags.updatedBy, version: tags.version };
}

const sortColumns = { name: { expr: sql`${tags.name}`, kind: 'text' as const }, createdAt: { expr: sql`${tags.createdAt}`, kind: 'timestamp' as const } };

export async function listTags(database: Database, query: { q?: string | undefined; sort?: string | undefined; limit: number; cursor?: string | undefined }) {
  const where = query.q ? sql`${tags.deletedAt} is null and ${tags.name} ilike ${`%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}` : sql`${tags.deletedAt} is null`;
  const spec = parseSort(query.sort, sortColumns, 'name');
  const page = keyset(spec, sql`${tags.id}`, query.cursor);
  const rows = await database.db
    .select({ ...tagColumns(), customerCount, sortValue: sql<string>`(${spec.expr})::text` })
    .from(tags)
    .where(sql`${where} and ${page.where}`)
    .orderBy(page.orderBy)
    .limit(query.limit + 1);
  const [count] = await database.rows<{ total: number }>(sql`select count(*)::int as total from tags where ${where}`);
  const shown = pageOf(rows, query.limit, (r) => [r.sortValue, r.id]);
  return { data: shown.rows.map(toTag), total: Number(count?.total ?? 0), nextCursor: shown.nextCursor };
}

async function nameTaken(db: DbOrTx, name: string, exceptId?: number) {
  const rows = await db.select({ id: tags.id }).from(tags).where(and(sql`lower(${tags.name}) = lower(${name})`, isNull(tags.deletedAt), exceptId ? sql`${tags.id} <> ${exceptId}` : undefined));
  return rows.length > 0;
}
const duplicate = () => conflict(msg('A tag with this name exists.', '已存在同名标签。'), [{ path: 'name', message: 'already in use', code: 'duplicate' }]);

export async function createTag(database: Database, ctx: Ctx, input: { name: string; color?: string | null | undefined }): Promise<Tag> {
  return database.db.transaction(async (tx) => {
    if (await nameTaken(tx, input.name)) throw duplicate();
    const [row] = await tx.insert(tags).values({ name: input.name, color: input.color ?? null, createdBy: ctx.actor.id, updatedBy: ctx.actor.id }).returning();
    await recordAudit(tx, ctx, { entity: 'tag', entityId: row!.id, action: 'create', changes: diff(null, row!, ['name', 'color']) });
    return toTag(row!);
  });
}

export async function updateTag(database: Database, ctx: Ctx, id: number, input: { name?: string | undefined; color?: string | null | undefined; version: number }): Promise<Tag> {
  return database.db.transaction(async (tx) => {
    const before = await find(tx, id);
    const { version, ...patch } = input;
    if (patch.name && (await nameTaken(tx, patch.name, id))) throw duplicate();
    const after = await updateVersioned(tx, tags, { id, version, actorId: ctx.actor.id, patch, toApi: toTag });
    await recordAudit(tx, ctx, { entity: 'tag', entityId: id, action: 'update', changes: diff(before, after, ['name', 'color']) });
    return toTag(await find(tx, id));
  });
}

/** Removes the tag from every customer. */
export async function deleteTag(database: Database, ctx: Ctx, id: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    const before = await find(tx, id);
    await tx.update(tags).set({ deletedAt: new Date(), updatedBy: ctx.actor.id }).where(eq(tags.id, id));
    await tx.execute(sql`delete from customer_tags where tag_id = ${id}`);
    await recordAudit(tx, ctx, { entity: 'tag', entityId: id, action: 'delete', changes: { name: { old: before.name, new: null } } });
  });
}
