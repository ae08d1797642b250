// Saved list views: each user's own, plus those a manager shared with everyone.
import { and, eq, isNull, or, sql } from 'drizzle-orm';
import type { SavedView } from '@guanxi/contracts';
import type { Database, DbOrTx } from '../db/client.js';
import { savedViews } from '../db/schema.js';
import { diff, recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { forbidden, msg, notFound } from '../platform/errors.js';
import { auditFields, updateVersioned } from '../platform/versioned.js';

type Row = typeof savedViews.$inferSelect;
type Definition = SavedView['definition'];
const toView = (r: Row): SavedView => ({ id: r.id, userId: r.userId, entity: r.entity, name: r.name, shared: r.shared, definition: r.definition as Definition, ...auditFields(r) });

/** Sharing with everyone is for managers: those who may assign customers. */
const mayShare = (ctx: Ctx) => ctx.actor.permissions.has('customers.assign');
const cannotShare = () => forbidden(msg('Only managers can share views.', '只有经理可以共享视图。'));

async function findOwn(db: DbOrTx, ctx: Ctx, id: number): Promise<Row> {
  const [row] = await db.select().from(savedViews).where(and(eq(savedViews.id, id), isNull(savedViews.deletedAt)));
  if (!row || (row.userId !== ctx.actor.id && !row.shared)) throw notFound();
  // A shared view is changed by its author or an administrator only.
  if (row.userId !== ctx.actor.id && !ctx.actor.permissions.has('settings.manage')) throw forbidden();
  return row;
}

export async function listSavedViews(database: Database, ctx: Ctx, entity: Row['entity'] | undefined): Promise<{ data: SavedView[] }> {
  const rows = await database.db
    .select()
    .from(savedViews)
    .where(and(isNull(savedViews.deletedAt), or(eq(savedViews.userId, ctx.actor.id), eq(savedViews.shared, true)), entity ? eq(savedViews.entity, entity) : undefined))
    .orderBy(sql`${savedViews.userId} = ${ctx.actor.id} desc`, savedViews.name, savedViews.id);
  return { data: rows.map(toView) };
}

export async function createSavedView(database: Database, ctx: Ctx, input: { entity: Row['entity']; name: string; shared: boolean; definition: Definition }): Promise<SavedView> {
  if (input.shared && !mayShare(ctx)) throw cannotShare();
  return database.db.transaction(async (tx) => {
    const [row] = await tx.insert(savedViews).values({ ...input, userId: ctx.actor.id, createdBy: ctx.actor.id, updatedBy: ctx.actor.id }).returning();
    await recordAudit(tx, ctx, { entity: 'saved_view', entityId: row!.id, action: 'create', changes: diff(null, row!, ['name', 'shared', 'definition']) });
    return toView(row!);
  });
}

export async function updateSavedView(database: Database, ctx: Ctx, id: number, input: { name?: string | undefined; shared?: boolean | undefined; definition?: Definition | undefined; version: number }): Promise<SavedView> {
  if (input.shared && !mayShare(ctx)) throw cannotShare();
  return database.db.transaction(async (tx) => {
    const before = await findOwn(tx, ctx, id);
    const { version, ...patch } = input;
    const after = await updateVersioned(tx, savedViews, { id, version, actorId: ctx.actor.id, patch, toApi: toView });
    await recordAudit(tx, ctx, { entity: 'saved_view', entityId: id, action: 'update', changes: diff(before, after, ['name', 'shared', 'definition']) });
    return toView(after);
  });
}

export async function deleteSavedView(database: Database, ctx: Ctx, id: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    const before = await findOwn(tx, ctx, id);
    await tx.update(savedViews).set({ deletedAt: new Date() }).where(eq(savedViews.id, id));
    await recordAudit(tx, ctx, { entity: 'saved_view', entityId: id, action: 'delete', changes: { name: { old: before.name, new: null } } });
  });
}
