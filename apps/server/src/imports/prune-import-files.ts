// Uploaded import files hold personal data: once an import is settled (completed, rolled back or
// refused) and a month has passed, its copy of the file is deleted. The import's record, counts and
// failed rows stay (their file then names the columns generically). Resumable imports keep theirs.
import { rm } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';

export const IMPORT_FILE_DAYS = 30;

export async function pruneImportFiles(database: Database, options: { asOf?: Date } = {}): Promise<{ deleted: number }> {
  const asOf = options.asOf ?? new Date();
  const rows = await database.rows<{ id: number; file_path: string }>(sql`
    select id, file_path from imports
    where status in ('completed', 'rolled_back', 'failed') and file_path <> ''
      and coalesce(finished_at, updated_at) < ${asOf.toISOString()}::timestamptz - ${`${IMPORT_FILE_DAYS} days`}::interval`);
  for (const r of rows) {
    await rm(r.file_path, { force: true });
    await database.db.execute(sql`update imports set file_path = '' where id = ${r.id}`);
  }
  return { deleted: rows.length };
}
