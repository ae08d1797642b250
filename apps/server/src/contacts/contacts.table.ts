// Contacts (联系人): people at organisations; one person may be the contact of several.
import { sql } from 'drizzle-orm';
import { bigint, boolean, date, index, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { auditColumns, users } from '../db/schema-platform.js';
import { customers } from '../customers/customers.table.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

const contactSearchText = sql`lower(coalesce(name,'') || ' ' || coalesce(mobile,'') || ' ' || coalesce(phone,'') || ' ' || coalesce(email,'') || ' ' || coalesce(wechat,''))`;

export const contacts = pgTable(
  'contacts',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    mobile: text('mobile'),
    phone: text('phone'),
    email: text('email'),
    wechat: text('wechat'),
    gender: text('gender', { enum: ['male', 'female', 'other'] }),
    birthday: date('birthday'),
    department: text('department'),
    notes: text('notes'),
    custom: jsonb('custom').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    ownerId: bigint('owner_id', { mode: 'number' }).references(() => users.id),
    searchText: text('search_text').generatedAlwaysAs(contactSearchText),
    searchGrams: text('search_grams').array().generatedAlwaysAs(sql`gx_search_grams(${contactSearchText})`),
    deletedAt: ts('deleted_at'),
    deletedBy: bigint('deleted_by', { mode: 'number' }),
    ...auditColumns(),
  },
  (t) => [
    index('contacts_name_idx').on(t.name, t.id).where(sql`deleted_at is null`),
    index('contacts_owner_idx').on(t.ownerId, t.id).where(sql`deleted_at is null`),
    index('contacts_search_trgm_idx').using('gin', sql`${t.searchText} gin_trgm_ops`),
    index('contacts_search_grams_idx').using('gin', t.searchGrams).where(sql`deleted_at is null`),
  ],
);

export const customerContacts = pgTable(
  'customer_contacts',
  {
    customerId: bigint('customer_id', { mode: 'number' }).notNull().references(() => customers.id, { onDelete: 'cascade' }),
    contactId: bigint('contact_id', { mode: 'number' }).notNull().references(() => contacts.id, { onDelete: 'cascade' }),
    title: text('title'),
    isPrimary: boolean('is_primary').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.contactId] }), index('customer_contacts_contact_idx').on(t.contactId)],
);
