// Leads (线索), the public forms that collect them, and the per-address/per-form counters that
// rate-limit those forms.
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { auditColumns, users } from '../db/schema-platform.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

const leadSearchText = sql`lower(coalesce(name,'') || ' ' || coalesce(company_name,'') || ' ' || coalesce(mobile,'') || ' ' || coalesce(phone,'') || ' ' || coalesce(email,'') || ' ' || coalesce(wechat,''))`;

export const leadForms = pgTable(
  'lead_forms',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    /** Random and unguessable: the only thing a visitor's URL carries. */
    publicKey: text('public_key').notNull(),
    /** Optional fields the form shows (the name is always asked). */
    fields: text('fields').array().notNull(),
    /** null: leads from this form go to the lead pool. */
    defaultOwnerId: bigint('default_owner_id', { mode: 'number' }).references(() => users.id),
    thankYouText: text('thank_you_text'),
    active: boolean('active').notNull().default(true),
    deletedAt: ts('deleted_at'),
    ...auditColumns(),
  },
  (t) => [uniqueIndex('lead_forms_public_key').on(t.publicKey)],
);

export const leads = pgTable(
  'leads',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** The person's name. */
    name: text('name').notNull(),
    companyName: text('company_name'),
    title: text('title'),
    mobile: text('mobile'),
    phone: text('phone'),
    email: text('email'),
    wechat: text('wechat'),
    province: text('province'),
    city: text('city'),
    source: text('source', { enum: ['web_form', 'import', 'trade_show', 'referral', 'campaign', 'cold_call', 'other'] }).notNull(),
    status: text('status', { enum: ['new', 'contacted', 'qualified', 'disqualified', 'converted'] }).notNull().default('new'),
    disqualifyReason: text('disqualify_reason'),
    notes: text('notes'),
    // ownership: a lead without an owner is in the lead pool
    ownerId: bigint('owner_id', { mode: 'number' }).references(() => users.id),
    ownerSince: ts('owner_since'),
    poolSince: ts('pool_since'),
    previousOwnerId: bigint('previous_owner_id', { mode: 'number' }),
    /** The latest follow-up; with owner_since it decides when a neglected lead returns to the pool. */
    lastActivityAt: ts('last_activity_at'),
    formId: bigint('form_id', { mode: 'number' }).references(() => leadForms.id),
    convertedCustomerId: bigint('converted_customer_id', { mode: 'number' }),
    convertedContactId: bigint('converted_contact_id', { mode: 'number' }),
    convertedOpportunityId: bigint('converted_opportunity_id', { mode: 'number' }),
    convertedAt: ts('converted_at'),
    convertedBy: bigint('converted_by', { mode: 'number' }),
    searchText: text('search_text').generatedAlwaysAs(leadSearchText),
    deletedAt: ts('deleted_at'),
    deletedBy: bigint('deleted_by', { mode: 'number' }),
    ...auditColumns(),
  },
  (t) => [
    index('leads_owner_idx').on(t.ownerId, t.id).where(sql`deleted_at is null`),
    index('leads_pool_idx').on(t.poolSince, t.id).where(sql`deleted_at is null and owner_id is null`),
    index('leads_created_idx').on(t.createdAt, t.id).where(sql`deleted_at is null`),
    index('leads_updated_idx').on(t.updatedAt, t.id).where(sql`deleted_at is null`),
    index('leads_name_idx').on(t.name, t.id).where(sql`deleted_at is null`),
    index('leads_company_idx').on(t.companyName, t.id).where(sql`deleted_at is null`),
    index('leads_last_activity_idx').on(t.lastActivityAt, t.id).where(sql`deleted_at is null`),
    index('leads_status_idx').on(t.status, t.id).where(sql`deleted_at is null`),
    index('leads_search_trgm_idx').using('gin', sql`${t.searchText} gin_trgm_ops`),
  ],
);

/** Fixed-window submission counters for the public forms, shared by every server instance. */
export const leadFormHits = pgTable('lead_form_hits', {
  key: text('key').primaryKey(),
  windowStart: ts('window_start').notNull(),
  hits: integer('hits').notNull().default(0),
});
