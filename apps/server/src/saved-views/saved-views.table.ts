// Saved list views: filters, sort and columns of a list, per user or shared by a manager.
import { bigint, boolean, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { auditColumns } from '../db/schema-platform.js';

export const savedViews = pgTable(
  'saved_views',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    userId: bigint('user_id', { mode: 'number' }).notNull(),
    entity: text('entity', { enum: ['customer', 'contact'] }).notNull(),
    name: text('name').notNull(),
    shared: boolean('shared').notNull().default(false),
    definition: jsonb('definition').$type<{ filters: Record<string, string>; sort?: string; columns?: string[] }>().notNull(),
    deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }),
    ...auditColumns(),
  },
  (t) => [index('saved_views_user_idx').on(t.userId, t.entity)],
);
