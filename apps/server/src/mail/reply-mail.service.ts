// Sending a reply's email again: after it failed, or after the relay or the customer's address
// was set for a reply stored as not_sent. The same Message-ID is kept, so threading still holds.
import { sql } from 'drizzle-orm';
import type { TicketReply } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { conflict, msg, notFound } from '../platform/errors.js';
import { findTicketRow, listReplies } from '../tickets/tickets.service.js';
import { customerAddress, NO_ADDRESS, NOT_CONFIGURED, type MailSettings } from './outbound-mail.js';

export async function resendReplyMail(database: Database, ctx: Ctx, ticketId: number, replyId: number, settings: MailSettings): Promise<TicketReply> {
  return database.db.transaction(async (tx) => {
    const t = await findTicketRow(tx, ctx.actor, ticketId, true);
    const [mail] = await database.rows<{ id: number; status: string }>(sql`select id, status from mail_outbox where reply_id = ${replyId} and ticket_id = ${ticketId} for update`, tx);
    if (!mail) throw notFound();
    if (mail.status === 'sent' || mail.status === 'queued') {
      throw conflict(msg(`This reply's email is already ${mail.status}.`, mail.status === 'sent' ? '该回复的邮件已发送。' : '该回复的邮件已在发送队列中。'), [{ path: 'replyId', message: `already ${mail.status}`, code: 'invalid_state' }]);
    }
    const to = await customerAddress(tx, t);
    const configured = Boolean(settings.smtpUrl && settings.mailFrom);
    const status = configured && to ? 'queued' : 'not_sent';
    await tx.execute(sql`update mail_outbox set status = ${status}, to_address = ${to}, attempts = 0, last_error = ${status === 'queued' ? null : !configured ? NOT_CONFIGURED : NO_ADDRESS},
      next_attempt_at = ${status === 'queued' ? sql`now()` : null}, updated_at = now() where id = ${mail.id}`);
    await recordAudit(tx, ctx, { entity: 'ticket', entityId: ticketId, action: 'resend_mail', changes: { reply: { old: null, new: { id: replyId, to, status } } } });
    const reply = (await listReplies(tx, ticketId)).find((r) => r.id === replyId);
    if (!reply) throw notFound();
    return reply;
  });
}
