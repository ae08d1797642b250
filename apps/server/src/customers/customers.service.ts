// Customers (个人 and 企业): create, read, list, edit and soft-delete, within the caller's data
// scope. Ownership moves (claim, assign, release) belong to the pool module.
import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { customerFilterFields, importanceLevels, customerKinds, relationshipTypes, loyaltyLevels, valueBehaviors, relationshipStrategies, genders, type Customer, type CustomerListItem, type CustomerListQuery } from '@guanxi/contracts';
import type { Actor } from '../auth/actor.js';
import type { Database, DbOrTx } from '../db/client.js';
import { customerCollaborators, customerMetrics, customers, customerTags, tags, users } from '../db/schema.js';
import { diff, recordAudit, type Changes } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { forbidden, invalid, msg, notFound, versionConflict } from '../platform/errors.js';
import { countRows, keyset, pageOf, parseSort } from '../platform/pagination.js';
import { updateVersioned } from '../platform/versioned.js';
import { checkCustomValues, fieldDefinitions } from '../custom-fields/custom-fields.service.js';
import { searchCondition, searchTerms } from '../search/search-terms.js';
import { liveVisibleCustomer } from './customer-scope.js';
import { customerColumns, loadRelations, toCustomer, type CustomerListRow, type CustomerRow } from './customer-view.js';
import { compileFilters, type ColumnsFor } from './list-filters.js';
import { metricsJoin, scoreFilterColumns, scoreSortColumns, scoreSummaryColumns, toScoreSummary } from '../analytics/customer-scores.js';

/** Fields recorded in the audit trail (and so on the timeline) when they change. */
export const auditedCustomerFields = [
  'kind', 'relationshipType', 'name', 'mobile', 'phone', 'email', 'wechat', 'province', 'city', 'district', 'address', 'postalCode',
  'industry', 'companySize', 'creditCode', 'legalRepresentative', 'registeredCapital', 'foundedOn', 'website', 'annualRevenue',
  'gender', 'birthday', 'occupation', 'employer', 'education', 'maritalStatus', 'source', 'importance', 'loyalty', 'valueBehavior',
  'relationshipStrategy', 'notes', 'custom', 'ownerId',
] as const;

type Editable = Partial<Omit<CustomerRow, 'id' | 'searchText' | 'searchGrams' | 'createdAt' | 'updatedAt' | 'createdBy' | 'updatedBy' | 'version'>>;
export interface CustomerInput extends Omit<Editable, 'custom'> {
  custom?: Record<string, unknown> | undefined;
  tagIds?: number[] | undefined;
  collaboratorIds?: number[] | undefined;
}

const fromCustomers = (db: DbOrTx) => db.select(customerColumns).from(customers).leftJoin(users, eq(users.id, customers.ownerId));

/** One live customer the caller may see, with relations; 404 otherwise (never 403: existence is not revealed). */
export async function findCustomer(db: DbOrTx, actor: Actor, id: number): Promise<Customer> {
  const [row] = await fromCustomers(db).where(and(eq(customers.id, id), liveVisibleCustomer(actor)));
  if (!row) throw notFound();
  return toCustomer(actor, row as CustomerListRow, await loadRelations(db, [id]));
}
export const getCustomer = (database: Database, ctx: Ctx, id: number) => findCustomer(database.db, ctx.actor, id);

/** Throws 404 unless the customer is live and visible; for features that hang records on customers. */
export async function assertCustomerVisible(db: DbOrTx, actor: Actor, id: number): Promise<{ id: number; name: string; ownerId: number | null }> {
  const [row] = await db
    .select({ id: customers.id, name: customers.name, ownerId: customers.ownerId })
    .from(customers)
    .where(and(eq(customers.id, id), liveVisibleCustomer(actor)));
  if (!row) throw notFound();
  return row;
}

export const sortColumns = {
  name: { expr: sql`${customers.name}`, kind: 'text' as const, notNull: true },
  kind: { expr: sql`${customers.kind}`, kind: 'text' as const, notNull: true },
  relationshipType: { expr: sql`${customers.relationshipType}`, kind: 'text' as const, notNull: true },
  importance: { expr: sql`${customers.importance}`, kind: 'text' as const },
  loyalty: { expr: sql`${customers.loyalty}`, kind: 'text' as const },
  valueBehavior: { expr: sql`${customers.valueBehavior}`, kind: 'text' as const },
  relationshipStrategy: { expr: sql`${customers.relationshipStrategy}`, kind: 'text' as const },
  province: { expr: sql`${customers.province}`, kind: 'text' as const },
  city: { expr: sql`${customers.city}`, kind: 'text' as const },
  industry: { expr: sql`${customers.industry}`, kind: 'text' as const },
  source: { expr: sql`${customers.source}`, kind: 'text' as const },
  ownerId: { expr: sql`${customers.ownerId}`, kind: 'number' as const },
  registeredCapital: { expr: sql`${customers.registeredCapital}`, kind: 'number' as const },
  annualRevenue: { expr: sql`${customers.annualRevenue}`, kind: 'number' as const },
  foundedOn: { expr: sql`${customers.foundedOn}::text`, kind: 'text' as const },
  birthday: { expr: sql`${customers.birthday}::text`, kind: 'text' as const },
  createdAt: { expr: sql`${customers.createdAt}`, kind: 'timestamp' as const, notNull: true },
  updatedAt: { expr: sql`${customers.updatedAt}`, kind: 'timestamp' as const, notNull: true },
  lastFollowUpAt: { expr: sql`${customers.lastFollowUpAt}`, kind: 'timestamp' as const },
  nextFollowUpAt: { expr: sql`${customers.nextFollowUpAt}`, kind: 'timestamp' as const },
  id: { expr: sql`${customers.id}`, kind: 'number' as const, notNull: true },
  ...scoreSortColumns,
};

const filterColumns: ColumnsFor<typeof customerFilterFields> = {
  name: { kind: 'text', expr: sql`${customers.name}` },
  mobile: { kind: 'text', expr: sql`${customers.mobile}` },
  email: { kind: 'text', expr: sql`${customers.email}` },
  province: { kind: 'equals', expr: sql`${customers.province}` },
  city: { kind: 'equals', expr: sql`${customers.city}` },
  district: { kind: 'equals', expr: sql`${customers.district}` },
  industry: { kind: 'text', expr: sql`${customers.industry}` },
  source: { kind: 'text', expr: sql`${customers.source}` },
  kind: { kind: 'enum', expr: sql`${customers.kind}`, values: customerKinds },
  relationshipType: { kind: 'enum', expr: sql`${customers.relationshipType}`, values: relationshipTypes },
  importance: { kind: 'enum', expr: sql`${customers.importance}`, values: importanceLevels },
  loyalty: { kind: 'enum', expr: sql`${customers.loyalty}`, values: loyaltyLevels },
  valueBehavior: { kind: 'enum', expr: sql`${customers.valueBehavior}`, values: valueBehaviors },
  relationshipStrategy: { kind: 'enum', expr: sql`${customers.relationshipStrategy}`, values: relationshipStrategies },
  gender: { kind: 'enum', expr: sql`${customers.gender}`, values: genders },
  ownerId: { kind: 'owner', expr: sql`${customers.ownerId}` },
  tagId: { kind: 'ids', build: (ids) => sql`exists (select 1 from customer_tags ct where ct.customer_id = ${customers.id} and ct.tag_id in (${sql.join(ids.map((i) => sql`${i}`), sql`, `)}))` },
  registeredCapital: { kind: 'range', expr: sql`${customers.registeredCapital}`, type: 'number' },
  annualRevenue: { kind: 'range', expr: sql`${customers.annualRevenue}`, type: 'number' },
  createdAt: { kind: 'range', expr: sql`${customers.createdAt}`, type: 'timestamp' },
  updatedAt: { kind: 'range', expr: sql`${customers.updatedAt}`, type: 'timestamp' },
  lastFollowUpAt: { kind: 'range', expr: sql`${customers.lastFollowUpAt}`, type: 'timestamp' },
  nextFollowUpAt: { kind: 'range', expr: sql`${customers.nextFollowUpAt}`, type: 'timestamp' },
  foundedOn: { kind: 'range', expr: sql`${customers.foundedOn}`, type: 'date' },
  birthday: { kind: 'range', expr: sql`${customers.birthday}`, type: 'date' },
  ...scoreFilterColumns,
};

/**
 * The WHERE of a customer list: scope, live rows, `q`, and every filter. Shared with exports and counts.
 * Score filters and sorts name `customer_metrics`: select from `customers ${metricsJoin}`.
 */
export async function customerListWhere(db: DbOrTx, actor: Actor, query: Record<string, unknown> & { q?: string | undefined }, timeZone: string): Promise<SQL> {
  const conds: SQL[] = [liveVisibleCustomer(actor)];
  if (query.q) {
    const terms = searchTerms(query.q);
    if (!terms) throw invalid('q', 'type at least 2 letters or digits, or 1 Chinese character', 'too_short');
    conds.push(searchCondition(terms, 'customers'));
  }
  const needsCustom = Object.keys(query).some((k) => k.startsWith('filter[custom.'));
  const fields = needsCustom ? await fieldDefinitions(db, 'customer') : [];
  conds.push(...compileFilters(query, { columns: filterColumns, actorId: actor.id, timeZone, custom: { column: sql`${customers.custom}`, fields } }));
  return sql.join(conds, sql` and `);
}

export async function listCustomers(database: Database, ctx: Ctx, query: CustomerListQuery, timeZone: string): Promise<{ data: CustomerListItem[]; nextCursor: string | null; total: number; totalApproximate: boolean }> {
  const db = database.db;
  const where = await customerListWhere(db, ctx.actor, query as Record<string, unknown>, timeZone);
  const spec = parseSort(query.sort, sortColumns, '-updatedAt');
  const page = keyset(spec, sql`${customers.id}`, query.cursor);
  const rows = await db
    .select({ ...customerColumns, scores: scoreSummaryColumns, sortValue: sql<string | null>`${page.sortValue}` })
    .from(customers)
    .leftJoin(users, eq(users.id, customers.ownerId))
    .leftJoin(customerMetrics, eq(customerMetrics.customerId, customers.id))
    .where(sql`${where} and ${page.where}`)
    .orderBy(page.orderBy)
    .limit(query.limit + 1);
  const count = await countRows(database, sql`customers ${metricsJoin} where ${where}`);
  const shown = pageOf(rows, query.limit, (r) => [r.sortValue, r.id]);
  const rel = await loadRelations(db, shown.rows.map((r) => r.id));
  return {
    data: shown.rows.map((r) => ({ ...toCustomer(ctx.actor, r as CustomerListRow, rel), scores: toScoreSummary(r.scores) })),
    total: count.total,
    totalApproximate: count.approximate,
    nextCursor: shown.nextCursor,
  };
}

async function checkRefs(tx: DbOrTx, input: CustomerInput) {
  if (input.tagIds?.length) {
    const found = await tx.select({ id: tags.id }).from(tags).where(and(inArray(tags.id, input.tagIds), isNull(tags.deletedAt)));
    const missing = input.tagIds.find((id) => !found.some((f) => f.id === id));
    if (missing !== undefined) throw invalid('tagIds', `no such tag ${missing}`, 'not_found');
  }
  const userIds = [...(input.collaboratorIds ?? []), ...(input.ownerId ? [input.ownerId] : [])];
  if (userIds.length) {
    const found = await tx.select({ id: users.id }).from(users).where(and(inArray(users.id, userIds), isNull(users.deletedAt), eq(users.active, true)));
    const missing = userIds.find((id) => !found.some((f) => f.id === id));
    if (missing !== undefined) throw invalid(input.collaboratorIds?.includes(missing) ? 'collaboratorIds' : 'ownerId', `no such active user ${missing}`, 'not_found');
  }
}

async function replaceLinks(tx: DbOrTx, id: number, input: CustomerInput, ownerId: number | null) {
  if (input.tagIds) {
    await tx.delete(customerTags).where(eq(customerTags.customerId, id));
    const unique = [...new Set(input.tagIds)];
    if (unique.length) await tx.insert(customerTags).values(unique.map((tagId) => ({ customerId: id, tagId })));
  }
  if (input.collaboratorIds) {
    await tx.delete(customerCollaborators).where(eq(customerCollaborators.customerId, id));
    const unique = [...new Set(input.collaboratorIds)].filter((u) => u !== ownerId);
    if (unique.length) await tx.insert(customerCollaborators).values(unique.map((userId) => ({ customerId: id, userId })));
  }
}

async function linkIds(tx: DbOrTx, id: number) {
  const t = await tx.select({ id: customerTags.tagId }).from(customerTags).where(eq(customerTags.customerId, id));
  const c = await tx.select({ id: customerCollaborators.userId }).from(customerCollaborators).where(eq(customerCollaborators.customerId, id));
  return { tagIds: t.map((x) => x.id).sort((a, b) => a - b), collaboratorIds: c.map((x) => x.id).sort((a, b) => a - b) };
}

function linkChanges(before: { tagIds: number[]; collaboratorIds: number[] } | null, after: { tagIds: number[]; collaboratorIds: number[] }): Changes {
  return diff(before, after, ['tagIds', 'collaboratorIds']);
}

export async function createCustomer(database: Database, ctx: Ctx, input: CustomerInput & Pick<CustomerRow, 'kind' | 'relationshipType' | 'name'>): Promise<Customer> {
  return database.db.transaction((tx) => createCustomerInTx(tx, ctx, input));
}

/**
 * Creates a customer inside the caller's transaction, for features that make one as part of a
 * larger write (converting a lead). `opts.ownerAllowed` lets such a feature hand the customer to
 * an owner it has already checked (the lead's owner) without the assign permission.
 */
export async function createCustomerInTx(
  tx: DbOrTx,
  ctx: Ctx,
  input: CustomerInput & Pick<CustomerRow, 'kind' | 'relationshipType' | 'name'>,
  opts: { ownerAllowed?: boolean } = {},
): Promise<Customer> {
  const { actor } = ctx;
  const ownerId = input.ownerId === undefined ? actor.id : input.ownerId;
  if (ownerId !== actor.id && !opts.ownerAllowed && !actor.permissions.has('customers.assign')) {
    throw forbidden(msg('Only users who may assign customers can create them for others or into the pool.', '只有具有分配权限的用户才能为他人创建客户或直接放入公海。'));
  }
  const withOwner = { ...input, ownerId };
  await checkRefs(tx, withOwner);
  const custom = checkCustomValues(await fieldDefinitions(tx, 'customer'), {}, input.custom, true);
  const { tagIds: _t, collaboratorIds: _c, ...columns } = withOwner;
  const now = new Date();
  const [row] = await tx
    .insert(customers)
    .values({
      ...columns,
      custom,
      importanceSource: columns.importance ? 'manual' : null,
      ownerSince: ownerId ? now : null,
      poolSince: ownerId ? null : now,
      createdBy: actor.id,
      updatedBy: actor.id,
    })
    .returning();
  await replaceLinks(tx, row!.id, input, ownerId);
  const links = await linkIds(tx, row!.id);
  await recordAudit(tx, ctx, { entity: 'customer', entityId: row!.id, action: 'create', changes: { ...diff(null, row!, auditedCustomerFields), ...linkChanges(null, links) } });
  // Read back without the scope check: a creator may put the customer outside their own scope.
  const [full] = await fromCustomers(tx).where(eq(customers.id, row!.id));
  return toCustomer(actor, full as CustomerListRow, await loadRelations(tx, [row!.id]));
}

export async function updateCustomer(database: Database, ctx: Ctx, id: number, input: Omit<CustomerInput, 'ownerId'> & { version: number }): Promise<Customer> {
  const { actor } = ctx;
  return database.db.transaction(async (tx) => {
    const [before] = await tx.select().from(customers).where(and(eq(customers.id, id), liveVisibleCustomer(actor)));
    if (!before) throw notFound();
    if (before.version !== input.version) throw versionConflict(await findCustomer(tx, actor, id));
    const { version, tagIds: _t, collaboratorIds: _c, custom: customPatch, ...patch } = input;
    await checkRefs(tx, input);
    const columns: Editable = { ...patch };
    if (customPatch !== undefined) columns.custom = checkCustomValues(await fieldDefinitions(tx, 'customer'), before.custom, customPatch, false);
    if (patch.importance !== undefined && patch.importance !== before.importance) columns.importanceSource = patch.importance ? 'manual' : null;
    const linksBefore = await linkIds(tx, id);
    const after = await updateVersioned(tx, customers, { id, version, actorId: actor.id, patch: columns, toApi: (r) => r });
    await replaceLinks(tx, id, input, after.ownerId);
    const changes = { ...diff(before, after, auditedCustomerFields), ...linkChanges(linksBefore, await linkIds(tx, id)) };
    await recordAudit(tx, ctx, { entity: 'customer', entityId: id, action: 'update', changes });
    return findCustomer(tx, actor, id);
  });
}

/** Soft delete: the customer goes to the recycle bin with its links, contacts and follow-ups intact. */
export async function deleteCustomer(database: Database, ctx: Ctx, id: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    const [before] = await tx.select({ id: customers.id, name: customers.name }).from(customers).where(and(eq(customers.id, id), liveVisibleCustomer(ctx.actor)));
    if (!before) throw notFound();
    await tx.update(customers).set({ deletedAt: new Date(), deletedBy: ctx.actor.id }).where(eq(customers.id, id));
    await recordAudit(tx, ctx, { entity: 'customer', entityId: id, action: 'delete', changes: { name: { old: before.name, new: null } } });
  });
}

