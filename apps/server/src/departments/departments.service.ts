// Departments form a tree; data scopes `department` and `department_tree` read it.
import { and, eq, getTableColumns, isNull, sql } from 'drizzle-orm';
import type { Department } from '@guanxi/contracts';
import type { Database, DbOrTx } from '../db/client.js';
import { departments, users } from '../db/schema.js';
import { diff, recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { conflict, invalid, msg, notFound } from '../platform/errors.js';
import { auditFields, updateVersioned } from '../platform/versioned.js';

type DeptRow = typeof departments.$inferSelect;
const audited = ['name', 'parentId', 'managerId'] as const;

async function load(db: DbOrTx, id?: number): Promise<Department[]> {
  // Qualified by hand: inside a sub-select drizzle would print the bare column name.
  const manager = sql<string | null>`(select m.name from users m where m.id = "departments"."manager_id")`;
  const count = sql<number>`(select count(*)::int from users u where u.department_id = "departments"."id" and u.deleted_at is null)`;
  const rows = await db
    .select({ ...getTableColumns(departments), managerName: manager, userCount: count })
    .from(departments)
    .where(and(isNull(departments.deletedAt), id === undefined ? undefined : eq(departments.id, id)))
    .orderBy(departments.name, departments.id);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    parentId: r.parentId,
    managerId: r.managerId,
    managerName: r.managerName,
    userCount: Number(r.userCount),
    ...auditFields(r),
  }));
}

export async function listDepartments(database: Database, q: string | undefined): Promise<Department[]> {
  const all = await load(database.db);
  return q ? all.filter((d) => d.name.toLowerCase().includes(q.toLowerCase())) : all;
}

export async function getDepartment(db: DbOrTx, id: number): Promise<Department> {
  const [d] = await load(db, id);
  if (!d) throw notFound();
  return d;
}

async function checkRefs(tx: DbOrTx, input: { parentId?: number | null | undefined; managerId?: number | null | undefined }, selfId?: number) {
  if (input.parentId) {
    const [p] = await tx.select({ id: departments.id }).from(departments).where(and(eq(departments.id, input.parentId), isNull(departments.deletedAt)));
    if (!p) throw invalid('parentId', 'no such department', 'not_found');
    if (selfId !== undefined) {
      const cycle = (await tx.execute(sql`
        with recursive up(id, parent_id) as (
          select id, parent_id from departments where id = ${input.parentId}
          union select d.id, d.parent_id from departments d join up on d.id = up.parent_id
        ) select 1 from up where id = ${selfId} limit 1`)) as unknown as { rows: unknown[] };
      if (cycle.rows.length) throw invalid('parentId', 'a department cannot sit below itself', 'cycle');
    }
  }
  if (input.managerId) {
    const [m] = await tx.select({ id: users.id }).from(users).where(and(eq(users.id, input.managerId), isNull(users.deletedAt)));
    if (!m) throw invalid('managerId', 'no such user', 'not_found');
  }
}

export async function insertDepartment(tx: DbOrTx, ctx: Pick<Ctx, 'actor' | 'requestId' | 'ip'> | null, input: { name: string; parentId?: number | null | undefined; managerId?: number | null | undefined }): Promise<number> {
  await checkRefs(tx, input);
  const [row] = await tx
    .insert(departments)
    .values({ name: input.name, parentId: input.parentId ?? null, managerId: input.managerId ?? null, createdBy: ctx?.actor?.id ?? null, updatedBy: ctx?.actor?.id ?? null })
    .returning();
  await recordAudit(tx, ctx, { entity: 'department', entityId: row!.id, action: 'create', changes: diff(null, row!, audited) });
  return row!.id;
}

export async function createDepartment(database: Database, ctx: Ctx, input: { name: string; parentId?: number | null | undefined; managerId?: number | null | undefined }): Promise<Department> {
  return database.db.transaction(async (tx) => getDepartment(tx, await insertDepartment(tx, ctx, input)));
}

export async function updateDepartment(
  database: Database,
  ctx: Ctx,
  id: number,
  input: { name?: string | undefined; parentId?: number | null | undefined; managerId?: number | null | undefined; version: number },
): Promise<Department> {
  return database.db.transaction(async (tx) => {
    const [before] = await tx.select().from(departments).where(and(eq(departments.id, id), isNull(departments.deletedAt)));
    if (!before) throw notFound();
    const { version, ...patch } = input;
    if (patch.parentId === id) throw invalid('parentId', 'a department cannot sit below itself', 'cycle');
    await checkRefs(tx, patch, id);
    const after: DeptRow = await updateVersioned(tx, departments, { id, version, actorId: ctx.actor.id, patch, toApi: (r) => r });
    await recordAudit(tx, ctx, { entity: 'department', entityId: id, action: 'update', changes: diff(before, after, audited) });
    return getDepartment(tx, id);
  });
}

export async function deleteDepartment(database: Database, ctx: Ctx, id: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    const d = await getDepartment(tx, id);
    if (d.userCount > 0) throw conflict(msg('The department still has users.', '该部门下仍有用户。'));
    const [child] = await tx.select({ id: departments.id }).from(departments).where(and(eq(departments.parentId, id), isNull(departments.deletedAt)));
    if (child) throw conflict(msg('The department still has sub-departments.', '该部门下仍有子部门。'));
    await tx.update(departments).set({ deletedAt: new Date(), updatedBy: ctx.actor.id }).where(eq(departments.id, id));
    await recordAudit(tx, ctx, { entity: 'department', entityId: id, action: 'delete', changes: { name: { old: d.name, new: null } } });
  });
}
