// Roles: a permission set and a data scope. Built-in roles can be tuned but not deleted.
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { permissions as allPermissions, type Role } from '@guanxi/contracts';
import type { Database, DbOrTx } from '../db/client.js';
import { roles } from '../db/schema.js';
import { recordAudit, diff } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { conflict, msg, notFound } from '../platform/errors.js';
import { auditFields, updateVersioned } from '../platform/versioned.js';
import { builtInRoles } from './built-in-roles.js';

type RoleRow = typeof roles.$inferSelect;
const audited = ['key', 'name', 'description', 'dataScope', 'permissions', 'readOnly'] as const;

export function toRole(row: RoleRow, userCount = 0): Role {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    description: row.description,
    dataScope: row.dataScope,
    permissions: row.permissions.filter((p): p is Role['permissions'][number] => (allPermissions as readonly string[]).includes(p)),
    builtIn: row.builtIn,
    readOnly: row.readOnly,
    userCount,
    ...auditFields(row),
  };
}

/**
 * Creates the built-in roles that are missing, and on an upgrade gives each built-in role the
 * permissions this version grants it that the last seeding did not (e.g. a new `sales.manage` for
 * managers). What an admin changed stays: a permission they removed from a role is not given back,
 * because it was in the role's seeded set before.
 */
export async function seedBuiltInRoles(db: DbOrTx): Promise<void> {
  for (const r of builtInRoles) {
    const granted = [...r.permissions];
    await db
      .insert(roles)
      .values({ key: r.key, name: r.name, description: r.description, dataScope: r.dataScope, permissions: granted, seededPermissions: granted, builtIn: true, readOnly: r.readOnly })
      .onConflictDoNothing({ target: roles.key });
    // one text[] parameter (permission keys are [a-z._] only); a JS array would expand to a row
    const grantedArray = sql`${`{${granted.join(',')}}`}::text[]`;
    // Roles seeded before seeded_permissions existed count as seeded with everything they hold now.
    await db.execute(sql`
      update roles
      set permissions = array(select distinct p from unnest(permissions || array(
            select g from unnest(${grantedArray}) g where g <> all(coalesce(seeded_permissions, permissions)))) p order by p),
          seeded_permissions = ${grantedArray}
      where key = ${r.key} and built_in and seeded_permissions is distinct from ${grantedArray}`);
  }
  // The manager role's first seeded name, kept only if an admin has not renamed it since.
  await db.execute(sql`update roles set name = '部门经理' where key = 'manager' and built_in and name = '销售经理'`);
  // New permissions added in later versions reach the admin role too.
  await db.update(roles).set({ permissions: [...allPermissions] }).where(eq(roles.key, 'admin'));
}

async function userCounts(db: DbOrTx): Promise<Map<number, number>> {
  const rows = (await db.execute(sql`select role_id, count(*)::int as n from users where deleted_at is null group by role_id`)) as unknown as {
    rows: Array<{ role_id: number; n: number }>;
  };
  return new Map(rows.rows.map((r) => [Number(r.role_id), r.n]));
}

export async function listRoles(database: Database, q: string | undefined): Promise<Role[]> {
  const rows = await database.db.select().from(roles).where(isNull(roles.deletedAt)).orderBy(asc(roles.id));
  const counts = await userCounts(database.db);
  const needle = q?.toLowerCase();
  return rows
    .filter((r) => !needle || r.name.toLowerCase().includes(needle) || r.key.includes(needle))
    .map((r) => toRole(r, counts.get(r.id) ?? 0));
}

export async function getRole(db: DbOrTx, id: number): Promise<RoleRow> {
  const [row] = await db.select().from(roles).where(and(eq(roles.id, id), isNull(roles.deletedAt)));
  if (!row) throw notFound();
  return row;
}

export async function createRole(
  database: Database,
  ctx: Ctx,
  input: { key: string; name: string; description?: string | null | undefined; dataScope: Role['dataScope']; permissions: Role['permissions']; readOnly: boolean },
): Promise<Role> {
  return database.db.transaction(async (tx) => {
    const [existing] = await tx.select({ id: roles.id }).from(roles).where(eq(roles.key, input.key));
    if (existing) throw conflict(msg('A role with this key exists.', '已存在相同标识的角色。'), [{ path: 'key', message: 'already exists', code: 'duplicate' }]);
    const [row] = await tx
      .insert(roles)
      .values({ ...input, description: input.description ?? null, permissions: [...new Set(input.permissions)], createdBy: ctx.actor.id, updatedBy: ctx.actor.id })
      .returning();
    await recordAudit(tx, ctx, { entity: 'role', entityId: row!.id, action: 'create', changes: diff(null, row!, audited) });
    return toRole(row!);
  });
}

export async function updateRole(
  database: Database,
  ctx: Ctx,
  id: number,
  input: { name?: string | undefined; description?: string | null | undefined; dataScope?: Role['dataScope'] | undefined; permissions?: Role['permissions'] | undefined; readOnly?: boolean | undefined; version: number },
): Promise<Role> {
  return database.db.transaction(async (tx) => {
    const before = await getRole(tx, id);
    const { version, ...patch } = input;
    if (before.key === 'admin' && (patch.permissions || patch.dataScope || patch.readOnly)) {
      throw conflict(msg('The admin role always has every permission on all data.', '系统管理员角色始终拥有全部权限和全部数据范围。'));
    }
    if (patch.permissions) patch.permissions = [...new Set(patch.permissions)];
    const after = await updateVersioned(tx, roles, { id, version, actorId: ctx.actor.id, patch, toApi: (r) => toRole(r) });
    await recordAudit(tx, ctx, { entity: 'role', entityId: id, action: 'update', changes: diff(before, after, audited) });
    return toRole(after, (await userCounts(tx)).get(id) ?? 0);
  });
}

export async function deleteRole(database: Database, ctx: Ctx, id: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    const before = await getRole(tx, id);
    if (before.builtIn) throw conflict(msg('Built-in roles cannot be deleted.', '内置角色不能删除。'));
    if ((await userCounts(tx)).get(id)) throw conflict(msg('Users still have this role.', '仍有用户使用该角色。'));
    await tx.update(roles).set({ deletedAt: new Date(), key: `${before.key}#deleted#${id}`, updatedBy: ctx.actor.id }).where(eq(roles.id, id));
    await recordAudit(tx, ctx, { entity: 'role', entityId: id, action: 'delete', changes: diff(before, null, audited) });
  });
}
