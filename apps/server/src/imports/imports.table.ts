// Import jobs, their rejected rows, what each committed batch wrote (for an exact rollback), and
// saved column mappings.
//
// Rollback bookkeeping is a separate `import_rows` log rather than an `import_id` column on
// customers, contacts and follow-ups: an update needs its before-image somewhere anyway, the
// feature tables stay untouched, and a rollback is one indexed scan of the job's own rows.
import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from '../db/schema-platform.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const imports = pgTable(
  'imports',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    kind: text('kind', { enum: ['customers'] }).notNull(),
    fileName: text('file_name').notNull(),
    /** The uploaded file, kept for resume and for the failed-rows file. */
    filePath: text('file_path').notNull(),
    fileBytes: bigint('file_bytes', { mode: 'number' }).notNull(),
    format: text('format', { enum: ['csv', 'xlsx'] }).notNull(),
    /** The encoding asked for (auto, utf8, gbk…); the detected one is in `detectedEncoding`. */
    encoding: text('encoding').notNull(),
    detectedEncoding: text('detected_encoding'),
    delimiter: text('delimiter'),
    mapping: jsonb('mapping').$type<Record<string, string>>().notNull(),
    duplicates: text('duplicates', { enum: ['skip', 'update', 'create'] }).notNull(),
    ownerId: bigint('owner_id', { mode: 'number' }).references(() => users.id),
    status: text('status', { enum: ['queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted', 'rolled_back'] }).notNull(),
    totalRows: integer('total_rows'),
    rowsRead: integer('rows_read').notNull().default(0),
    imported: integer('imported').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    /** File row of the last row of the last committed batch; advanced in that batch's transaction. */
    resumeAfterRow: integer('resume_after_row').notNull().default(0),
    error: text('error'),
    createdBy: bigint('created_by', { mode: 'number' }).references(() => users.id),
    createdAt: ts('created_at').notNull().defaultNow(),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('imports_created_idx').on(t.createdAt, t.id), index('imports_status_idx').on(t.status).where(sql`status in ('queued', 'running')`)],
);

export const importErrors = pgTable(
  'import_errors',
  {
    importId: bigint('import_id', { mode: 'number' }).notNull().references(() => imports.id, { onDelete: 'cascade' }),
    rowNumber: integer('row_number').notNull(),
    /** Index of the error within its row (a row may fail on several columns). */
    seq: integer('seq').notNull(),
    /** Header of the offending column; null when the row as a whole is wrong. */
    column: text('column'),
    reasonEn: text('reason_en').notNull(),
    reasonZh: text('reason_zh').notNull(),
    /** The row's cells as read, so the failed-rows file can be written without the original. */
    raw: jsonb('raw').$type<string[]>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.rowNumber, t.seq] })],
);

/** One record an import created or updated; `before` holds the changed fields' old values of an update. */
export const importRows = pgTable(
  'import_rows',
  {
    importId: bigint('import_id', { mode: 'number' }).notNull().references(() => imports.id, { onDelete: 'cascade' }),
    entity: text('entity', { enum: ['customer', 'contact', 'follow_up'] }).notNull(),
    entityId: bigint('entity_id', { mode: 'number' }).notNull(),
    action: text('action', { enum: ['created', 'updated'] }).notNull(),
    rowNumber: integer('row_number').notNull(),
    before: jsonb('before').$type<Record<string, unknown>>(),
    /** The record's version right after the import's update: a rollback leaves later edits alone. */
    versionAfter: integer('version_after'),
  },
  (t) => [index('import_rows_import_idx').on(t.importId, t.entity, t.action)],
);

export const importMappings = pgTable('import_mappings', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  kind: text('kind', { enum: ['customers'] }).notNull(),
  name: text('name').notNull(),
  mapping: jsonb('mapping').$type<Record<string, string>>().notNull(),
  createdBy: bigint('created_by', { mode: 'number' }).references(() => users.id),
  createdAt: ts('created_at').notNull().defaultNow(),
});
