// A fresh database and app for each test file: PGlite in memory, or a new database on the
// PostgreSQL server of TEST_DATABASE_URL (GUANXI_TEST_DB=postgres), dropped afterwards.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'drizzle-orm';
import { buildApp } from '../app.js';
import { testConfig, type Config } from '../config.js';
import { openDatabase, type Database } from '../db/client.js';
import { migrateDatabase } from '../db/migrate.js';
import { seedBuiltInRoles } from '../roles/roles.service.js';
import { seedDefaultPipeline } from '../pipelines/pipelines.service.js';
import { insertUser } from '../users/users.service.js';

export const ADMIN = { email: 'admin@test.local', password: 'Admin-Pass-123' };

export interface Session {
  cookie: string;
  csrfToken: string;
  userId: number;
}

export interface TestContext {
  app: FastifyInstance;
  database: Database;
  config: Config;
  /** Logs in and returns the cookie and CSRF token for later requests. */
  login(email: string, password: string): Promise<Session>;
  /** A request as `session` (cookie and CSRF header set), or anonymous when null. */
  request(session: Session | null, opts: InjectOptions): Promise<LightMyRequestResponse>;
  /** Creates a user with a role (by key) directly in the database and logs them in. */
  userWithRole(roleKey: string, extra?: { departmentId?: number | null; managerId?: number | null; email?: string }): Promise<Session>;
  close(): Promise<void>;
}

async function freshDatabase(): Promise<{ database: Database; drop: () => Promise<void> }> {
  if (process.env.GUANXI_TEST_DB !== 'postgres') {
    const database = await openDatabase({ dataDir: 'memory://' });
    return { database, drop: async () => undefined };
  }
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) throw new Error('GUANXI_TEST_DB=postgres needs TEST_DATABASE_URL');
  const name = `guanxi_test_${randomBytes(6).toString('hex')}`;
  const admin = await openDatabase({ url: serverUrl, poolSize: 1 });
  await admin.db.execute(sql.raw(`create database ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), poolSize: 20 });
  return {
    database,
    drop: async () => {
      await admin.db.execute(sql.raw(`drop database if exists ${name} with (force)`));
      await admin.close();
    },
  };
}

export async function createTestContext(overrides: Partial<Config> = {}): Promise<TestContext> {
  const { database, drop } = await freshDatabase();
  await migrateDatabase(database);
  await database.db.transaction((tx) => seedBuiltInRoles(tx));
  await database.db.transaction((tx) => seedDefaultPipeline(tx));
  const config = testConfig({ webDist: '/nonexistent', ...overrides });
  const [adminRole] = await database.rows<{ id: number }>(sql`select id from roles where key = 'admin'`);
  await database.db.transaction((tx) =>
    insertUser(tx, null, { email: ADMIN.email, name: 'Test Admin', password: ADMIN.password, roleId: Number(adminRole!.id), mustChangePassword: false }),
  );
  const app = await buildApp({ database, config });
  await app.ready();

  const request = (session: Session | null, opts: InjectOptions) => {
    const headers: Record<string, string> = { ...(opts.headers as Record<string, string> | undefined) };
    if (session) {
      headers.cookie = `gx_session=${session.cookie}`;
      if (!('x-csrf-token' in headers)) headers['x-csrf-token'] = session.csrfToken;
    }
    return app.inject({ ...opts, headers });
  };
  const login = async (email: string, password: string): Promise<Session> => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
    if (res.statusCode !== 200) throw new Error(`login ${email} failed: ${res.statusCode} ${res.body}`);
    const cookie = res.cookies.find((c) => c.name === 'gx_session')!.value;
    const body = res.json() as { csrfToken: string; user: { id: number } };
    return { cookie, csrfToken: body.csrfToken, userId: body.user.id };
  };
  let n = 0;
  const userWithRole: TestContext['userWithRole'] = async (roleKey, extra = {}) => {
    const [role] = await database.rows<{ id: number }>(sql`select id from roles where key = ${roleKey}`);
    if (!role) throw new Error(`no role ${roleKey}`);
    const email = extra.email ?? `${roleKey}${++n}-${randomBytes(3).toString('hex')}@test.local`;
    await database.db.transaction((tx) =>
      insertUser(tx, null, { email, name: `${roleKey} ${n}`, password: 'User-Pass-1234', roleId: Number(role.id), departmentId: extra.departmentId ?? null, managerId: extra.managerId ?? null, mustChangePassword: false }),
    );
    return login(email, 'User-Pass-1234');
  };
  return {
    app,
    database,
    config,
    login,
    request,
    userWithRole,
    async close() {
      await app.close();
      await database.close();
      await drop();
    },
  };
}
