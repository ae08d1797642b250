// User accounts: created and managed by admins; every change is audited.
import { and, eq, getTableColumns, isNull, sql, type SQL } from 'drizzle-orm';
import type { User, UserRef } from '@guanxi/contracts';
import type { Database, DbOrTx } from '../db/client.js';
import { departments, roles, users } from '../db/schema.js';
import { hashPassword } from '../auth/password.js';
import { diff, recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { conflict, invalid, msg, notFound } from '../platform/errors.js';
import { keyset, pageOf, parseSort } from '../platform/pagination.js';
import { auditFields, iso, updateVersioned } from '../platform/versioned.js';

type UserRow = typeof users.$inferSelect;
const audited = ['email', 'name', 'phone', 'roleId', 'departmentId', 'managerId', 'locale', 'active'] as const;

interface UserListRow extends UserRow {
  roleName: string;
  departmentName: string | null;
}

function toUser(row: UserListRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    phone: row.phone,
    roleId: row.roleId,
    roleName: row.roleName,
    departmentId: row.departmentId,
    departmentName: row.departmentName,
    managerId: row.managerId,
    locale: row.locale,
    active: row.active,
    lastLoginAt: iso(row.lastLoginAt),
    ...auditFields(row),
  };
}

const selectUser = {
  ...getTableColumns(users),
  roleName: roles.name,
  departmentName: departments.name,
};

async function findUser(db: DbOrTx, id: number): Promise<User> {
  const [row] = await db
    .select(selectUser)
    .from(users)
    .innerJoin(roles, eq(roles.id, users.roleId))
    .leftJoin(departments, eq(departments.id, users.departmentId))
    .where(and(eq(users.id, id), isNull(users.deletedAt)));
  if (!row) throw notFound();
  return toUser(row as UserListRow);
}
export const getUser = (database: Database, id: number) => findUser(database.db, id);

const sortColumns = {
  name: { expr: sql`${users.name}`, kind: 'text' as const, notNull: true },
  email: { expr: sql`${users.email}`, kind: 'text' as const, notNull: true },
  createdAt: { expr: sql`${users.createdAt}`, kind: 'timestamp' as const, notNull: true },
  lastLoginAt: { expr: sql`${users.lastLoginAt}`, kind: 'timestamp' as const },
};

export async function listUsers(
  database: Database,
  query: { q?: string | undefined; sort?: string | undefined; limit: number; cursor?: string | undefined; 'filter[roleId]'?: number | undefined; 'filter[departmentId]'?: number | undefined; 'filter[active]'?: 'true' | 'false' | undefined },
): Promise<{ data: User[]; nextCursor: string | null; total: number }> {
  const filters: SQL[] = [sql`${users.deletedAt} is null`];
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    filters.push(sql`(${users.name} ilike ${like} or ${users.email} ilike ${like} or ${users.phone} ilike ${like})`);
  }
  if (query['filter[roleId]']) filters.push(sql`${users.roleId} = ${query['filter[roleId]']}`);
  if (query['filter[departmentId]']) filters.push(sql`${users.departmentId} = ${query['filter[departmentId]']}`);
  if (query['filter[active]']) filters.push(sql`${users.active} = ${query['filter[active]'] === 'true'}`);
  const where = sql.join(filters, sql` and `);
  const spec = parseSort(query.sort, sortColumns, 'name');
  const page = keyset(spec, sql`${users.id}`, query.cursor);
  const rows = await database.db
    .select({ ...selectUser, sortValue: sql<string | null>`${page.sortValue}` })
    .from(users)
    .innerJoin(roles, eq(roles.id, users.roleId))
    .leftJoin(departments, eq(departments.id, users.departmentId))
    .where(sql`${where} and ${page.where}`)
    .orderBy(page.orderBy)
    .limit(query.limit + 1);
  const [count] = await database.rows<{ total: number }>(sql`select count(*)::int as total from users where ${where}`);
  const total = count?.total ?? 0;
  const shown = pageOf(rows, query.limit, (r) => [r.sortValue, r.id]);
  return { data: shown.rows.map((r) => toUser(r as UserListRow)), total, nextCursor: shown.nextCursor };
}

async function checkRefs(tx: DbOrTx, input: { roleId?: number | undefined; departmentId?: number | null | undefined; managerId?: number | null | undefined }, selfId?: number) {
  if (input.roleId !== undefined) {
    const [r] = await tx.select({ id: roles.id }).from(roles).where(and(eq(roles.id, input.roleId), isNull(roles.deletedAt)));
    if (!r) throw invalid('roleId', 'no such role', 'not_found');
  }
  if (input.departmentId) {
    const [d] = await tx.select({ id: departments.id }).from(departments).where(and(eq(departments.id, input.departmentId), isNull(departments.deletedAt)));
    if (!d) throw invalid('departmentId', 'no such department', 'not_found');
  }
  if (input.managerId) {
    if (input.managerId === selfId) throw invalid('managerId', 'a user cannot be their own manager', 'cycle');
    const [m] = await tx.select({ id: users.id }).from(users).where(and(eq(users.id, input.managerId), isNull(users.deletedAt)));
    if (!m) throw invalid('managerId', 'no such user', 'not_found');
    if (selfId !== undefined) {
      // The new manager must not report (directly or not) to this user.
      const chain = (await tx.execute(sql`
        with recursive up(id, manager_id) as (
          select id, manager_id from users where id = ${input.managerId}
          union select u.id, u.manager_id from users u join up on u.id = up.manager_id
        ) select 1 from up where id = ${selfId} limit 1`)) as unknown as { rows: unknown[] };
      if (chain.rows.length) throw invalid('managerId', 'this would make a reporting cycle', 'cycle');
    }
  }
}

async function emailTaken(tx: DbOrTx, email: string, exceptId?: number): Promise<boolean> {
  const rows = (await tx.execute(sql`select id from users where lower(email) = ${email} and (${exceptId ?? null}::bigint is null or id <> ${exceptId ?? null}::bigint)`)) as unknown as { rows: unknown[] };
  return rows.rows.length > 0;
}
const duplicateEmail = () => conflict(msg('A user with this email exists.', '该邮箱已被其他用户使用。'), [{ path: 'email', message: 'already in use', code: 'duplicate' }]);

export interface CreateUserInput {
  email: string;
  name: string;
  phone?: string | null | undefined;
  password: string;
  roleId: number;
  departmentId?: number | null | undefined;
  managerId?: number | null | undefined;
  locale?: 'zh-CN' | 'en' | null | undefined;
  mustChangePassword?: boolean;
}

/** Creates a user inside `tx`; used by the API, the command line and the first-run setup. */
export async function insertUser(tx: DbOrTx, ctx: Pick<Ctx, 'actor' | 'requestId' | 'ip'> | null, input: CreateUserInput): Promise<number> {
  await checkRefs(tx, input);
  if (await emailTaken(tx, input.email)) throw duplicateEmail();
  const { password, ...rest } = input;
  const [row] = await tx
    .insert(users)
    .values({
      ...rest,
      phone: rest.phone ?? null,
      departmentId: rest.departmentId ?? null,
      managerId: rest.managerId ?? null,
      locale: rest.locale ?? null,
      passwordHash: await hashPassword(password),
      mustChangePassword: input.mustChangePassword ?? true,
      createdBy: ctx?.actor?.id ?? null,
      updatedBy: ctx?.actor?.id ?? null,
    })
    .returning();
  await recordAudit(tx, ctx, { entity: 'user', entityId: row!.id, action: 'create', changes: diff(null, row!, audited) });
  return row!.id;
}

export async function createUser(database: Database, ctx: Ctx, input: CreateUserInput): Promise<User> {
  return database.db.transaction(async (tx) => findUser(tx, await insertUser(tx, ctx, input)));
}

export async function updateUser(
  database: Database,
  ctx: Ctx,
  id: number,
  input: Partial<Omit<CreateUserInput, 'password' | 'mustChangePassword'>> & { active?: boolean | undefined; version: number },
): Promise<User> {
  return database.db.transaction(async (tx) => {
    const [before] = await tx.select().from(users).where(and(eq(users.id, id), isNull(users.deletedAt)));
    if (!before) throw notFound();
    const { version, ...patch } = input;
    await checkRefs(tx, patch, id);
    if (patch.email && (await emailTaken(tx, patch.email, id))) throw duplicateEmail();
    if (id === ctx.actor.id && (patch.active === false || (patch.roleId !== undefined && patch.roleId !== before.roleId))) {
      throw conflict(msg('You cannot deactivate yourself or change your own role.', '不能停用自己的账号或修改自己的角色。'));
    }
    const after = await updateVersioned(tx, users, { id, version, actorId: ctx.actor.id, patch, toApi: (r) => ({ ...r, passwordHash: undefined }) });
    if (after.active === false && before.active) {
      await tx.execute(sql`delete from sessions where user_id = ${id}`);
    }
    await recordAudit(tx, ctx, { entity: 'user', entityId: id, action: patch.active === false && before.active ? 'deactivate' : 'update', changes: diff(before, after, audited) });
    return findUser(tx, id);
  });
}

/** An admin sets a new password; the user must change it at the next login. */
export async function resetPassword(database: Database, ctx: Pick<Ctx, 'actor' | 'requestId' | 'ip'> | null, id: number, password: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  await database.db.transaction(async (tx) => {
    const rows = await tx
      .update(users)
      .set({ passwordHash, mustChangePassword: true, passwordChangedAt: new Date(), updatedAt: new Date(), updatedBy: ctx?.actor?.id ?? null, version: sql`${users.version} + 1` })
      .where(and(eq(users.id, id), isNull(users.deletedAt)))
      .returning({ id: users.id });
    if (!rows[0]) throw notFound();
    await tx.execute(sql`delete from sessions where user_id = ${id}`);
    await recordAudit(tx, ctx, { entity: 'user', entityId: id, action: 'reset_password', changes: { password: { old: '***', new: '***' } } });
  });
}

/** Active users by name or email (or by ids), for pickers; no admin right needed. */
export async function lookupUsers(database: Database, query: { q?: string | undefined; ids?: string | undefined; limit: number }): Promise<UserRef[]> {
  const filters: SQL[] = [sql`u.deleted_at is null`];
  if (query.ids) filters.push(sql`u.id in (${sql.join(query.ids.split(',').map((i) => sql`${Number(i)}`), sql`, `)})`);
  else filters.push(sql`u.active`);
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    filters.push(sql`(u.name ilike ${like} or u.email ilike ${like})`);
  }
  const rows = await database.rows<{ id: number; name: string; email: string; department_id: number | null; department_name: string | null; active: boolean }>(sql`
    select u.id, u.name, u.email, u.department_id, d.name as department_name, u.active
    from users u left join departments d on d.id = u.department_id
    where ${sql.join(filters, sql` and `)} order by u.name, u.id limit ${query.limit}`);
  return rows.map((r) => ({ id: Number(r.id), name: r.name, email: r.email, departmentId: r.department_id === null ? null : Number(r.department_id), departmentName: r.department_name, active: r.active }));
}
