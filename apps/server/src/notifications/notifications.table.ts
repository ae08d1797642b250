// On-screen notices for one user (an SLA escalation, …): small and generic, read once.
import { sql } from 'drizzle-orm';
import { bigint, index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { users } from '../db/schema-platform.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const notifications = pgTable(
  'notifications',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    userId: bigint('user_id', { mode: 'number' }).notNull().references(() => users.id),
    kind: text('kind').notNull(),
    textZh: text('text_zh').notNull(),
    textEn: text('text_en').notNull(),
    /** A path inside the web app, e.g. /tickets/12. */
    link: text('link'),
    /** What made it (e.g. `sla:ticket:12:resolution:5`): one notice per event. */
    sourceKey: text('source_key'),
    readAt: ts('read_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('notifications_user_idx').on(t.userId, t.id),
    uniqueIndex('notifications_source_key').on(t.userId, t.sourceKey).where(sql`source_key is not null`),
  ],
);
