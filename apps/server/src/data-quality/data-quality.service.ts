// Data quality per customer (score, what is missing, invalid values, stale), the lists owners work
// through (least complete, stale) and the dashboard's counts by owner or department — all within
// the caller's data scope.
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { completenessBuckets, validityKinds, type CustomerQuality, type QualityListItem, type QualitySummary } from '@guanxi/contracts';
import type { Actor } from '../auth/actor.js';
import type { Database, DbOrTx } from '../db/client.js';
import { customers, dataQualitySettings } from '../db/schema.js';
import { liveVisibleCustomer } from '../customers/customer-scope.js';
import { recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { invalid, notFound } from '../platform/errors.js';
import { iso, isoNN, updateVersioned } from '../platform/versioned.js';
import { completenessWeights, freshAtSql, invalidSql, missingSql, scoreSql } from './quality-rules.js';

async function rowsOf<T>(db: DbOrTx, q: SQL): Promise<T[]> {
  return ((await db.execute(q)) as unknown as { rows: T[] }).rows;
}

export async function getSettings(db: DbOrTx): Promise<{ staleAfterDays: number; version: number }> {
  await db.insert(dataQualitySettings).values({ id: 1 }).onConflictDoNothing();
  const [s] = await db.select().from(dataQualitySettings).where(eq(dataQualitySettings.id, 1));
  return { staleAfterDays: s!.staleAfterDays, version: s!.version };
}

export async function updateSettings(database: Database, ctx: Ctx, input: { staleAfterDays: number; version: number }) {
  return database.db.transaction(async (tx) => {
    const before = await getSettings(tx);
    const after = await updateVersioned(tx, dataQualitySettings, { id: 1, version: input.version, actorId: ctx.actor.id, patch: { staleAfterDays: input.staleAfterDays }, toApi: (r) => ({ staleAfterDays: r.staleAfterDays, version: r.version }) });
    await recordAudit(tx, ctx, { entity: 'data_quality_settings', entityId: 1, action: 'update', changes: { staleAfterDays: { old: before.staleAfterDays, new: after.staleAfterDays } } });
    return { staleAfterDays: after.staleAfterDays, version: after.version };
  });
}

const invalidArray = (c: string) =>
  sql.raw(`array_remove(array[${validityKinds.map((k) => `case when ${invalidSql[k](c)} then '${k}' end`).join(', ')}], null)`);

export async function customerQuality(database: Database, ctx: Ctx, id: number): Promise<CustomerQuality> {
  const { staleAfterDays } = await getSettings(database.db);
  const [r] = await rowsOf<{ id: number; kind: 'organization' | 'individual'; score: number; missing: string[]; invalid: CustomerQuality['invalid']; verified_at: Date | null; updated_at: Date; stale: boolean; dups: number; version: number }>(
    database.db,
    sql`select c.id, c.kind, ${scoreSql('c')} as score, ${missingSql('c')} as missing, ${invalidArray('c')} as invalid, c.verified_at, c.updated_at, c.version,
          ${freshAtSql('c')} < now() - make_interval(days => ${staleAfterDays}) as stale,
          (select count(*)::int from duplicate_candidates d join customers o on o.id = case when d.customer_a_id = c.id then d.customer_b_id else d.customer_a_id end
            where d.status = 'open' and (d.customer_a_id = c.id or d.customer_b_id = c.id) and ${liveVisibleCustomer(ctx.actor, 'o')}) as dups
        from customers c where c.id = ${id} and ${liveVisibleCustomer(ctx.actor, 'c')}`,
  );
  if (!r) throw notFound();
  const weights = new Map(completenessWeights[r.kind].map(([f, w]) => [f, w]));
  return {
    customerId: Number(r.id),
    score: Number(r.score),
    missing: r.missing.map((f) => ({ field: f, weight: weights.get(f) ?? 0 })),
    invalid: r.invalid,
    verifiedAt: iso(r.verified_at),
    updatedAt: isoNN(r.updated_at),
    stale: r.stale,
    staleAfterDays,
    openDuplicates: Number(r.dups),
    version: r.version,
  };
}

/** "Checked, still current" (时效性): stamps verified_at, which keeps the record off the stale list. */
export async function verifyCustomer(database: Database, ctx: Ctx, id: number, version: number): Promise<CustomerQuality> {
  await database.db.transaction(async (tx) => {
    const [before] = await tx.select({ id: customers.id, verifiedAt: customers.verifiedAt }).from(customers).where(and(eq(customers.id, id), liveVisibleCustomer(ctx.actor)));
    if (!before) throw notFound();
    const after = await updateVersioned(tx, customers, { id, version, actorId: ctx.actor.id, patch: { verifiedAt: sql`now()` }, toApi: (r) => ({ id: r.id, version: r.version, verifiedAt: iso(r.verifiedAt) }) });
    await recordAudit(tx, ctx, { entity: 'customer', entityId: id, action: 'verify', changes: { verifiedAt: { old: iso(before.verifiedAt), new: iso(after.verifiedAt) } } });
  });
  return customerQuality(database, ctx, id);
}

function ownerCondition(actor: Actor, v: string | undefined): SQL {
  if (!v) return sql`true`;
  const ids = [...new Set(v.split(',').map((x) => (x === 'me' ? actor.id : Number(x))))];
  return sql`c.owner_id in (${sql.join(ids.map((i) => sql`${i}`), sql`, `)})`;
}

function decodeCursor(cursor: string | undefined): [string, number] | null {
  if (!cursor) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && typeof v[0] === 'string' && Number.isSafeInteger(v[1])) return [v[0], v[1] as number];
  } catch {
    // fall through
  }
  throw invalid('cursor', 'not a cursor returned by this list');
}
const encode = (v: string, id: number) => Buffer.from(JSON.stringify([v, id])).toString('base64url');

interface ListRow {
  id: number;
  name: string;
  kind: 'organization' | 'individual';
  owner_id: number | null;
  owner_name: string | null;
  score: number;
  missing: string[];
  updated_at: Date;
  verified_at: Date | null;
  idle_days: number;
  sort_value: string;
}

const listColumns = sql`c.id, c.name, c.kind, c.owner_id, u.name as owner_name, ${scoreSql('c')} as score, ${missingSql('c')} as missing, c.updated_at, c.verified_at,
  extract(day from now() - ${freshAtSql('c')})::int as idle_days`;
const toItem = (r: ListRow): QualityListItem => ({
  id: Number(r.id),
  name: r.name,
  kind: r.kind,
  ownerId: r.owner_id === null ? null : Number(r.owner_id),
  ownerName: r.owner_name,
  score: Number(r.score),
  missing: r.missing,
  updatedAt: isoNN(r.updated_at),
  verifiedAt: iso(r.verified_at),
  idleDays: Number(r.idle_days),
});

type ListQuery = { 'filter[ownerId]'?: string | undefined; 'filter[maxScore]'?: number | undefined; 'filter[days]'?: number | undefined; limit: number; cursor?: string | undefined };

/** The least complete customers first (完整性), at most `maxScore` (default 60). */
export async function incompleteCustomers(database: Database, ctx: Ctx, q: ListQuery): Promise<{ data: QualityListItem[]; nextCursor: string | null }> {
  const cur = decodeCursor(q.cursor);
  const after = cur ? sql`(${scoreSql('c')}, c.id) > (${Number(cur[0])}::int, ${cur[1]}::bigint)` : sql`true`;
  const rows = await rowsOf<ListRow>(database.db, sql`
    select ${listColumns}, (${scoreSql('c')})::text as sort_value
    from customers c left join users u on u.id = c.owner_id
    where ${liveVisibleCustomer(ctx.actor, 'c')} and ${ownerCondition(ctx.actor, q['filter[ownerId]'])}
      and ${scoreSql('c')} <= ${q['filter[maxScore]'] ?? 60} and ${after}
    order by ${scoreSql('c')}, c.id limit ${q.limit + 1}`);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return { data: page.map(toItem), nextCursor: rows.length > q.limit && last ? encode(last.sort_value, Number(last.id)) : null };
}

/** Customers neither updated nor verified for the stale period (时效性), the longest idle first. */
export async function staleCustomers(database: Database, ctx: Ctx, q: ListQuery): Promise<{ data: QualityListItem[]; nextCursor: string | null }> {
  const days = q['filter[days]'] ?? (await getSettings(database.db)).staleAfterDays;
  const cur = decodeCursor(q.cursor);
  const after = cur ? sql`(${freshAtSql('c')}, c.id) > (${cur[0]}::timestamptz, ${cur[1]}::bigint)` : sql`true`;
  const rows = await rowsOf<ListRow>(database.db, sql`
    select ${listColumns}, (${freshAtSql('c')})::text as sort_value
    from customers c left join users u on u.id = c.owner_id
    where ${liveVisibleCustomer(ctx.actor, 'c')} and ${ownerCondition(ctx.actor, q['filter[ownerId]'])}
      and ${freshAtSql('c')} < now() - make_interval(days => ${days}) and ${after}
    order by ${freshAtSql('c')}, c.id limit ${q.limit + 1}`);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return { data: page.map(toItem), nextCursor: rows.length > q.limit && last ? encode(last.sort_value, Number(last.id)) : null };
}

type Counts = Omit<QualitySummary['totals'], never>;
const emptyCounts = (): Counts => ({
  customers: 0,
  duplicates: 0,
  invalid: Object.fromEntries(validityKinds.map((k) => [k, 0])) as Counts['invalid'],
  completeness: Object.fromEntries(completenessBuckets.map((b) => [b, 0])) as Counts['completeness'],
  averageScore: 0,
  stale: 0,
});

/** The dashboard: per owner (or department) and in total, over the customers the caller can see. */
export async function qualitySummary(database: Database, ctx: Ctx, groupBy: 'owner' | 'department'): Promise<QualitySummary> {
  const { staleAfterDays } = await getSettings(database.db);
  const group = groupBy === 'owner' ? sql`c.owner_id as gid, u.name as gname` : sql`u.department_id as gid, d.name as gname`;
  const invalidCounts = sql.raw(validityKinds.map((k) => `count(*) filter (where ${invalidSql[k]('c')})::int as "inv_${k}"`).join(', '));
  const rows = await rowsOf<Record<string, number | string | null> & { gid: number | null; gname: string | null; n: number; dups: number; stale: number; score_sum: number }>(
    database.db,
    sql`
      with dup_ids as (
        select customer_a_id as id from duplicate_candidates where status = 'open' union select customer_b_id from duplicate_candidates where status = 'open'
      ),
      scored as (
        select c.*, ${scoreSql('c')} as score from customers c where ${liveVisibleCustomer(ctx.actor, 'c')}
      )
      select ${group}, count(*)::int as n, count(*) filter (where c.id in (select id from dup_ids))::int as dups,
        count(*) filter (where ${freshAtSql('c')} < now() - make_interval(days => ${staleAfterDays}))::int as stale,
        coalesce(sum(c.score), 0)::int as score_sum,
        count(*) filter (where c.score < 20)::int as "b_0-19", count(*) filter (where c.score between 20 and 39)::int as "b_20-39",
        count(*) filter (where c.score between 40 and 59)::int as "b_40-59", count(*) filter (where c.score between 60 and 79)::int as "b_60-79",
        count(*) filter (where c.score >= 80)::int as "b_80-100", ${invalidCounts}
      from scored c left join users u on u.id = c.owner_id left join departments d on d.id = u.department_id
      group by 1, 2 order by count(*) desc, 1`,
  );
  const totals = emptyCounts();
  let totalScore = 0;
  const groups = rows.map((r) => {
    const g = emptyCounts();
    g.customers = Number(r.n);
    g.duplicates = Number(r.dups);
    g.stale = Number(r.stale);
    g.averageScore = g.customers ? Math.round((Number(r.score_sum) / g.customers) * 10) / 10 : 0;
    for (const b of completenessBuckets) g.completeness[b] = Number(r[`b_${b}`]);
    for (const k of validityKinds) g.invalid[k] = Number(r[`inv_${k}`]);
    totals.customers += g.customers;
    totals.duplicates += g.duplicates;
    totals.stale += g.stale;
    totalScore += Number(r.score_sum);
    for (const b of completenessBuckets) totals.completeness[b] += g.completeness[b];
    for (const k of validityKinds) totals.invalid[k] += g.invalid[k];
    return { id: r.gid === null ? null : Number(r.gid), name: r.gname, ...g };
  });
  totals.averageScore = totals.customers ? Math.round((totalScore / totals.customers) * 10) / 10 : 0;
  return { staleAfterDays, totals, groups };
}
