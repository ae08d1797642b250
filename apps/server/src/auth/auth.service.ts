// Logging in and out, the profile and the password of the current user.
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import type { Config } from '../config.js';
import { AppError, invalid } from '../platform/errors.js';
import { recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { loadActor, type Actor } from './actor.js';
import { clearFailures, recordFailure, throttleWait, type ThrottleKey } from './login-throttle.js';
import { hashPassword, verifyPassword } from './password.js';
import { newSecret, sha256 } from './tokens.js';

export interface LoginResult {
  actor: Actor;
  cookie: string;
  csrfToken: string;
  maxAgeSeconds: number;
}

export async function login(
  database: Database,
  config: Config,
  input: { email: string; password: string; ip: string; userAgent: string | undefined; requestId: string; previousCookie: string | undefined },
): Promise<LoginResult> {
  const { db } = database;
  const keys: ThrottleKey[] = [
    { kind: 'account', value: input.email },
    { kind: 'address', value: input.ip },
  ];
  const wait = await throttleWait(db, keys);
  if (wait > 0) throw new AppError('RATE_LIMITED', undefined, undefined, { retryAfterSeconds: wait });

  const rows = await database.rows<{ id: number; password_hash: string; active: boolean }>(
    sql`select id, password_hash, active from users where lower(email) = ${input.email} and deleted_at is null`,
  );
  const user = rows[0];
  const ok = await verifyPassword(user?.password_hash ?? null, input.password);
  if (!user || !ok || !user.active) {
    await recordFailure(db, keys);
    // One answer for unknown account, wrong password and deactivated account.
    throw new AppError('INVALID_CREDENTIALS');
  }
  const userId = Number(user.id);
  await clearFailures(db, keys[0]!);

  const cookie = newSecret();
  const csrfToken = newSecret();
  const expiresAt = new Date(Date.now() + config.sessionMaxMs);
  await db.transaction(async (tx) => {
    // Rotation: the session the browser came with (if any) ends; a fresh id is issued.
    if (input.previousCookie) await tx.execute(sql`delete from sessions where id = ${sha256(input.previousCookie)}`);
    await tx.execute(sql`
      insert into sessions (id, user_id, csrf_token, expires_at, ip, user_agent)
      values (${sha256(cookie)}, ${userId}, ${csrfToken}, ${expiresAt}, ${input.ip}, ${input.userAgent?.slice(0, 500) ?? null})`);
    await tx.execute(sql`update users set last_login_at = now() where id = ${userId}`);
    await tx.execute(sql`delete from sessions where user_id = ${userId} and expires_at < now()`);
    await recordAudit(tx, { actor: { id: userId } as Actor, requestId: input.requestId, ip: input.ip }, {
      entity: 'user',
      entityId: userId,
      action: 'login',
    });
  });
  const actor = await loadActor(db, userId, 'session');
  if (!actor) throw new AppError('INVALID_CREDENTIALS');
  return { actor: { ...actor, csrfToken }, cookie, csrfToken, maxAgeSeconds: Math.floor(config.sessionMaxMs / 1000) };
}

export async function logout(database: Database, ctx: Ctx): Promise<void> {
  if (!ctx.actor.sessionId) return;
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`delete from sessions where id = ${ctx.actor.sessionId}`);
    await recordAudit(tx, ctx, { entity: 'user', entityId: ctx.actor.id, action: 'logout' });
  });
}

export async function changePassword(database: Database, ctx: Ctx, input: { currentPassword: string; newPassword: string }): Promise<void> {
  const rows = await database.rows<{ password_hash: string }>(sql`select password_hash from users where id = ${ctx.actor.id}`);
  if (!(await verifyPassword(rows[0]?.password_hash ?? null, input.currentPassword))) {
    throw invalid('currentPassword', 'the current password is wrong', 'wrong_password');
  }
  if (input.currentPassword === input.newPassword) {
    throw invalid('newPassword', 'the new password must differ from the current one', 'same_password');
  }
  const passwordHash = await hashPassword(input.newPassword);
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`
      update users set password_hash = ${passwordHash}, must_change_password = false, password_changed_at = now(),
        updated_at = now(), updated_by = ${ctx.actor.id}, version = version + 1
      where id = ${ctx.actor.id}`);
    // Every other session of this user ends: a changed password locks out whoever else had it.
    await tx.execute(sql`delete from sessions where user_id = ${ctx.actor.id} and id <> ${ctx.actor.sessionId ?? ''}`);
    await recordAudit(tx, ctx, { entity: 'user', entityId: ctx.actor.id, action: 'change_password', changes: { password: { old: '***', new: '***' } } });
  });
}

export async function updateProfile(database: Database, ctx: Ctx, input: { name?: string | undefined; locale?: 'zh-CN' | 'en' | undefined }): Promise<Actor> {
  await database.db.transaction(async (tx) => {
    const before = ctx.actor;
    await tx.execute(sql`
      update users set name = coalesce(${input.name ?? null}, name), locale = coalesce(${input.locale ?? null}, locale),
        updated_at = now(), updated_by = ${ctx.actor.id}, version = version + 1
      where id = ${ctx.actor.id}`);
    const changes: Record<string, { old: unknown; new: unknown }> = {};
    if (input.name !== undefined && input.name !== before.name) changes.name = { old: before.name, new: input.name };
    if (input.locale !== undefined && input.locale !== before.locale) changes.locale = { old: before.locale, new: input.locale };
    if (Object.keys(changes).length) await recordAudit(tx, ctx, { entity: 'user', entityId: ctx.actor.id, action: 'update_profile', changes });
  });
  const actor = await loadActor(database.db, ctx.actor.id, ctx.actor.via);
  if (!actor) throw new AppError('UNAUTHENTICATED');
  return { ...actor, sessionId: ctx.actor.sessionId, csrfToken: ctx.actor.csrfToken } as Actor;
}
