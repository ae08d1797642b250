// Authentication and the request-level rules every route follows: who is calling (session cookie
// or bearer token), CSRF on state-changing requests, permissions, read-only roles and tokens.
import fp from 'fastify-plugin';
import { sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Permission } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import type { Config } from '../config.js';
import { AppError } from '../platform/errors.js';
import { loadActor, type Actor } from './actor.js';
import { safeEqual, sha256 } from './tokens.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without logging in. */
    public?: boolean;
    /** The permission the caller's role must carry (any one of them, for a list). */
    permission?: Permission | readonly Permission[];
    /** Allowed while the user still has to change the password (profile, logout, password). */
    beforePasswordChange?: boolean;
  }
}

export const SESSION_COOKIE = 'gx_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
// Touching last_seen_at on every request would write on every read; once a minute is enough.
const TOUCH_EVERY_MS = 60_000;

async function fromSession(database: Database, config: Config, cookie: string): Promise<Actor | null> {
  const id = sha256(cookie);
  const rows = await database.rows<{ user_id: number; csrf_token: string; last_seen_at: Date; expires_at: Date }>(
    sql`select user_id, csrf_token, last_seen_at, expires_at from sessions where id = ${id}`,
  );
  const s = rows[0];
  if (!s) return null;
  const now = Date.now();
  const lastSeen = new Date(s.last_seen_at).getTime();
  if (new Date(s.expires_at).getTime() <= now || now - lastSeen > config.sessionIdleMs) {
    await database.db.execute(sql`delete from sessions where id = ${id}`);
    return null;
  }
  if (now - lastSeen > TOUCH_EVERY_MS) {
    await database.db.execute(sql`update sessions set last_seen_at = now() where id = ${id}`);
  }
  const actor = await loadActor(database.db, Number(s.user_id), 'session');
  if (!actor) return null;
  return { ...actor, sessionId: id, csrfToken: s.csrf_token };
}

async function fromToken(database: Database, token: string): Promise<Actor | null> {
  const rows = await database.rows<{ id: number; user_id: number; scopes: string[] }>(sql`
    select id, user_id, scopes from api_tokens
    where token_hash = ${sha256(token)} and revoked_at is null and (expires_at is null or expires_at > now())`);
  const t = rows[0];
  if (!t) return null;
  const actor = await loadActor(database.db, Number(t.user_id), 'token');
  if (!actor) return null;
  // Once a minute is precise enough, and keeps busy integrations from contending for one row.
  await database.db.execute(sql`
    update api_tokens set last_used_at = now()
    where id = ${t.id} and (last_used_at is null or last_used_at < now() - interval '1 minute')`);
  // A token carries its user's permissions, narrowed by its scopes.
  return { ...actor, readOnly: actor.readOnly || !t.scopes.includes('write'), mustChangePassword: false };
}

async function authenticate(database: Database, config: Config, req: FastifyRequest): Promise<Actor | null> {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new AppError('UNAUTHENTICATED');
    return fromToken(database, match[1]);
  }
  const cookie = req.cookies[SESSION_COOKIE];
  return cookie ? fromSession(database, config, cookie) : null;
}

export const authPlugin = fp(
  async (app: FastifyInstance, opts: { database: Database; config: Config }) => {
    app.decorateRequest('actor', null);
    app.addHook('onRequest', async (req) => {
      if (!req.url.startsWith('/api/v1/')) return;
      req.actor = await authenticate(opts.database, opts.config, req);
    });
    // preHandler runs after body validation, so bad input gets its 400 details first only for
    // authenticated callers; anonymous callers are refused before anything else in preValidation.
    app.addHook('preValidation', async (req) => {
      if (!req.url.startsWith('/api/v1/')) return;
      const cfg = req.routeOptions.config;
      if (cfg.public) return;
      const actor = req.actor;
      if (!actor) throw new AppError('UNAUTHENTICATED');
      const mutating = !SAFE_METHODS.has(req.method);
      if (mutating && actor.via === 'session') {
        const sent = req.headers['x-csrf-token'];
        if (typeof sent !== 'string' || !actor.csrfToken || !safeEqual(sent, actor.csrfToken)) {
          throw new AppError('CSRF_FAILED');
        }
      }
      if (actor.mustChangePassword && !cfg.beforePasswordChange) throw new AppError('PASSWORD_CHANGE_REQUIRED');
      if (mutating && actor.readOnly && !cfg.beforePasswordChange) {
        throw new AppError('FORBIDDEN', { en: 'Your access is read-only.', 'zh-CN': '您的权限为只读。' });
      }
      if (cfg.permission) {
        const wanted: readonly Permission[] = typeof cfg.permission === 'string' ? [cfg.permission] : cfg.permission;
        if (!wanted.some((p) => actor.permissions.has(p))) throw new AppError('FORBIDDEN');
      }
    });
  },
  { name: 'guanxi-auth' },
);
