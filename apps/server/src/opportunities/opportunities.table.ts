// Opportunities (商机): deals moving through a pipeline's stages, the products they are about, and
// every stage change with the time spent in the stage left.
import { sql } from 'drizzle-orm';
import { bigint, date, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { auditColumns, users } from '../db/schema-platform.js';
import { customers } from '../customers/customers.table.js';
import { contacts } from '../contacts/contacts.table.js';
import { products } from '../products/products.table.js';
import { pipelineStages, pipelines } from '../pipelines/pipelines.table.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const money = (name: string) => numeric(name, { precision: 14, scale: 2 });

export const opportunities = pgTable(
  'opportunities',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    customerId: bigint('customer_id', { mode: 'number' }).notNull().references(() => customers.id),
    contactId: bigint('contact_id', { mode: 'number' }).references(() => contacts.id),
    ownerId: bigint('owner_id', { mode: 'number' }).notNull().references(() => users.id),
    pipelineId: bigint('pipeline_id', { mode: 'number' }).notNull().references(() => pipelines.id),
    stageId: bigint('stage_id', { mode: 'number' }).notNull().references(() => pipelineStages.id),
    /** The kind of the current stage, kept on the row so lists and forecasts filter without a join. */
    status: text('status', { enum: ['open', 'won', 'lost'] }).notNull().default('open'),
    amount: money('amount').notNull().default('0'),
    currency: text('currency').notNull().default('CNY'),
    /** Whole percent; null means the stage's probability applies. */
    probabilityOverride: integer('probability_override'),
    expectedCloseDate: date('expected_close_date'),
    competitors: jsonb('competitors').$type<string[]>().notNull().default([]),
    /** Why the deal was won or lost. */
    closeReason: text('close_reason'),
    closedAt: ts('closed_at'),
    /** The lead this deal was converted from (no FK: leads are another slice's table). */
    leadId: bigint('lead_id', { mode: 'number' }),
    stageEnteredAt: ts('stage_entered_at').notNull().defaultNow(),
    lastActivityAt: ts('last_activity_at').notNull().defaultNow(),
    deletedAt: ts('deleted_at'),
    deletedBy: bigint('deleted_by', { mode: 'number' }),
    ...auditColumns(),
  },
  (t) => [
    // The board's open-stage columns (see opportunity-board.service.ts): per pipeline and owner, each
    // stage's cards a backward scan newest-in-stage first, and under an expected-close filter the totals
    // an index-only range (amount, probability and expected close trail the key: drizzle has no INCLUDE;
    // without a filter the totals come from opportunity_board_totals). Only open live deals.
    index('opportunities_board_open_idx')
      .on(t.pipelineId, t.ownerId, t.stageId, t.stageEnteredAt, t.id, t.amount, t.probabilityOverride, t.expectedCloseDate, t.currency)
      .where(sql`closed_at is null and deleted_at is null`),
    // The won and lost columns: deals closed in a period, per pipeline and owner, most recently closed first;
    // stage, amount and probability trail the key so the totals are index-only.
    index('opportunities_board_closed_idx')
      .on(t.pipelineId, t.ownerId, t.closedAt, t.id, t.stageId, t.amount, t.probabilityOverride, t.currency)
      .where(sql`closed_at is not null and deleted_at is null`),
    // the board for roles that see every owner: one column in stage-entry order
    index('opportunities_stage_entered_idx').on(t.stageId, t.stageEnteredAt, t.id).where(sql`deleted_at is null`),
    index('opportunities_owner_idx').on(t.ownerId, t.id).where(sql`deleted_at is null`),
    index('opportunities_customer_idx').on(t.customerId).where(sql`deleted_at is null`),
    index('opportunities_close_date_idx').on(t.expectedCloseDate, t.id).where(sql`deleted_at is null`),
    index('opportunities_updated_idx').on(t.updatedAt, t.id).where(sql`deleted_at is null`),
    index('opportunities_amount_idx').on(t.amount, t.id).where(sql`deleted_at is null`),
    index('opportunities_closed_idx').on(t.closedAt).where(sql`deleted_at is null and closed_at is not null`),
  ],
);

/**
 * The board's open-column totals, kept on write: count, amount and weighted amount of the open,
 * live deals (closed_at and deleted_at null) per pipeline, owner, stage and currency. Statement triggers on
 * opportunities add each write's difference, and a stage's probability change rebuilds that stage's
 * rows (migrations 0022 and 0025); the board sums these rows instead of reading
 * every open deal. No foreign keys: only the triggers write here.
 */
export const opportunityBoardTotals = pgTable(
  'opportunity_board_totals',
  {
    pipelineId: bigint('pipeline_id', { mode: 'number' }).notNull(),
    ownerId: bigint('owner_id', { mode: 'number' }).notNull(),
    stageId: bigint('stage_id', { mode: 'number' }).notNull(),
    /** Amounts in different currencies are never added together. */
    currency: text('currency').notNull(),
    deals: integer('deals').notNull(),
    amount: numeric('amount', { precision: 20, scale: 2 }).notNull(),
    /** sum(round(amount × coalesce(probability_override, stage probability) / 100, 2)), to the cent per deal as the board computes it. */
    weightedAmount: numeric('weighted_amount', { precision: 20, scale: 2 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.pipelineId, t.ownerId, t.stageId, t.currency] })],
);

/** Products of interest (意向产品). */
export const opportunityProducts = pgTable(
  'opportunity_products',
  {
    opportunityId: bigint('opportunity_id', { mode: 'number' }).notNull().references(() => opportunities.id, { onDelete: 'cascade' }),
    productId: bigint('product_id', { mode: 'number' }).notNull().references(() => products.id),
    quantity: numeric('quantity', { precision: 14, scale: 3 }),
  },
  (t) => [primaryKey({ columns: [t.opportunityId, t.productId] })],
);

export const opportunityStageHistory = pgTable(
  'opportunity_stage_history',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    opportunityId: bigint('opportunity_id', { mode: 'number' }).notNull().references(() => opportunities.id, { onDelete: 'cascade' }),
    /** null for the deal's creation */
    fromStageId: bigint('from_stage_id', { mode: 'number' }).references(() => pipelineStages.id),
    toStageId: bigint('to_stage_id', { mode: 'number' }).notNull().references(() => pipelineStages.id),
    at: ts('at').notNull().defaultNow(),
    actorId: bigint('actor_id', { mode: 'number' }),
    /** Time spent in the previous stage; null for the creation. */
    secondsInPrevious: integer('seconds_in_previous'),
    reason: text('reason'),
  },
  (t) => [index('opportunity_stage_history_opportunity_idx').on(t.opportunityId, t.at)],
);
