// The complaint workflow (投诉处理). The textbook's steps — receive and listen, record the key
// points, judge whether the complaint is valid (成立/不成立), propose a solution, carry it out,
// visit the customer afterwards (回访) with a satisfaction rating, close — are kept in order:
// each step names the steps that may follow it, and any other is refused with 409 naming them.
// A solution whose compensation is above the configured amount waits for a manager's approval;
// when the customer complains again about the same matter, an agent reopens the closed complaint
// (the `reopened` step) and the workflow resumes at recording.
import { asc, eq, sql } from 'drizzle-orm';
import type { CreateTicketStepBody, Ticket, TicketStep } from '@guanxi/contracts';
import type { Actor } from '../auth/actor.js';
import type { Database, DbOrTx } from '../db/client.js';
import { serviceSettings, ticketSteps, tickets, users } from '../db/schema.js';
import { recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { AppError, conflict, forbidden, msg } from '../platform/errors.js';
import { isoNN, updateVersioned } from '../platform/versioned.js';
import { completeVisitForTicket, scheduleVisitForTicket } from '../return-visits/return-visits.service.js';
import { findTicketRow, loadTicket, statusPatch, toTicket, type TicketRow } from './tickets.service.js';

type Step = TicketStep['step'];

/** What may follow the last step (null: nothing yet). Branches read the step's own data. */
export function nextStepsAfter(last: { step: string; data: Record<string, unknown> } | null): Step[] {
  switch (last?.step ?? null) {
    case null:
      return ['received'];
    case 'received':
    case 'reopened':
      return ['recorded'];
    case 'recorded':
      return ['judged'];
    case 'judged':
      // 不成立: explained to the customer and closed; 成立: a solution is worked out
      return last?.data.validity === 'invalid' ? ['closed'] : ['solution_proposed'];
    case 'solution_proposed':
      return last?.data.needsApproval === true ? ['solution_approved', 'solution_rejected'] : ['carried_out'];
    case 'solution_approved':
      return ['carried_out'];
    case 'solution_rejected':
      return ['solution_proposed'];
    case 'carried_out':
      return ['visited'];
    case 'visited':
      return ['closed'];
    case 'closed':
      return ['reopened'];
    default:
      return [];
  }
}

export async function listSteps(db: DbOrTx, ticketId: number): Promise<TicketStep[]> {
  const rows = await db
    .select({ s: ticketSteps, actorName: users.name })
    .from(ticketSteps)
    .leftJoin(users, eq(users.id, ticketSteps.actorId))
    .where(eq(ticketSteps.ticketId, ticketId))
    .orderBy(asc(ticketSteps.id));
  return rows.map(({ s, actorName }) => ({ id: s.id, ticketId: s.ticketId, step: s.step, actorId: s.actorId, actorName, at: isoNN(s.at), note: s.note, data: s.data }));
}

async function lastStep(tx: DbOrTx, ticketId: number): Promise<{ step: string; data: Record<string, unknown>; actorId: number | null } | null> {
  const [row] = await tx.select({ step: ticketSteps.step, data: ticketSteps.data, actorId: ticketSteps.actorId }).from(ticketSteps).where(eq(ticketSteps.ticketId, ticketId)).orderBy(sql`${ticketSteps.id} desc`).limit(1);
  return row ?? null;
}

export async function approvalThreshold(tx: DbOrTx): Promise<string> {
  const [s] = await tx.select({ v: serviceSettings.compensationApprovalThreshold }).from(serviceSettings).where(eq(serviceSettings.id, 1));
  return s?.v ?? '500.00';
}

/** Decimal strings compared exactly (numeric in SQL), never as floats. */
async function exceeds(tx: DbOrTx, amount: string, threshold: string): Promise<boolean> {
  const r = (await tx.execute(sql`select ${amount}::numeric > ${threshold}::numeric as over`)) as unknown as { rows: Array<{ over: boolean }> };
  return r.rows[0]?.over === true;
}

/**
 * Who may approve or reject a solution: the assignee's manager, the manager of the ticket's team,
 * or a user with service.write whose data scope is wider than a team's (department tree or all).
 * The routes already require service.write and the ticket being visible.
 */
async function assertApprover(tx: DbOrTx, actor: Actor, t: TicketRow, proposerId: number | null): Promise<void> {
  // four eyes: whoever proposed the compensation does not approve it, whatever their scope
  if (proposerId !== null && proposerId === actor.id) {
    throw forbidden(msg('The solution needs another person’s approval: you proposed it.', '该处理方案由您提出，需要由他人审批。'));
  }
  if (actor.dataScope === 'all' || actor.dataScope === 'department_tree') return;
  const r = (await tx.execute(sql`select
      exists (select 1 from users u where u.id = ${t.assigneeId} and u.manager_id = ${actor.id}) as assignee_manager,
      exists (select 1 from departments d where d.id = ${t.teamId} and d.manager_id = ${actor.id}) as team_manager`)) as unknown as { rows: Array<{ assignee_manager: boolean; team_manager: boolean }> };
  const row = r.rows[0];
  if (row?.assignee_manager || row?.team_manager) return;
  throw forbidden(msg('Only the assignee’s manager or the team’s manager may approve this solution.', '只有处理人的上级或团队负责人可以审批该处理方案。'));
}

/** A solution waiting for approval tells the people who may approve it: the assignee's manager and the team's manager. */
async function notifyApprovers(tx: DbOrTx, ctx: Ctx, t: TicketRow, stepId: number): Promise<void> {
  await tx.execute(sql`
    insert into notifications (user_id, kind, text_zh, text_en, link, source_key)
    select distinct a.id, 'complaint_approval',
      ${`工单 ${t.number} 的补偿方案等待您审批`}, ${`Ticket ${t.number}: a compensation is waiting for your approval`},
      ${`/tickets/${t.id}`}, ${`complaint_approval:${t.id}:${stepId}`}
    from users a
    where a.active and a.deleted_at is null and a.id <> ${ctx.actor.id}
      and (a.id = (select manager_id from users where id = ${t.assigneeId}) or a.id = (select manager_id from departments where id = ${t.teamId}))
    on conflict do nothing`);
}

export interface StepOptions {
  /** The return visit that recorded this step (so completing the step does not complete it again). */
  fromVisitId?: number;
}

export async function addStep(database: Database, ctx: Ctx, ticketId: number, body: CreateTicketStepBody, timeZone: string): Promise<Ticket> {
  return database.db.transaction(async (tx) => {
    const t = await findTicketRow(tx, ctx.actor, ticketId, true);
    await addStepInTx(tx, ctx, t, body, timeZone);
    return loadTicket(tx, ticketId);
  });
}

export async function addStepInTx(tx: DbOrTx, ctx: Ctx, t: TicketRow, body: CreateTicketStepBody, timeZone: string, options: StepOptions = {}): Promise<TicketRow> {
  if (t.type !== 'complaint') {
    throw conflict(msg('Only complaints have workflow steps.', '只有投诉工单有处理步骤。'), [{ path: 'step', message: 'not a complaint', code: 'not_complaint' }]);
  }
  const last = await lastStep(tx, t.id);
  const allowed = nextStepsAfter(last);
  if (!allowed.includes(body.step)) {
    throw conflict(msg(`The next step must be ${allowed.join(' or ')}, not ${body.step}.`, `下一步应为 ${allowed.join(' 或 ')}，而不是 ${body.step}。`), [
      { path: 'step', message: `expected ${allowed.join(' | ')}`, code: 'out_of_order' },
    ]);
  }
  const now = new Date();
  let data: Record<string, unknown> = {};
  const patch: Partial<TicketRow> = { complaintStage: body.step };
  switch (body.step) {
    case 'recorded':
      data = { keyPoints: body.keyPoints };
      if (t.status === 'new') patch.status = 'open';
      break;
    case 'judged':
      data = { validity: body.validity, reason: body.reason, rootCause: body.rootCause ?? null };
      if (body.rootCause) patch.rootCause = body.rootCause;
      break;
    case 'solution_proposed': {
      const threshold = await approvalThreshold(tx);
      data = { solution: body.solution, compensation: body.compensation, threshold, needsApproval: await exceeds(tx, body.compensation, threshold) };
      break;
    }
    case 'solution_approved':
    case 'solution_rejected':
      await assertApprover(tx, ctx.actor, t, last?.actorId ?? null);
      data = body.step === 'solution_rejected' ? { decision: 'rejected', reason: body.reason } : { decision: 'approved' };
      break;
    case 'carried_out':
      Object.assign(patch, await statusPatch(tx, t, 'resolved', now, timeZone));
      break;
    case 'visited':
      data = { satisfaction: body.satisfaction, wouldRecommend: body.wouldRecommend ?? null, comment: body.comment ?? null, ...(options.fromVisitId ? { returnVisitId: options.fromVisitId } : {}) };
      break;
    case 'closed':
      Object.assign(patch, await statusPatch(tx, t, 'closed', now, timeZone));
      break;
    case 'reopened':
      data = { reason: body.reason };
      Object.assign(patch, await statusPatch(tx, t, 'open', now, timeZone));
      break;
  }
  patch.complaintStage = body.step;
  const row = await updateVersioned(tx, tickets, {
    id: t.id,
    version: body.version,
    actorId: ctx.actor.id,
    patch,
    toApi: (r) => toTicket({ ticket: r, customerName: null, teamName: null, assigneeName: null, lastStep: null }),
  });
  const [step] = await tx.insert(ticketSteps).values({ ticketId: t.id, step: body.step, actorId: ctx.actor.id, at: now, note: body.note ?? null, data }).returning();
  await recordAudit(tx, ctx, {
    entity: 'ticket',
    entityId: t.id,
    action: `step_${body.step}`,
    changes: { step: { old: t.complaintStage, new: body.step }, ...(t.status !== row.status ? { status: { old: t.status, new: row.status } } : {}), data: { old: null, new: { ...data, note: body.note ?? null } } },
  });
  // 回访 belongs to the workflow: scheduled when the solution has been carried out, and a visit
  // recorded as a step completes the scheduled one (and the other way round, see return visits).
  if (body.step === 'carried_out') await scheduleVisitForTicket(tx, row, 'complaint', timeZone);
  if (body.step === 'solution_proposed' && data.needsApproval === true) await notifyApprovers(tx, ctx, row, step?.id ?? 0);
  if (body.step === 'visited' && !options.fromVisitId) {
    await completeVisitForTicket(tx, ctx, t.id, { satisfaction: body.satisfaction, wouldRecommend: body.wouldRecommend ?? null, comment: body.comment ?? null });
  }
  if (!step) throw new AppError('INTERNAL');
  return row;
}
