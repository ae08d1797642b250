// Routing new tickets: the first active rule (highest precedence, then oldest) whose type and
// category match decides — round robin within a team (to the agent assigned least recently), or
// the customer's owner (the account manager who knows the customer best).
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { assignmentRule } from '@guanxi/contracts';
import type { Database, DbOrTx } from '../db/client.js';
import { ticketAssignmentRules } from '../db/schema.js';
import { diff, recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { invalid, notFound } from '../platform/errors.js';
import { auditFields, updateVersioned } from '../platform/versioned.js';

type RuleRow = typeof ticketAssignmentRules.$inferSelect;
type Rule = z.infer<typeof assignmentRule>;
const audited = ['name', 'matchType', 'matchCategory', 'strategy', 'teamId', 'precedence', 'active'] as const;

/** Lock namespace for round robin: one team's choices are serialised so two tickets never pick the same "next" agent. */
const ROUND_ROBIN_LOCK = 7_361_402;

async function rowsOf<T>(tx: DbOrTx, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await tx.execute(query)) as unknown as { rows: T[] }).rows;
}

/** The team's agent (active, may work tickets) who was given a ticket least recently; never-assigned agents first. */
export async function nextAgentInTeam(tx: DbOrTx, teamId: number): Promise<number | null> {
  await tx.execute(sql`select pg_advisory_xact_lock(${ROUND_ROBIN_LOCK}, ${teamId}::int)`);
  const [row] = await rowsOf<{ id: number }>(
    tx,
    sql`select u.id from users u join roles r on r.id = u.role_id
      where u.department_id = ${teamId} and u.active and u.deleted_at is null and 'service.write' = any(r.permissions)
      order by (select max(t.assigned_at) from tickets t where t.assignee_id = u.id) asc nulls first, u.id asc
      limit 1`,
  );
  return row ? Number(row.id) : null;
}

export async function chooseAssignee(
  tx: DbOrTx,
  t: { type: RuleRow['matchType'] & string; category: string | null; customerId: number | null; teamId: number | null },
): Promise<{ assigneeId: number | null; teamId: number | null }> {
  const rules = await tx
    .select()
    .from(ticketAssignmentRules)
    .where(
      and(
        eq(ticketAssignmentRules.active, true),
        isNull(ticketAssignmentRules.deletedAt),
        sql`(${ticketAssignmentRules.matchType} is null or ${ticketAssignmentRules.matchType} = ${t.type})`,
        t.category === null ? isNull(ticketAssignmentRules.matchCategory) : sql`(${ticketAssignmentRules.matchCategory} is null or lower(${ticketAssignmentRules.matchCategory}) = lower(${t.category}))`,
        // a ticket sent to a team is routed only by that team's rules (or team-less ones)
        t.teamId === null ? sql`true` : sql`(${ticketAssignmentRules.teamId} is null or ${ticketAssignmentRules.teamId} = ${t.teamId})`,
      ),
    )
    .orderBy(desc(ticketAssignmentRules.precedence), asc(ticketAssignmentRules.id));
  for (const rule of rules) {
    if (rule.strategy === 'customer_owner') {
      if (t.customerId === null) continue;
      const [owner] = await rowsOf<{ id: number; department_id: number | null }>(
        tx,
        sql`select u.id, u.department_id from customers c join users u on u.id = c.owner_id where c.id = ${t.customerId} and u.active and u.deleted_at is null`,
      );
      if (!owner) continue;
      return { assigneeId: Number(owner.id), teamId: rule.teamId ?? t.teamId ?? (owner.department_id === null ? null : Number(owner.department_id)) };
    }
    if (rule.teamId === null) continue;
    const agent = await nextAgentInTeam(tx, rule.teamId);
    // a team with nobody to take it still gets the ticket, in its unassigned queue
    return { assigneeId: agent, teamId: rule.teamId };
  }
  return { assigneeId: null, teamId: t.teamId };
}

function toRule(r: RuleRow): Rule {
  return { id: r.id, name: r.name, matchType: r.matchType, matchCategory: r.matchCategory, strategy: r.strategy, teamId: r.teamId, precedence: r.precedence, active: r.active, ...auditFields(r) };
}

export async function listRules(database: Database): Promise<Rule[]> {
  const rows = await database.db.select().from(ticketAssignmentRules).where(isNull(ticketAssignmentRules.deletedAt)).orderBy(desc(ticketAssignmentRules.precedence), asc(ticketAssignmentRules.id));
  return rows.map(toRule);
}

async function findRule(tx: DbOrTx, id: number): Promise<RuleRow> {
  const [row] = await tx.select().from(ticketAssignmentRules).where(and(eq(ticketAssignmentRules.id, id), isNull(ticketAssignmentRules.deletedAt)));
  if (!row) throw notFound();
  return row;
}

async function checkTeam(tx: DbOrTx, teamId: number | null | undefined): Promise<void> {
  if (teamId === null || teamId === undefined) return;
  const [d] = await rowsOf<{ id: number }>(tx, sql`select id from departments where id = ${teamId} and deleted_at is null`);
  if (!d) throw invalid('teamId', 'no such team (department)', 'not_found');
}

type RuleInput = Pick<RuleRow, 'name' | 'matchType' | 'matchCategory' | 'strategy' | 'teamId' | 'precedence' | 'active'>;

export async function createRule(database: Database, ctx: Ctx, input: RuleInput): Promise<Rule> {
  return database.db.transaction(async (tx) => {
    await checkTeam(tx, input.teamId);
    const [row] = await tx.insert(ticketAssignmentRules).values({ ...input, createdBy: ctx.actor.id, updatedBy: ctx.actor.id }).returning();
    await recordAudit(tx, ctx, { entity: 'ticket_assignment_rule', entityId: row!.id, action: 'create', changes: diff(null, row!, audited) });
    return toRule(row!);
  });
}

export async function updateRule(database: Database, ctx: Ctx, id: number, input: Partial<RuleInput> & { version: number }): Promise<Rule> {
  return database.db.transaction(async (tx) => {
    const before = await findRule(tx, id);
    await checkTeam(tx, input.teamId);
    const { version, ...patch } = input;
    if ((patch.strategy ?? before.strategy) === 'round_robin' && (patch.teamId !== undefined ? patch.teamId : before.teamId) === null) throw invalid('teamId', 'round robin needs a team', 'required');
    const row = await updateVersioned(tx, ticketAssignmentRules, { id, version, actorId: ctx.actor.id, patch, toApi: toRule });
    await recordAudit(tx, ctx, { entity: 'ticket_assignment_rule', entityId: id, action: 'update', changes: diff(before, row, audited) });
    return toRule(row);
  });
}

export async function deleteRule(database: Database, ctx: Ctx, id: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    await findRule(tx, id);
    await tx.update(ticketAssignmentRules).set({ deletedAt: sql`now()`, updatedBy: ctx.actor.id }).where(eq(ticketAssignmentRules.id, id));
    await recordAudit(tx, ctx, { entity: 'ticket_assignment_rule', entityId: id, action: 'delete' });
  });
}
