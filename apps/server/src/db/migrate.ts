// Applies the committed migrations in apps/server/drizzle. On a PostgreSQL server an advisory lock
// makes sure that several instances starting together migrate once.
import { fileURLToPath } from 'node:url';
import type { Database } from './client.js';

export const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));
const MIGRATION_LOCK = 7_361_001;

export async function migrateDatabase(database: Database): Promise<void> {
  if (database.driver === 'pglite') {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    // The PGlite handle and the drizzle pglite database are the same object under the hood.
    await migrate(database.db as never, { migrationsFolder });
    return;
  }
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  await database.withAdvisoryLock(MIGRATION_LOCK, true, () => migrate(database.db as never, { migrationsFolder }));
}
