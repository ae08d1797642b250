// Follow-ups on leads, kept in the same follow_ups table as customers' (lead_id instead of
// customer_id) so that converting a lead hands its history to the customer by setting one column.
// The first follow-up moves a new lead to `contacted`; a next date becomes a reminder task.
import { and, desc, eq, getTableColumns, isNull, sql } from 'drizzle-orm';
import type { LeadFollowUp } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { followUps, leads } from '../db/schema.js';
import { diff, recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { invalid, notFound } from '../platform/errors.js';
import { auditFields, iso, isoNN } from '../platform/versioned.js';
import { syncTask } from '../follow-ups/follow-ups.service.js';
import { auditedLeadFields, leadReadable, lockWritableLead } from './leads.service.js';

type Row = typeof followUps.$inferSelect;
const audited = ['leadId', 'channel', 'direction', 'occurredAt', 'summary', 'outcome', 'nextFollowUpAt'] as const;

const toLeadFollowUp = (r: Row & { authorName: string | null }): LeadFollowUp => ({
  id: r.id,
  leadId: r.leadId!,
  customerId: r.customerId,
  channel: r.channel,
  direction: r.direction,
  occurredAt: isoNN(r.occurredAt),
  summary: r.summary,
  outcome: r.outcome,
  nextFollowUpAt: iso(r.nextFollowUpAt),
  authorId: r.authorId,
  authorName: r.authorName,
  ...auditFields(r),
});

const withAuthor = { ...getTableColumns(followUps), authorName: sql<string | null>`(select u.name from users u where u.id = ${followUps.authorId})` };

function decodeCursor(cursor: string): [string, number] {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && typeof v[0] === 'string' && Number.isSafeInteger(v[1])) return v as [string, number];
  } catch {
    // fall through
  }
  throw invalid('cursor', 'not a cursor returned by this list');
}

/** A lead's follow-ups, newest first; they stay readable here after the lead is converted. */
export async function listLeadFollowUps(database: Database, ctx: Ctx, leadId: number, query: { limit: number; cursor?: string | undefined }): Promise<{ data: LeadFollowUp[]; nextCursor: string | null; total: number }> {
  const [lead] = await database.db.select({ id: leads.id }).from(leads).where(and(eq(leads.id, leadId), leadReadable(ctx.actor)));
  if (!lead) throw notFound();
  const live = and(eq(followUps.leadId, leadId), isNull(followUps.deletedAt));
  let after = sql`true`;
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor);
    after = sql`(${followUps.occurredAt}, ${followUps.id}) < (${at}::timestamptz, ${id}::bigint)`;
  }
  const rows = await database.db
    .select({ ...withAuthor, atText: sql<string>`${followUps.occurredAt}::text` })
    .from(followUps)
    .where(and(live, after))
    .orderBy(desc(followUps.occurredAt), desc(followUps.id))
    .limit(query.limit + 1);
  const [count] = await database.db.select({ n: sql<number>`count(*)::int` }).from(followUps).where(live);
  const shown = rows.slice(0, query.limit);
  const last = shown[shown.length - 1];
  return {
    data: shown.map(toLeadFollowUp),
    total: Number(count?.n ?? 0),
    nextCursor: rows.length > query.limit && last ? Buffer.from(JSON.stringify([last.atText, last.id])).toString('base64url') : null,
  };
}

export interface LeadFollowUpInput {
  channel: Row['channel'];
  direction: Row['direction'];
  occurredAt?: string | undefined;
  summary: string;
  outcome?: string | null | undefined;
  nextFollowUpAt?: string | null | undefined;
}

export async function createLeadFollowUp(database: Database, ctx: Ctx, leadId: number, input: LeadFollowUpInput): Promise<LeadFollowUp> {
  return database.db.transaction(async (tx) => {
    const lead = await lockWritableLead(tx, ctx.actor, leadId);
    const [row] = await tx
      .insert(followUps)
      .values({
        leadId,
        customerId: null,
        channel: input.channel,
        direction: input.direction,
        occurredAt: input.occurredAt ? new Date(input.occurredAt) : new Date(),
        summary: input.summary,
        outcome: input.outcome ?? null,
        nextFollowUpAt: input.nextFollowUpAt ? new Date(input.nextFollowUpAt) : null,
        authorId: ctx.actor.id,
        createdBy: ctx.actor.id,
        updatedBy: ctx.actor.id,
      })
      .returning();
    await recordAudit(tx, ctx, { entity: 'follow_up', entityId: row!.id, action: 'create', changes: diff(null, row!, audited) });
    // Working a lead is what keeps it out of the pool; the first contact also marks it contacted.
    const [after] = await tx
      .update(leads)
      .set({
        lastActivityAt: sql`greatest(${leads.lastActivityAt}, ${row!.occurredAt.toISOString()}::timestamptz)`,
        status: lead.status === 'new' ? 'contacted' : lead.status,
        version: sql`${leads.version} + 1`,
        updatedAt: sql`now()`,
        updatedBy: ctx.actor.id,
      })
      .where(eq(leads.id, leadId))
      .returning();
    if (after!.status !== lead.status) await recordAudit(tx, ctx, { entity: 'lead', entityId: leadId, action: 'status', changes: diff(lead, after!, auditedLeadFields) });
    await syncTask(tx, ctx.actor, row!, { name: `${lead.companyName ?? lead.name}（线索）`, ownerId: lead.ownerId });
    // The reminder is about the lead: the task list links it there.
    await tx.execute(sql`update tasks set related_type = 'lead', related_id = ${leadId} where source_key = ${`follow_up:${row!.id}`} and related_type is null`);
    const [view] = await tx.select(withAuthor).from(followUps).where(eq(followUps.id, row!.id));
    return toLeadFollowUp(view!);
  });
}
