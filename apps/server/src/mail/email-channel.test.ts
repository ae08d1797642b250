// The email channel over real SMTP both ways: Guanxi's inbound listener on an ephemeral port fed by
// nodemailer, and an smtp-server sink standing in for the company's relay.
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';
import { jobs, runJob } from '../jobs/run-job.js';
import { drainOutbox, MAIL_MAX_ATTEMPTS, NOT_CONFIGURED, outboxIdle } from './outbound-mail.js';
import { startInboundMail, type InboundListener } from './smtp-listener.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const CONTACT_EMAIL = 'Li.Lei@customer.cn';

let t: TestContext;
let admin: Session;
let agent: Session;
let team: number;
let customer: number;
let contact: number;
let vipPolicy: number;
let listener: InboundListener;
let sink: SMTPServer;
let sinkPort: number;
const received: ParsedMail[] = [];
let complaintNumber: string;

const sender = () => nodemailer.createTransport({ host: '127.0.0.1', port: listener.port, secure: false, ignoreTLS: true });
const send = (mail: nodemailer.SendMailOptions) => sender().sendMail({ from: `李雷 <${CONTACT_EMAIL}>`, to: 'support@company.cn', ...mail });
const count = async (table: string) => Number((await t.database.rows<{ n: number }>(sql`select count(*)::int as n from ${sql.raw(table)}`))[0]!.n);
const ticketByNumber = async (number: string) => {
  const [row] = await t.database.rows<{ id: number }>(sql`select id from tickets where number = ${number}`);
  return (await t.request(admin, { method: 'GET', url: `/api/v1/tickets/${row!.id}` })).json();
};
const numberIn = (response: string) => response.match(/T\d{14}/)![0];

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

beforeAll(async () => {
  // the relay: takes any mail after AUTH with the URL's credentials, keeps it parsed
  sink = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth: (auth, _s, cb) => (auth.username === 'relay' && auth.password === 'relay-secret' ? cb(null, { user: 'relay' }) : cb(new Error('bad credentials'))),
    onData(stream, _s, cb) {
      simpleParser(stream).then((m) => {
        received.push(m);
        cb();
      }, cb);
    },
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  sinkPort = (sink.server.address() as { port: number }).port;

  t = await createTestContext({ dataDir: mkdtempSync(join(tmpdir(), 'gx-mail-')), smtpUrl: `smtp://relay:relay-secret@127.0.0.1:${sinkPort}`, mailFrom: '客服中心 <support@company.cn>' });
  admin = await t.login(ADMIN.email, ADMIN.password);
  const [d] = await t.database.rows<{ id: number }>(sql`insert into departments (name) values ('投诉处理组') returning id`);
  team = Number(d!.id);
  agent = await t.userWithRole('service', { departmentId: team });
  const policy = await t.request(admin, { method: 'POST', url: '/api/v1/sla-policies', payload: { name: 'VIP', importance: 'vip', firstResponseMinutes: 30, resolutionMinutes: 480 } });
  expect(policy.statusCode, policy.body).toBe(201);
  vipPolicy = policy.json().id;
  await t.request(admin, { method: 'POST', url: '/api/v1/sla-policies', payload: { name: '普通', importance: 'ordinary', firstResponseMinutes: 240, resolutionMinutes: 2400 } });
  const rule = await t.request(admin, { method: 'POST', url: '/api/v1/ticket-assignment-rules', payload: { name: '投诉到投诉组', matchType: 'complaint', strategy: 'round_robin', teamId: team } });
  expect(rule.statusCode, rule.body).toBe(201);
  const [c] = await t.database.rows<{ id: number }>(sql`insert into customers (kind, relationship_type, name, importance) values ('organization', 'business', '上海星辰贸易有限公司', 'vip') returning id`);
  customer = Number(c!.id);
  const [p] = await t.database.rows<{ id: number }>(sql`insert into contacts (name, email) values ('李雷', ${CONTACT_EMAIL}) returning id`);
  contact = Number(p!.id);
  await t.database.db.execute(sql`insert into customer_contacts (customer_id, contact_id, is_primary) values (${customer}, ${contact}, true)`);

  const started = await startInboundMail(t.database, { ...t.config, smtpInbound: { port: 0, host: '127.0.0.1', addresses: ['support@company.cn', '@help.company.cn'], maxBytes: 200_000, tls: null, auth: null } }, t.app.log);
  listener = started!;
});

afterAll(async () => {
  await listener?.close();
  await outboxIdle();
  await new Promise<void>((r) => (sink ? sink.close(() => r()) : r()));
  await t?.close();
});

describe('inbound email', () => {
  const firstId = '<complaint-1@customer.cn>';

  it('turns a complaint from a known customer’s contact into a complaint ticket in the right queue, with its tier’s SLA', async () => {
    const info = await send({ subject: '投诉：货物破损', text: '你们上周发的货到了，外箱完好但里面的杯子碎了三只。', messageId: firstId });
    expect(info.response).toMatch(/^250 .*created T\d{14}/);
    const tk = await ticketByNumber(numberIn(info.response));
    complaintNumber = tk.number;
    expect(tk).toMatchObject({ type: 'complaint', channel: 'email', customerId: customer, contactId: contact, teamId: team, assigneeId: agent.userId, subject: '投诉：货物破损', complaintStage: 'received' });
    expect(tk.sla.customerTier).toBe('vip');
    expect(tk.sla.policyId).toBe(vipPolicy);
    expect(tk.sla.firstResponseDueAt).not.toBeNull();
    expect(tk.replies).toHaveLength(1);
    expect(tk.replies[0]).toMatchObject({ direction: 'inbound', channel: 'email', fromAddress: 'li.lei@customer.cn', contactId: contact, authorId: null });
    // audited with no actor, the source named
    const audit = await t.database.rows<{ actor_id: number | null; request_id: string; action: string }>(sql`select actor_id, request_id, action from audit_log where entity = 'ticket' and entity_id = ${String(tk.id)} order by id`);
    expect(audit.map((a) => a.action)).toEqual(['create', 'reply']);
    expect(audit.every((a) => a.actor_id === null && a.request_id === `email:${firstId}`)).toBe(true);
  });

  it('stores a message delivered twice (even at once) once', async () => {
    const before = await count('tickets');
    const mail = { subject: '咨询发票', text: '请问发票什么时候开？', messageId: '<twice@customer.cn>' };
    const [a, b] = await Promise.all([send(mail), send(mail)]);
    expect([a.response, b.response].some((r) => r.includes('duplicate'))).toBe(true);
    expect(await count('tickets')).toBe(before + 1);
    const again = await send(mail);
    expect(again.response).toContain('duplicate');
    expect(await count('tickets')).toBe(before + 1);
  });

  it('threads a reply (In-Reply-To) onto its ticket and resumes a clock that waited for the customer', async () => {
    let tk = await ticketByNumber(complaintNumber);
    const paused = await t.request(agent, { method: 'POST', url: `/api/v1/tickets/${tk.id}/status`, payload: { status: 'pending_customer', version: tk.version } });
    expect(paused.statusCode, paused.body).toBe(200);
    expect(paused.json().sla.pausedSince).not.toBeNull();
    const info = await send({ subject: 'Re: 投诉：货物破损', text: '照片见附件。\n\n在 2025年1月1日，客服 写道：\n> 请提供照片', inReplyTo: firstId, references: [firstId], messageId: '<answer-1@customer.cn>' });
    expect(info.response).toContain(`threaded ${complaintNumber}`);
    tk = await ticketByNumber(complaintNumber);
    expect(tk.status).toBe('open');
    expect(tk.sla.pausedSince).toBeNull();
    expect(tk.replies.map((r: { body: string }) => r.body)).toEqual(['你们上周发的货到了，外箱完好但里面的杯子碎了三只。', '照片见附件。']);
    // the assignee hears of it
    const [n] = await t.database.rows<{ n: number }>(sql`select count(*)::int as n from notifications where user_id = ${agent.userId} and kind = 'ticket_reply'`);
    expect(n!.n).toBe(1);
    // a lost header is made up for by the [#number] tag in the subject
    const tagged = await send({ subject: `Re: 货物破损 [#${complaintNumber}]`, text: '还有一件事。', messageId: '<answer-2@customer.cn>' });
    expect(tagged.response).toContain(`threaded ${complaintNumber}`);
  });

  it('refuses recipients that are not ours (550, no relay) and writes nothing', async () => {
    const before = await count('ticket_replies');
    const err = await send({ to: 'someone@elsewhere.com', subject: 'x', text: 'x', messageId: '<relay@x.cn>' }).catch((e: { responseCode?: number }) => e);
    expect((err as { responseCode?: number }).responseCode).toBe(550);
    // a listed domain takes any of its addresses
    const ok = await send({ to: 'anyone@help.company.cn', subject: '请问', text: '营业时间？', messageId: '<domain@x.cn>' });
    expect(ok.response).toContain('created');
    expect(await count('ticket_replies')).toBe(before + 1);
  });

  it('refuses an oversized message (552) and writes nothing', async () => {
    const before = await count('ticket_replies');
    const err = await send({ subject: '大附件', text: '见附件', attachments: [{ filename: 'big.txt', content: 'x'.repeat(300_000) }], messageId: '<big@x.cn>' }).catch((e: { responseCode?: number }) => e);
    expect((err as { responseCode?: number }).responseCode).toBe(552);
    expect(await count('ticket_replies')).toBe(before);
  });

  it('keeps allowed attachments and lists refused ones (an HTML page named .png) in a note', async () => {
    const info = await send({
      from: '陌生人 <stranger@example.org>',
      subject: '产品问题',
      text: '附上照片',
      messageId: '<attach@example.org>',
      attachments: [
        { filename: 'photo.png', content: PNG, contentType: 'image/png' },
        { filename: 'evil.png', content: '<html><script>alert(1)</script></html>', contentType: 'image/png' },
      ],
    });
    const tk = await ticketByNumber(numberIn(info.response));
    // an unknown sender: an unknown caller, linkable later
    expect(tk).toMatchObject({ type: 'inquiry', customerId: null, callerName: '陌生人', callerEmail: 'stranger@example.org' });
    expect(tk.attachments.map((a: { fileName: string; contentType: string }) => [a.fileName, a.contentType])).toEqual([['photo.png', 'image/png']]);
    const note = tk.replies.find((r: { direction: string }) => r.direction === 'internal');
    expect(note.body).toContain('evil.png');
    expect(await count('ticket_attachments')).toBe(1);
  });

  it('drops automatic mail (out-of-office answers) without a ticket', async () => {
    const before = await count('tickets');
    const info = await send({ subject: '自动回复', text: '我正在休假', headers: { 'Auto-Submitted': 'auto-replied' }, messageId: '<ooo@customer.cn>' });
    expect(info.response).toContain('ignored');
    expect(await count('tickets')).toBe(before);
  });
});

describe('outbound email', () => {
  it('sends an agent’s email reply through the relay, threaded, and the customer’s answer comes back onto the ticket', async () => {
    const tk = await ticketByNumber(complaintNumber);
    const res = await t.request(agent, { method: 'POST', url: `/api/v1/tickets/${tk.id}/replies`, payload: { direction: 'outbound', channel: 'email', body: '李先生您好，我们将为您补发三只杯子。' } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().delivery).toMatchObject({ status: 'queued', to: 'li.lei@customer.cn' });
    // sent by the kick right after the commit, not by the next job run
    await outboxIdle();
    expect(received).toHaveLength(1);
    const m = received[0]!;
    const [stored] = await t.database.rows<{ external_id: string }>(sql`select external_id from ticket_replies where id = ${res.json().id}`);
    expect(m.from?.value[0]?.address).toBe('support@company.cn');
    expect((Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address).toBe('li.lei@customer.cn');
    expect(m.subject).toBe(`Re: 投诉：货物破损 [#${tk.number}]`);
    expect(m.messageId).toBe(stored!.external_id);
    expect(m.inReplyTo).toBe('<answer-2@customer.cn>');
    expect(m.references).toEqual(expect.arrayContaining(['<complaint-1@customer.cn>', '<answer-1@customer.cn>', '<answer-2@customer.cn>']));
    expect(m.text?.trim()).toBe('李先生您好，我们将为您补发三只杯子。');
    const sent = (await ticketByNumber(tk.number)).replies.find((r: { id: number }) => r.id === res.json().id);
    expect(sent.delivery).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
    expect(sent.delivery.sentAt).not.toBeNull();

    const answer = await send({ subject: m.subject, text: '收到，谢谢！', inReplyTo: m.messageId!, references: [m.messageId!], messageId: '<thanks@customer.cn>' });
    expect(answer.response).toContain(`threaded ${tk.number}`);
  });

  it('is drained by the mail-outbox job as well', async () => {
    const [last] = await t.database.rows<{ reply_id: number }>(sql`select reply_id from mail_outbox where status = 'sent' order by id desc limit 1`);
    await t.database.db.execute(sql`update mail_outbox set status = 'queued', next_attempt_at = now() where reply_id = ${last!.reply_id}`);
    const env = { url: process.env.GUANXI_SMTP_URL, from: process.env.GUANXI_MAIL_FROM };
    Object.assign(process.env, { GUANXI_SMTP_URL: t.config.smtpUrl, GUANXI_MAIL_FROM: t.config.mailFrom });
    try {
      const outcome = await runJob(t.database, jobs['mail-outbox']!);
      expect(outcome).toMatchObject({ status: 'succeeded', result: { sent: 1 } });
    } finally {
      for (const [k, v] of [['GUANXI_SMTP_URL', env.url], ['GUANXI_MAIL_FROM', env.from]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    expect(received).toHaveLength(2);
  });

  it('stores the reply as not_sent, with the reason, when no relay is configured, and sends it again on request', async () => {
    const tk = await ticketByNumber(complaintNumber);
    const saved = t.config.smtpUrl;
    let replyId = 0;
    t.config.smtpUrl = undefined;
    try {
      const res = await t.request(agent, { method: 'POST', url: `/api/v1/tickets/${tk.id}/replies`, payload: { direction: 'outbound', channel: 'email', body: '稍后回复' } });
      expect(res.statusCode).toBe(201);
      expect(res.json().delivery).toMatchObject({ status: 'not_sent', lastError: NOT_CONFIGURED });
      replyId = res.json().id;
    } finally {
      t.config.smtpUrl = saved;
    }
    // once the relay is there, the agent sends it again
    const before = received.length;
    const resent = await t.request(agent, { method: 'POST', url: `/api/v1/tickets/${tk.id}/replies/${replyId}/resend` });
    expect(resent.statusCode, resent.body).toBe(200);
    expect(resent.json().delivery).toMatchObject({ status: 'queued', lastError: null });
    await outboxIdle();
    expect(received).toHaveLength(before + 1);
    expect(received.at(-1)!.text?.trim()).toBe('稍后回复');
    const again = await t.request(agent, { method: 'POST', url: `/api/v1/tickets/${tk.id}/replies/${replyId}/resend` });
    expect(again.statusCode).toBe(409);
    const openapi = await t.request(null, { method: 'GET', url: '/api/openapi.json' });
    expect(Object.keys(openapi.json().paths)).toContain('/api/v1/tickets/{id}/replies/{replyId}/resend');
  });

  it('retries while the relay is down, then gives up after the last attempt and shows it on the reply', async () => {
    const tk = await ticketByNumber(complaintNumber);
    const settings = { ...t.config, smtpUrl: `smtp://relay:relay-secret@127.0.0.1:${await freePort()}` };
    const res = await t.request(agent, { method: 'POST', url: `/api/v1/tickets/${tk.id}/replies`, payload: { direction: 'outbound', channel: 'email', body: '补发已安排。' } });
    await outboxIdle();
    // the kick went to the working relay; make this one wait for the dead relay instead
    const replyId = res.json().id as number;
    await t.database.db.execute(sql`update mail_outbox set status = 'queued', attempts = 0, sent_at = null, next_attempt_at = now() where reply_id = ${replyId}`);
    // a second ahead: the row's now() has microseconds a JavaScript date would cut off
    let at = new Date(Date.now() + 1000);
    for (let i = 1; i <= MAIL_MAX_ATTEMPTS; i++) {
      const r = await drainOutbox(t.database, settings, { now: at });
      expect(r).toMatchObject(i < MAIL_MAX_ATTEMPTS ? { retrying: 1 } : { failed: 1 });
      const [row] = await t.database.rows<{ status: string; attempts: number; next_attempt_at: Date | null }>(sql`select status, attempts, next_attempt_at from mail_outbox where reply_id = ${replyId}`);
      expect(row).toMatchObject({ status: i < MAIL_MAX_ATTEMPTS ? 'queued' : 'failed', attempts: i });
      // not due again before its backoff
      if (i < MAIL_MAX_ATTEMPTS) expect((await drainOutbox(t.database, settings, { now: at })).retrying).toBe(0);
      at = new Date(at.getTime() + 2 * 3_600_000);
    }
    const reply = (await ticketByNumber(tk.number)).replies.find((r: { id: number }) => r.id === replyId);
    expect(reply.delivery).toMatchObject({ status: 'failed', attempts: MAIL_MAX_ATTEMPTS, nextAttemptAt: null });
    expect(reply.delivery.lastError).toMatch(/ECONNREFUSED|connect/i);
    const [n] = await t.database.rows<{ n: number }>(sql`select count(*)::int as n from notifications where user_id = ${agent.userId} and kind = 'mail_failed'`);
    expect(n!.n).toBe(1);
  });
});
