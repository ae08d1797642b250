// SLA policies (服务标准与承诺): the first-response and resolution limits promised to each customer
// tier at each priority, in business minutes of a calendar.
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { SlaPolicy } from '@guanxi/contracts';
import type { Database, DbOrTx } from '../db/client.js';
import { businessCalendars, slaPolicies } from '../db/schema.js';
import { diff, recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { invalid, notFound } from '../platform/errors.js';
import { auditFields, updateVersioned } from '../platform/versioned.js';

type PolicyRow = typeof slaPolicies.$inferSelect;
type Tier = NonNullable<PolicyRow['importance']>;
type Priority = NonNullable<PolicyRow['priority']>;
const audited = ['name', 'importance', 'priority', 'firstResponseMinutes', 'resolutionMinutes', 'nearBreachPercent', 'calendarId', 'active', 'precedence'] as const;

export function toPolicy(r: PolicyRow): SlaPolicy {
  return {
    id: r.id,
    name: r.name,
    importance: r.importance,
    priority: r.priority,
    firstResponseMinutes: r.firstResponseMinutes,
    resolutionMinutes: r.resolutionMinutes,
    nearBreachPercent: r.nearBreachPercent,
    calendarId: r.calendarId,
    active: r.active,
    precedence: r.precedence,
    ...auditFields(r),
  };
}

/**
 * The policy for a ticket: among active policies whose tier and priority match (null matching
 * anything), the most specific wins — one that names both beats one that names one, which beats a
 * catch-all; equally specific policies are ordered by precedence (higher first), then age.
 * A customer without a tier (or an unknown caller) matches only tier-less policies.
 */
export async function matchPolicy(tx: DbOrTx, importance: Tier | null, priority: Priority): Promise<PolicyRow | null> {
  const [row] = await tx
    .select()
    .from(slaPolicies)
    .where(
      and(
        eq(slaPolicies.active, true),
        isNull(slaPolicies.deletedAt),
        importance === null ? isNull(slaPolicies.importance) : sql`(${slaPolicies.importance} is null or ${slaPolicies.importance} = ${importance})`,
        sql`(${slaPolicies.priority} is null or ${slaPolicies.priority} = ${priority})`,
      ),
    )
    .orderBy(sql`((${slaPolicies.importance} is not null)::int + (${slaPolicies.priority} is not null)::int) desc`, sql`${slaPolicies.precedence} desc`, asc(slaPolicies.id))
    .limit(1);
  return row ?? null;
}

export async function listPolicies(database: Database): Promise<SlaPolicy[]> {
  const rows = await database.db.select().from(slaPolicies).where(isNull(slaPolicies.deletedAt)).orderBy(asc(slaPolicies.id));
  return rows.map(toPolicy);
}

async function findPolicy(tx: DbOrTx, id: number): Promise<PolicyRow> {
  const [row] = await tx.select().from(slaPolicies).where(and(eq(slaPolicies.id, id), isNull(slaPolicies.deletedAt)));
  if (!row) throw notFound();
  return row;
}
export const getPolicy = async (database: Database, id: number) => toPolicy(await findPolicy(database.db, id));

async function checkCalendar(tx: DbOrTx, id: number | null | undefined): Promise<void> {
  if (id === null || id === undefined) return;
  const [c] = await tx.select({ id: businessCalendars.id }).from(businessCalendars).where(and(eq(businessCalendars.id, id), isNull(businessCalendars.deletedAt)));
  if (!c) throw invalid('calendarId', 'no such business calendar', 'not_found');
}

export type PolicyInput = Omit<typeof slaPolicies.$inferInsert, 'id' | 'createdAt' | 'updatedAt' | 'createdBy' | 'updatedBy' | 'version' | 'deletedAt'>;

export async function createPolicy(database: Database, ctx: Ctx, input: PolicyInput): Promise<SlaPolicy> {
  return database.db.transaction(async (tx) => {
    await checkCalendar(tx, input.calendarId);
    const [row] = await tx.insert(slaPolicies).values({ ...input, createdBy: ctx.actor.id, updatedBy: ctx.actor.id }).returning();
    const dto = toPolicy(row!);
    await recordAudit(tx, ctx, { entity: 'sla_policy', entityId: row!.id, action: 'create', changes: diff(null, dto, audited) });
    return dto;
  });
}

export async function updatePolicy(database: Database, ctx: Ctx, id: number, input: Partial<PolicyInput> & { version: number }): Promise<SlaPolicy> {
  return database.db.transaction(async (tx) => {
    const before = await findPolicy(tx, id);
    await checkCalendar(tx, input.calendarId);
    const { version, ...patch } = input;
    const first = patch.firstResponseMinutes ?? before.firstResponseMinutes;
    const resolution = patch.resolutionMinutes ?? before.resolutionMinutes;
    if (resolution < first) throw invalid('resolutionMinutes', 'resolution cannot come before the first response', 'too_small');
    const row = await updateVersioned(tx, slaPolicies, { id, version, actorId: ctx.actor.id, patch, toApi: toPolicy });
    const after = toPolicy(row);
    await recordAudit(tx, ctx, { entity: 'sla_policy', entityId: id, action: 'update', changes: diff(toPolicy(before), after, audited) });
    return after;
  });
}

/** Tickets keep the due times they were given; deleting a policy only stops new tickets using it. */
export async function deletePolicy(database: Database, ctx: Ctx, id: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    await findPolicy(tx, id);
    await tx.update(slaPolicies).set({ deletedAt: sql`now()`, updatedBy: ctx.actor.id }).where(eq(slaPolicies.id, id));
    await recordAudit(tx, ctx, { entity: 'sla_policy', entityId: id, action: 'delete' });
  });
}
