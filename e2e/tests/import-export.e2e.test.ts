// Import, export and data quality in the browser, the "done when": a GBK-encoded CSV with
// Chinese headers (as Excel on a Chinese Windows saves it), with bad rows and rows duplicating
// existing customers, goes through the import wizard; the failed rows are downloaded, fixed in the
// file and imported again; a duplicate pair found by the duplicates scan is compared and merged
// (undone, merged again); and the filtered customer list is exported. Data is set up through the
// API (the customers the file duplicates, two duplicate pairs); the flow itself goes through the
// UI. Screenshots go to e2e/screenshots/.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { readXlsx } from '../../apps/server/src/tabular/xlsx.js';
import { admin, launch, login, newPage, screenshot, switchLanguage } from '../support/browser.js';
import { apiLogin, type ApiSession } from '../support/api.js';
import { encodeGbk } from '../support/gbk.js';

const stamp = Date.now().toString(36);
// Mobile numbers unique to this run (13 + two digits + seven from the clock), so no customer of
// another test file, or of an earlier run against the same server, matches them.
const clock = String(Date.now() % 10_000_000).padStart(7, '0');
const mobile = (i: number) => `13${String(i).padStart(2, '0')}${clock}`;
const spaced = (m: string) => `${m.slice(0, 3)} ${m.slice(3, 7)} ${m.slice(7)}`;

// The customers two rows of the file duplicate: one by its mobile (written "+86 135-…" in the
// file), one by its email (in capitals in the file).
const existingByMobile = { name: '台州椒江汽车配件有限公司', mobile: mobile(50), province: '浙江省', city: '台州市' };
const existingByEmail = { name: '上海浦江国际物流有限公司', email: `logistics.${stamp}@pujiang-intl.com`, province: '上海市', city: '上海市' };
// Two pairs for the duplicates page: the same number as one record's mobile and the other's
// landline field in international format (merged in the test), and one email in two cases (left open).
const pairA = { name: '温州瓯江阀门有限公司', mobile: mobile(70), province: '浙江省', city: '温州市', industry: '阀门制造', address: '温州市龙湾区永中街道阀门工业园 8 号' };
const pairB = { name: '瓯江阀门（温州）有限公司', phone: `+86 ${spaced(mobile(70))}`, province: '浙江省', city: '温州市', industry: '通用设备制造', address: '温州市龙湾区蒲州街道上江路 198 号', source: '展会' };
const pairC = { name: '成都锦城酒业有限公司', email: `sales.${stamp}@jincheng-jiuye.cn`, province: '四川省', city: '成都市' };
const pairD = { name: '锦城酒业（成都）', email: `SALES.${stamp}@JinCheng-JiuYe.cn`, province: '四川省', city: '成都市', industry: '酒类批发' };

// The file: Chinese headers, 20 rows — 15 good, 3 bad (an invalid mobile, an invalid email, no
// name) and 2 duplicating the customers above.
const header = ['客户名称', '手机', '邮箱', '省份', '城市', '行业', '联系人', '联系人手机', '备注'];
const hostileName = "=cmd|' /C calc'!A0";
const rows: string[][] = [
  ['宁波甬江智能装备有限公司', mobile(51), 'purchase@yongjiang-zn.com', '浙江省', '宁波市', '机械制造', '陈建国', mobile(81), '2025 年展会名录'],
  ['嘉兴南湖电子科技有限公司', mobile(52), '', '浙江省', '嘉兴市', '电子制造', '沈丽', '', ''],
  ['绍兴柯桥纺织印染有限公司', '', 'info@keqiao-textile.cn', '浙江省', '绍兴市', '纺织', '', '', '老客户转介绍'],
  ['厦门鹭江海运代理有限公司', '1381234567', '', '福建省', '厦门市', '物流运输', '黄志强', '', ''], // bad: a mobile one digit short
  ['苏州星海生物医药有限公司', mobile(53), '', '江苏省', '苏州市', '医药', '吴敏', mobile(82), ''],
  ['台州椒江汽配有限公司', `+86 ${mobile(50).slice(0, 3)}-${mobile(50).slice(3, 7)}-${mobile(50).slice(7)}`, '', '浙江省', '台州市', '汽车配件', '', '', ''], // duplicate: mobile
  ['南京秦淮文化传媒有限公司', '', '', '江苏省', '南京市', '文化传媒', '', '', ''],
  [hostileName, mobile(54), '', '浙江省', '湖州市', '', '', '', '单元格以等号开头'],
  ['合肥巢湖新能源科技有限公司', mobile(55), '', '安徽省', '合肥市', '新能源', '', '', ''],
  ['无锡太湖精密铸造有限公司', '', 'sales.taihu-casting.com', '江苏省', '无锡市', '机械制造', '钱伟', '', ''], // bad: no @ in the email
  ['福州闽江茶叶贸易有限公司', mobile(56), '', '福建省', '福州市', '批发零售', '', '', ''],
  ['广州天河跨境电商有限公司', mobile(57), 'bd@tianhe-ec.com', '广东省', '广州市', '电子商务', '', '', ''],
  ['上海浦江物流', '', existingByEmail.email.toUpperCase(), '上海市', '上海市', '物流运输', '', '', ''], // duplicate: email in capitals
  ['东莞松山湖模具制造有限公司', mobile(58), '', '广东省', '东莞市', '模具', '', '', ''],
  ['', mobile(59), '', '浙江省', '杭州市', '互联网', '周杰', mobile(83), '名称漏填'], // bad: no name
  ['长沙岳麓教育咨询有限公司', '', '', '湖南省', '长沙市', '教育培训', '', '', ''],
  ['郑州中原冷链物流有限公司', mobile(60), '', '河南省', '郑州市', '物流运输', '', '', ''],
  ['王秀英', mobile(61), '', '浙江省', '温州市', '', '', '', '个人客户'],
  ['李国华', mobile(62), 'liguohua@163.com', '山东省', '济南市', '', '', '', ''],
  ['昆明滇池花卉有限公司', mobile(63), '', '云南省', '昆明市', '农业', '', '', ''],
];
// The file's line of each bad row: the header is line 1.
const badLine = (name: string) => rows.findIndex((r) => r[0] === name) + 2;
const badRows = { mobile: badLine('厦门鹭江海运代理有限公司'), email: badLine('无锡太湖精密铸造有限公司'), name: rows.findIndex((r) => r[0] === '') + 2 };
const fixedName = '杭州钱塘数字科技有限公司';
const mappingName = `客户名录（${stamp}）`;

/** Cells as a CSV line: quoted only when needed, as Excel writes them. */
const csvLine = (cells: string[]) => cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');

/** RFC 4180 CSV (quotes, doubled quotes, CRLF) into rows of cells; a leading BOM is dropped. */
function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && s[i + 1] === '\n') i++;
      row.push(cell);
      out.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    out.push(row);
  }
  return out;
}

let browser: Browser;
let root: ApiSession;
let session: { context: BrowserContext; page: Page };
let dir = '';
let gbkFile = '';
let fixedFile = '';
const ids: Record<string, number> = {};

beforeAll(async () => {
  browser = await launch();
  root = await apiLogin(admin.email, admin.password);
  const create = async (body: Record<string, unknown>) =>
    (await root.request<{ id: number }>('POST', '/customers', { kind: 'organization', relationshipType: 'business', ...body })).id;
  await create(existingByMobile);
  await create(existingByEmail);
  ids.a = await create(pairA);
  ids.b = await create(pairB);
  // B has a follow-up, which the merge moves to the survivor and the undo moves back.
  await root.request('POST', '/follow-ups', { customerId: ids.b, channel: 'visit', summary: '展会后上门拜访，对方计划下季度更换阀门供应商。' });
  ids.c = await create(pairC);
  ids.d = await create(pairD);

  dir = mkdtempSync(join(tmpdir(), 'guanxi-e2e-import-'));
  gbkFile = join(dir, '客户名录-GBK.csv');
  // Excel's "CSV (comma delimited)" on a Chinese Windows: GBK, CRLF, no BOM.
  writeFileSync(gbkFile, encodeGbk([header, ...rows].map(csvLine).join('\r\n') + '\r\n'));
});

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
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

/** The value of the import page's statistic titled `title`. */
const stat = (page: Page, title: string) =>
  page.locator('.ant-statistic').filter({ has: page.locator('.ant-statistic-title').getByText(title, { exact: true }) }).locator('.ant-statistic-content-value');

/** Uploads a file in the wizard and waits for its preview. */
async function upload(page: Page, file: string): Promise<void> {
  await page.goto('/imports/new');
  await page.locator('.ant-upload input[type=file]').setInputFiles(file);
  await page.getByTestId('import-preview').waitFor();
}

/** Starts the import from the duplicates step and waits on its page until it has completed. */
async function startAndFinish(page: Page): Promise<number> {
  await page.getByTestId('import-duplicates').getByText('跳过与现有客户重复的行').click();
  await page.getByTestId('import-start').click();
  await page.waitForURL(/\/imports\/\d+$/);
  const id = Number(/(\d+)$/.exec(page.url())?.[1]);
  await expect.poll(() => text(page.getByTestId('import-status')), { timeout: 20_000 }).toBe('已完成');
  await expect.poll(() => page.getByTestId('import-progress').getAttribute('aria-valuenow')).toBe('100');
  return id;
}

// A step takes 4–15 s; the margin is for a busy machine.
describe('import, export and data quality', { timeout: 60_000 }, () => {
  // One story in steps: once a step fails, the later ones have nothing to work on.
  let broken = false;
  beforeEach(({ skip, onTestFailed, task }) => {
    if (broken) skip();
    onTestFailed(async () => {
      broken = true;
      if (session && !session.page.isClosed()) await screenshot(session.page, `import-failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => undefined);
    });
  });

  test('an admin imports a GBK file with Chinese headers: preview, mapping, skip duplicates, counts and errors', async () => {
    session = await newPage(browser, { locale: 'zh-CN' });
    const { page } = session;
    await login(page, admin.email, admin.password);
    await page.goto('/customers');
    await page.getByTestId('customer-import').click();
    await page.waitForURL((u) => u.pathname === '/imports/new');

    await page.locator('.ant-upload input[type=file]').setInputFiles(gbkFile);
    const preview = page.getByTestId('import-preview');
    await preview.waitFor();
    // Detected as GBK (read with its superset GB18030), the Chinese shown as written.
    expect(await text(page.getByTestId('import-detected'))).toContain('GBK');
    expect(await preview.locator('thead th').allTextContents()).toEqual(header);
    await preview.getByText('宁波甬江智能装备有限公司', { exact: true }).waitFor();
    await preview.getByText('单元格以等号开头', { exact: true }).waitFor();
    expect(await preview.locator('tbody tr.ant-table-row').count()).toBe(rows.length);
    await settled(page);
    await screenshot(page, 'import-wizard-preview-zh-CN');

    // Mapping: every column recognised from its Chinese header; saved for the re-import.
    await page.getByTestId('import-next').click();
    const suggested: Record<string, string> = { 客户名称: '客户名称', 手机: '手机', 邮箱: '邮箱', 省份: '省份', 城市: '城市', 行业: '行业', 联系人: '联系人', 联系人手机: '联系人手机', 备注: '备注' };
    for (const [column, field] of Object.entries(suggested)) {
      expect(await text(page.getByTestId(`import-map-${column}`).locator('.ant-select-content, .ant-select-selection-item').first()), column).toBe(field);
    }
    await page.getByPlaceholder('映射名称').fill(mappingName);
    await page.getByTestId('import-save-mapping').click();
    await page.locator('.ant-message-notice').getByText('映射已保存').waitFor();
    await settled(page);
    await screenshot(page, 'import-wizard-mapping-zh-CN');

    await page.getByTestId('import-next').click();
    await startAndFinish(page);
    expect(await text(page.getByRole('heading', { level: 3 }).first())).toContain('客户名录-GBK.csv');
    expect(await text(stat(page, '已读取行数'))).toBe('20');
    expect(await text(stat(page, '已导入'))).toBe('15');
    expect(await text(stat(page, '已跳过'))).toBe('2');
    expect(await text(stat(page, '失败'))).toBe('3');

    // The failed rows: file line, column and reason.
    const errorRows = page.getByTestId('import-errors').locator('tbody tr.ant-table-row');
    await expect.poll(() => errorRows.count()).toBe(3);
    const table = await Promise.all((await errorRows.all()).map(async (r) => (await r.locator('td').allTextContents()).map((c) => c.trim())));
    expect(table).toEqual([
      [String(badRows.mobile), '手机', expect.stringContaining('手机号')],
      [String(badRows.email), '邮箱', expect.stringContaining('邮箱')],
      [String(badRows.name), '客户名称', '客户名称不能为空'],
    ]);
    await settled(page);
    await screenshot(page, 'import-result-errors-zh-CN');
  });

  test('the failed rows are downloaded, fixed in the file and imported again with the saved mapping', async () => {
    const { page } = session;
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('import-errors-download').click()]);
    expect(download.suggestedFilename()).toBe('客户名录-GBK-errors.csv');
    const body = readFileSync(await download.path());
    expect(body.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf])); // UTF-8 with a BOM, for Excel
    const csv = body.toString('utf8');
    expect(csv).toContain('\r\n');
    const [head, ...failed] = parseCsv(csv);
    // The original columns (so the same mapping applies), then where and why each row failed.
    expect(head).toEqual([...header, '错误行号', '错误列', '错误原因']);
    expect(failed.map((r) => r[header.length])).toEqual([String(badRows.mobile), String(badRows.email), String(badRows.name)]);
    expect(failed.map((r) => r[header.length + 1])).toEqual(['手机', '邮箱', '客户名称']);

    // Fix each row in the file, as a user would in Excel, and keep everything else as downloaded.
    const fixed = failed.map((r) => [...r]);
    fixed[0]![1] = mobile(64);
    fixed[1]![2] = 'sales@taihu-casting.com';
    fixed[2]![0] = fixedName;
    fixedFile = join(dir, '客户名录-GBK-errors.csv');
    writeFileSync(fixedFile, '\uFEFF' + [head!, ...fixed].map((r) => csvLine(r) + '\r\n').join(''));

    await upload(page, fixedFile);
    expect(await text(page.getByTestId('import-detected'))).toContain('UTF-8');
    await page.getByTestId('import-preview').getByText(fixedName, { exact: true }).waitFor();
    await page.getByTestId('import-next').click();
    // The saved mapping; the error columns stay unmapped.
    await page.getByTestId('import-saved-mapping').click();
    await pick(page, mappingName);
    expect(await text(page.getByTestId('import-map-客户名称').locator('.ant-select-content, .ant-select-selection-item').first())).toBe('客户名称');
    await page.getByTestId('import-next').click();
    await startAndFinish(page);
    expect(await text(stat(page, '已导入'))).toBe('3');
    expect(await text(stat(page, '已跳过'))).toBe('0');
    expect(await text(stat(page, '失败'))).toBe('0');
    await page.getByTestId('import-errors').waitFor({ state: 'detached' });

    // Both imports on the history page.
    await page.goto('/imports');
    await page.getByRole('link', { name: '客户名录-GBK-errors.csv' }).first().waitFor();
    await page.getByRole('link', { name: '客户名录-GBK.csv' }).first().waitFor();
    await settled(page);
    await screenshot(page, 'import-list-zh-CN');
  });

  test('the duplicates scan lists the pairs; one is compared and merged, undone and merged again', async () => {
    const { page } = session;
    // The nightly job, run now by an administrator.
    const run = await root.request<{ status: string }>('POST', '/jobs/duplicates-scan/run', {});
    expect(run.status).toBe('succeeded');

    await page.goto('/duplicates');
    const pairRow = page.locator('[data-testid^="duplicates-row-"]').filter({ hasText: pairA.name }).filter({ hasText: pairB.name });
    await pairRow.waitFor();
    expect(await text(pairRow)).toContain('电话相同');
    const otherRow = page.locator('[data-testid^="duplicates-row-"]').filter({ hasText: pairC.name }).filter({ hasText: pairD.name });
    expect(await text(otherRow)).toContain('邮箱相同');
    // The rows of the import that were skipped as duplicates created no pair.
    expect(await page.locator('[data-testid^="duplicates-row-"]').filter({ hasText: '台州椒江汽配有限公司' }).count()).toBe(0);
    await page.mouse.move(0, 0);
    await settled(page);
    await screenshot(page, 'duplicates-list-zh-CN');

    const merge = async (screenshotName?: string) => {
      await pairRow.getByTestId('merge-open').click();
      const modal = page.locator('.ant-modal').filter({ visible: true });
      await modal.getByTestId('merge-submit').waitFor();
      await modal.locator('.ant-table-row').first().waitFor();
      // Keep A (the fuller record) and B's industry.
      await modal.getByTestId(`merge-survivor-${ids.a}`).click();
      const industry = modal.locator('tr.ant-table-row').filter({ has: page.getByText('行业', { exact: true }) });
      await industry.getByText(pairB.industry, { exact: true }).click();
      await expect.poll(() => industry.locator('.ant-radio-wrapper-checked').textContent()).toBe(pairB.industry);
      if (screenshotName) {
        await settled(page);
        await screenshot(page, screenshotName);
      }
      await modal.getByTestId('merge-submit').click();
      await page.locator('.ant-message-notice').getByText(`已合并到 ${pairA.name}`).waitFor();
      await pairRow.waitFor({ state: 'detached' });
    };
    await merge('duplicates-compare-zh-CN');
    const survivor = await root.request<{ industry: string | null; phone: string | null; mobile: string | null }>('GET', `/customers/${ids.a}`);
    expect(survivor.industry).toBe(pairB.industry);
    expect(survivor.mobile).toBe(pairA.mobile);

    // The merge history, and undo.
    await page.getByRole('tab', { name: '合并记录' }).click();
    const history = page.locator('tr.ant-table-row').filter({ visible: true }).filter({ hasText: `${pairB.name} (#${ids.b})` }).first();
    await history.getByTestId('merge-undo').waitFor();
    expect(await text(history)).toContain(pairA.name);
    expect(await text(history)).toContain('跟进记录 1');
    await page.mouse.move(0, 0);
    await settled(page);
    await screenshot(page, 'duplicates-merge-history-zh-CN');
    await history.getByTestId('merge-undo').click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: /确\s*定/ }).click();
    await page.locator('.ant-message-notice').getByText('已撤销合并').waitFor();
    await history.getByText('已撤销', { exact: true }).waitFor();
    // Both records as they were before the merge.
    const [a, b] = await Promise.all([ids.a, ids.b].map((id) => root.request<{ industry: string | null; phone: string | null; source: string | null }>('GET', `/customers/${id}`)));
    expect(a).toMatchObject({ industry: pairA.industry, phone: null, source: null });
    expect(b).toMatchObject({ industry: pairB.industry, source: pairB.source });

    // The pair is open again; merge it for good.
    await page.getByRole('tab', { name: '疑似重复' }).click();
    await pairRow.waitFor();
    await merge();
  });

  test('the customer list, filtered by province, is exported as CSV and XLSX', async () => {
    const { page } = session;
    await page.goto('/customers');
    await page.getByTestId('customer-link').first().waitFor();
    await page.getByTestId('open-filters').click();
    const drawer = page.locator('.ant-drawer').filter({ visible: true });
    const province = drawer.locator('.ant-form-item').filter({ has: page.getByText('省份', { exact: true }) }).locator('input');
    await province.fill('浙江省');
    await province.press('Enter');
    await drawer.getByTestId('filters-apply').click();
    await page.getByTestId('filter-chips').getByText('浙江省').waitFor();
    const pager = page.getByText(/^共 \d+ 条/);
    await pager.waitFor();
    const total = Number(/共 (\d+) 条/.exec(await text(pager))?.[1]);
    // The 浙江 rows of both imports and the merged pair's survivor at least.
    expect(total).toBeGreaterThanOrEqual(8);

    const exportAs = async (format: 'csv' | 'xlsx') => {
      await page.getByTestId('customer-export').hover();
      const item = page.getByTestId(`customer-export-${format}`);
      await item.waitFor();
      const [download] = await Promise.all([page.waitForEvent('download'), item.click()]);
      await page.mouse.move(0, 0);
      const file = join(dir, `export.${format}`);
      await download.saveAs(file);
      return { file, name: download.suggestedFilename() };
    };

    const csv = await exportAs('csv');
    expect(csv.name).toMatch(/^客户-\d{8}\.csv$/);
    const [head, ...data] = parseCsv(readFileSync(csv.file, 'utf8'));
    expect(head).toContain('客户名称');
    expect(head).toContain('省份');
    expect(data.length).toBe(total);
    const provinceAt = head!.indexOf('省份');
    expect(new Set(data.map((r) => r[provinceAt]))).toEqual(new Set(['浙江省']));
    const names = data.map((r) => r[0]);
    expect(names).toEqual(expect.arrayContaining(['宁波甬江智能装备有限公司', '王秀英', fixedName, pairA.name]));
    expect(names).not.toContain(pairB.name); // merged away
    // A cell a spreadsheet would run as a formula is written with a leading apostrophe.
    expect(names).toContain(`'${hostileName}`);
    expect(names).not.toContain(hostileName);

    const xlsx = await exportAs('xlsx');
    expect(xlsx.name).toMatch(/^客户-\d{8}\.xlsx$/);
    const sheet = readXlsx(xlsx.file);
    expect(sheet.rows[0]).toEqual(head);
    expect(sheet.rows.length - 1).toBe(total);
    // In a workbook the cell is text, never a formula: written as it is.
    expect(sheet.rows.map((r) => r[0])).toContain(hostileName);
  });

  test('the wizard and the duplicates page in English', async () => {
    const { page, context } = session;
    await switchLanguage(page, 'en');
    await upload(page, gbkFile);
    expect(await text(page.getByTestId('import-detected'))).toContain('GBK');
    await settled(page);
    await screenshot(page, 'import-wizard-preview-en');
    await page.getByTestId('import-next').click();
    await page.getByTestId('import-map-客户名称').waitFor();
    expect(await text(page.getByTestId('import-map-客户名称').locator('.ant-select-content, .ant-select-selection-item').first())).toBe('Name');
    await settled(page);
    await screenshot(page, 'import-wizard-mapping-en');

    await page.goto('/duplicates');
    await page.locator('[data-testid^="duplicates-row-"]').filter({ hasText: pairC.name }).waitFor();
    await page.mouse.move(0, 0);
    await settled(page);
    await screenshot(page, 'duplicates-list-en');
    await switchLanguage(page, 'zh-CN');
    await context.close();
  });
});
