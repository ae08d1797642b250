// Outbound email of agents' replies. The reply's transaction writes a mail_outbox row (the
// transactional outbox: a mail is sent only for a reply that was committed, and a reply is never
// lost because the relay was down); after commit the request kicks a drain, and the mail-outbox job
// drains every minute. Each message carries its own Message-ID, stored as the reply's external_id,
// and In-Reply-To / References of the thread, so the customer's answer threads back onto the ticket.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import type { FastifyBaseLogger } from 'fastify';
import type { TicketReply } from '@guanxi/contracts';
import type { Config } from '../config.js';
import type { Database, DbOrTx } from '../db/client.js';
import type { tickets } from '../db/schema.js';

export type MailSettings = Pick<Config, 'smtpUrl' | 'mailFrom'>;
type TicketRow = typeof tickets.$inferSelect;
export type Delivery = NonNullable<TicketReply['delivery']>;

/** Advisory lock of the drain (the job and the kick after a reply share it). */
export const MAIL_OUTBOX_LOCK = 7_361_341;
/** Attempts before a message is given up; the waits between them double from 1 minute up to an hour (about 2 hours in all). */
export const MAIL_MAX_ATTEMPTS = 8;
const backoffMinutes = (attempts: number) => Math.min(60, 2 ** Math.max(0, attempts - 1));

export const NOT_CONFIGURED = 'No outgoing mail relay is configured (GUANXI_SMTP_URL, GUANXI_MAIL_FROM); the reply was saved but not emailed. 未配置发信服务器，回复已保存但未发送邮件。';
export const NO_ADDRESS = 'The ticket has no customer email address; the reply was saved but not emailed. 工单没有客户邮箱，回复已保存但未发送邮件。';

const rowsOf = async <T>(tx: DbOrTx, q: ReturnType<typeof sql>): Promise<T[]> => ((await tx.execute(q)) as unknown as { rows: T[] }).rows;

/** The bare address of "Name <addr>" or "addr". */
export function bareAddress(from: string): string {
  return (from.match(/<([^>]+)>/)?.[1] ?? from).trim();
}

export function newMessageId(from: string | undefined): string {
  const domain = from ? (bareAddress(from).split('@')[1] ?? 'guanxi.local') : 'guanxi.local';
  return `<${randomUUID()}@${domain}>`;
}

/** "Re: <subject> [#T…]": the tag lets an answer that lost its headers still find the ticket. */
export function replySubject(subject: string, number: string): string {
  const base = subject.replace(/^\s*((re|fw|fwd|回复|答复|转发)\s*[:：]\s*)+/i, '').replace(/\s*\[#T\d+\]\s*/g, ' ').trim();
  return `Re: ${base} [#${number}]`;
}

/** Where a reply goes: the address the customer last wrote from, else the contact's, the caller's or the customer's email. */
export async function customerAddress(tx: DbOrTx, t: TicketRow): Promise<string | null> {
  const [row] = await rowsOf<{ address: string | null }>(
    tx,
    sql`select coalesce(
      (select r.from_address from ticket_replies r where r.ticket_id = ${t.id} and r.direction = 'inbound' and r.channel = 'email' and r.from_address is not null order by r.at desc, r.id desc limit 1),
      (select nullif(btrim(c.email), '') from contacts c where c.id = ${t.contactId} and c.deleted_at is null),
      nullif(btrim(${t.callerEmail}::text), ''),
      (select nullif(btrim(cu.email), '') from customers cu where cu.id = ${t.customerId} and cu.deleted_at is null)
    ) as address`,
  );
  return row?.address ?? null;
}

/**
 * Queues the email of an outbound reply, in the reply's transaction: gives the reply its
 * Message-ID and writes the outbox row — queued, or not_sent with the reason when there is no
 * relay or no address (the reply itself stands either way).
 */
export async function queueReplyMail(tx: DbOrTx, t: TicketRow, replyId: number, settings: MailSettings): Promise<void> {
  const messageId = newMessageId(settings.mailFrom);
  await tx.execute(sql`update ticket_replies set external_id = ${messageId} where id = ${replyId}`);
  const thread = await rowsOf<{ external_id: string; direction: string }>(
    tx,
    sql`select external_id, direction from ticket_replies where ticket_id = ${t.id} and channel = 'email' and external_id is not null and id <> ${replyId} order by at, id`,
  );
  const lastInbound = thread.filter((m) => m.direction === 'inbound').at(-1) ?? thread.at(-1);
  const references = thread.slice(-20).map((m) => m.external_id).join(' ') || null;
  const to = await customerAddress(tx, t);
  const configured = Boolean(settings.smtpUrl && settings.mailFrom);
  const status = configured && to ? 'queued' : 'not_sent';
  await tx.execute(sql`insert into mail_outbox (reply_id, ticket_id, to_address, subject, message_id, in_reply_to, "references", status, last_error, next_attempt_at)
    values (${replyId}, ${t.id}, ${to}, ${replySubject(t.subject, t.number)}, ${messageId}, ${lastInbound?.external_id ?? null}, ${references}, ${status},
      ${status === 'queued' ? null : !configured ? NOT_CONFIGURED : NO_ADDRESS}, ${status === 'queued' ? sql`now()` : null})`);
}

/** A delivery answer of the relay that will not change by trying again (5xx), as opposed to a busy relay or a network failure. */
function permanent(err: unknown): boolean {
  const code = (err as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

export interface DrainResult {
  sent: number;
  retrying: number;
  failed: number;
  notSent: number;
}

/**
 * Sends the queued mails that are due, one at a time, outside any transaction (a slow relay never
 * holds the database). Callers hold MAIL_OUTBOX_LOCK (runJob, kickOutbox) so no mail goes twice.
 */
export async function drainOutbox(database: Database, settings: MailSettings, options: { now?: Date; limit?: number } = {}): Promise<DrainResult> {
  const now = options.now ?? new Date();
  const result: DrainResult = { sent: 0, retrying: 0, failed: 0, notSent: 0 };
  // due by the database's clock unless told otherwise: a JavaScript date drops the microseconds of a row queued a moment ago
  const due = await database.rows<{ id: number; reply_id: number; ticket_id: number; to_address: string; subject: string; message_id: string; in_reply_to: string | null; references: string | null; attempts: number; body: string; author_id: number | null; number: string }>(
    sql`select o.id, o.reply_id, o.ticket_id, o.to_address, o.subject, o.message_id, o.in_reply_to, o."references", o.attempts, r.body, r.author_id, t.number
      from mail_outbox o join ticket_replies r on r.id = o.reply_id join tickets t on t.id = o.ticket_id
      where o.status = 'queued' and o.next_attempt_at <= ${options.now ?? sql`now()`} order by o.next_attempt_at, o.id limit ${options.limit ?? 50}`,
  );
  if (!due.length) return result;
  if (!settings.smtpUrl || !settings.mailFrom) {
    // the relay was configured when these were queued and is no longer
    await database.db.execute(sql`update mail_outbox set status = 'not_sent', last_error = ${NOT_CONFIGURED}, next_attempt_at = null, updated_at = now() where status = 'queued'`);
    result.notSent = due.length;
    return result;
  }
  // a dead relay answers quickly or not at all: bound the waits so one run cannot hang
  const transport = nodemailer.createTransport({ url: settings.smtpUrl, connectionTimeout: 30_000, greetingTimeout: 15_000, socketTimeout: 60_000 });
  try {
    for (const m of due) {
      const attempts = Number(m.attempts) + 1;
      try {
        await transport.sendMail({
          from: settings.mailFrom,
          to: m.to_address,
          subject: m.subject,
          text: m.body,
          messageId: m.message_id,
          ...(m.in_reply_to ? { inReplyTo: m.in_reply_to } : {}),
          ...(m.references ? { references: m.references } : {}),
        });
        await database.db.execute(sql`update mail_outbox set status = 'sent', attempts = ${attempts}, sent_at = now(), last_error = null, next_attempt_at = null, updated_at = now() where id = ${m.id}`);
        result.sent++;
      } catch (err) {
        const error = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
        const giveUp = permanent(err) || attempts >= MAIL_MAX_ATTEMPTS;
        const next = new Date(now.getTime() + backoffMinutes(attempts) * 60_000);
        await database.db.execute(sql`update mail_outbox set status = ${giveUp ? 'failed' : 'queued'}, attempts = ${attempts}, last_error = ${error},
          next_attempt_at = ${giveUp ? null : next}, updated_at = now() where id = ${m.id}`);
        if (giveUp) {
          result.failed++;
          // the agent who wrote it learns that the customer never got it
          if (m.author_id !== null) {
            await database.db.execute(sql`insert into notifications (user_id, kind, text_zh, text_en, link, source_key)
              values (${m.author_id}, 'mail_failed', ${`工单 ${m.number} 的回复邮件发送失败：${error}`}, ${`The email of your reply on ticket ${m.number} could not be sent: ${error}`},
                ${`/tickets/${m.ticket_id}`}, ${`mail:reply:${m.reply_id}:failed`})
              on conflict (user_id, source_key) where source_key is not null do nothing`);
          }
        } else result.retrying++;
      }
    }
  } finally {
    transport.close();
  }
  return result;
}

let kicking: Promise<void> | null = null;
let kickAgain = false;

/**
 * Drains right after a reply committed, in the background. A drain already running here takes the
 * new mail on its next round; one running in another instance leaves it to the next job run.
 */
export function kickOutbox(database: Database, settings: MailSettings, log: FastifyBaseLogger): void {
  if (!settings.smtpUrl || !settings.mailFrom) return;
  if (kicking) {
    kickAgain = true;
    return;
  }
  kicking = (async () => {
    do {
      kickAgain = false;
      try {
        await database.withAdvisoryLock(MAIL_OUTBOX_LOCK, false, () => drainOutbox(database, settings));
      } catch (err) {
        log.error({ err }, 'mail outbox drain failed');
      }
    } while (kickAgain);
  })().finally(() => {
    kicking = null;
  });
}

/** For tests and shutdown: waits for a background drain to finish. */
export async function outboxIdle(): Promise<void> {
  while (kicking) await kicking;
}
