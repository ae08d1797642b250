// Likely duplicate customers found by the duplicates-scan job, and the merges that resolved them
// (with everything needed to undo one exactly).
import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, real, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { auditColumns } from '../db/schema-platform.js';
import { customers } from '../customers/customers.table.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const duplicateEvidenceKinds = ['creditCode', 'phone', 'email', 'name', 'pinyin'] as const;
export interface DuplicateEvidence {
  /** Which normalised keys the two records share. */
  keys: Array<(typeof duplicateEvidenceKinds)[number]>;
  /** Trigram similarity of the names' identifying parts (0–1), when they are in the same city. */
  nameSimilarity: number | null;
  /** The city both are in, when the names (or their pinyin) matched there. */
  city: string | null;
  /** Both carry a credit code and the codes differ: two legal entities, confidence lowered. */
  creditCodeConflict: boolean;
}

/** A pair (lower id first) the scan found; dismissed pairs stay dismissed when found again. */
export const duplicateCandidates = pgTable(
  'duplicate_candidates',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    customerAId: bigint('customer_a_id', { mode: 'number' }).notNull().references(() => customers.id, { onDelete: 'cascade' }),
    customerBId: bigint('customer_b_id', { mode: 'number' }).notNull().references(() => customers.id, { onDelete: 'cascade' }),
    evidence: jsonb('evidence').$type<DuplicateEvidence>().notNull(),
    confidence: real('confidence').notNull(),
    status: text('status', { enum: ['open', 'dismissed', 'merged'] }).notNull().default('open'),
    detectedAt: ts('detected_at').notNull().defaultNow(),
    /** The last scan that still found the pair; open pairs not seen by a scan are removed. */
    seenAt: ts('seen_at').notNull().defaultNow(),
    decidedAt: ts('decided_at'),
    decidedBy: bigint('decided_by', { mode: 'number' }),
    mergeId: bigint('merge_id', { mode: 'number' }),
  },
  (t) => [
    uniqueIndex('duplicate_candidates_pair_key').on(t.customerAId, t.customerBId),
    index('duplicate_candidates_b_idx').on(t.customerBId),
    index('duplicate_candidates_open_idx').on(t.confidence, t.id).where(sql`status = 'open'`),
    check('duplicate_candidates_order_check', sql`customer_a_id < customer_b_id`),
  ],
);

/** A row moved from a merged record to the survivor, by table: enough to put each back. */
export interface MergeMoves {
  /** Tables whose rows have their own id: [row id, customer id it had]. */
  rows: Array<{ table: string; column: string; ids: Array<[number, number]> }>;
  /** Link tables (customer_id + other key): the merged records' rows as they were, and the survivor's rows the merge added. */
  links: Array<{ table: string; key: string; original: Array<Record<string, unknown>>; added: Array<number> }>;
}

export const customerMerges = pgTable(
  'customer_merges',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    survivorId: bigint('survivor_id', { mode: 'number' }).notNull().references(() => customers.id),
    mergedIds: bigint('merged_ids', { mode: 'number' }).array().notNull(),
    /** Survivor columns the merge changed: { column: { old, new } } (snake_case column names). */
    survivorChanges: jsonb('survivor_changes').$type<Record<string, { old: unknown; new: unknown }>>().notNull(),
    /** Each merged record's state before: { id: { deleted_at, deleted_by, version } }. */
    mergedBefore: jsonb('merged_before').$type<Record<string, { deleted_at: string | null; deleted_by: number | null; version: number }>>().notNull(),
    moves: jsonb('moves').$type<MergeMoves>().notNull(),
    /** Duplicate candidates the merge closed, reopened by an undo. */
    candidateIds: bigint('candidate_ids', { mode: 'number' }).array().notNull().default(sql`'{}'::bigint[]`),
    undoneAt: ts('undone_at'),
    undoneBy: bigint('undone_by', { mode: 'number' }),
    ...auditColumns(),
  },
  (t) => [index('customer_merges_survivor_idx').on(t.survivorId, t.id), index('customer_merges_created_idx').on(t.createdAt, t.id)],
);

/** One row (id 1): how many days without update or verification make a record stale (时效性). */
export const dataQualitySettings = pgTable('data_quality_settings', {
  id: integer('id').primaryKey().default(1),
  staleAfterDays: integer('stale_after_days').notNull().default(180),
  ...auditColumns(),
});

/**
 * The pinyin of each customer's name key (张伟 and 章伟 → zhangwei; "Zhang Wei" → zhangwei), kept by
 * the duplicates scan for the customers whose name key changed since (pinyin-key.ts): PostgreSQL
 * has no pinyin table, so the key is computed in the server and stored beside the name key it came from.
 */
export const customerPinyinKeys = pgTable(
  'customer_pinyin_keys',
  {
    customerId: bigint('customer_id', { mode: 'number' })
      .primaryKey()
      .references(() => customers.id, { onDelete: 'cascade' }),
    nameKey: text('name_key').notNull(),
    pinyinKey: text('pinyin_key').notNull(),
  },
  (t) => [index('customer_pinyin_keys_key_idx').on(t.pinyinKey)],
);
