// Sales pipelines (销售漏斗) and their ordered stages. Deals (opportunities.table.ts) sit in a stage;
// a stage's kind says whether a deal there is still open, won or lost.
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { auditColumns } from '../db/schema-platform.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const pipelines = pgTable(
  'pipelines',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    isDefault: boolean('is_default').notNull().default(false),
    active: boolean('active').notNull().default(true),
    /** An open deal without activity for this many days is flagged stale. */
    staleAfterDays: integer('stale_after_days').notNull().default(14),
    deletedAt: ts('deleted_at'),
    deletedBy: bigint('deleted_by', { mode: 'number' }),
    ...auditColumns(),
  },
  // at most one live default: startup seeding on several instances cannot create two
  (t) => [uniqueIndex('pipelines_one_default_idx').on(t.isDefault).where(sql`is_default and deleted_at is null`)],
);

export const pipelineStages = pgTable(
  'pipeline_stages',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    pipelineId: bigint('pipeline_id', { mode: 'number' }).notNull().references(() => pipelines.id),
    /** awareness/exploration/expansion/commitment/won/lost for the seeded stages, so the UI can translate them; null for stages users add. */
    key: text('key'),
    name: text('name').notNull(),
    position: integer('position').notNull(),
    /** Win probability in whole percent, 0–100. */
    probability: integer('probability').notNull(),
    kind: text('kind', { enum: ['open', 'won', 'lost'] }).notNull(),
    // removed stages stay for the stage history that names them
    deletedAt: ts('deleted_at'),
  },
  (t) => [index('pipeline_stages_pipeline_idx').on(t.pipelineId, t.position).where(sql`deleted_at is null`)],
);
