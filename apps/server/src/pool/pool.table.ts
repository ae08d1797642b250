// Public pool (公海) rules: when a neglected customer goes back to the pool.
import { sql } from 'drizzle-orm';
import { bigint, boolean, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { auditColumns } from '../db/schema-platform.js';

export const poolRules = pgTable('pool_rules', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  name: text('name').notNull(),
  /** no_follow_up: N days since the later of last follow-up and receipt; no_deal: N days since receipt without a deal. */
  kind: text('kind', { enum: ['no_follow_up', 'no_deal'] }).notNull(),
  /** Days per importance level; `default` for customers without one. */
  days: jsonb('days').$type<{ vip?: number | null; important?: number | null; ordinary?: number | null; default: number }>().notNull(),
  warnDays: integer('warn_days').notNull().default(3),
  /** Exemptions: importance levels, tags, or customers with open deals. */
  exempt: jsonb('exempt').$type<{ importance?: string[]; tagIds?: number[]; withOpenDeals?: boolean }>().notNull().default(sql`'{}'::jsonb`),
  active: boolean('active').notNull().default(true),
  deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }),
  ...auditColumns(),
});
