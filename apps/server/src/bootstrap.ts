// Getting a database ready to serve: migrations, built-in roles, and the first admin account.
import { sql } from 'drizzle-orm';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/client.js';
import { lockDataDir } from './db/data-dir-lock.js';
import { migrateDatabase } from './db/migrate.js';
import { generatePassword } from './auth/password.js';
import { seedBuiltInRoles } from './roles/roles.service.js';
import { seedDefaultPipeline } from './pipelines/pipelines.service.js';
import { seedDefaultCalendar } from './sla/calendars.service.js';
import { insertUser } from './users/users.service.js';

export interface OpenedDatabase {
  database: Database;
  close(): Promise<void>;
}

/** Opens the configured database (locking PGlite's directory) and migrates it. */
export async function openConfiguredDatabase(config: Config): Promise<OpenedDatabase> {
  const unlock = config.databaseUrl ? () => {} : lockDataDir(config.dataDir);
  try {
    const database = await openDatabase({ url: config.databaseUrl, dataDir: config.databaseUrl ? undefined : config.dataDir });
    await migrateDatabase(database);
    await database.db.transaction((tx) => seedBuiltInRoles(tx));
    await database.db.transaction((tx) => seedDefaultPipeline(tx));
    await database.db.transaction((tx) => seedDefaultCalendar(tx, config.timeZone));
    return {
      database,
      async close() {
        await database.close();
        unlock();
      },
    };
  } catch (e) {
    unlock();
    throw e;
  }
}

export interface FirstAdmin {
  email: string;
  /** Present only when the password was generated here and must be shown once. */
  generatedPassword?: string;
}

/** On an empty installation, creates the admin account; returns what to tell the operator. */
export async function ensureFirstAdmin(database: Database, config: Pick<Config, 'adminEmail' | 'adminPassword'>): Promise<FirstAdmin | null> {
  const [existing] = await database.rows<{ n: number }>(sql`select count(*)::int as n from users`);
  if ((existing?.n ?? 0) > 0) return null;
  const email = (config.adminEmail ?? 'admin@guanxi.local').toLowerCase();
  const generated = config.adminPassword ? undefined : generatePassword();
  await database.db.transaction(async (tx) => {
    const [role] = await database.rows<{ id: number }>(sql`select id from roles where key = 'admin'`, tx);
    await insertUser(tx, null, {
      email,
      name: '管理员 Admin',
      password: config.adminPassword ?? generated!,
      roleId: Number(role!.id),
      // A generated password has been shown on a console; its owner should replace it.
      mustChangePassword: generated !== undefined,
    });
  });
  return generated ? { email, generatedPassword: generated } : { email };
}
