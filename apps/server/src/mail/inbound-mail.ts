// What an inbound email becomes: a reply on the ticket it answers, or a new ticket. One message is
// handled in one transaction (ticket or reply, attachments, notes, audit), so it is stored whole or
// not at all, and once: its Message-ID is the reply's external_id, unique per channel, and a
// transaction lock on it makes two deliveries of the same message wait for each other.
//
// Threading: In-Reply-To / References naming a message of a ticket's email thread (our replies
// carry their own Message-ID), else a [#T…] ticket number in the subject.
// A new ticket: type complaint when the subject or body says 投诉 or complain(t), else inquiry
// (agents correct it; guessing more would misroute); the sender's address is matched against
// customers' and contacts' emails — one customer found links it, none or several leave an unknown
// caller with the name and address, to be linked by an agent; team and agent come from the
// assignment rules and the SLA from the customer's tier, as for any ticket.
import { createHash, randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { Config } from '../config.js';
import type { Database, DbOrTx } from '../db/client.js';
import { ticketAttachments, tickets } from '../db/schema.js';
import { recordAudit } from '../platform/audit.js';
import type { SystemCtx } from '../platform/context.js';
import { ATTACHMENT_MAX_BYTES, attachmentsDir, extensionOf, safeFileName, sniff } from '../tickets/ticket-attachments.service.js';
import { addReplyInTx, createTicketInTx, type TicketRow } from '../tickets/tickets.service.js';

/** A message refused at the SMTP level, with the reply code the sender gets. */
export class MailRejected extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'MailRejected';
  }
}

export interface ReceivedMail {
  outcome: 'created' | 'threaded' | 'duplicate' | 'ignored';
  ticketId: number | null;
  ticketNumber: string | null;
}

/** Lock namespace of inbound messages (per Message-ID hash). */
const INBOUND_LOCK = 7_361_342;
const BODY_MAX = 20_000;

const rowsOf = async <T>(tx: DbOrTx, q: ReturnType<typeof sql>): Promise<T[]> => ((await tx.execute(q)) as unknown as { rows: T[] }).rows;
const emailLike = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

/** Message ids named in In-Reply-To / References, angle brackets kept (as stored). */
function referencedIds(parsed: ParsedMail): string[] {
  const raw = [parsed.inReplyTo ?? '', ...(Array.isArray(parsed.references) ? parsed.references : [parsed.references ?? ''])].join(' ');
  return [...new Set(raw.match(/<[^<>\s]{1,500}>/g) ?? [])].slice(-50);
}

/**
 * The new text of a reply, without the quoted conversation below it: cut at the first line that
 * starts a quotation ("On … wrote:", "在…写道：", "-----Original Message-----", Outlook's
 * "From:" block, or a run of "> " lines), when something is left above it.
 */
export function stripQuoted(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const starts = [/^\s*On .+wrote:\s*$/i, /^\s*在.+写道[:：]\s*$/, /^\s*-{2,}\s*(Original Message|原始邮件|原邮件)\s*-{2,}\s*$/i, /^\s*(From|发件人)\s*[:：].+/, /^\s*>/];
  const cut = lines.findIndex((l) => starts.some((re) => re.test(l)));
  const kept = (cut > 0 ? lines.slice(0, cut) : lines).join('\n').trim();
  return kept || text.trim();
}

function bodyOf(parsed: ParsedMail, reply: boolean): string {
  const text = (parsed.text ?? '').trim();
  const body = reply ? stripQuoted(text) : text;
  if (!body) return '(空白邮件 empty message)';
  return body.length > BODY_MAX ? `${body.slice(0, BODY_MAX - 40)}\n…(已截断 truncated)` : body;
}

/** Mail no person wrote (bounces, out-of-office answers, bulk mail): accepted and dropped, so an auto-reply never opens a ticket or restarts a clock. */
function automatic(parsed: ParsedMail, envelopeFrom: string | null): boolean {
  if (!envelopeFrom) return true;
  const h = parsed.headers;
  const auto = String(h.get('auto-submitted') ?? 'no').toLowerCase();
  if (auto !== 'no') return true;
  if (/^(bulk|junk|auto_reply|list)$/i.test(String(h.get('precedence') ?? ''))) return true;
  return h.has('x-autoreply') || h.has('x-autorespond');
}

function sender(parsed: ParsedMail): { address: string; name: string | null } {
  const from = (Array.isArray(parsed.from) ? parsed.from[0] : parsed.from) as AddressObject | undefined;
  const first = from?.value[0];
  const address = first?.address?.trim().toLowerCase() ?? '';
  if (!emailLike.test(address) || address.length > 254) throw new MailRejected(550, 'Message refused: no valid sender address in the From header');
  return { address, name: first?.name?.trim().slice(0, 100) || null };
}

async function threadTicket(tx: DbOrTx, refs: string[], subject: string): Promise<TicketRow | null> {
  if (refs.length) {
    const [hit] = await rowsOf<{ ticket_id: number }>(
      tx,
      sql`select r.ticket_id from ticket_replies r join tickets t on t.id = r.ticket_id and t.deleted_at is null
        where r.channel = 'email' and r.external_id in (${sql.join(refs.map((r) => sql`${r}`), sql`, `)}) order by r.id desc limit 1`,
    );
    if (hit) return lockTicket(tx, Number(hit.ticket_id));
  }
  const tag = subject.match(/\[#(T\d{8,20})\]/)?.[1];
  if (tag) {
    const [hit] = await rowsOf<{ id: number }>(tx, sql`select id from tickets where number = ${tag} and deleted_at is null`);
    if (hit) return lockTicket(tx, Number(hit.id));
  }
  return null;
}

async function lockTicket(tx: DbOrTx, id: number): Promise<TicketRow> {
  const [row] = await tx.select().from(tickets).where(eq(tickets.id, id)).for('update');
  return row!;
}

interface SenderMatch {
  customerId: number | null;
  contactId: number | null;
  /** Names of the customers when the address belongs to several (the ticket then waits to be linked). */
  ambiguous: string[];
}

/** The customer whose (or whose contact's) email is the sender's: one, or none when no customer or several have it. */
async function matchSender(tx: DbOrTx, address: string): Promise<SenderMatch> {
  const rows = await rowsOf<{ customer_id: number; contact_id: number | null; name: string }>(
    tx,
    sql`select cu.id as customer_id, null::bigint as contact_id, cu.name from customers cu where cu.email_key = ${address} and cu.deleted_at is null
      union all
      select cc.customer_id, c.id, cu.name from contacts c join customer_contacts cc on cc.contact_id = c.id join customers cu on cu.id = cc.customer_id and cu.deleted_at is null
        where lower(btrim(c.email)) = ${address} and c.deleted_at is null
      limit 20`,
  );
  const customers = new Map(rows.map((r) => [Number(r.customer_id), r.name]));
  if (customers.size !== 1) return { customerId: null, contactId: null, ambiguous: customers.size > 1 ? [...customers.values()] : [] };
  const contact = rows.find((r) => r.contact_id !== null);
  return { customerId: Number(rows[0]!.customer_id), contactId: contact ? Number(contact.contact_id) : null, ambiguous: [] };
}

async function contactOf(tx: DbOrTx, t: TicketRow, address: string): Promise<number | null> {
  if (t.customerId === null) return null;
  const [row] = await rowsOf<{ id: number }>(
    tx,
    sql`select c.id from contacts c join customer_contacts cc on cc.contact_id = c.id and cc.customer_id = ${t.customerId}
      where lower(btrim(c.email)) = ${address} and c.deleted_at is null order by c.id limit 1`,
  );
  return row ? Number(row.id) : null;
}

/**
 * Keeps the attachments the tickets' rules accept (size, type sniffed from the content and
 * agreeing with the name) and returns why each of the others was refused.
 */
async function storeAttachments(tx: DbOrTx, ctx: SystemCtx, ticketId: number, parsed: ParsedMail, dir: string, written: string[]): Promise<string[]> {
  const refused: string[] = [];
  for (const a of parsed.attachments) {
    const name = safeFileName(a.filename || 'attachment');
    const content = a.content;
    const extension = extensionOf(name);
    const kind = content.length ? sniff(content.subarray(0, 4096), extension) : null;
    let why: string | null = null;
    if (!content.length) why = '空文件 empty';
    else if (content.length > ATTACHMENT_MAX_BYTES) why = `超过 ${ATTACHMENT_MAX_BYTES / 1024 / 1024} MB / larger than ${ATTACHMENT_MAX_BYTES / 1024 / 1024} MB`;
    else if (!kind) why = '不支持的文件类型 / not an allowed type (images, PDF, Office, zip, text)';
    else if (!kind.extensions.includes(extension)) why = `内容是 ${kind.type.split(';')[0]}，与扩展名 .${extension || '(无)'} 不符 / content is ${kind.type.split(';')[0]}, not .${extension || '(none)'}`;
    if (why || !kind) {
      refused.push(`- ${name}: ${why}`);
      continue;
    }
    const storageKey = `${ticketId}-${randomBytes(16).toString('hex')}`;
    const path = join(dir, storageKey);
    writeFileSync(path, content);
    written.push(path);
    const [row] = await tx
      .insert(ticketAttachments)
      .values({ ticketId, fileName: name, contentType: kind.type, sizeBytes: content.length, sha256: createHash('sha256').update(content).digest('hex'), storageKey, createdBy: null })
      .returning();
    await recordAudit(tx, ctx, { entity: 'ticket', entityId: ticketId, action: 'attach', changes: { attachment: { old: null, new: { id: row!.id, fileName: name, sizeBytes: content.length } } } });
  }
  return refused;
}

export interface InboundEnvelope {
  /** MAIL FROM; null for a bounce (MAIL FROM:<>). */
  mailFrom: string | null;
  remoteAddress: string;
}

/** Parses one message and stores it (see the top of this file); throws MailRejected for mail to refuse. */
export async function receiveMail(database: Database, config: Pick<Config, 'timeZone' | 'dataDir'>, raw: Buffer, envelope: InboundEnvelope): Promise<ReceivedMail> {
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
  } catch {
    throw new MailRejected(554, 'Message refused: it could not be parsed as MIME');
  }
  if (automatic(parsed, envelope.mailFrom)) return { outcome: 'ignored', ticketId: null, ticketNumber: null };
  const from = sender(parsed);
  // without a Message-ID, the content itself identifies a redelivery
  const messageId = (parsed.messageId?.trim() || `<${createHash('sha256').update(raw).digest('hex')}@guanxi.local>`).slice(0, 500);
  const subject = (parsed.subject ?? '').replace(/\s+/g, ' ').trim();
  const ctx: SystemCtx = { actor: null, requestId: `email:${messageId}`.slice(0, 200), ip: envelope.remoteAddress };
  const dir = attachmentsDir(config);
  const written: string[] = [];
  try {
    return await database.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${INBOUND_LOCK}, hashtext(${messageId}))`);
      const [dup] = await rowsOf<{ ticket_id: number; number: string }>(
        tx,
        sql`select r.ticket_id, t.number from ticket_replies r join tickets t on t.id = r.ticket_id where r.channel = 'email' and r.external_id = ${messageId} limit 1`,
      );
      if (dup) return { outcome: 'duplicate' as const, ticketId: Number(dup.ticket_id), ticketNumber: dup.number };

      let t = await threadTicket(tx, referencedIds(parsed), subject);
      const outcome = t ? ('threaded' as const) : ('created' as const);
      const notes: string[] = [];
      if (!t) {
        const match = await matchSender(tx, from.address);
        const body = bodyOf(parsed, false);
        const complaint = /投诉|complain/i.test(`${subject}\n${body}`);
        const created = await createTicketInTx(
          tx,
          ctx,
          {
            type: complaint ? 'complaint' : 'inquiry',
            channel: 'email',
            subject: subject.slice(0, 200) || '(无主题 no subject)',
            description: body,
            priority: 'normal',
            customerId: match.customerId,
            contactId: match.contactId,
            ...(match.customerId === null ? { callerName: from.name ?? from.address.split('@')[0]!.slice(0, 100), callerEmail: from.address } : {}),
          },
          config.timeZone,
        );
        if (match.ambiguous.length) notes.push(`发件地址属于多个客户，请关联正确的客户 / The sender's address belongs to several customers; link the right one: ${match.ambiguous.join(', ')}`);
        t = await lockTicket(tx, created.id);
      }
      await addReplyInTx(
        tx,
        ctx,
        t,
        { direction: 'inbound', channel: 'email', body: bodyOf(parsed, outcome === 'threaded'), fromAddress: from.address, externalId: messageId, contactId: await contactOf(tx, t, from.address) },
        config.timeZone,
      );
      const refused = await storeAttachments(tx, ctx, t.id, parsed, dir, written);
      if (refused.length) notes.push(`以下邮件附件未保存 / These attachments of the email were not kept:\n${refused.join('\n')}`);
      if (notes.length) {
        const current = await lockTicket(tx, t.id);
        await addReplyInTx(tx, ctx, current, { direction: 'internal', channel: 'email', body: notes.join('\n\n') }, config.timeZone);
      }
      if (outcome === 'threaded' && t.assigneeId !== null) {
        await tx.execute(sql`insert into notifications (user_id, kind, text_zh, text_en, link, source_key)
          values (${t.assigneeId}, 'ticket_reply', ${`工单 ${t.number} 收到客户邮件回复`}, ${`The customer replied by email on ticket ${t.number}`}, ${`/tickets/${t.id}`}, ${`mail:${messageId}`.slice(0, 300)})
          on conflict (user_id, source_key) where source_key is not null do nothing`);
      }
      return { outcome, ticketId: t.id, ticketNumber: t.number };
    });
  } catch (e) {
    for (const path of written) rmSync(path, { force: true });
    throw e;
  }
}
