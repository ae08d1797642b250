// Who is making the request, with the role's permissions and data scope resolved once.
import { sql } from 'drizzle-orm';
import type { DataScope, Permission, SessionUser } from '@guanxi/contracts';
import type { DbOrTx } from '../db/client.js';

export interface Actor {
  id: number;
  email: string;
  name: string;
  locale: 'zh-CN' | 'en' | null;
  roleId: number;
  roleKey: string;
  roleName: string;
  dataScope: DataScope;
  permissions: ReadonlySet<Permission>;
  departmentId: number | null;
  mustChangePassword: boolean;
  /** A read-only role (analyst) or a token without the write scope may not change anything. */
  readOnly: boolean;
  via: 'session' | 'token';
  sessionId?: string;
  csrfToken?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

interface ActorRow extends Record<string, unknown> {
  id: number;
  email: string;
  name: string;
  locale: 'zh-CN' | 'en' | null;
  role_id: number;
  role_key: string;
  role_name: string;
  data_scope: DataScope;
  permissions: Permission[];
  read_only: boolean;
  department_id: number | null;
  must_change_password: boolean;
}

export async function loadActor(db: DbOrTx, userId: number, via: Actor['via']): Promise<Actor | null> {
  const result = (await db.execute(sql`
    select u.id, u.email, u.name, u.locale, u.role_id, r.key as role_key, r.name as role_name,
           r.data_scope, r.permissions, r.read_only, u.department_id, u.must_change_password
    from users u join roles r on r.id = u.role_id
    where u.id = ${userId} and u.active and u.deleted_at is null`)) as unknown as { rows: ActorRow[] };
  const row = result.rows[0];
  if (!row) return null;
  return {
    id: Number(row.id),
    email: row.email,
    name: row.name,
    locale: row.locale,
    roleId: Number(row.role_id),
    roleKey: row.role_key,
    roleName: row.role_name,
    dataScope: row.data_scope,
    permissions: new Set(row.permissions),
    departmentId: row.department_id === null ? null : Number(row.department_id),
    mustChangePassword: row.must_change_password,
    readOnly: row.read_only,
    via,
  };
}

export function toSessionUser(actor: Actor): SessionUser {
  return {
    id: actor.id,
    email: actor.email,
    name: actor.name,
    locale: actor.locale,
    roleId: actor.roleId,
    roleKey: actor.roleKey,
    roleName: actor.roleName,
    dataScope: actor.dataScope,
    permissions: [...actor.permissions],
    departmentId: actor.departmentId,
    mustChangePassword: actor.mustChangePassword,
  };
}
