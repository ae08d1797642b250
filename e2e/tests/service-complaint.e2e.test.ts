// A complaint end to end in the browser, the Service issue's "done when": a complaint arrives by
// email (real SMTP, to the server's inbound listener) from a known VIP customer, lands in the
// service team's queue with the SLA of its tier; the agent answers, records it, judges it valid and
// proposes a solution whose compensation needs the manager's approval; the manager approves; the
// agent carries it out, makes the return visit (satisfaction, would-recommend) and closes it; the
// service reports move. Meanwhile an ordinary customer's ticket is left alone: the SLA check (run
// as of its due time) marks it breached and escalates it to the manager — the breached queue, the
// bell and an escalation task. Data is set up through the API (a service centre with a complaints
// team, its manager and agent, routing, SLA policies, the approval threshold); every step of the
// flow itself goes through the UI. Screenshots go to e2e/screenshots/.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import nodemailer from 'nodemailer';
import { admin, launch, login, newPage, screenshot, screenshotDir, switchLanguage } from '../support/browser.js';
import { apiLogin, createUser, type ApiSession } from '../support/api.js';

const timezoneId = 'Asia/Shanghai';
const smtpPort = inject('smtpPort');
const supportAddress = inject('supportAddress');

const stamp = Date.now().toString(36);
const manager = { name: '孙丽娟', email: `sun.lijuan.${stamp}@example.com`, password: 'Manager-Password-1' };
const agent = { name: '赵一鸣', email: `zhao.yiming.${stamp}@example.com`, password: 'Agent-Password-1' };
// The customers' people write from these addresses; unique per run so only this run's customers match.
const vip = { company: '上海瑞丰国际贸易有限公司', contact: '王建国', email: `wang.jianguo.${stamp}@ruifeng-trade.test` };
const ordinary = { company: '无锡恒通五金制品厂', contact: '刘小梅', email: `liu.xiaomei.${stamp}@hengtong-hw.test` };
const complaint = {
  subject: '投诉：订单 SO-2026-0418 到货破损且延误五天',
  body: [
    '客服中心您好：',
    '',
    '我司 4 月 18 日下单的 20 台工业空气净化器（订单 SO-2026-0418）承诺 4 月 25 日送达，实际 4 月 30 日才到，',
    '开箱后发现其中 3 台外壳破裂、1 台无法开机，已影响我们新厂房的验收进度。',
    '请尽快给出处理方案：更换损坏设备，并就延误给予合理补偿。',
    '',
    '王建国',
    '上海瑞丰国际贸易有限公司 采购部',
    '电话 021-6288 5566',
  ].join('\n'),
};
const inquiry = { subject: '咨询：发票抬头变更后如何补开增值税专用发票', body: '您好，我厂已于上月完成名称变更，想了解之前订单的增值税专用发票如何重新开具，需要提供哪些材料？\n\n刘小梅\n无锡恒通五金制品厂 财务部' };
const vipPolicy = 'VIP 客户服务标准';
const ordinaryPolicy = '普通客户服务标准';
const compensation = '800';

let browser: Browser;
let root: ApiSession;
let agentSession: { context: BrowserContext; page: Page };
let managerSession: { context: BrowserContext; page: Page };
/** The page the current step works on, for the screenshot when it fails. */
let shown: Page | null = null;
let ruleId = 0;
const policyIds: number[] = [];
let settingsBefore: { compensationApprovalThreshold: string; complaintVisitDelayDays: number } | null = null;
let complaintNumber = '';
let complaintId = 0;
let inquiryNumber = '';
let inquiryId = 0;
const kpiKeys = ['tickets', 'complaints', 'resolutionRate', 'sla', 'csat', 'nps'] as const;
type Kpis = Record<(typeof kpiKeys)[number], string>;
let kpisBefore: Kpis;

interface TicketDto {
  id: number;
  number: string;
  type: string;
  customerId: number | null;
  contactId: number | null;
  teamId: number | null;
  assigneeId: number | null;
  status: string;
  sla: { customerTier: string | null; policyId: number | null; firstResponseDueAt: string | null; firstResponse: string; resolution: string; escalatedAt: string | null };
}

beforeAll(async () => {
  expect(smtpPort, 'the e2e server runs an inbound SMTP listener (global-setup.ts)').toBeGreaterThan(0);
  browser = await launch();
  root = await apiLogin(admin.email, admin.password);

  // The service centre (managed by the manager, who sees everything below it) and its complaints
  // team, where the agent works; the manager also heads the team and is the agent's manager.
  const centre = await root.request<{ id: number; version: number }>('POST', '/departments', { name: `客户服务中心（${stamp}）` });
  const team = await root.request<{ id: number; version: number }>('POST', '/departments', { name: `投诉处理组（${stamp}）`, parentId: centre.id });
  const m = await createUser(root, { ...manager, roleKey: 'manager', departmentId: centre.id });
  await createUser(root, { ...agent, roleKey: 'service', departmentId: team.id, managerId: m.userId });
  await root.request('PATCH', `/departments/${centre.id}`, { managerId: m.userId, version: centre.version });
  await root.request('PATCH', `/departments/${team.id}`, { managerId: m.userId, version: team.version });

  // New tickets go to the complaints team, round robin among its agents.
  ruleId = (await root.request<{ id: number }>('POST', '/ticket-assignment-rules', { name: `客服工单分派（${stamp}）`, strategy: 'round_robin', teamId: team.id, precedence: 900 })).id;

  // SLA by tier: VIP customers get generous limits (the flow must not breach them), ordinary ones a
  // one-minute first response, which the ticket left alone misses.
  for (const p of [
    { name: vipPolicy, importance: 'vip', firstResponseMinutes: 240, resolutionMinutes: 2400 },
    { name: ordinaryPolicy, importance: 'ordinary', firstResponseMinutes: 1, resolutionMinutes: 30 },
  ]) {
    policyIds.push((await root.request<{ id: number }>('POST', '/sla-policies', { ...p, precedence: 900 })).id);
  }

  // A compensation above ¥500 needs the manager's approval; the return visit is due the same day.
  const settings = await root.request<{ compensationApprovalThreshold: string; complaintVisitDelayDays: number; version: number }>('GET', '/service-settings');
  settingsBefore = { compensationApprovalThreshold: settings.compensationApprovalThreshold, complaintVisitDelayDays: settings.complaintVisitDelayDays };
  await root.request('PATCH', '/service-settings', { compensationApprovalThreshold: '500.00', complaintVisitDelayDays: 0, version: settings.version });

  // The customers and the people who write in (known by their email).
  for (const c of [
    { ...vip, importance: 'vip', city: '上海市', industry: '国际贸易' },
    { ...ordinary, importance: 'ordinary', city: '无锡市', industry: '五金制造' },
  ]) {
    const customer = await root.request<{ id: number }>('POST', '/customers', { kind: 'organization', relationshipType: 'business', name: c.company, importance: c.importance, city: c.city, industry: c.industry });
    await root.request('POST', '/contacts', { name: c.contact, email: c.email, customers: [{ customerId: customer.id, isPrimary: true }] });
  }
});

afterAll(async () => {
  await browser?.close();
  // Leave the shared server as other test files expect it: no catch-all routing, no tiny SLA.
  if (!root) return;
  if (ruleId) await root.request('DELETE', `/ticket-assignment-rules/${ruleId}`).catch(() => undefined);
  for (const id of policyIds) await root.request('DELETE', `/sla-policies/${id}`).catch(() => undefined);
  if (settingsBefore) {
    const s = await root.request<{ version: number }>('GET', '/service-settings');
    await root.request('PATCH', '/service-settings', { ...settingsBefore, version: s.version }).catch(() => undefined);
  }
});

/** Waits until nothing is loading and toasts are gone, so screenshots show settled pages. */
async function settled(page: Page): Promise<void> {
  await page.locator('.ant-spin-spinning, .ant-skeleton').first().waitFor({ state: 'detached' }).catch(() => undefined);
  await page.locator('.ant-message-notice').first().waitFor({ state: 'detached', timeout: 5_000 }).catch(() => undefined);
  await page.waitForTimeout(300);
}

/** Picks an option from the open antd Select dropdown and waits until the dropdown has closed. */
async function pick(page: Page, text: string): Promise<void> {
  const open = () => page.locator('.ant-select-dropdown').filter({ visible: true });
  await open().locator('.ant-select-item-option').filter({ hasText: text }).first().click();
  await expect.poll(() => open().count()).toBe(0);
}

const text = async (l: Locator) => ((await l.textContent()) ?? '').trim();

/** Sends one email over SMTP to the support address; returns the server's 250 answer. */
async function sendMail(from: { name: string; email: string }, subject: string, body: string): Promise<string> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  try {
    const info = await transport.sendMail({ from: { name: from.name, address: from.email }, to: supportAddress, subject, text: body });
    return info.response;
  } finally {
    transport.close();
  }
}

async function readKpis(page: Page): Promise<Kpis> {
  await page.goto('/service-reports');
  const out = {} as Kpis;
  for (const k of kpiKeys) out[k] = (await text(page.getByTestId(`service-kpi-${k}`))).replace(/\s+/g, ' ');
  return out;
}

/** A new browser page in the company's time zone, remembered as the one on screen. */
async function openPage(): Promise<{ context: BrowserContext; page: Page }> {
  const session = await newPage(browser, { locale: 'zh-CN', timezoneId });
  shown = session.page;
  return session;
}

async function ticketOf(session: ApiSession, id: number): Promise<TicketDto> {
  return session.request<TicketDto>('GET', `/tickets/${id}`);
}

// A step takes 3–13 s; the margin is for a busy machine.
describe('a complaint end to end', { timeout: 45_000 }, () => {
  // One story in steps: once a step fails, the later ones have nothing to work on.
  let broken = false;
  beforeEach(({ skip, onTestFailed, task }) => {
    if (broken) skip();
    shown = agentSession?.page ?? null;
    onTestFailed(async () => {
      broken = true;
      if (shown && !shown.isClosed()) await screenshot(shown, `service-failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => undefined);
    });
  });

  test("the manager's service report before, then a VIP customer's complaint and an ordinary customer's question arrive by email", async () => {
    managerSession = await openPage();
    const { page } = managerSession;
    await login(page, manager.email, manager.password);
    kpisBefore = await readKpis(page);
    // The manager's scope is this run's service centre: nothing in it yet.
    expect(kpisBefore.tickets).toContain('0');
    expect(kpisBefore.csat).toContain('—');

    const answer = await sendMail({ name: vip.contact, email: vip.email }, complaint.subject, complaint.body);
    complaintNumber = /^250 OK created (T\d+)$/.exec(answer)?.[1] ?? '';
    expect(complaintNumber, answer).not.toBe('');
    const second = await sendMail({ name: ordinary.contact, email: ordinary.email }, inquiry.subject, inquiry.body);
    inquiryNumber = /^250 OK created (T\d+)$/.exec(second)?.[1] ?? '';
    expect(inquiryNumber, second).not.toBe('');

    // What the mail became, as the admin sees it: linked to the customer and contact, a complaint
    // (the subject says 投诉) routed to the agent, on the VIP policy; the question on the ordinary one.
    const found = await root.request<{ data: TicketDto[] }>('GET', `/tickets?q=${complaintNumber}&limit=5`);
    const t = found.data.find((x) => x.number === complaintNumber)!;
    complaintId = t.id;
    expect(t).toMatchObject({ type: 'complaint', status: 'new', sla: { customerTier: 'vip', policyId: policyIds[0], firstResponse: 'pending' } });
    expect(t.customerId).not.toBeNull();
    expect(t.contactId).not.toBeNull();
    const q = (await root.request<{ data: TicketDto[] }>('GET', `/tickets?q=${inquiryNumber}&limit=5`)).data.find((x) => x.number === inquiryNumber)!;
    inquiryId = q.id;
    expect(q).toMatchObject({ type: 'inquiry', assigneeId: t.assigneeId, teamId: t.teamId, sla: { customerTier: 'ordinary', policyId: policyIds[1] } });
  });

  test('the agent finds the complaint in their queue with the VIP SLA and opens it', async () => {
    agentSession = await openPage();
    const { page } = agentSession;
    await login(page, agent.email, agent.password);
    await page.goto('/tickets');
    const link = page.getByTestId('tickets-table').getByTestId(`ticket-link-${complaintNumber}`);
    await link.waitFor();
    const row = page.getByTestId('tickets-table').locator('tr', { has: page.getByTestId(`ticket-link-${complaintNumber}`) });
    expect(await text(row)).toContain(complaint.subject);
    expect(await text(row)).toContain(vip.company);
    expect(await text(row)).toContain('投诉');
    const sla = row.getByTestId('ticket-sla');
    expect(await sla.getAttribute('data-state')).toBe('running');
    expect(await text(sla)).toMatch(/^响应 剩 /);
    // The question left alone is in the same queue.
    await page.getByTestId('tickets-table').getByTestId(`ticket-link-${inquiryNumber}`).waitFor();
    await expect.poll(() => text(page.getByTestId('tickets-queue-mine'))).toContain('2');
    await settled(page);
    await screenshot(page, 'service-queue-mine-zh-CN');

    await link.click();
    await page.waitForURL(`**/tickets/${complaintId}`);
    await page.getByTestId('complaint-workflow').waitFor();
    const panel = page.getByTestId('ticket-sla-panel');
    await expect.poll(() => text(panel)).toContain(`标准「${vipPolicy}」：响应 4小时，解决 40小时`);
    expect(await page.getByTestId('sla-first-response').getAttribute('data-state')).toBe('running');
    expect(await page.getByTestId('sla-resolution').getAttribute('data-state')).toBe('running');
    expect(await text(page.locator('body'))).toContain('贵宾型客户');
    // The email itself, from the contact's address.
    const inbound = page.getByTestId('ticket-reply-inbound').first();
    expect(await text(inbound)).toContain(vip.email);
    expect(await text(inbound)).toContain('3 台外壳破裂');
    // …shown once (it is also the ticket's description).
    expect((await text(page.getByTestId('ticket-thread'))).split('3 台外壳破裂').length - 1).toBe(1);
    await settled(page);
    await screenshot(page, 'service-ticket-new-zh-CN');
  });

  test('the agent calls back, records the key points, judges it valid and proposes a solution that needs approval', async () => {
    const { page } = agentSession;
    // The first response: the agent phones the customer back and notes it as the reply.
    await page.getByTestId('ticket-thread').locator('.ant-select').click();
    await pick(page, '电话');
    await page.getByTestId('ticket-reply-body').fill('王经理您好，已电话联系您：非常抱歉设备破损和延误给您带来的困扰，我们今天内给出处理方案。');
    await page.getByTestId('ticket-reply').click();
    await page.getByTestId('ticket-reply-outbound').waitFor();
    await expect.poll(() => page.getByTestId('sla-first-response').getAttribute('data-state')).toBe('achieved');

    await page.getByTestId('ticket-key-points').fill(['订单 SO-2026-0418 晚到 5 天（承诺 4/25，实到 4/30）', '20 台中 3 台外壳破裂、1 台无法开机', '影响客户新厂房验收，要求更换并补偿'].join('\n'));
    await page.getByTestId('ticket-step-submit').click();
    await expect.poll(() => text(page.getByTestId('ticket-status'))).toBe('处理中');

    await page.getByTestId('ticket-validity').locator('label').filter({ hasText: /^成立$/ }).click();
    await page.getByTestId('ticket-judge-reason').fill('物流签收单注明外包装破损，承运商延误属实；出厂检验记录正常，损坏发生在运输途中。');
    await page.getByTestId('ticket-root-cause').click();
    await pick(page, '物流配送');
    await page.getByTestId('ticket-step-submit').click();

    await page.getByTestId('ticket-solution').fill('48 小时内免费更换 4 台损坏设备（顺丰专车送达）；因延误补偿货款 ¥800，抵扣下一笔订单。');
    await page.getByTestId('ticket-compensation').fill(compensation);
    await page.getByTestId('ticket-step-submit').click();

    const banner = page.getByTestId('ticket-approval-banner');
    await banner.waitFor();
    expect(await text(banner)).toContain('该方案需要主管审批：补偿 ¥800.00 超过审批线 ¥500.00');
    expect(await text(banner)).toContain('等待处理人的上级或团队负责人审批');
    // The agent cannot approve their own solution.
    expect(await page.getByTestId('ticket-approve').count()).toBe(0);
    const history = await text(page.getByTestId('complaint-workflow'));
    expect(history).toContain('成立 — 物流签收单注明外包装破损');
    expect(history).toContain('根本原因：物流配送');
    await settled(page);
    await screenshot(page, 'service-ticket-awaiting-approval-zh-CN');
  });

  test('the manager is notified, sees it in the team queue and approves the solution', async () => {
    const { page } = managerSession;
    shown = page;
    await page.goto('/tickets?queue=team');
    const link = page.getByTestId('tickets-table').getByTestId(`ticket-link-${complaintNumber}`);
    await link.waitFor();
    expect(await text(page.getByTestId('tickets-table').locator('tr', { has: page.getByTestId(`ticket-link-${complaintNumber}`) }))).toContain('提出方案');
    // The bell says a compensation waits for them; the notice opens the ticket (and is then read).
    const bell = page.getByTestId('notifications-bell');
    await expect.poll(() => text(bell.locator('.ant-scroll-number'))).toBe('1');
    await bell.click();
    const notice = page.getByTestId('notifications-panel').getByTestId('notification-item').filter({ hasText: complaintNumber });
    expect(await text(notice)).toContain(`工单 ${complaintNumber} 的补偿方案等待您审批`);
    await notice.click();
    await page.waitForURL(`**/tickets/${complaintId}`);
    const banner = page.getByTestId('ticket-approval-banner');
    await banner.waitFor();
    expect(await text(banner)).toContain('请审批');
    await settled(page);
    await screenshot(page, 'service-ticket-approval-manager-zh-CN');
    await page.getByTestId('ticket-approve').click();
    await banner.waitFor({ state: 'detached' });
    await expect.poll(() => text(page.getByTestId('complaint-workflow'))).toContain('方案获批');
    expect(await text(page.getByTestId('complaint-workflow'))).toContain(manager.name);
  });

  test('the agent carries the solution out: the ticket is resolved within its SLA and a return visit is scheduled', async () => {
    const { page } = agentSession;
    await page.reload();
    await expect.poll(() => text(page.getByTestId('ticket-step-form'))).toContain('下一步：落实方案');
    await page.getByTestId('ticket-step-submit').click();
    await expect.poll(() => text(page.getByTestId('ticket-status'))).toBe('已解决');
    await expect.poll(() => page.getByTestId('sla-resolution').getAttribute('data-state')).toBe('achieved');
    const visit = page.getByTestId('ticket-open-visit');
    await visit.waitFor();
    await expect.poll(() => text(page.getByTestId('complaint-workflow'))).toContain(`由 ${agent.name} 负责`);
    await settled(page);
    await screenshot(page, 'service-ticket-carried-out-zh-CN');
  });

  test('the return visit records the rating, and the complaint is closed', async () => {
    const { page } = agentSession;
    await page.getByTestId('ticket-open-visit').click();
    await page.waitForURL(`**/return-visits?ticketId=${complaintId}`);
    const row = page.getByTestId('visits-table').locator('tr', { hasText: complaintNumber });
    await row.waitFor();
    expect(await text(row)).toContain(vip.company);
    expect(await text(row)).toContain('今天');
    await row.getByTestId('visit-complete').click();
    const dialog = page.getByRole('dialog');
    // Let the dialog finish zooming in: a click on a star mid-animation can miss it.
    await dialog.getByTestId('visit-satisfaction').waitFor();
    await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
    await dialog.getByTestId('visit-satisfaction').locator('.ant-rate-star').nth(4).click();
    await expect.poll(() => dialog.locator('.ant-rate-star-full').count()).toBe(5);
    await dialog.getByTestId('visit-recommend').locator('label').filter({ hasText: /^10$/ }).click();
    await dialog.getByTestId('visit-comment').fill('更换的设备已验收，补偿也已确认，处理及时，满意。');
    await screenshot(page, 'service-return-visit-zh-CN');
    await page.getByTestId('visit-save').click();
    await dialog.waitFor({ state: 'detached' });
    // Done: no longer among my scheduled visits; shown with its rating under done.
    await expect.poll(() => row.count()).toBe(0);
    await page.goto(`/return-visits?tab=done&ticketId=${complaintId}`);
    const done = page.getByTestId('visits-table').locator('tr', { hasText: complaintNumber });
    await done.waitFor();
    expect(await text(done)).toContain('已回访');
    expect(await text(done)).toContain('处理及时，满意');

    // The visit recorded the workflow's visited step; closing is the last one.
    await page.goto(`/tickets/${complaintId}`);
    await expect.poll(() => text(page.getByTestId('complaint-workflow'))).toContain('满意度 5/5 · 推荐意愿 10/10');
    expect(await text(page.getByTestId('ticket-step-form'))).toContain('下一步：结案');
    await page.getByTestId('ticket-step-submit').click();
    await expect.poll(() => text(page.getByTestId('ticket-status'))).toBe('已关闭');
    // Closed; the only way on is reopening, should the customer complain about the same matter again.
    await expect.poll(() => text(page.getByTestId('ticket-step-form'))).toContain('客户再次投诉同一事项？重新处理');
    await settled(page);
    await screenshot(page, 'service-ticket-closed-zh-CN');
    await page.getByTestId('complaint-workflow').screenshot({ path: `${screenshotDir}service-ticket-closed-workflow-zh-CN.png` });
  });

  test('the ticket left alone breaches its SLA and is escalated to the manager', async () => {
    const before = await ticketOf(root, inquiryId);
    expect(before.status).toBe('new');
    expect(before.sla.firstResponseDueAt).not.toBeNull();
    // The SLA check as of just after the first-response limit (business time: it may be the next working morning).
    const asOf = new Date(Date.parse(before.sla.firstResponseDueAt!) + 60_000).toISOString();
    let run: { status: string } = { status: 'skipped' };
    for (let i = 0; i < 5 && run.status === 'skipped'; i++) {
      run = await root.request<{ status: string }>('POST', '/jobs/sla-check/run', { asOf });
      if (run.status === 'skipped') await new Promise((r) => setTimeout(r, 500));
    }
    expect(run.status).toBe('succeeded');
    const after = await ticketOf(root, inquiryId);
    expect(after.sla.firstResponse).toBe('breached');
    expect(after.sla.escalatedAt).not.toBeNull();
    // The complaint was answered in time and is closed: untouched by the check.
    expect((await ticketOf(root, complaintId)).sla).toMatchObject({ firstResponse: 'achieved', resolution: 'achieved', escalatedAt: null });

    const { page } = managerSession;
    shown = page;
    await page.goto('/');
    // The bell: the escalation notice, unread.
    const bell = page.getByTestId('notifications-bell');
    await expect.poll(() => text(bell.locator('.ant-scroll-number'))).toBe('1');
    await bell.click();
    const notice = page.getByTestId('notifications-panel').getByTestId('notification-item').filter({ hasText: inquiryNumber });
    await notice.waitFor();
    expect(await text(notice)).toContain(`工单 ${inquiryNumber} 首次响应超时：${inquiry.subject}`);
    await page.waitForTimeout(300);
    await screenshot(page, 'service-escalation-bell-zh-CN');
    // Opening it goes to the ticket.
    await notice.click();
    await page.waitForURL(`**/tickets/${inquiryId}`);
    await expect.poll(() => page.getByTestId('sla-first-response').getAttribute('data-state')).toBe('overdue');
    expect(await text(page.getByTestId('ticket-sla-panel'))).toContain('已升级');

    // The breached queue.
    await page.goto('/tickets?queue=breached');
    const link = page.getByTestId('tickets-table').getByTestId(`ticket-link-${inquiryNumber}`);
    await link.waitFor();
    const row = page.getByTestId('tickets-table').locator('tr', { has: page.getByTestId(`ticket-link-${inquiryNumber}`) });
    expect(await row.getByTestId('ticket-sla').getAttribute('data-state')).toBe('overdue');
    // The first response is what it is late on (it was never answered), not the resolution still running.
    expect(await text(row.getByTestId('ticket-sla'))).toMatch(/^响应 超时/);
    expect(await text(row)).toContain(ordinary.company);
    expect(await page.getByTestId('tickets-table').getByTestId(`ticket-link-${complaintNumber}`).count()).toBe(0);
    await settled(page);
    await screenshot(page, 'service-queue-breached-zh-CN');

    // And the escalation task on the manager's list.
    await page.goto('/tasks');
    const task = page.getByTestId('tasks-table').locator('tr', { hasText: inquiryNumber });
    await task.waitFor();
    expect(await text(task)).toContain('SLA 首次响应超时');
    expect(await text(task.getByTestId('task-kind'))).toBe('SLA 升级');
    expect(await text(task)).toContain('The ticket missed its first response limit');
    await settled(page);
    await screenshot(page, 'service-escalation-task-zh-CN');
  });

  test("the manager's service report moved", async () => {
    const { page } = managerSession;
    shown = page;
    const after = await readKpis(page);
    for (const k of kpiKeys) expect(after[k], k).not.toBe(kpisBefore[k]);
    // Two tickets, one complaint; the complaint resolved (50 %); its visit gave 5/5 and a promoter (NPS 100);
    // first response: the complaint's achieved and the question's breached (50 %), resolution 1 of 1.
    expect(after.tickets).toContain('2');
    expect(after.complaints).toContain('1 起投诉');
    expect(after.resolutionRate).toContain('50.0%');
    expect(after.sla).toContain('100.0%');
    expect(after.sla).toContain('首次响应达成率 50.0%');
    expect(after.csat).toContain('5.00 / 5');
    expect(after.nps).toContain('100');
    await settled(page);
    await screenshot(page, 'service-reports-zh-CN');
    await managerSession.context.close();
  });

  test('in English: the queue and the ticket page', async () => {
    const { page, context } = agentSession;
    await switchLanguage(page, 'en');
    await page.goto('/tickets?queue=all');
    await page.getByTestId('tickets-table').getByTestId(`ticket-link-${complaintNumber}`).waitFor();
    await expect.poll(() => text(page.getByTestId('tickets-queue-breached'))).toContain('Breached');
    await settled(page);
    await screenshot(page, 'service-queue-en');
    await page.goto(`/tickets/${complaintId}`);
    await expect.poll(() => text(page.getByTestId('complaint-workflow'))).toContain('Satisfaction 5/5');
    await settled(page);
    await screenshot(page, 'service-ticket-en');
    await page.getByTestId('complaint-workflow').screenshot({ path: `${screenshotDir}service-ticket-workflow-en.png` });
    await switchLanguage(page, 'zh-CN');
    await context.close();
  });
});
