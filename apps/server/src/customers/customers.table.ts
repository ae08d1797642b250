// Customers (个人 and 企业), their tags, collaborators, custom-field definitions and the events of
// their ownership (claims, assignments, pool returns) that the timeline shows.
import { sql } from 'drizzle-orm';
import { bigint, boolean, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { auditColumns, users } from '../db/schema-platform.js';
import { creditCodeKeySql, e164Sql, emailKeySql, nameKeySql } from '../duplicates/normalise.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

const customerSearchText = sql`lower(coalesce(name,'') || ' ' || coalesce(mobile,'') || ' ' || coalesce(phone,'') || ' ' || coalesce(email,'') || ' ' || coalesce(employer,'') || ' ' || coalesce(wechat,'') || ' ' || coalesce(credit_code,''))`;

// Pages keep 10% free (fillfactor 90, set by migration 0029: drizzle has no table storage
// parameters), so that updates changing no indexed column are HOT.
export const customers = pgTable(
  'customers',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    kind: text('kind', { enum: ['individual', 'organization'] }).notNull(),
    relationshipType: text('relationship_type', { enum: ['consumer', 'business', 'channel', 'internal', 'partner', 'supplier'] }).notNull(),
    name: text('name').notNull(),
    // contact channels (personal data: masked for roles without personal_data.view)
    mobile: text('mobile'),
    phone: text('phone'),
    email: text('email'),
    wechat: text('wechat'),
    // address
    province: text('province'),
    city: text('city'),
    district: text('district'),
    address: text('address'),
    postalCode: text('postal_code'),
    // organisation profile (企业客户: 基本信息, 特征, 业务状况, 负责人)
    industry: text('industry'),
    companySize: text('company_size'),
    creditCode: text('credit_code'),
    legalRepresentative: text('legal_representative'),
    registeredCapital: bigint('registered_capital', { mode: 'number' }),
    foundedOn: date('founded_on'),
    website: text('website'),
    annualRevenue: bigint('annual_revenue', { mode: 'number' }),
    // individual profile (个人客户: 基本, 教育, 职业, 家庭, 生活方式, 个性)
    gender: text('gender', { enum: ['male', 'female', 'other'] }),
    birthday: date('birthday'),
    occupation: text('occupation'),
    employer: text('employer'),
    education: text('education'),
    maritalStatus: text('marital_status'),
    // how the customer came and what they are worth to us (DESIGN §1.1 classification)
    source: text('source'),
    importance: text('importance', { enum: ['vip', 'important', 'ordinary'] }),
    importanceSource: text('importance_source', { enum: ['manual', 'computed'] }),
    loyalty: text('loyalty', { enum: ['loyal', 'old', 'new', 'potential'] }),
    valueBehavior: text('value_behavior', { enum: ['lighthouse', 'follower', 'rational', 'bargain'] }),
    relationshipStrategy: text('relationship_strategy', { enum: ['strategic', 'major', 'transactional', 'risk'] }),
    notes: text('notes'),
    custom: jsonb('custom').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    // ownership: a customer without an owner is in the public pool (公海)
    ownerId: bigint('owner_id', { mode: 'number' }).references(() => users.id),
    ownerSince: ts('owner_since'),
    poolSince: ts('pool_since'),
    previousOwnerId: bigint('previous_owner_id', { mode: 'number' }),
    releasedAt: ts('released_at'),
    // kept current by follow-ups (and later orders) for lists and pool rules
    lastFollowUpAt: ts('last_follow_up_at'),
    nextFollowUpAt: ts('next_follow_up_at'),
    lastDealAt: ts('last_deal_at'),
    verifiedAt: ts('verified_at'),
    /** Every searchable text in one column, for the trigram index (names, phones, emails, company). */
    searchText: text('search_text').generatedAlwaysAs(customerSearchText),
    /** 1- and 2-character search keys of the same text (gx_search_grams, migration 0003). */
    searchGrams: text('search_grams').array().generatedAlwaysAs(sql`gx_search_grams(${customerSearchText})`),
    /** Keys duplicates are matched on (duplicates/normalise.ts): E.164 phones, case-folded email and credit code, the name's identifying part. */
    mobileE164: text('mobile_e164').generatedAlwaysAs(sql.raw(e164Sql('mobile'))),
    phoneE164: text('phone_e164').generatedAlwaysAs(sql.raw(e164Sql('phone'))),
    emailKey: text('email_key').generatedAlwaysAs(sql.raw(emailKeySql('email'))),
    creditCodeKey: text('credit_code_key').generatedAlwaysAs(sql.raw(creditCodeKeySql('credit_code'))),
    nameKey: text('name_key').generatedAlwaysAs(sql.raw(nameKeySql('name', 'province', 'city'))),
    /** The survivor this record was merged into (duplicates/merge.service.ts); the record is then soft-deleted. */
    mergedInto: bigint('merged_into', { mode: 'number' }),
    deletedAt: ts('deleted_at'),
    deletedBy: bigint('deleted_by', { mode: 'number' }),
    ...auditColumns(),
  },
  (t) => [
    index('customers_owner_idx').on(t.ownerId, t.id).where(sql`deleted_at is null`),
    index('customers_name_idx').on(t.name, t.id).where(sql`deleted_at is null`),
    index('customers_created_idx').on(t.createdAt, t.id).where(sql`deleted_at is null`),
    index('customers_updated_idx').on(t.updatedAt, t.id).where(sql`deleted_at is null`),
    index('customers_last_follow_up_idx').on(t.lastFollowUpAt, t.id).where(sql`deleted_at is null`),
    index('customers_pool_idx').on(t.poolSince, t.id).where(sql`deleted_at is null and owner_id is null`),
    index('customers_city_idx').on(t.province, t.city).where(sql`deleted_at is null`),
    index('customers_mobile_idx').on(t.mobile).where(sql`deleted_at is null`),
    index('customers_email_idx').on(sql`lower(${t.email})`).where(sql`deleted_at is null`),
    // duplicate matching (imports, data quality) looks customers up by these
    index('customers_credit_code_idx').on(t.creditCode).where(sql`deleted_at is null and credit_code is not null`),
    index('customers_phone_idx').on(t.phone).where(sql`deleted_at is null and phone is not null`),
    index('customers_search_trgm_idx').using('gin', sql`${t.searchText} gin_trgm_ops`),
    index('customers_search_grams_idx').using('gin', t.searchGrams).where(sql`deleted_at is null`),
    index('customers_deleted_idx').on(t.deletedAt).where(sql`deleted_at is not null`),
    index('customers_mobile_e164_idx').on(t.mobileE164).where(sql`deleted_at is null and mobile_e164 is not null`),
    index('customers_phone_e164_idx').on(t.phoneE164).where(sql`deleted_at is null and phone_e164 is not null`),
    index('customers_email_key_idx').on(t.emailKey).where(sql`deleted_at is null and email_key is not null`),
    index('customers_credit_code_key_idx').on(t.creditCodeKey).where(sql`deleted_at is null and credit_code_key is not null`),
    index('customers_name_key_trgm_idx').using('gin', sql`${t.nameKey} gin_trgm_ops`).where(sql`deleted_at is null`),
  ],
);

export const customerCollaborators = pgTable(
  'customer_collaborators',
  {
    customerId: bigint('customer_id', { mode: 'number' }).notNull().references(() => customers.id, { onDelete: 'cascade' }),
    userId: bigint('user_id', { mode: 'number' }).notNull().references(() => users.id),
    addedAt: ts('added_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.userId] }), index('customer_collaborators_user_idx').on(t.userId)],
);

export const tags = pgTable(
  'tags',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    color: text('color'),
    deletedAt: ts('deleted_at'),
    ...auditColumns(),
  },
  (t) => [uniqueIndex('tags_name_key').on(sql`lower(${t.name})`).where(sql`deleted_at is null`)],
);

export const customerTags = pgTable(
  'customer_tags',
  {
    customerId: bigint('customer_id', { mode: 'number' }).notNull().references(() => customers.id, { onDelete: 'cascade' }),
    tagId: bigint('tag_id', { mode: 'number' }).notNull().references(() => tags.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.tagId] }), index('customer_tags_tag_idx').on(t.tagId, t.customerId)],
);

/** Admin-defined fields; values live in `customers.custom` / `contacts.custom` under `key`. */
export const customFields = pgTable(
  'custom_fields',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    entity: text('entity', { enum: ['customer', 'contact'] }).notNull(),
    key: text('key').notNull(),
    label: text('label').notNull(),
    labelEn: text('label_en'),
    type: text('type', { enum: ['text', 'number', 'date', 'select', 'multiselect', 'boolean'] }).notNull(),
    options: jsonb('options').$type<Array<{ value: string; label: string; labelEn?: string }>>().notNull().default(sql`'[]'::jsonb`),
    required: boolean('required').notNull().default(false),
    position: integer('position').notNull().default(0),
    deletedAt: ts('deleted_at'),
    ...auditColumns(),
  },
  (t) => [uniqueIndex('custom_fields_key').on(t.entity, t.key).where(sql`deleted_at is null`)],
);

/** Ownership and pool moves, merges and other events that are not field edits. */
export const customerEvents = pgTable(
  'customer_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    customerId: bigint('customer_id', { mode: 'number' }).notNull(),
    at: ts('at').notNull().defaultNow(),
    kind: text('kind').notNull(),
    actorId: bigint('actor_id', { mode: 'number' }),
    fromUserId: bigint('from_user_id', { mode: 'number' }),
    toUserId: bigint('to_user_id', { mode: 'number' }),
    data: jsonb('data').$type<Record<string, unknown>>(),
  },
  (t) => [index('customer_events_customer_idx').on(t.customerId, t.at), index('customer_events_claims_idx').on(t.actorId, t.kind, t.at)],
);
