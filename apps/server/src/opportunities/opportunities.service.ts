// Opportunities (商机): deals with a customer in a pipeline stage. The stage changes only by a move,
// which records the time spent in the stage left; entering the won or lost stage closes the deal
// (closed_at), moving back to an open stage reopens it. A move may also take the deal to a stage of
// another active pipeline. Every query goes through the caller's data scope over the deal's owner;
// a deal outside it is 404.
import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Opportunity, OpportunityListQuery, OpportunitySummary, StageChange } from '@guanxi/contracts';
import type { Actor } from '../auth/actor.js';
import type { Database, DbOrTx } from '../db/client.js';
import { contacts, customerContacts, customers, opportunities, opportunityProducts, opportunityStageHistory, pipelineStages, pipelines, products, users } from '../db/schema.js';
import { diff, recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { ownedBy } from '../platform/data-scope.js';
import { AppError, invalid, notFound, versionConflict } from '../platform/errors.js';
import { countRows, keyset, pageOf, parseSort } from '../platform/pagination.js';
import { iso, isoNN } from '../platform/versioned.js';
import { assertCustomerVisible } from '../customers/customers.service.js';
import { defaultPipelineId } from '../pipelines/pipelines.service.js';
import { dealOwners, ownerIn, weightedExpr } from './opportunity-scope.js';

const audited = [
  'name', 'customerId', 'contactId', 'ownerId', 'pipelineId', 'stageId', 'status', 'amount', 'currency', 'probabilityOverride',
  'expectedCloseDate', 'competitors', 'closeReason', 'closedAt', 'leadId',
] as const;

/** The columns of a deal as lists and the board show it; `o` is the deal, joined as in `dealFrom`. */
export const summaryColumns = sql`
  o.id, o.name, o.customer_id, c.name as customer_name, o.contact_id, ct.name as contact_name, o.owner_id, u.name as owner_name,
  o.pipeline_id, o.stage_id, s.key as stage_key, s.name as stage_name, o.status, o.amount::text as amount, o.currency,
  coalesce(o.probability_override, s.probability) as probability, o.probability_override, ${weightedExpr}::text as weighted_amount,
  o.expected_close_date::text as expected_close_date, o.competitors, o.close_reason, o.closed_at, o.lead_id,
  o.stage_entered_at, o.last_activity_at, floor(extract(epoch from now() - o.stage_entered_at) / 86400)::int as days_in_stage,
  ${staleExpr()} as stale, o.created_at, o.updated_at, o.created_by, o.updated_by, o.version`;

/**
 * Stale: open, and neither an edit or move of the deal nor a follow-up on its customer (by
 * anyone; the follow-ups service keeps customers.last_follow_up_at) within the pipeline's days.
 */
function staleExpr(): SQL {
  return sql`(o.status = 'open' and greatest(o.last_activity_at, c.last_follow_up_at) < now() - make_interval(days => p.stale_after_days))`;
}

export const dealFrom = sql`opportunities o
  join pipeline_stages s on s.id = o.stage_id
  join pipelines p on p.id = o.pipeline_id
  left join customers c on c.id = o.customer_id
  left join contacts ct on ct.id = o.contact_id
  left join users u on u.id = o.owner_id`;

export interface SummaryRow extends Record<string, unknown> {
  id: number;
  name: string;
  customer_id: number;
  customer_name: string | null;
  contact_id: number | null;
  contact_name: string | null;
  owner_id: number;
  owner_name: string | null;
  pipeline_id: number;
  stage_id: number;
  stage_key: string | null;
  stage_name: string;
  status: OpportunitySummary['status'];
  amount: string;
  currency: string;
  probability: number;
  probability_override: number | null;
  weighted_amount: string;
  expected_close_date: string | null;
  competitors: string[] | string;
  close_reason: string | null;
  closed_at: Date | string | null;
  lead_id: number | null;
  stage_entered_at: Date | string;
  last_activity_at: Date | string;
  days_in_stage: number;
  stale: boolean;
  created_at: Date | string;
  updated_at: Date | string;
  created_by: number | null;
  updated_by: number | null;
  version: number;
}

const num = (v: number | null): number | null => (v === null ? null : Number(v));

export const toSummary = (r: SummaryRow): OpportunitySummary => ({
  id: Number(r.id),
  name: r.name,
  customerId: Number(r.customer_id),
  customerName: r.customer_name,
  contactId: num(r.contact_id),
  contactName: r.contact_name,
  ownerId: Number(r.owner_id),
  ownerName: r.owner_name,
  pipelineId: Number(r.pipeline_id),
  stageId: Number(r.stage_id),
  stageKey: r.stage_key,
  stageName: r.stage_name,
  status: r.status,
  amount: r.amount,
  currency: r.currency,
  probability: Number(r.probability),
  probabilityOverride: num(r.probability_override),
  weightedAmount: r.weighted_amount,
  expectedCloseDate: r.expected_close_date,
  competitors: typeof r.competitors === 'string' ? (JSON.parse(r.competitors) as string[]) : r.competitors,
  closeReason: r.close_reason,
  closedAt: iso(r.closed_at),
  leadId: num(r.lead_id),
  stageEnteredAt: isoNN(r.stage_entered_at),
  lastActivityAt: isoNN(r.last_activity_at),
  daysInStage: Math.max(0, Number(r.days_in_stage)),
  stale: r.stale === true,
  createdAt: isoNN(r.created_at),
  updatedAt: isoNN(r.updated_at),
  createdBy: num(r.created_by),
  updatedBy: num(r.updated_by),
  version: Number(r.version),
});

const liveInScope = (actor: Actor): SQL => sql`o.deleted_at is null and ${ownedBy(actor, sql`o.owner_id`)}`;

/** Summaries of the given deals (already known to be in scope), in the order of `ids`. */
export async function summariesOf(database: Database, ids: number[], on?: DbOrTx): Promise<OpportunitySummary[]> {
  if (!ids.length) return [];
  const rows = await database.rows<SummaryRow>(sql`select ${summaryColumns} from ${dealFrom} where o.id in (${sql.join(ids.map((id) => sql`${id}::bigint`), sql`, `)})`, on);
  const byId = new Map(rows.map((r) => [Number(r.id), toSummary(r)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

async function productsOf(db: DbOrTx, id: number): Promise<Opportunity['products']> {
  const rows = await db
    .select({ productId: opportunityProducts.productId, productSku: products.sku, productName: products.name, quantity: sql<string | null>`${opportunityProducts.quantity}::text` })
    .from(opportunityProducts)
    .innerJoin(products, eq(products.id, opportunityProducts.productId))
    .where(eq(opportunityProducts.opportunityId, id))
    .orderBy(products.name, products.id);
  return rows.map((r) => ({ ...r, productId: Number(r.productId) }));
}

async function historyOf(database: Database, db: DbOrTx, id: number): Promise<StageChange[]> {
  const rows = await database.rows<{
    id: number; from_stage_id: number | null; from_name: string | null; from_key: string | null; from_pipeline_id: number | null; from_pipeline_name: string | null;
    to_stage_id: number; to_name: string; to_key: string | null; to_pipeline_id: number; to_pipeline_name: string;
    at: Date | string; actor_id: number | null; actor_name: string | null; seconds: number | null; reason: string | null;
  }>(
    // a stage never changes pipeline, so its pipeline is the one the deal was in at that step
    sql`select h.id, h.from_stage_id, f.name as from_name, f.key as from_key, f.pipeline_id as from_pipeline_id, fp.name as from_pipeline_name,
          h.to_stage_id, t.name as to_name, t.key as to_key, t.pipeline_id as to_pipeline_id, tp.name as to_pipeline_name,
          h.at, h.actor_id, u.name as actor_name, h.seconds_in_previous as seconds, h.reason
        from opportunity_stage_history h
        join pipeline_stages t on t.id = h.to_stage_id
        join pipelines tp on tp.id = t.pipeline_id
        left join pipeline_stages f on f.id = h.from_stage_id
        left join pipelines fp on fp.id = f.pipeline_id
        left join users u on u.id = h.actor_id
        where h.opportunity_id = ${id}
        order by h.at desc, h.id desc`,
    db,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    fromStageId: num(r.from_stage_id),
    fromStageName: r.from_name,
    fromStageKey: r.from_key,
    fromPipelineId: num(r.from_pipeline_id),
    fromPipelineName: r.from_pipeline_name,
    toStageId: Number(r.to_stage_id),
    toStageName: r.to_name,
    toStageKey: r.to_key,
    toPipelineId: Number(r.to_pipeline_id),
    toPipelineName: r.to_pipeline_name,
    at: isoNN(r.at),
    actorId: num(r.actor_id),
    actorName: r.actor_name,
    secondsInPrevious: num(r.seconds),
    reason: r.reason,
  }));
}

/** One deal with its products and stage history, if the caller may see it. */
async function readOpportunity(database: Database, db: DbOrTx, actor: Actor, id: number): Promise<Opportunity> {
  const [row] = await database.rows<SummaryRow>(sql`select ${summaryColumns} from ${dealFrom} where o.id = ${id} and ${liveInScope(actor)}`, db);
  if (!row) throw notFound();
  return { ...toSummary(row), products: await productsOf(db, id), history: await historyOf(database, db, id) };
}
export const getOpportunity = (database: Database, ctx: Ctx, id: number) => readOpportunity(database, database.db, ctx.actor, id);

const sortColumns = {
  name: { expr: sql`o.name`, kind: 'text' as const, notNull: true },
  amount: { expr: sql`o.amount`, kind: 'number' as const, notNull: true },
  // a date compares with the cursor's timestamptz in the session time zone, so the date index serves
  expectedCloseDate: { expr: sql`o.expected_close_date`, kind: 'timestamp' as const },
  stageEnteredAt: { expr: sql`o.stage_entered_at`, kind: 'timestamp' as const, notNull: true },
  createdAt: { expr: sql`o.created_at`, kind: 'timestamp' as const, notNull: true },
  updatedAt: { expr: sql`o.updated_at`, kind: 'timestamp' as const, notNull: true },
};

export async function listOpportunities(
  database: Database,
  ctx: Ctx,
  query: OpportunityListQuery,
): Promise<{ data: OpportunitySummary[]; nextCursor: string | null; total: number; totalApproximate: boolean }> {
  const owners = dealOwners(ctx.actor, { ownerId: query['filter[ownerId]'], departmentId: query['filter[departmentId]'] });
  const conds: SQL[] = [sql`o.deleted_at is null`, ownerIn(owners, sql`o.owner_id`)];
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (ch: string) => `\\${ch}`)}%`;
    conds.push(sql`(o.name ilike ${like} or c.name ilike ${like})`);
  }
  if (query['filter[pipelineId]'] !== undefined) conds.push(sql`o.pipeline_id = ${query['filter[pipelineId]']}`);
  if (query['filter[stageId]'] !== undefined) conds.push(sql`o.stage_id = ${query['filter[stageId]']}`);
  if (query['filter[status]']) conds.push(sql`o.status = ${query['filter[status]']}`);
  if (query['filter[customerId]'] !== undefined) conds.push(sql`o.customer_id = ${query['filter[customerId]']}`);
  if (query['filter[closeFrom]']) conds.push(sql`o.expected_close_date >= ${query['filter[closeFrom]']}::date`);
  if (query['filter[closeTo]']) conds.push(sql`o.expected_close_date <= ${query['filter[closeTo]']}::date`);
  if (query['filter[stale]']) conds.push(query['filter[stale]'] === 'true' ? staleExpr() : sql`not ${staleExpr()}`);
  const where = sql.join(conds, sql` and `);
  const page = keyset(parseSort(query.sort, sortColumns, '-updatedAt'), sql`o.id`, query.cursor);
  const rows = await database.rows<SummaryRow & { sort_value: string | null }>(
    sql`select ${summaryColumns}, ${page.sortValue} as sort_value from ${dealFrom} where ${where} and ${page.where} order by ${page.orderBy} limit ${query.limit + 1}`,
  );
  const count = await countRows(database, sql`${dealFrom} where ${where}`);
  const shown = pageOf(rows, query.limit, (r) => [r.sort_value, Number(r.id)]);
  return { data: shown.rows.map(toSummary), nextCursor: shown.nextCursor, total: count.total, totalApproximate: count.approximate };
}

// ---- writes ----

type StageRow = typeof pipelineStages.$inferSelect;

async function checkOwner(tx: DbOrTx, actor: Actor, ownerId: number) {
  const [u] = await tx.select({ id: users.id }).from(users).where(and(eq(users.id, ownerId), isNull(users.deletedAt), eq(users.active, true), ownedBy(actor, users.id)));
  if (!u) throw invalid('ownerId', `no such active user ${ownerId} in your data scope`, 'not_found');
}

async function checkContact(tx: DbOrTx, customerId: number, contactId: number | null | undefined) {
  if (!contactId) return;
  const [link] = await tx
    .select({ id: contacts.id })
    .from(customerContacts)
    .innerJoin(contacts, eq(contacts.id, customerContacts.contactId))
    .where(and(eq(customerContacts.customerId, customerId), eq(customerContacts.contactId, contactId), isNull(contacts.deletedAt)));
  if (!link) throw invalid('contactId', 'not a contact of this customer', 'not_found');
}

async function checkProducts(tx: DbOrTx, items: ReadonlyArray<{ productId: number }>) {
  const ids = [...new Set(items.map((l) => l.productId))];
  if (ids.length !== items.length) throw invalid('products', 'a product is listed twice', 'duplicate');
  if (!ids.length) return;
  const found = await tx.select({ id: products.id, active: products.active }).from(products).where(and(inArray(products.id, ids), isNull(products.deletedAt)));
  items.forEach((l, i) => {
    const p = found.find((f) => Number(f.id) === l.productId);
    if (!p) throw invalid(`products.${i}.productId`, `no such product ${l.productId}`, 'not_found');
    if (!p.active) throw invalid(`products.${i}.productId`, `product ${l.productId} is inactive`, 'inactive');
  });
}

async function writeProducts(tx: DbOrTx, id: number, items: ReadonlyArray<{ productId: number; quantity?: string | null | undefined }>) {
  await tx.delete(opportunityProducts).where(eq(opportunityProducts.opportunityId, id));
  if (items.length) await tx.insert(opportunityProducts).values(items.map((p) => ({ opportunityId: id, productId: p.productId, quantity: p.quantity ?? null })));
}

async function livePipelineStages(tx: DbOrTx, pipelineId: number): Promise<StageRow[]> {
  return tx
    .select()
    .from(pipelineStages)
    .where(and(eq(pipelineStages.pipelineId, pipelineId), isNull(pipelineStages.deletedAt)))
    .orderBy(pipelineStages.position, pipelineStages.id);
}

async function activePipeline(tx: DbOrTx, pipelineId: number | null | undefined): Promise<number> {
  const id = pipelineId ?? (await defaultPipelineId(tx));
  const [p] = await tx.select({ id: pipelines.id }).from(pipelines).where(and(eq(pipelines.id, id), isNull(pipelines.deletedAt), eq(pipelines.active, true)));
  if (!p) throw invalid('pipelineId', `no such active pipeline ${id}`, 'not_found');
  return id;
}

const productAudit = (items: Opportunity['products']) => items.map((p) => ({ productId: p.productId, quantity: p.quantity }));
function dealChanges(before: Opportunity | null, after: Opportunity) {
  const changes = diff(before, after, audited);
  const pb = before ? productAudit(before.products) : null;
  const pa = productAudit(after.products);
  if (JSON.stringify(pb) !== JSON.stringify(pa)) changes.products = { old: pb, new: pa };
  return changes;
}

export interface NewOpportunity {
  name: string;
  customerId: number;
  contactId?: number | null | undefined;
  ownerId: number;
  pipelineId?: number | null | undefined;
  stageId?: number | null | undefined;
  amount?: string | null | undefined;
  currency?: string | undefined;
  probabilityOverride?: number | null | undefined;
  expectedCloseDate?: string | null | undefined;
  competitors?: string[] | undefined;
  closeReason?: string | null | undefined;
  leadId?: number | null | undefined;
  products?: Array<{ productId: number; quantity?: string | null | undefined }> | undefined;
}

async function insertOpportunity(database: Database, tx: DbOrTx, ctx: Ctx, input: NewOpportunity): Promise<number> {
  const { actor } = ctx;
  await assertCustomerVisible(tx, actor, input.customerId).catch((err: unknown) => {
    if (err instanceof AppError && err.code === 'NOT_FOUND') throw invalid('customerId', `no such customer ${input.customerId}`, 'not_found');
    throw err;
  });
  await checkContact(tx, input.customerId, input.contactId);
  await checkOwner(tx, actor, input.ownerId);
  if (input.products) await checkProducts(tx, input.products);
  const pipelineId = await activePipeline(tx, input.pipelineId);
  const stages = await livePipelineStages(tx, pipelineId);
  const stage = input.stageId ? stages.find((s) => Number(s.id) === input.stageId) : stages.find((s) => s.kind === 'open');
  if (!stage) throw invalid(input.stageId ? 'stageId' : 'pipelineId', input.stageId ? `stage ${input.stageId} is not a stage of pipeline ${pipelineId}` : 'the pipeline has no open stage', 'not_found');
  if (stage.kind === 'lost' && !input.closeReason?.trim()) throw invalid('closeReason', 'a lost deal needs a reason', 'required');
  const [row] = await tx
    .insert(opportunities)
    .values({
      name: input.name,
      customerId: input.customerId,
      contactId: input.contactId ?? null,
      ownerId: input.ownerId,
      pipelineId,
      stageId: stage.id,
      status: stage.kind,
      amount: input.amount ?? '0',
      currency: input.currency ?? 'CNY',
      probabilityOverride: input.probabilityOverride ?? null,
      expectedCloseDate: input.expectedCloseDate ?? null,
      competitors: input.competitors ?? [],
      closeReason: input.closeReason ?? null,
      closedAt: stage.kind === 'open' ? null : sql`now()`,
      leadId: input.leadId ?? null,
      createdBy: actor.id,
      updatedBy: actor.id,
    })
    .returning({ id: opportunities.id });
  const id = Number(row!.id);
  if (input.products?.length) await writeProducts(tx, id, input.products);
  await tx.insert(opportunityStageHistory).values({ opportunityId: id, fromStageId: null, toStageId: stage.id, actorId: actor.id, reason: stage.kind === 'open' ? null : (input.closeReason ?? null) });
  if (stage.kind === 'won') await tx.update(customers).set({ lastDealAt: sql`now()` }).where(eq(customers.id, input.customerId));
  const created = await readOpportunity(database, tx, actor, id);
  await recordAudit(tx, ctx, { entity: 'opportunity', entityId: id, action: 'create', changes: dealChanges(null, created) });
  return id;
}

/** The database handle `createOpportunityInTx` and `winOpportunityInTx` use for plain SQL on `tx`. */
function onTx(tx: DbOrTx): Database {
  return {
    db: tx as unknown as Database['db'],
    driver: 'postgres',
    rows: async <T extends Record<string, unknown>>(query: SQL, on?: DbOrTx) => ((await (on ?? tx).execute(query)) as unknown as { rows: T[] }).rows,
    withAdvisoryLock: () => Promise.reject(new Error('not available inside a transaction')),
    close: () => Promise.resolve(),
  };
}

/**
 * A deal created inside the caller's transaction (lead conversion): in the given or default
 * pipeline, at its first open stage, audited. Refusals are 400s naming the field.
 */
export async function createOpportunityInTx(
  tx: DbOrTx,
  ctx: Ctx,
  input: { name: string; customerId: number; contactId?: number | null; ownerId: number; amount?: string | null; expectedCloseDate?: string | null; pipelineId?: number | null; leadId?: number | null },
): Promise<{ id: number }> {
  const id = await insertOpportunity(onTx(tx), tx, ctx, { ...input, stageId: null });
  return { id };
}

export interface CreateOpportunityInput extends Omit<NewOpportunity, 'ownerId'> {
  ownerId?: number | undefined;
}

export async function createOpportunity(database: Database, ctx: Ctx, input: CreateOpportunityInput): Promise<Opportunity> {
  return database.db.transaction(async (tx) => {
    const id = await insertOpportunity(database, tx, ctx, { ...input, ownerId: input.ownerId ?? ctx.actor.id });
    return readOpportunity(database, tx, ctx.actor, id);
  });
}

/** Locks the deal for the rest of the transaction and checks the version the caller started from. */
async function lockDeal(database: Database, tx: DbOrTx, actor: Actor, id: number, version: number | null): Promise<Opportunity> {
  const [locked] = await database.rows<{ id: number }>(sql`select o.id from opportunities o where o.id = ${id} and ${liveInScope(actor)} for update`, tx);
  if (!locked) throw notFound();
  const before = await readOpportunity(database, tx, actor, id);
  if (version !== null && before.version !== version) throw versionConflict(before);
  return before;
}

export interface UpdateOpportunityInput {
  name?: string | undefined;
  contactId?: number | null | undefined;
  ownerId?: number | undefined;
  amount?: string | undefined;
  currency?: string | undefined;
  probabilityOverride?: number | null | undefined;
  expectedCloseDate?: string | null | undefined;
  competitors?: string[] | undefined;
  closeReason?: string | null | undefined;
  products?: Array<{ productId: number; quantity?: string | null | undefined }> | undefined;
  version: number;
}

export async function updateOpportunity(database: Database, ctx: Ctx, id: number, input: UpdateOpportunityInput): Promise<Opportunity> {
  const { actor } = ctx;
  return database.db.transaction(async (tx) => {
    const before = await lockDeal(database, tx, actor, id, input.version);
    const { version, products: items, ...patch } = input;
    if (patch.ownerId !== undefined && patch.ownerId !== before.ownerId) await checkOwner(tx, actor, patch.ownerId);
    if (patch.contactId !== undefined) await checkContact(tx, before.customerId, patch.contactId);
    if (items) await checkProducts(tx, items);
    if (before.status === 'lost' && patch.closeReason !== undefined && !patch.closeReason?.trim()) throw invalid('closeReason', 'a lost deal needs a reason', 'required');
    await tx
      .update(opportunities)
      .set({ ...patch, lastActivityAt: sql`now()`, updatedAt: sql`now()`, updatedBy: actor.id, version: sql`${opportunities.version} + 1` })
      .where(eq(opportunities.id, id));
    if (items) await writeProducts(tx, id, items);
    // the new owner may sit outside the caller's scope only if checkOwner let it, so the read stays scoped
    const after = await readOpportunity(database, tx, actor, id);
    await recordAudit(tx, ctx, { entity: 'opportunity', entityId: id, action: 'update', changes: dealChanges(before, after) });
    return after;
  });
}

/**
 * Enters `stage`: history with the seconds spent in the stage left, closed_at on won/lost, cleared on
 * reopen. The deal takes the stage's pipeline, so a stage of another pipeline moves it there too.
 */
async function enterStage(
  database: Database,
  tx: DbOrTx,
  ctx: Ctx,
  before: Opportunity,
  stage: StageRow,
  reason: string | null,
  extra: { amount?: string | null | undefined; auditExtra?: Record<string, unknown> } = {},
): Promise<Opportunity> {
  const id = before.id;
  await database.rows(
    sql`insert into opportunity_stage_history (opportunity_id, from_stage_id, to_stage_id, at, actor_id, seconds_in_previous, reason)
        select o.id, o.stage_id, ${stage.id}::bigint, now(), ${ctx.actor.id}::bigint,
          greatest(0, floor(extract(epoch from now() - o.stage_entered_at)))::int, ${reason}::text
        from opportunities o where o.id = ${id}`,
    tx,
  );
  const closing = stage.kind !== 'open';
  await tx
    .update(opportunities)
    .set({
      pipelineId: stage.pipelineId,
      stageId: stage.id,
      status: stage.kind,
      stageEnteredAt: sql`now()`,
      lastActivityAt: sql`now()`,
      closedAt: closing ? sql`now()` : null,
      // the reason belongs to this closing; the history keeps earlier ones
      closeReason: closing ? reason : null,
      ...(extra.amount ? { amount: extra.amount } : {}),
      updatedAt: sql`now()`,
      updatedBy: ctx.actor.id,
      version: sql`${opportunities.version} + 1`,
    })
    .where(eq(opportunities.id, id));
  if (stage.kind === 'won') await tx.update(customers).set({ lastDealAt: sql`now()` }).where(eq(customers.id, before.customerId));
  const after = await readOpportunity(database, tx, ctx.actor, id);
  const changes = diff(before, after, ['pipelineId', 'stageId', 'status', 'closedAt', 'closeReason', 'amount']);
  for (const [k, v] of Object.entries(extra.auditExtra ?? {})) changes[k] = { old: null, new: v };
  await recordAudit(tx, ctx, { entity: 'opportunity', entityId: id, action: 'move', changes });
  return after;
}

/**
 * The pipeline a deal moves into, locked against being deactivated, deleted or losing stages
 * (pipelines.service.ts takes the row for update) until the move commits.
 */
async function lockTargetPipeline(tx: DbOrTx, pipelineId: number): Promise<void> {
  const [p] = await tx.select({ active: pipelines.active }).from(pipelines).where(and(eq(pipelines.id, pipelineId), isNull(pipelines.deletedAt))).for('share');
  if (!p) throw invalid('pipelineId', `no such pipeline ${pipelineId}`, 'not_found');
  if (!p.active) throw invalid('pipelineId', `pipeline ${pipelineId} is inactive; activate it before moving deals into it`, 'inactive');
}

/** Why `stageId` is not a stage of `pipelineId`: a stage of another pipeline says which, so the caller can name it. */
async function stageRefusal(tx: DbOrTx, stageId: number, pipelineId: number, named: boolean) {
  if (named) return invalid('stageId', `stage ${stageId} is not a stage of pipeline ${pipelineId}`, 'not_found');
  const [elsewhere] = await tx
    .select({ pipelineId: pipelineStages.pipelineId })
    .from(pipelineStages)
    .innerJoin(pipelines, eq(pipelines.id, pipelineStages.pipelineId))
    .where(and(eq(pipelineStages.id, stageId), isNull(pipelineStages.deletedAt), isNull(pipelines.deletedAt)));
  if (!elsewhere) return invalid('stageId', `stage ${stageId} is not a stage of this deal's pipeline`, 'not_found');
  return invalid('stageId', `stage ${stageId} belongs to pipeline ${elsewhere.pipelineId}; to move the deal there, give pipelineId ${elsewhere.pipelineId} as well`, 'other_pipeline');
}

export interface MoveOpportunityInput {
  stageId: number;
  /** Another active pipeline moves the deal there; absent (or its own) keeps it in its pipeline. */
  pipelineId?: number | undefined;
  version: number;
  reason?: string | undefined;
}

export async function moveOpportunity(database: Database, ctx: Ctx, id: number, input: MoveOpportunityInput): Promise<Opportunity> {
  return database.db.transaction(async (tx) => {
    const before = await lockDeal(database, tx, ctx.actor, id, input.version);
    const pipelineId = input.pipelineId ?? before.pipelineId;
    if (pipelineId !== before.pipelineId) await lockTargetPipeline(tx, pipelineId);
    const stages = await livePipelineStages(tx, pipelineId);
    const stage = stages.find((s) => Number(s.id) === input.stageId);
    if (!stage) throw await stageRefusal(tx, input.stageId, pipelineId, input.pipelineId !== undefined);
    const reason = input.reason?.trim() || null;
    if (stage.kind === 'lost' && !reason) throw invalid('reason', 'say why the deal was lost', 'required');
    if (Number(stage.id) === before.stageId) return before;
    return enterStage(database, tx, ctx, before, stage, reason);
  });
}

/**
 * The deal of a confirmed order becomes won: moved to its pipeline's won stage (history,
 * closed_at), its amount set to the order's when given. A deal already won stays won.
 */
export async function winOpportunityInTx(tx: DbOrTx, ctx: Ctx, opportunityId: number, input: { orderId: number; amount?: string | null }): Promise<void> {
  const database = onTx(tx);
  let before: Opportunity;
  try {
    before = await lockDeal(database, tx, ctx.actor, opportunityId, null);
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND') throw invalid('opportunityId', `no such opportunity ${opportunityId}`, 'not_found');
    throw err;
  }
  if (before.status === 'lost') throw invalid('opportunityId', `opportunity ${opportunityId} is lost; reopen it before winning it with an order`, 'lost');
  if (before.status === 'won') return;
  const won = (await livePipelineStages(tx, before.pipelineId)).find((s) => s.kind === 'won');
  if (!won) throw invalid('opportunityId', `the pipeline of opportunity ${opportunityId} has no won stage`, 'not_found');
  await enterStage(database, tx, ctx, before, won, null, { amount: input.amount ?? null, auditExtra: { orderId: input.orderId } });
}

export async function deleteOpportunity(database: Database, ctx: Ctx, id: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    const [before] = await database.rows<{ id: number; name: string }>(sql`select o.id, o.name from opportunities o where o.id = ${id} and ${liveInScope(ctx.actor)} for update`, tx);
    if (!before) throw notFound();
    await tx.update(opportunities).set({ deletedAt: new Date(), deletedBy: ctx.actor.id }).where(eq(opportunities.id, id));
    await recordAudit(tx, ctx, { entity: 'opportunity', entityId: id, action: 'delete', changes: { name: { old: before.name, new: null } } });
  });
}
