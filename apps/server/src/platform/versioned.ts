// Optimistic concurrency for every edited row: an update names the version it started from and
// succeeds only if nobody changed the row since; otherwise 409 with the row as it is now.
import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../db/client.js';
import { notFound, versionConflict } from './errors.js';

interface VersionedTable {
  id: PgColumn;
  version: PgColumn;
  updatedAt: PgColumn;
  updatedBy: PgColumn;
  deletedAt?: PgColumn;
}

export async function updateVersioned<T extends PgTable & VersionedTable>(
  tx: DbOrTx,
  table: T,
  opts: { id: number; version: number; actorId: number; patch: Record<string, unknown>; toApi: (row: T['$inferSelect']) => unknown },
): Promise<T['$inferSelect']> {
  const live: SQL | undefined = table.deletedAt ? isNull(table.deletedAt) : undefined;
  const updated = (await tx
    .update(table)
    .set({ ...opts.patch, version: sql`${table.version} + 1`, updatedAt: sql`now()`, updatedBy: opts.actorId } as never)
    .where(and(eq(table.id, opts.id), eq(table.version, opts.version), live))
    .returning()) as Array<T['$inferSelect']>;
  if (updated[0]) return updated[0];
  const current = (await tx.select().from(table as PgTable).where(and(eq(table.id, opts.id), live))) as Array<T['$inferSelect']>;
  if (!current[0]) throw notFound();
  throw versionConflict(opts.toApi(current[0]));
}

export const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());
export const isoNN = (d: Date | string): string => new Date(d).toISOString();

/** The audit columns of a row as the API shows them. */
export function auditFields(row: { createdAt: Date; updatedAt: Date; createdBy: number | null; updatedBy: number | null; version: number }) {
  return { createdAt: isoNN(row.createdAt), updatedAt: isoNN(row.updatedAt), createdBy: row.createdBy, updatedBy: row.updatedBy, version: row.version };
}
