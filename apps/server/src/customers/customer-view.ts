// Customer rows as the API shows them: camelCase, owner name, tags and collaborators, and
// personal data masked for callers without personal_data.view.
import { getTableColumns, inArray, sql } from 'drizzle-orm';
import type { Customer } from '@guanxi/contracts';
import type { Actor } from '../auth/actor.js';
import type { DbOrTx } from '../db/client.js';
import { customerCollaborators, customers, customerTags, tags, users } from '../db/schema.js';
import { canSeePersonalData, maskEmail, maskPhone, maskText } from '../platform/masking.js';
import { auditFields, iso } from '../platform/versioned.js';

export type CustomerRow = typeof customers.$inferSelect;

const { searchText: _searchText, searchGrams: _searchGrams, ...plainColumns } = getTableColumns(customers);
/** Every column but the search ones, and the owner's name (join `users` on the owner). */
export const customerColumns = { ...plainColumns, ownerName: sql<string | null>`${users.name}` };
export type CustomerListRow = Omit<CustomerRow, 'searchText' | 'searchGrams'> & { ownerName: string | null };

/** Personal fields and how each is masked; also applied to old/new values in the timeline. */
export const personalFields: Record<string, (v: string | null) => string | null> = {
  mobile: maskPhone,
  phone: maskPhone,
  email: maskEmail,
  wechat: maskText,
  address: maskText,
};

export function maskPersonal<T extends Record<string, unknown>>(actor: Pick<Actor, 'permissions'>, record: T): T {
  if (canSeePersonalData(actor)) return record;
  const out: Record<string, unknown> = { ...record };
  for (const [field, mask] of Object.entries(personalFields)) {
    if (typeof out[field] === 'string') out[field] = mask(out[field]);
  }
  return out as T;
}

export interface Relations {
  tags: Map<number, Customer['tags']>;
  collaborators: Map<number, Customer['collaborators']>;
}

export async function loadRelations(db: DbOrTx, ids: number[]): Promise<Relations> {
  const rel: Relations = { tags: new Map(), collaborators: new Map() };
  if (!ids.length) return rel;
  const tagRows = await db
    .select({ customerId: customerTags.customerId, id: tags.id, name: tags.name, color: tags.color })
    .from(customerTags)
    .innerJoin(tags, sql`${tags.id} = ${customerTags.tagId} and ${tags.deletedAt} is null`)
    .where(inArray(customerTags.customerId, ids))
    .orderBy(tags.name);
  for (const { customerId, ...t } of tagRows) rel.tags.set(customerId, [...(rel.tags.get(customerId) ?? []), t]);
  const collabRows = await db
    .select({ customerId: customerCollaborators.customerId, id: users.id, name: users.name })
    .from(customerCollaborators)
    .innerJoin(users, sql`${users.id} = ${customerCollaborators.userId}`)
    .where(inArray(customerCollaborators.customerId, ids))
    .orderBy(users.name);
  for (const { customerId, ...u } of collabRows) rel.collaborators.set(customerId, [...(rel.collaborators.get(customerId) ?? []), u]);
  return rel;
}

export function toCustomer(actor: Pick<Actor, 'permissions'>, row: CustomerListRow, rel: Relations): Customer {
  return maskPersonal(actor, {
    id: row.id,
    kind: row.kind,
    relationshipType: row.relationshipType,
    name: row.name,
    mobile: row.mobile,
    phone: row.phone,
    email: row.email,
    wechat: row.wechat,
    province: row.province,
    city: row.city,
    district: row.district,
    address: row.address,
    postalCode: row.postalCode,
    industry: row.industry,
    companySize: row.companySize,
    creditCode: row.creditCode,
    legalRepresentative: row.legalRepresentative,
    registeredCapital: row.registeredCapital,
    foundedOn: row.foundedOn,
    website: row.website,
    annualRevenue: row.annualRevenue,
    gender: row.gender,
    birthday: row.birthday,
    occupation: row.occupation,
    employer: row.employer,
    education: row.education,
    maritalStatus: row.maritalStatus,
    source: row.source,
    importance: row.importance,
    importanceSource: row.importanceSource,
    loyalty: row.loyalty,
    valueBehavior: row.valueBehavior,
    relationshipStrategy: row.relationshipStrategy,
    notes: row.notes,
    custom: row.custom,
    ownerId: row.ownerId,
    ownerName: row.ownerName,
    ownerSince: iso(row.ownerSince),
    poolSince: iso(row.poolSince),
    lastFollowUpAt: iso(row.lastFollowUpAt),
    nextFollowUpAt: iso(row.nextFollowUpAt),
    lastDealAt: iso(row.lastDealAt),
    tags: rel.tags.get(row.id) ?? [],
    collaborators: rel.collaborators.get(row.id) ?? [],
    ...auditFields(row),
  });
}
