// Contacts (联系人): people at organisations, linked to several customers with a title and a
// primary flag. A contact is visible when linked to a customer the caller sees, or when it is
// owned within the caller's scope.
import { and, eq, getTableColumns, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { contactFilterFields, genders, type Contact } from '@guanxi/contracts';
import type { Actor } from '../auth/actor.js';
import type { Database, DbOrTx } from '../db/client.js';
import { contacts, customerContacts, customers } from '../db/schema.js';
import { diff, recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { ownedBy } from '../platform/data-scope.js';
import { invalid, notFound, versionConflict } from '../platform/errors.js';
import { countRows, keyset, pageOf, parseSort } from '../platform/pagination.js';
import { auditFields, updateVersioned } from '../platform/versioned.js';
import { checkCustomValues, fieldDefinitions } from '../custom-fields/custom-fields.service.js';
import { liveVisibleCustomer } from '../customers/customer-scope.js';
import { maskPersonal } from '../customers/customer-view.js';
import { compileFilters, type ColumnsFor } from '../customers/list-filters.js';
import { searchCondition, searchTerms } from '../search/search-terms.js';

type Row = typeof contacts.$inferSelect;
type PlainRow = Omit<Row, 'searchText' | 'searchGrams'>;
const { searchText: _st, searchGrams: _sg, ...contactColumns } = getTableColumns(contacts);
const audited = ['name', 'mobile', 'phone', 'email', 'wechat', 'gender', 'birthday', 'department', 'notes', 'custom', 'ownerId'] as const;

/** A live contact the caller may see, on the contacts row aliased `alias`. */
export function contactVisible(actor: Actor, alias = 'contacts'): SQL {
  const c = sql.raw(alias);
  if (actor.dataScope === 'all') return sql`${c}.deleted_at is null`;
  return sql`(${c}.deleted_at is null and (${ownedBy(actor, sql`${c}.owner_id`)} or exists (
    select 1 from customer_contacts vcc join customers vc on vc.id = vcc.customer_id
    where vcc.contact_id = ${c}.id and ${liveVisibleCustomer(actor, 'vc')})))`;
}

type Link = Contact['customers'][number];
async function loadLinks(db: DbOrTx, actor: Actor, ids: number[]): Promise<Map<number, Link[]>> {
  const out = new Map<number, Link[]>();
  if (!ids.length) return out;
  const rows = await db
    .select({ contactId: customerContacts.contactId, customerId: customerContacts.customerId, customerName: customers.name, title: customerContacts.title, isPrimary: customerContacts.isPrimary })
    .from(customerContacts)
    .innerJoin(customers, eq(customers.id, customerContacts.customerId))
    .where(and(inArray(customerContacts.contactId, ids), liveVisibleCustomer(actor)))
    .orderBy(sql`${customerContacts.isPrimary} desc`, customers.name);
  for (const { contactId, ...l } of rows) out.set(contactId, [...(out.get(contactId) ?? []), l]);
  return out;
}

const toContact = (actor: Actor, r: PlainRow, links: Map<number, Link[]>): Contact =>
  maskPersonal(actor, {
    id: r.id,
    name: r.name,
    mobile: r.mobile,
    phone: r.phone,
    email: r.email,
    wechat: r.wechat,
    gender: r.gender,
    birthday: r.birthday,
    department: r.department,
    notes: r.notes,
    custom: r.custom,
    ownerId: r.ownerId,
    customers: links.get(r.id) ?? [],
    ...auditFields(r),
  });

async function findRow(db: DbOrTx, actor: Actor, id: number): Promise<PlainRow> {
  const [row] = await db.select(contactColumns).from(contacts).where(and(eq(contacts.id, id), contactVisible(actor)));
  if (!row) throw notFound();
  return row;
}
async function findContact(db: DbOrTx, actor: Actor, id: number): Promise<Contact> {
  return toContact(actor, await findRow(db, actor, id), await loadLinks(db, actor, [id]));
}
export const getContact = (database: Database, ctx: Ctx, id: number) => findContact(database.db, ctx.actor, id);

const sortColumns = {
  name: { expr: sql`${contacts.name}`, kind: 'text' as const },
  department: { expr: sql`${contacts.department}`, kind: 'text' as const },
  createdAt: { expr: sql`${contacts.createdAt}`, kind: 'timestamp' as const },
  updatedAt: { expr: sql`${contacts.updatedAt}`, kind: 'timestamp' as const },
  id: { expr: sql`${contacts.id}`, kind: 'number' as const },
};
const filterColumns: ColumnsFor<typeof contactFilterFields> = {
  name: { kind: 'text', expr: sql`${contacts.name}` },
  mobile: { kind: 'text', expr: sql`${contacts.mobile}` },
  email: { kind: 'text', expr: sql`${contacts.email}` },
  department: { kind: 'text', expr: sql`${contacts.department}` },
  gender: { kind: 'enum', expr: sql`${contacts.gender}`, values: genders },
  customerId: { kind: 'ids', build: (ids) => sql`exists (select 1 from customer_contacts fcc where fcc.contact_id = ${contacts.id} and fcc.customer_id in (${sql.join(ids.map((i) => sql`${i}`), sql`, `)}))` },
  ownerId: { kind: 'owner', expr: sql`${contacts.ownerId}` },
  createdAt: { kind: 'range', expr: sql`${contacts.createdAt}`, type: 'timestamp' },
  updatedAt: { kind: 'range', expr: sql`${contacts.updatedAt}`, type: 'timestamp' },
};

export async function listContacts(
  database: Database,
  ctx: Ctx,
  query: Record<string, unknown> & { q?: string | undefined; sort?: string | undefined; limit: number; cursor?: string | undefined },
  timeZone: string,
): Promise<{ data: Contact[]; nextCursor: string | null; total: number; totalApproximate?: boolean }> {
  const db = database.db;
  const conds: SQL[] = [contactVisible(ctx.actor)];
  if (query.q) {
    const terms = searchTerms(query.q);
    if (!terms) throw invalid('q', 'type at least 2 letters or digits, or 1 Chinese character', 'too_short');
    conds.push(searchCondition(terms, 'contacts'));
  }
  const needsCustom = Object.keys(query).some((k) => k.startsWith('filter[custom.'));
  const fields = needsCustom ? await fieldDefinitions(db, 'contact') : [];
  conds.push(...compileFilters(query, { columns: filterColumns, actorId: ctx.actor.id, timeZone, custom: { column: sql`${contacts.custom}`, fields } }));
  const where = sql.join(conds, sql` and `);
  const spec = parseSort(query.sort, sortColumns, 'name');
  const page = keyset(spec, sql`${contacts.id}`, query.cursor);
  const rows = await db
    .select({ ...contactColumns, sortValue: sql<string | null>`(${spec.expr})::text` })
    .from(contacts)
    .where(sql`${where} and ${page.where}`)
    .orderBy(page.orderBy)
    .limit(query.limit + 1);
  const count = await countRows(database, sql`contacts where ${where}`);
  const shown = pageOf(rows, query.limit, (r) => [r.sortValue, r.id]);
  const links = await loadLinks(db, ctx.actor, shown.rows.map((r) => r.id));
  return { data: shown.rows.map((r) => toContact(ctx.actor, r, links)), total: count.total, totalApproximate: count.approximate, nextCursor: shown.nextCursor };
}

export interface ContactInput {
  name?: string | undefined;
  mobile?: string | null | undefined;
  phone?: string | null | undefined;
  email?: string | null | undefined;
  wechat?: string | null | undefined;
  gender?: Row['gender'] | undefined;
  birthday?: string | null | undefined;
  department?: string | null | undefined;
  notes?: string | null | undefined;
  custom?: Record<string, unknown> | undefined;
  customers?: Array<{ customerId: number; title?: string | null | undefined; isPrimary: boolean }> | undefined;
}

/** Replaces the links to customers the caller sees; links to customers they cannot see stay. */
async function replaceLinks(tx: DbOrTx, actor: Actor, contactId: number, links: NonNullable<ContactInput['customers']>) {
  const ids = [...new Set(links.map((l) => l.customerId))];
  if (ids.length !== links.length) throw invalid('customers', 'a customer appears twice', 'duplicate');
  if (ids.length) {
    const visible = await tx.select({ id: customers.id }).from(customers).where(and(inArray(customers.id, ids), liveVisibleCustomer(actor)));
    const missing = links.findIndex((l) => !visible.some((v) => v.id === l.customerId));
    if (missing >= 0) throw invalid(`customers.${missing}.customerId`, 'no such customer', 'not_found');
  }
  await tx.execute(sql`delete from customer_contacts cc using customers c where cc.contact_id = ${contactId} and c.id = cc.customer_id and ${liveVisibleCustomer(actor, 'c')}`);
  for (const l of links) {
    // One primary contact per customer: choosing a new one demotes the old.
    if (l.isPrimary) await tx.update(customerContacts).set({ isPrimary: false }).where(eq(customerContacts.customerId, l.customerId));
    await tx.insert(customerContacts).values({ customerId: l.customerId, contactId, title: l.title ?? null, isPrimary: l.isPrimary });
  }
}

const linkSummary = (links: Link[]) => links.map((l) => ({ customerId: l.customerId, title: l.title, isPrimary: l.isPrimary }));

export async function createContact(database: Database, ctx: Ctx, input: ContactInput & { name: string }): Promise<Contact> {
  return database.db.transaction((tx) => createContactInTx(tx, ctx, input));
}

/** Creates a contact inside the caller's transaction (converting a lead makes one with its customer). */
export async function createContactInTx(tx: DbOrTx, ctx: Ctx, input: ContactInput & { name: string }): Promise<Contact> {
  const custom = checkCustomValues(await fieldDefinitions(tx, 'contact'), {}, input.custom, true);
  const { customers: links, custom: _c, ...columns } = input;
  const [row] = await tx.insert(contacts).values({ ...columns, custom, ownerId: ctx.actor.id, createdBy: ctx.actor.id, updatedBy: ctx.actor.id }).returning();
  if (links) await replaceLinks(tx, ctx.actor, row!.id, links);
  const after = await findContact(tx, ctx.actor, row!.id);
  await recordAudit(tx, ctx, { entity: 'contact', entityId: row!.id, action: 'create', changes: { ...diff(null, row!, audited), ...diff(null, { customers: linkSummary(after.customers) }, ['customers']) } });
  return after;
}

export async function updateContact(database: Database, ctx: Ctx, id: number, input: ContactInput & { version: number }): Promise<Contact> {
  return database.db.transaction(async (tx) => {
    const before = await findRow(tx, ctx.actor, id);
    const beforeFull = await findContact(tx, ctx.actor, id);
    if (before.version !== input.version) throw versionConflict(beforeFull);
    const { version, customers: links, custom: customPatch, ...columns } = input;
    const patch: Record<string, unknown> = { ...columns };
    if (customPatch !== undefined) patch.custom = checkCustomValues(await fieldDefinitions(tx, 'contact'), before.custom, customPatch, false);
    const after = await updateVersioned(tx, contacts, { id, version, actorId: ctx.actor.id, patch, toApi: (r) => r });
    if (links) await replaceLinks(tx, ctx.actor, id, links);
    const full = await findContact(tx, ctx.actor, id);
    const changes = { ...diff(before, after, audited), ...diff({ customers: linkSummary(beforeFull.customers) }, { customers: linkSummary(full.customers) }, ['customers']) };
    await recordAudit(tx, ctx, { entity: 'contact', entityId: id, action: 'update', changes });
    return full;
  });
}

/** Soft delete; the links stay so that a restore brings them back. */
export async function deleteContact(database: Database, ctx: Ctx, id: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    const before = await findRow(tx, ctx.actor, id);
    await tx.update(contacts).set({ deletedAt: new Date(), deletedBy: ctx.actor.id }).where(eq(contacts.id, id));
    await recordAudit(tx, ctx, { entity: 'contact', entityId: id, action: 'delete', changes: { name: { old: before.name, new: null } } });
  });
}

/** The contacts of one customer, primary first. */
export async function customerContactsOf(database: Database, ctx: Ctx, customerId: number): Promise<{ data: Contact[] }> {
  const db = database.db;
  const rows = await db
    .select(contactColumns)
    .from(contacts)
    .innerJoin(customerContacts, eq(customerContacts.contactId, contacts.id))
    .where(and(eq(customerContacts.customerId, customerId), isNull(contacts.deletedAt)))
    .orderBy(sql`${customerContacts.isPrimary} desc`, contacts.name);
  const links = await loadLinks(db, ctx.actor, rows.map((r) => r.id));
  return { data: rows.map((r) => toContact(ctx.actor, r, links)) };
}
