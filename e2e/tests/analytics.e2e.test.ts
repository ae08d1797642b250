// The analytical CRM in the product, issue #7's "done when", on the demo company: the administrator
// lowers the churn-warning threshold on the settings page and runs a full scoring refresh from the
// runs page (the real pipeline over the demo's orders), opens every dashboard — each chart drawn
// from the API's numbers, a region and an owner filter changing what is shown — and a customer's
// analysis card, in zh-CN and en; then a rep finds the churn warning the refresh raised as a task
// with its reasons, completes it, and their manager sees the warning closed. The demo is loaded by
// `guanxi demo` into a server of this file's own (support/demo-server.ts). Screenshots go to
// e2e/screenshots/analytics-*.png.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launch, login, newPage, screenshotDir, switchLanguage } from '../support/browser.js';
import { apiLogin, type ApiSession } from '../support/api.js';
import { startDemoServer, type DemoServer } from '../support/demo-server.js';

// The demo's accounts (apps/server/src/demo/load-demo.ts) and their shared password.
const DEMO_PASSWORD = 'Guanxi-Demo-2025';
const boss = 'wang.jianguo@guanxi-demo.cn';
// A small company keeps the run short; the path is the one `guanxi demo` always takes.
const demoCustomers = Number(process.env.E2E_DEMO_CUSTOMERS ?? 500);
const timezoneId = 'Asia/Shanghai';
const wide = { width: 1440, height: 900 };
const langs = [
  ['zh-CN', 'zh-CN'],
  ['en', 'en-US'],
] as const;

interface Run { id: number; status: 'running' | 'succeeded' | 'failed'; error: string | null }
interface ClassRow { key: string; customers: number; value: string }
interface Pareto { runId: number | null; customers: number; top20Share: number | null; abc: ClassRow[]; missing: string[] }
interface Rfm { runId: number | null; cells: Array<{ r: number; f: number; customers: number }>; segments: Array<{ segment: string; customers: number }> }
interface ValueMatrix { quadrants: ClassRow[] }
interface Clv { customers: number; top: Array<{ customerId: number; name: string; ownerName: string | null; clv: string }>; bySegment: unknown[]; byCohort: unknown[]; modelCheck: unknown }
interface Lifecycle { stages: Array<{ stage: string; customers: number }>; flows: Array<{ from: string | null; to: string | null; customers: number }> }
interface Loyalty { reinartzKumar: ClassRow[]; dickBasu: ClassRow[]; missing: string[] }
interface Cohorts { cohorts: Array<{ cohort: string; customers: number }> }
interface Warning { id: number; kind: 'churn' | 'overdue'; customerId: number; customerName: string | null; ownerId: number | null; ownerName: string | null; reasons: Record<string, unknown>; task: { id: number; title: string; done: boolean } | null }
interface OpenWarnings { data: Warning[]; total: { churn: number } }
interface Analysis { scored: boolean; runId: number; scores: { rfmSegment: string | null; rfmR: number | null; rfmF: number | null; rfmM: number | null; clv: string | null; churnLevel: string | null }; reasons: { rfm?: { recencyDays: number; frequency: number } } }
interface UserRow { id: number; email: string; name: string; roleId: number; managerId: number | null }

let demo: DemoServer;
let browser: Browser;
let admin: ApiSession;
let adminPage: { context: BrowserContext; page: Page };
let runId = 0;
let users: UserRow[] = [];
let salesRoleId = 0;

beforeAll(async () => {
  demo = await startDemoServer(demoCustomers);
  browser = await launch();
  admin = await apiLogin(boss, DEMO_PASSWORD, demo.baseURL);
  users = (await admin.request<{ data: UserRow[] }>('GET', '/users?limit=100')).data;
  const roles = await admin.request<{ data: Array<{ id: number; key: string }> }>('GET', '/roles?limit=100');
  salesRoleId = roles.data.find((r) => r.key === 'sales')!.id;
});

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

const text = async (l: Locator) => ((await l.textContent()) ?? '').trim();
/** ¥1,234.50 as the web app's formatMoney writes it. */
const money = (v: string) => `¥${Number(v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

async function open(locale: 'zh-CN' | 'en-US' = 'zh-CN'): Promise<{ context: BrowserContext; page: Page }> {
  return newPage(browser, { locale, viewport: wide, timezoneId, baseURL: demo.baseURL });
}

/** Waits until nothing is loading and toasts are gone, so screenshots show settled pages. */
async function settled(page: Page): Promise<void> {
  await page.locator('.ant-spin-spinning, .ant-skeleton, .ant-card-loading-content').first().waitFor({ state: 'detached' }).catch(() => undefined);
  await page.locator('.ant-message-notice').first().waitFor({ state: 'detached', timeout: 5_000 }).catch(() => undefined);
}

/**
 * The charts of these cards have drawn something and their entry animations have ended: each
 * canvas holds coloured pixels and their counts stay the same over three looks 120 ms apart.
 */
async function chartsDrawn(page: Page, ...testIds: string[]): Promise<void> {
  const cards = testIds.map((id) => page.getByTestId(id));
  for (const card of cards) await card.locator('canvas').first().waitFor();
  const inked = () =>
    Promise.all(
      cards.map((card) =>
        card.locator('canvas').first().evaluate((c: HTMLCanvasElement) => {
          const d = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          if (d) for (let i = 0; i < d.length; i += 4) if (d[i + 3]! > 0 && (d[i]! < 235 || d[i + 1]! < 235 || d[i + 2]! < 235)) n++;
          return n;
        }),
      ),
    );
  const seen: string[] = [];
  await expect
    .poll(
      async () => {
        const now = await inked();
        seen.push(now.join());
        const last = seen.slice(-3);
        return now.every((n) => n > 500) && last.length === 3 && last.every((v) => v === last[0]);
      },
      { timeout: 10_000, interval: 120 },
    )
    .toBe(true);
  for (const card of cards) expect(await card.locator('.ant-empty').count()).toBe(0);
}

/** The CSV a chart card saves (its "save as CSV" button), as rows of cells. */
async function csvOf(page: Page, card: Locator): Promise<string[][]> {
  const download = page.waitForEvent('download');
  await card.locator('[data-testid$="-csv"]').click();
  const file = await (await download).path();
  const body = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  return body
    .split(/\r?\n/)
    .filter((l) => l.length)
    .map((l) => l.split(',').map((c) => c.replace(/^"|"$/g, '')));
}

/** Runs `take` with the window as tall as the page, so nothing scrolls (the side menu and the sticky header stay where they belong). */
async function fullHeight(page: Page, take: () => Promise<unknown>): Promise<void> {
  await settled(page);
  await page.mouse.move(0, 0);
  // Tooltips left by the last click fade out first.
  await expect.poll(() => page.locator('.ant-tooltip:not(.ant-tooltip-hidden)').filter({ visible: true }).count()).toBe(0);
  await page.evaluate(async () => {
    await document.fonts.ready;
    window.scrollTo(0, 0);
  });
  // A taller window can lay the page out taller again (tables, charts): grow it until it fits.
  for (let i = 0, height = 0; i < 4; i++) {
    const needed = Math.max(wide.height, await page.evaluate(() => document.documentElement.scrollHeight));
    if (needed === height) break;
    height = needed;
    await page.setViewportSize({ width: wide.width, height });
  }
  // The active tab's ink bar slides there; wait until it sits under the tab.
  await expect
    .poll(() =>
      page.evaluate(() =>
        Array.from(document.querySelectorAll('.ant-tabs-nav')).every((nav) => {
          const tab = nav.querySelector('.ant-tabs-tab-active')?.getBoundingClientRect();
          const bar = nav.querySelector('.ant-tabs-ink-bar')?.getBoundingClientRect();
          return !tab || !bar || Math.abs(tab.left + tab.width / 2 - (bar.left + bar.width / 2)) < 2;
        }),
      ),
    )
    .toBe(true);
  try {
    await take();
  } finally {
    await page.setViewportSize(wide);
  }
}

/** The whole page (the dashboards run below a laptop's fold). */
async function shot(page: Page, name: string): Promise<void> {
  await fullHeight(page, () => page.screenshot({ path: `${screenshotDir}analytics-${name}.png` }));
}

async function openTab(page: Page, label: RegExp): Promise<void> {
  await page.getByTestId('analytics-tabs').getByRole('tab', { name: label }).click();
  await settled(page);
}

/** Picks an option from the open antd Select dropdown and waits until the dropdown has closed. */
async function pick(page: Page, option: string): Promise<void> {
  const shown = () => page.locator('.ant-select-dropdown').filter({ visible: true });
  await shown().locator('.ant-select-item-option').filter({ hasText: option }).first().click();
  await expect.poll(() => shown().count()).toBe(0);
}

// Steps of one story take 5–30 s each on a busy machine; the demo load is in beforeAll.
describe('analytics on the demo company', { timeout: 90_000 }, () => {
  let broken = false;
  beforeEach(({ skip, onTestFailed, task }) => {
    if (broken) skip();
    onTestFailed(async () => {
      broken = true;
      if (adminPage && !adminPage.page.isClosed()) await adminPage.page.screenshot({ path: `${screenshotDir}analytics-failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}.png` }).catch(() => undefined);
    });
  });

  test('before any run the dashboards say scores are missing and the customer card says not analysed yet', async () => {
    adminPage = await open();
    const { page } = adminPage;
    await login(page, boss, DEMO_PASSWORD);
    await switchLanguage(page, 'zh-CN');
    await page.goto('/analytics');
    await page.getByTestId('analytics-missing-metrics').waitFor();
    expect(await text(page.getByTestId('analytics-basis'))).toBe('尚未进行分析刷新');
    await page.getByTestId('chart-pareto').locator('.ant-empty').waitFor();
    await shot(page, 'empty-zh-CN');
  });

  test('the administrator lowers the churn-warning threshold on the settings page', async () => {
    const { page } = adminPage;
    await page.goto('/settings/analytics');
    const section = page.getByTestId('settings-section-warnings');
    await section.waitFor();
    // From "high risk, VIP and important customers" to "medium risk and above, every tier".
    await section.getByTestId('setting-warnings_churnLevel').getByText('中风险及以上').click();
    await section.getByTestId('setting-warnings_churnTiers').getByText('普通型').click();
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/analytics-settings') && r.request().method() === 'PUT');
    await page.getByTestId('analytics-settings-save').click();
    expect((await saved).status()).toBe(200);
    await page.getByText('分析设置已保存，下次评分运行时生效').waitFor();
    const settings = await admin.request<{ settings: { warnings: { churnLevel: string; churnTiers: string[] } } }>('GET', '/analytics-settings');
    expect(settings.settings.warnings.churnLevel).toBe('medium');
    expect([...settings.settings.warnings.churnTiers].sort()).toEqual(['important', 'ordinary', 'vip']);
    await section.scrollIntoViewIfNeeded();
    await settled(page);
    await page.screenshot({ path: `${screenshotDir}analytics-settings-warnings-zh-CN.png` });
  });

  test('a full refresh started on the runs page shows its progress and finishes', async () => {
    const { page } = adminPage;
    await page.goto('/settings/analytics-runs');
    await page.getByTestId('runs-table').waitFor();
    const started = page.waitForResponse((r) => r.url().endsWith('/api/v1/analytics/refresh') && r.request().method() === 'POST');
    await page.getByTestId('refresh-full').click();
    const response = await started;
    expect(response.status()).toBe(202);
    runId = ((await response.json()) as Run).id;
    // The run's card with its progress bar while it runs; then its row, succeeded.
    const row = page.getByTestId(`run-row-${runId}`);
    const progress = page.getByTestId(`run-progress-${runId}`);
    await progress.or(row.getByText('成功')).first().waitFor();
    if (await progress.isVisible()) await page.screenshot({ path: `${screenshotDir}analytics-run-progress-zh-CN.png` });
    await row.getByText('成功').waitFor({ timeout: 60_000 });
    await page.getByTestId('active-run').waitFor({ state: 'detached' });
    const run = await admin.request<Run>('GET', `/analytics/runs/${runId}`);
    expect(run).toMatchObject({ status: 'succeeded', error: null });
    expect(await text(row)).toContain('全量');
    await shot(page, 'runs-zh-CN');
    // The drawer: the fitted models and the counts of the run.
    await row.click();
    const drawer = page.getByTestId('run-drawer');
    await drawer.locator('[data-testid^="run-fit-"]').first().waitFor();
    // Slid in all the way (no transform left from the opening motion).
    await expect.poll(() => page.locator('.ant-drawer-content-wrapper').first().evaluate((e) => getComputedStyle(e).transform)).toBe('none');
    await settled(page);
    await page.screenshot({ path: `${screenshotDir}analytics-run-detail-zh-CN.png` });
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
  });

  test('every dashboard draws the numbers of the API, in zh-CN and en', async () => {
    const { page } = adminPage;
    const get = <T,>(path: string) => admin.request<T>('GET', `/analytics/${path}`);
    const [pareto, rfm, matrix, clv, lifecycle, loyalty, cohorts] = await Promise.all([
      get<Pareto>('pareto'),
      get<Rfm>('rfm'),
      get<ValueMatrix>('value-matrix'),
      get<Clv>('clv'),
      get<Lifecycle>('lifecycle'),
      get<Loyalty>('loyalty'),
      get<Cohorts>('cohorts'),
    ]);
    expect(pareto.runId).toBe(runId);
    expect(pareto.customers).toBeGreaterThan(20);

    for (const [lang] of langs) {
      const zh = lang === 'zh-CN';
      await switchLanguage(page, lang);
      await page.goto('/analytics');
      await expect.poll(() => text(page.getByTestId('analytics-basis'))).toContain(String(runId));

      // Pareto and ABC: the top-20% share and the class table are the API's.
      await openTab(page, zh ? /帕累托/ : /Pareto/);
      await chartsDrawn(page, 'chart-pareto', 'chart-abc');
      expect(await text(page.getByTestId('pareto-top20'))).toContain(pct(pareto.top20Share));
      const abcRows = page.getByTestId('chart-abc').locator('tbody tr');
      await expect.poll(() => abcRows.count()).toBe(pareto.abc.length);
      for (const [i, c] of pareto.abc.entries()) {
        const cells = await abcRows.nth(i).locator('td').allTextContents();
        expect(cells[1]).toBe(String(c.customers));
        expect(cells[2]).toBe(money(c.value));
      }
      await shot(page, `pareto-${lang}`);

      // RFM: the heat map and the segment sizes, checked through the CSV each chart saves.
      await openTab(page, /RFM/);
      await chartsDrawn(page, 'chart-rfm', 'chart-segments');
      const heat = await csvOf(page, page.getByTestId('chart-rfm'));
      expect(heat.slice(1).map((r) => r.slice(0, 3).map(Number))).toEqual(rfm.cells.map((c) => [c.r, c.f, c.customers]));
      const segments = await csvOf(page, page.getByTestId('chart-segments'));
      expect(segments.slice(1).map((r) => Number(r[1]))).toEqual(rfm.segments.map((s) => s.customers));
      await shot(page, `rfm-${lang}`);

      await openTab(page, zh ? /价值矩阵/ : /Value matrix/);
      await chartsDrawn(page, 'chart-value-matrix');
      const quadrants = await csvOf(page, page.getByTestId('chart-value-matrix'));
      expect(quadrants.slice(1).map((r) => Number(r[1]))).toEqual(matrix.quadrants.map((q) => q.customers));
      await shot(page, `value-matrix-${lang}`);

      // CLV: the distribution, the top customers by name and amount, by segment and by cohort.
      await openTab(page, zh ? /客户终身价值/ : /lifetime value|CLV/i);
      await chartsDrawn(page, 'chart-clv-histogram', ...(clv.bySegment.length ? ['chart-clv-segment'] : []), ...(clv.byCohort.length ? ['chart-clv-cohort'] : []), ...(clv.modelCheck ? ['chart-clv-check'] : []));
      const top = page.getByTestId('table-clv-top').locator('tbody tr');
      expect(await text(top.first())).toContain(clv.top[0]!.name);
      expect(await text(top.first())).toContain(money(clv.top[0]!.clv));
      await shot(page, `clv-${lang}`);

      await openTab(page, zh ? /生命周期/ : /Lifecycle/);
      await chartsDrawn(page, 'chart-lifecycle', ...(lifecycle.flows.some((f) => f.to !== null) ? ['chart-lifecycle-flows'] : []));
      const stages = await csvOf(page, page.getByTestId('chart-lifecycle'));
      expect(stages.slice(1).map((r) => Number(r[1]))).toEqual(lifecycle.stages.map((s) => s.customers));
      await shot(page, `lifecycle-${lang}`);

      // Loyalty: Reinartz & Kumar from the orders; Dick & Basu needs attitude data the demo may lack, and then says so.
      await openTab(page, zh ? /忠诚/ : /Loyalty/);
      if (loyalty.reinartzKumar.length) {
        await chartsDrawn(page, 'chart-loyalty-rk');
        const rk = await csvOf(page, page.getByTestId('chart-loyalty-rk'));
        expect(rk.slice(1).map((r) => Number(r[1]))).toEqual(loyalty.reinartzKumar.map((c) => c.customers));
      } else expect(await text(page.getByTestId('chart-loyalty-rk').locator('.ant-empty'))).not.toBe('');
      if (loyalty.dickBasu.length) await chartsDrawn(page, 'chart-loyalty-db');
      else expect(await text(page.getByTestId('chart-loyalty-db').locator('.ant-empty-description'))).toMatch(zh ? /满意度|态度/ : /survey|attitude/i);
      await shot(page, `loyalty-${lang}`);

      await openTab(page, zh ? /同期群/ : /Cohort/);
      await chartsDrawn(page, 'chart-cohorts');
      const retention = await csvOf(page, page.getByTestId('chart-cohorts'));
      expect(retention.slice(1).map((r) => [r[0], Number(r[1])])).toEqual(cohorts.cohorts.map((c) => [c.cohort, c.customers]));
      await shot(page, `cohorts-${lang}`);
    }
    await switchLanguage(page, 'zh-CN');
  });

  test('a region filter and an owner filter change what the dashboards show', async () => {
    const { page } = adminPage;
    await page.goto('/analytics');
    await chartsDrawn(page, 'chart-pareto');
    // The province of the most valuable customer: the filtered numbers are that province's.
    const best = (await admin.request<{ data: Array<{ province: string | null }> }>('GET', '/customers?sort=-clv&limit=1')).data[0]!;
    expect(best.province).toBeTruthy();
    const all = await admin.request<Pareto>('GET', '/analytics/pareto');
    const region = await admin.request<Pareto>('GET', `/analytics/pareto?filter[province]=${encodeURIComponent(best.province!)}`);
    expect(region.customers).toBeLessThan(all.customers);
    const customersStat = page.locator('.ant-statistic').filter({ hasText: '有购买的客户' }).first();
    await expect.poll(() => text(customersStat.locator('.ant-statistic-content'))).toBe(String(all.customers));
    const filtered = page.waitForResponse((r) => r.url().includes('/api/v1/analytics/pareto') && r.url().includes('filter%5Bprovince%5D'));
    await page.getByTestId('analytics-filter-province').fill(best.province!);
    await page.getByTestId('analytics-filter-province').press('Enter');
    await filtered;
    await expect.poll(() => text(customersStat.locator('.ant-statistic-content'))).toBe(String(region.customers));
    expect(await text(page.getByTestId('pareto-top20'))).toContain(pct(region.top20Share));
    await chartsDrawn(page, 'chart-pareto');
    await shot(page, 'pareto-province-zh-CN');
    await page.getByTestId('analytics-filters').getByRole('button', { name: /重\s*置/ }).click();
    await expect.poll(() => text(customersStat.locator('.ant-statistic-content'))).toBe(String(all.customers));

    // One rep's customers: the top-CLV table lists only theirs.
    const clv = await admin.request<Clv>('GET', '/analytics/clv');
    const ownerName = clv.top.find((c) => c.ownerName)!.ownerName!;
    await openTab(page, /客户终身价值/);
    await page.getByTestId('analytics-filter-owner').click();
    await page.keyboard.type(ownerName);
    await pick(page, ownerName);
    const top = page.getByTestId('table-clv-top').locator('tbody tr');
    await expect.poll(async () => [...new Set((await top.locator('td:nth-child(2)').allTextContents()).map((s) => s.trim()))]).toEqual([ownerName]);
    await chartsDrawn(page, 'chart-clv-histogram');
    await shot(page, 'clv-owner-zh-CN');
    await page.getByTestId('analytics-filters').getByRole('button', { name: /重\s*置/ }).click();
  });

  test("a customer's analysis card shows each score with its meaning and its reason, in zh-CN and en", async () => {
    const { page } = adminPage;
    const best = (await admin.request<{ data: Array<{ id: number; name: string }> }>('GET', '/customers?sort=-clv&limit=1')).data[0]!;
    const a = await admin.request<Analysis>('GET', `/customers/${best.id}/analysis`);
    expect(a.scored).toBe(true);
    expect(a.runId).toBe(runId);
    const rfm = a.reasons.rfm!;
    for (const [lang] of langs) {
      const zh = lang === 'zh-CN';
      await switchLanguage(page, lang);
      await page.goto(`/customers/${best.id}`);
      const card = page.getByTestId('analysis-card');
      const rfmRow = card.getByTestId('score-rfm');
      await rfmRow.waitFor();
      expect(await text(rfmRow)).toContain(`R${a.scores.rfmR} F${a.scores.rfmF} M${a.scores.rfmM}`);
      // The reason: the inputs behind the score, as stored by the run.
      const n = (v: number) => v.toLocaleString('en-US');
      expect(await text(rfmRow)).toContain(zh ? `最近一次购买在 ${n(rfm.recencyDays)} 天前，共购买 ${n(rfm.frequency)} 次` : `Last purchase ${n(rfm.recencyDays)} days ago, ${n(rfm.frequency)} purchases`);
      expect(await text(card.getByTestId('score-clv'))).toContain(money(a.scores.clv!));
      // Every score shown says what it means and why (a meaning paragraph and a "why" line).
      const rows = card.locator('.gx-score-row');
      expect(await rows.count()).toBeGreaterThanOrEqual(6);
      for (const row of await rows.all()) {
        expect(await text(row)).toContain(zh ? '依据' : 'Why');
        expect(await row.locator('div.ant-typography').count()).toBeGreaterThanOrEqual(2);
      }
      await card.getByTestId('analysis-action').waitFor();
      await fullHeight(page, () => card.screenshot({ path: `${screenshotDir}analytics-customer-card-${lang}.png` }));
    }
    await switchLanguage(page, 'zh-CN');
  });

  test('a churn warning became a task for the owner; completing it closes the warning, as the manager sees', async () => {
    const open0 = await admin.request<OpenWarnings>('GET', '/analytics/warnings?filter[kind]=churn&limit=500');
    expect(open0.total.churn).toBeGreaterThan(0);
    // A rep's warning whose customer is on the first page of that rep's churn list, where the manager will look for it.
    const reps = users.filter((u) => u.roleId === salesRoleId);
    let picked: { warning: Warning; rep: UserRow } | undefined;
    for (const rep of reps) {
      const list = await admin.request<{ rows: Array<{ customerId: number; warningOpen: boolean }> }>('GET', `/analytics/early-warnings?kind=churn&filter[ownerId]=${rep.id}`);
      const first = list.rows.slice(0, 20).find((r) => r.warningOpen);
      const warning = first && open0.data.find((w) => w.customerId === first.customerId && w.task && !w.task.done);
      if (warning) {
        picked = { warning, rep };
        break;
      }
    }
    expect(picked, 'an open churn warning of a sales rep').toBeDefined();
    const { warning, rep } = picked!;
    const manager = users.find((u) => u.id === rep.managerId)!;
    const customerName = warning.customerName!;
    const repOpenBefore = open0.data.filter((w) => w.ownerId === rep.id).length;

    // The rep: the task is in their list, with the reasons and the playbook.
    const repPage = await open();
    const { page } = repPage;
    await login(page, rep.email, DEMO_PASSWORD);
    await switchLanguage(page, 'zh-CN');
    await page.goto(`/tasks?kind=churn_warning&q=${encodeURIComponent(customerName)}`);
    const row = page.getByTestId('tasks-table').locator('tr', { has: page.getByTestId('task-title-cell').filter({ hasText: customerName }) });
    await row.waitFor();
    expect(await text(row.getByTestId('task-title-cell'))).toBe(`流失预警：${customerName}`);
    expect(await text(row.getByTestId('task-kind'))).toBe('流失预警');
    const notes = await text(row);
    expect(notes).toMatch(/流失风险[高中]（评分 \d+\/100）/);
    expect(notes).toContain('流失信号：');
    expect(notes).toContain('挽回策略——');
    // The notes in full, as the rep reads them on hover.
    await row.locator('.ant-typography-ellipsis').hover();
    const tip = page.locator('.ant-tooltip').filter({ visible: true });
    await expect.poll(() => text(tip)).toContain('挽回策略');
    await page.screenshot({ path: `${screenshotDir}analytics-churn-task-rep-zh-CN.png` });
    await page.mouse.move(0, 0);
    const done = page.waitForResponse((r) => r.url().endsWith(`/api/v1/tasks/${warning.task!.id}`) && r.request().method() === 'PATCH');
    await row.getByTestId('task-done').click();
    expect((await done).status()).toBe(200);
    await row.waitFor({ state: 'detached' });
    await repPage.context.close();

    const open1 = await admin.request<OpenWarnings>('GET', '/analytics/warnings?filter[kind]=churn&limit=500');
    expect(open1.data.some((w) => w.id === warning.id)).toBe(false);
    expect(open1.total.churn).toBe(open0.total.churn - 1);

    // The manager: the rep's open churn warnings one fewer, and the churn list no longer marks the customer.
    for (const [lang, locale] of langs) {
      const zh = lang === 'zh-CN';
      const m = await open(locale);
      await login(m.page, manager.email, DEMO_PASSWORD);
      await switchLanguage(m.page, lang);
      await m.page.goto('/early-warnings');
      const ownerRow = m.page.getByTestId('warnings-by-owner').locator('tr.ant-table-row', { hasText: rep.name });
      await ownerRow.waitFor();
      expect((await ownerRow.locator('td').allTextContents())[1]).toBe(String(repOpenBefore - 1));
      await m.page.getByTestId('warnings-open-table').locator('tr.ant-table-row').first().waitFor();
      await shot(m.page, `early-warnings-${lang}`);
      // Drill into the rep: every list shows theirs only.
      await ownerRow.getByText(rep.name).click();
      await m.page.getByTestId('warnings-tabs').getByRole('tab', { name: zh ? '客户流失预警' : /Churn/ }).click();
      const churnRow = m.page.getByTestId('warnings-churn-table').locator('tr.ant-table-row', { hasText: customerName });
      await churnRow.waitFor();
      expect(await text(churnRow)).not.toContain(zh ? '已生成任务' : 'Task created');
      await shot(m.page, `early-warnings-churn-${lang}`);
      await m.context.close();
    }
  });
});
