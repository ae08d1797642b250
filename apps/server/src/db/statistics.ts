// Planner statistics for the embedded database. PostgreSQL keeps them current by autovacuum; PGlite
// has no autovacuum, so without an explicit ANALYZE its planner takes every table for empty and
// picks nested loops over what are in fact 100k-row tables. The daily `db-statistics` job and the
// end of a large import call this; on PostgreSQL it does nothing.
import { sql } from 'drizzle-orm';
import type { Database } from './client.js';

export interface StatisticsResult extends Record<string, unknown> {
  analyzed: boolean;
  /** Why nothing was done, when nothing was. */
  reason?: string;
  ms?: number;
}

/** ANALYZE of the whole embedded database (or of `tables`); nothing on PostgreSQL, whose autovacuum does it. */
export async function refreshStatistics(database: Database, tables?: string[]): Promise<StatisticsResult> {
  if (database.driver !== 'pglite') return { analyzed: false, reason: 'autovacuum' };
  const started = performance.now();
  await database.db.execute(tables?.length ? sql.raw(`analyze ${tables.map((t) => `"${t.replace(/"/g, '""')}"`).join(', ')}`) : sql`analyze`);
  return { analyzed: true, ms: Math.round(performance.now() - started) };
}
