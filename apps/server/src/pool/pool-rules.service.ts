// Pool rules (公海规则) as admins configure them: which neglect returns a customer, after how many
// days per importance level, who is exempt, and how many days ahead the owner is warned.
import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { PoolRule } from '@guanxi/contracts';
import type { Database, DbOrTx } from '../db/client.js';
import { poolRules } from '../db/schema.js';
import { diff, recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { notFound } from '../platform/errors.js';
import { keyset, pageOf, parseSort } from '../platform/pagination.js';
import { auditFields, updateVersioned } from '../platform/versioned.js';

type RuleRow = typeof poolRules.$inferSelect;
const audited = ['name', 'kind', 'days', 'warnDays', 'exempt', 'active'] as const;

export function toPoolRule(r: RuleRow): PoolRule {
  return { id: r.id, name: r.name, kind: r.kind, days: r.days, warnDays: r.warnDays, exempt: r.exempt as PoolRule['exempt'], active: r.active, ...auditFields(r) };
}

/** The rules a new installation (and the demo company) starts with. */
export const defaultPoolRules: Array<Pick<RuleRow, 'name' | 'kind' | 'days' | 'warnDays' | 'exempt'>> = [
  { name: '30 天未跟进退回公海', kind: 'no_follow_up', days: { vip: 60, important: 45, ordinary: 30, default: 30 }, warnDays: 3, exempt: { importance: ['vip'] } },
  { name: '90 天未成交退回公海', kind: 'no_deal', days: { vip: 180, important: 120, ordinary: 90, default: 90 }, warnDays: 7, exempt: { importance: ['vip'] } },
];

async function findRule(db: DbOrTx, id: number): Promise<RuleRow> {
  const [row] = await db.select().from(poolRules).where(and(eq(poolRules.id, id), isNull(poolRules.deletedAt)));
  if (!row) throw notFound();
  return row;
}
export const getPoolRule = async (database: Database, id: number) => toPoolRule(await findRule(database.db, id));

const sortColumns = {
  name: { expr: sql`${poolRules.name}`, kind: 'text' as const },
  createdAt: { expr: sql`${poolRules.createdAt}`, kind: 'timestamp' as const },
};

export async function listPoolRules(
  database: Database,
  query: { q?: string | undefined; sort?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<{ data: PoolRule[]; nextCursor: string | null; total: number }> {
  const filters: SQL[] = [sql`${poolRules.deletedAt} is null`];
  if (query.q) filters.push(sql`${poolRules.name} ilike ${`%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`);
  const where = sql.join(filters, sql` and `);
  const spec = parseSort(query.sort, sortColumns, 'createdAt');
  const page = keyset(spec, sql`${poolRules.id}`, query.cursor);
  const rows = await database.db.select({ rule: poolRules, sortValue: sql<string | null>`${page.sortValue}` }).from(poolRules).where(sql`${where} and ${page.where}`).orderBy(page.orderBy).limit(query.limit + 1);
  const [count] = await database.rows<{ total: number }>(sql`select count(*)::int as total from pool_rules where ${where}`);
  const shown = pageOf(rows, query.limit, (r) => [r.sortValue, r.rule.id]);
  return { data: shown.rows.map((r) => toPoolRule(r.rule)), total: count?.total ?? 0, nextCursor: shown.nextCursor };
}

export type PoolRuleInput = Pick<RuleRow, 'name' | 'kind' | 'days' | 'warnDays' | 'exempt' | 'active'>;

export async function insertPoolRule(tx: DbOrTx, ctx: Pick<Ctx, 'actor' | 'requestId' | 'ip'> | null, input: Omit<PoolRuleInput, 'active'> & { active?: boolean }): Promise<RuleRow> {
  const [row] = await tx
    .insert(poolRules)
    .values({ ...input, active: input.active ?? true, createdBy: ctx?.actor.id ?? null, updatedBy: ctx?.actor.id ?? null })
    .returning();
  await recordAudit(tx, ctx, { entity: 'pool_rule', entityId: row!.id, action: 'create', changes: diff(null, row!, audited) });
  return row!;
}

export async function createPoolRule(database: Database, ctx: Ctx, input: PoolRuleInput): Promise<PoolRule> {
  return database.db.transaction(async (tx) => toPoolRule(await insertPoolRule(tx, ctx, input)));
}

export async function updatePoolRule(database: Database, ctx: Ctx, id: number, input: Partial<PoolRuleInput> & { version: number }): Promise<PoolRule> {
  return database.db.transaction(async (tx) => {
    const before = await findRule(tx, id);
    const { version, ...patch } = input;
    const after = await updateVersioned(tx, poolRules, { id, version, actorId: ctx.actor.id, patch, toApi: toPoolRule });
    await recordAudit(tx, ctx, { entity: 'pool_rule', entityId: id, action: 'update', changes: diff(before, after, audited) });
    return toPoolRule(after);
  });
}

export async function deletePoolRule(database: Database, ctx: Ctx, id: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    const before = await findRule(tx, id);
    await tx.update(poolRules).set({ deletedAt: sql`now()`, active: false, updatedAt: sql`now()`, updatedBy: ctx.actor.id, version: sql`${poolRules.version} + 1` }).where(eq(poolRules.id, id));
    await recordAudit(tx, ctx, { entity: 'pool_rule', entityId: id, action: 'delete', changes: { name: { old: before.name, new: null } } });
  });
}
