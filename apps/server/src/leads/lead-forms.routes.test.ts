import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';
import { RATE_LIMITS, signRenderToken } from './lead-forms.service.js';

let t: TestContext;
let admin: Session;
let rep: Session;
beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
  rep = await t.userWithRole('sales');
});
afterAll(() => t.close());

type FormJson = { id: number; publicKey: string; version: number };
let ipCounter = 0;
/** Each test posts from its own address so the per-address limit of one test does not reach another. */
const nextIp = () => `203.0.113.${++ipCounter}`;
const newForm = async (body: Record<string, unknown>) => {
  const res = await t.request(admin, { method: 'POST', url: '/api/v1/lead-forms', payload: { fields: ['companyName', 'mobile', 'email', 'notes'], ...body } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as FormJson;
};
/** A token as the form page would have carried it, rendered `ageMs` ago. */
const tokenFor = (formId: number, ageMs = 10_000) => signRenderToken(t.database.db, formId, Date.now() - ageMs);
const postForm = (key: string, fields: Record<string, string>, ip: string, query = '') =>
  t.app.inject({ method: 'POST', url: `/forms/leads/${key}${query}`, remoteAddress: ip, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
const leadsOfForm = (formId: number) => t.database.rows<{ id: number; name: string; source: string; owner_id: number | null; email: string | null }>(sql`select id, name, source, owner_id, email from leads where form_id = ${formId} order by id`);

describe('lead form configuration', () => {
  it('is for sales.manage only, validates fields, and keys are random', async () => {
    expect((await t.request(rep, { method: 'GET', url: '/api/v1/lead-forms' })).statusCode).toBe(403);
    const bad = await t.request(admin, { method: 'POST', url: '/api/v1/lead-forms', payload: { name: '', fields: ['companyName'] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['name', 'fields']));
    const a = await newForm({ name: '官网表单' });
    const b = await newForm({ name: '展会表单' });
    expect(a.publicKey).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(a.publicKey).not.toBe(b.publicKey);
    const edited = await t.request(admin, { method: 'PATCH', url: `/api/v1/lead-forms/${a.id}`, payload: { thankYouText: '谢谢', version: a.version } });
    expect(edited.json()).toMatchObject({ thankYouText: '谢谢', version: 2 });
    expect((await t.request(admin, { method: 'PATCH', url: `/api/v1/lead-forms/${a.id}`, payload: { thankYouText: 'x', version: 1 } })).statusCode).toBe(409);
  });
});

describe('public HTML form', () => {
  it('renders an embeddable, script-free page with every value escaped', async () => {
    const form = await newForm({ name: '<script>alert("x")</script> & "报名"' });
    const res = await t.app.inject({ method: 'GET', url: `/forms/leads/${form.publicKey}?lang=en` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).not.toContain('<script');
    expect(res.body).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#34;报名&#34;');
    expect(res.body).toContain('name="website"');
    expect(res.body).toContain('name="token"');
    expect(res.body).toContain('Company');
    expect(res.headers['x-frame-options']).toBeUndefined();
    expect(String(res.headers['content-security-policy'])).toContain('frame-ancestors *');
    expect(String(res.headers['content-security-policy'])).not.toContain('script-src');
    // Chinese by Accept-Language; the rest of the app still refuses framing.
    const zh = await t.app.inject({ method: 'GET', url: `/forms/leads/${form.publicKey}`, headers: { 'accept-language': 'zh-CN,zh;q=0.9' } });
    expect(zh.body).toContain('公司名称');
    const other = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(String(other.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
  });

  it('creates a web_form lead for the default owner, audited without an actor', async () => {
    const form = await newForm({ name: '官网咨询', defaultOwnerId: rep.userId, thankYouText: '我们会在一个工作日内联系您' });
    const res = await postForm(form.publicKey, { name: '访客甲', companyName: '深圳南山某科技', mobile: '13700000001', email: 'Visitor@Example.com', token: await tokenFor(form.id), website: '' }, nextIp());
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).toContain('我们会在一个工作日内联系您');
    const rows = await leadsOfForm(form.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: '访客甲', source: 'web_form', email: 'visitor@example.com' });
    expect(Number(rows[0]!.owner_id)).toBe(rep.userId);
    const [audit] = await t.database.rows<{ actor_id: number | null; changes: { via: { new: { publicForm: number } } } }>(sql`select actor_id, changes from audit_log where entity = 'lead' and entity_id = ${String(rows[0]!.id)}`);
    expect(audit!.actor_id).toBeNull();
    expect(Number(audit!.changes.via.new.publicForm)).toBe(form.id);
  });

  it('re-renders with messages and the visitor’s input when a field is wrong', async () => {
    const form = await newForm({ name: '校验表单' });
    const res = await postForm(form.publicKey, { name: '访客乙', mobile: '123', email: '', companyName: '<b>粗体</b>', token: await tokenFor(form.id) }, nextIp(), '?lang=zh-CN');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('手机号格式不正确');
    expect(res.body).toContain('value="&#60;b&#62;粗体&#60;/b&#62;"');
    // The corrected form can go straight back: it carries the first render's token.
    const carried = /name="token" value="([^"]+)"/.exec(res.body)?.[1]?.replace(/&#(\d+);/g, (_m, c: string) => String.fromCharCode(Number(c)));
    const fixed = await postForm(form.publicKey, { name: '访客乙', mobile: '13700000009', token: carried ?? '' }, nextIp());
    expect(fixed.body).toContain('data-result="ok"');
    expect(await leadsOfForm(form.id)).toHaveLength(1);
    const none = await postForm(form.publicKey, { name: '访客乙', token: await tokenFor(form.id) }, nextIp(), '?lang=en');
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('Please leave at least one way to reach you');
    expect(await leadsOfForm(form.id)).toHaveLength(1);
  });

  it('drops spam silently: a filled honeypot, a too-fast post, a forged token', async () => {
    const form = await newForm({ name: '防垃圾表单' });
    const good = { name: '机器人', mobile: '13700000002' };
    const honeypot = await postForm(form.publicKey, { ...good, token: await tokenFor(form.id), website: 'http://spam.example' }, nextIp());
    const tooFast = await postForm(form.publicKey, { ...good, token: await tokenFor(form.id, 500) }, nextIp());
    const forged = await postForm(form.publicKey, { ...good, token: `${Date.now() - 10_000}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA` }, nextIp());
    const otherForm = await newForm({ name: '另一个表单' });
    const borrowed = await postForm(form.publicKey, { ...good, token: await tokenFor(otherForm.id) }, nextIp());
    for (const r of [honeypot, tooFast, forged, borrowed]) {
      expect(r.statusCode).toBe(200);
      expect(r.body).toContain('data-result="ok"');
    }
    expect(await leadsOfForm(form.id)).toHaveLength(0);
    // A day-old page is not spam, just stale: the visitor is asked to submit again.
    const stale = await postForm(form.publicKey, { ...good, token: await tokenFor(form.id, 25 * 3_600_000) }, nextIp(), '?lang=en');
    expect(stale.statusCode).toBe(400);
    expect(stale.body).toContain('open for too long');
  });

  it('rate-limits by client address with 429 and Retry-After', async () => {
    const form = await newForm({ name: '限流表单' });
    const ip = nextIp();
    const statuses: number[] = [];
    for (let i = 0; i <= RATE_LIMITS.address.max; i++) {
      const r = await postForm(form.publicKey, { name: `访客${i}`, mobile: `1370000${String(1000 + i)}`, token: await tokenFor(form.id) }, ip);
      statuses.push(r.statusCode);
      if (r.statusCode === 429) expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(statuses.slice(0, RATE_LIMITS.address.max).every((s) => s === 200)).toBe(true);
    expect(statuses[RATE_LIMITS.address.max]).toBe(429);
    expect(await leadsOfForm(form.id)).toHaveLength(RATE_LIMITS.address.max);
    // Another address is not held back.
    const other = await postForm(form.publicKey, { name: '另一位访客', mobile: '13799999999', token: await tokenFor(form.id) }, nextIp());
    expect(other.statusCode).toBe(200);
  });

  it('an inactive or unknown form is 404', async () => {
    const form = await newForm({ name: '停用表单' });
    await t.request(admin, { method: 'PATCH', url: `/api/v1/lead-forms/${form.id}`, payload: { active: false, version: form.version } });
    expect((await t.app.inject({ method: 'GET', url: `/forms/leads/${form.publicKey}` })).statusCode).toBe(404);
    expect((await postForm(form.publicKey, { name: 'x', mobile: '13700000003', token: await tokenFor(form.id) }, nextIp())).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/public/lead-forms/no-such-key' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/public/lead-forms/${form.publicKey}` })).statusCode).toBe(404);
  });
});

describe('public JSON submissions', () => {
  it('gives the form and a token, validates with paths, and creates a pool lead', async () => {
    const form = await newForm({ name: 'JSON 表单' });
    const shown = await t.app.inject({ method: 'GET', url: `/api/v1/public/lead-forms/${form.publicKey}` });
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toMatchObject({ name: 'JSON 表单', fields: ['companyName', 'mobile', 'email', 'notes'], token: expect.any(String) });
    const url = `/api/v1/public/lead-forms/${form.publicKey}/submissions`;
    const ip = nextIp();
    const bad = await t.app.inject({ method: 'POST', url, remoteAddress: ip, payload: { name: '访客丙', email: 'not-an-email', token: await tokenFor(form.id) } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.map((d: { path: string }) => d.path)).toEqual(['email']);
    const ok = await t.app.inject({ method: 'POST', url, remoteAddress: ip, payload: { name: '访客丙', email: 'guest@example.com', companyName: '厦门思明某公司', token: await tokenFor(form.id) } });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ ok: true });
    const rows = await leadsOfForm(form.id);
    expect(rows).toEqual([expect.objectContaining({ name: '访客丙', source: 'web_form', owner_id: null })]);
    // The new lead waits in the lead pool.
    const pool = (await t.request(rep, { method: 'GET', url: '/api/v1/leads?filter[pool]=true' })).json();
    expect(pool.data.map((l: { id: number }) => l.id)).toContain(Number(rows[0]!.id));
    const spam = await t.app.inject({ method: 'POST', url, remoteAddress: ip, payload: { name: '机器人', email: 'bot@example.com', token: await tokenFor(form.id), website: 'x' } });
    expect(spam.statusCode).toBe(201);
    expect(await leadsOfForm(form.id)).toHaveLength(1);
  });
});
