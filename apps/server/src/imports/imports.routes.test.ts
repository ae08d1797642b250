import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { loadActor } from '../auth/actor.js';
import { createTestContext, ADMIN, type Session, type TestContext } from '../test/test-app.js';
import { ImportRunner, type ImportProgress } from './import-runner.js';
import { createImport, getImport, resumeImport, rollbackImport } from './imports.service.js';
import { IMPORT_FILE_DAYS, pruneImportFiles } from './prune-import-files.js';

let t: TestContext;
let admin: Session;
let dataDir: string;

/** A multipart body by hand: app.inject has no FormData. */
function multipart(file: { name: string; content: Buffer | string }, fields: Record<string, string> = {}) {
  const boundary = `----gx${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${file.name}"\r\ncontent-type: application/octet-stream\r\n\r\n`));
  parts.push(typeof file.content === 'string' ? Buffer.from(file.content) : file.content, Buffer.from(`\r\n--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** GBK bytes of a string, through the only GBK encoder at hand: a table built from TextDecoder. */
let gbkTable: Map<string, Buffer> | null = null;
function gbk(s: string): Buffer {
  if (!gbkTable) {
    gbkTable = new Map();
    const d = new TextDecoder('gbk');
    for (let a = 0x81; a <= 0xfe; a++) for (let b = 0x40; b <= 0xfe; b++) {
      if (b === 0x7f) continue;
      const ch = d.decode(Buffer.from([a, b]));
      if (ch.length === 1 && !gbkTable.has(ch)) gbkTable.set(ch, Buffer.from([a, b]));
    }
  }
  return Buffer.concat([...s].map((c) => (c.charCodeAt(0) < 128 ? Buffer.from(c) : gbkTable!.get(c) ?? Buffer.from('?'))));
}

async function startImport(session: Session, name: string, content: Buffer | string, mapping: Record<string, string>, options: Record<string, unknown> = {}) {
  const m = multipart({ name, content }, { mapping: JSON.stringify(mapping), options: JSON.stringify(options) });
  return t.request(session, { method: 'POST', url: '/api/v1/imports', ...m });
}

async function finished(session: Session, id: number) {
  for (let i = 0; i < 400; i++) {
    const r = await t.request(session, { method: 'GET', url: `/api/v1/imports/${id}` });
    const job = r.json() as { status: string };
    if (!['queued', 'running'].includes(job.status)) return r.json() as Record<string, unknown> & { status: string; imported: number; updated: number; skipped: number; failed: number; rowsRead: number; totalRows: number };
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error('import did not finish');
}

const count = async (where = sql`true`) => Number((await t.database.rows<{ n: number }>(sql`select count(*)::int as n from customers where deleted_at is null and ${where}`))[0]!.n);

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'gx-imports-'));
  t = await createTestContext({ dataDir });
  admin = await t.login(ADMIN.email, ADMIN.password);
});
afterAll(async () => {
  await t.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('imports', () => {
  it('detects a GBK file with Chinese headers, suggests the mapping, and imports customers with contacts and follow-ups', async () => {
    const csv = gbk('客户名称,手机,邮箱,省份,城市,联系人,联系人手机,跟进记录,跟进日期\r\n杭州西湖茶叶有限公司,13800000001,tea@example.com,浙江省,杭州市,王芳,13900000001,首次电话沟通,2024-03-05 10:30\r\n张伟,13800000002,,江苏省,南京市,,,,\r\n');
    const preview = await t.request(admin, { method: 'POST', url: '/api/v1/imports/preview', ...multipart({ name: 'gbk.csv', content: csv }) });
    expect(preview.statusCode, preview.body).toBe(200);
    const p = preview.json() as { encoding: string; header: string[]; rows: string[][]; suggestedMapping: Record<string, string> };
    expect(p.encoding).toBe('gb18030');
    expect(p.header[0]).toBe('客户名称');
    expect(p.rows[0]![0]).toBe('杭州西湖茶叶有限公司');
    expect(p.suggestedMapping).toMatchObject({ 客户名称: 'name', 手机: 'mobile', 邮箱: 'email', 省份: 'province', 城市: 'city', 联系人: 'contact.name', 联系人手机: 'contact.mobile', 跟进记录: 'followUp.summary', 跟进日期: 'followUp.occurredAt' });

    const res = await startImport(admin, 'gbk.csv', csv, p.suggestedMapping);
    expect(res.statusCode).toBe(202);
    const job = await finished(admin, (res.json() as { id: number }).id);
    expect(job).toMatchObject({ status: 'completed', totalRows: 2, rowsRead: 2, imported: 2, failed: 0 });
    const [c] = await t.database.rows<{ id: number; kind: string; search_grams: string[] }>(sql`select id, kind, search_grams from customers where name = '杭州西湖茶叶有限公司'`);
    expect(c!.kind).toBe('organization');
    expect(c!.search_grams).toContain('西湖');
    const search = await t.request(admin, { method: 'GET', url: `/api/v1/customers?q=${encodeURIComponent('西湖')}` });
    expect((search.json() as { data: Array<{ name: string }> }).data.map((x) => x.name)).toContain('杭州西湖茶叶有限公司');
    const contacts = await t.request(admin, { method: 'GET', url: `/api/v1/customers/${c!.id}/contacts` });
    expect((contacts.json() as { data: Array<{ name: string; mobile: string }> }).data).toMatchObject([{ name: '王芳', mobile: '13900000001' }]);
    const [f] = await t.database.rows<{ summary: string; occurred_at: Date }>(sql`select summary, occurred_at from follow_ups where customer_id = ${c!.id}`);
    expect(f!.summary).toBe('首次电话沟通');
    expect(new Date(f!.occurred_at).toISOString()).toBe('2024-03-05T02:30:00.000Z');
    const audit = await t.database.rows<{ changes: { counts: { new: { imported: number } } } }>(sql`select changes from audit_log where entity = 'import' and action = 'import'`);
    expect(audit.at(-1)!.changes.counts.new.imported).toBe(2);
  });

  it('reports bad rows by row, column and reason, and the fixed errors file imports', async () => {
    const csv = '\uFEFFName,Mobile,Email,Credit code,Importance\n良好客户甲,13811110001,a@example.com,,vip\n坏手机,12345,,,\n坏邮箱和等级,,not-an-email,,超级\n"引号,客户",13811110004,,91350100M000100Y43,重要\n';
    const mapping = { Name: 'name', Mobile: 'mobile', Email: 'email', 'Credit code': 'creditCode', Importance: 'importance' };
    const res = await startImport(admin, 'bom.csv', csv, mapping);
    const job = await finished(admin, (res.json() as { id: number }).id);
    expect(job, String(job.error)).toMatchObject({ status: 'completed', imported: 2, failed: 2 });
    const errs = await t.request(admin, { method: 'GET', url: `/api/v1/imports/${job.id as number}/errors?format=json`, headers: { 'accept-language': 'en' } });
    const list = (errs.json() as { data: Array<{ rowNumber: number; column: string; reason: string }> }).data;
    expect(list).toEqual([
      { rowNumber: 3, column: 'Mobile', reason: expect.stringContaining('not a mobile number') },
      { rowNumber: 4, column: 'Email', reason: 'not an email address' },
      { rowNumber: 4, column: 'Importance', reason: expect.stringContaining('unknown value "超级"') },
    ]);
    expect((await t.database.rows<{ importance: string }>(sql`select importance from customers where name = '引号,客户'`))[0]!.importance).toBe('important');

    const file = await t.request(admin, { method: 'GET', url: `/api/v1/imports/${job.id as number}/errors?format=csv`, headers: { 'accept-language': 'zh-CN' } });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toContain('text/csv');
    const text = file.body;
    expect(text.startsWith('\uFEFFName,Mobile,Email,Credit code,Importance,错误行号,错误列,错误原因')).toBe(true);
    expect(text).toContain('坏手机,12345,,,,3,Mobile,');
    const fixed = text.replace('12345', '13811110002').replace('not-an-email', 'ok@example.com').replace(',超级,', ',普通,');
    const again = await finished(admin, ((await startImport(admin, 'fixed.csv', fixed, mapping)).json() as { id: number }).id);
    expect(again).toMatchObject({ status: 'completed', imported: 2, failed: 0 });
  });

  it('duplicates: skip adds nothing the second time, update records changes and rollback restores them, create adds anyway', async () => {
    const csv = 'Name,Mobile,City,Industry\n重复甲公司,13822220001,上海市,制造\n重复乙,13822220002,北京市,零售\n重复乙,13822220002,北京市,零售\n';
    const mapping = { Name: 'name', Mobile: 'mobile', City: 'city', Industry: 'industry' };
    const first = await finished(admin, ((await startImport(admin, 'd.csv', csv, mapping)).json() as { id: number }).id);
    expect(first).toMatchObject({ imported: 2, skipped: 1 });
    const before = await count();
    const second = await finished(admin, ((await startImport(admin, 'd.csv', csv, mapping)).json() as { id: number }).id);
    expect(second).toMatchObject({ imported: 0, skipped: 3 });
    expect(await count()).toBe(before);

    const changed = 'Name,Mobile,City,Industry\n重复甲公司,13822220001,上海市,化工\n';
    const upd = await finished(admin, ((await startImport(admin, 'u.csv', changed, mapping, { duplicates: 'update' })).json() as { id: number }).id);
    expect(upd).toMatchObject({ imported: 0, updated: 1 });
    expect((await t.database.rows<{ industry: string }>(sql`select industry from customers where mobile = '13822220001'`))[0]!.industry).toBe('化工');
    const rb = await t.request(admin, { method: 'POST', url: `/api/v1/imports/${upd.id as number}/rollback` });
    expect(rb.json()).toEqual({ deleted: 0, restored: 1, keptChanged: 0 });
    expect((await t.database.rows<{ industry: string }>(sql`select industry from customers where mobile = '13822220001'`))[0]!.industry).toBe('制造');

    const created = await finished(admin, ((await startImport(admin, 'c.csv', csv, mapping, { duplicates: 'create' })).json() as { id: number }).id);
    expect(created).toMatchObject({ imported: 3, skipped: 0 });
    expect(await count()).toBe(before + 3);
    const rb2 = await t.request(admin, { method: 'POST', url: `/api/v1/imports/${created.id as number}/rollback` });
    expect(rb2.json()).toMatchObject({ deleted: 3 });
    expect(await count()).toBe(before);
    expect((await t.request(admin, { method: 'GET', url: `/api/v1/imports/${created.id as number}` })).json()).toMatchObject({ status: 'rolled_back' });
  });

  it('a run stopped between batches leaves whole batches only, and resuming finishes without duplicates', async () => {
    const lines = ['Name,Mobile'];
    for (let i = 0; i < 23; i++) lines.push(`续传客户${i},1390000${String(1000 + i)}`);
    const path = join(dataDir, 'resume.csv');
    writeFileSync(path, lines.join('\n'));
    const runner = new ImportRunner(t.database, { batchSize: 5, timeZone: 'Asia/Shanghai' });
    const actor = (await loadActor(t.database.db, admin.userId, 'session'))!;
    const ctx = { actor, requestId: 'test', ip: '127.0.0.1' };
    let batches = 0;
    const off = runner.onProgress((p: ImportProgress) => {
      if (p.status === 'running' && ++batches === 2) runner.cancel(p.id);
    });
    const job = await createImport(t.database, ctx, runner, t.config, { path, name: 'resume.csv', bytes: 1, mapping: { Name: 'name', Mobile: 'mobile' }, options: { kind: 'customers', duplicates: 'skip', encoding: 'auto' } });
    await runner.idle();
    const stopped = await getImport(t.database, ctx, job.id);
    expect(stopped).toMatchObject({ status: 'cancelled', rowsRead: 10, imported: 10, resumeAfterRow: 11 });
    expect(await count(sql`name like '续传客户%'`)).toBe(10);
    off();
    await resumeImport(t.database, ctx, runner, job.id);
    await runner.idle();
    expect(await getImport(t.database, ctx, job.id)).toMatchObject({ status: 'completed', rowsRead: 23, imported: 23, skipped: 0 });
    expect(await count(sql`name like '续传客户%'`)).toBe(23);
    const r = await rollbackImport(t.database, ctx, runner, job.id);
    expect(r.deleted).toBe(23);
    expect(await count(sql`name like '续传客户%'`)).toBe(0);
  });

  it('a server restart marks a running import interrupted, and it resumes', async () => {
    await t.database.db.execute(sql`insert into imports (kind, file_name, file_path, file_bytes, format, encoding, mapping, duplicates, status, created_by)
      values ('customers', 'x.csv', '/nonexistent', 1, 'csv', 'auto', '{}'::jsonb, 'skip', 'running', ${admin.userId})`);
    const runner = new ImportRunner(t.database, { batchSize: 5, timeZone: 'Asia/Shanghai' });
    expect(await runner.markInterrupted()).toBe(1);
    expect((await t.database.rows<{ status: string }>(sql`select status from imports where file_name = 'x.csv'`))[0]!.status).toBe('interrupted');
  });

  it('refuses binary files, 10,000 columns and xlsx bombs whole, and fails only the row of a huge cell or a truncated quote', async () => {
    const refused = async (name: string, content: Buffer | string, problem: string) => {
      const r = await startImport(admin, name, content, { a: 'name' });
      expect(r.statusCode, r.body).toBe(400);
      expect((r.json() as { error: { details: Array<{ path: string; code: string }> } }).error.details[0]).toMatchObject({ path: 'file', code: problem });
    };
    const before = await count();
    await refused('binary.csv', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3, 0, 0, 0xff, 0xfe, 0, 9]), 'binary');
    await refused('wide.csv', Array.from({ length: 10_000 }, (_, i) => `c${i}`).join(',') + '\n' + 'x,'.repeat(9_999) + 'x\n', 'too_many_columns');
    // a workbook whose sheet claims to inflate to 1 GiB from a few KiB
    const bomb = zip([['[Content_Types].xml', Buffer.from('<Types/>')], ['xl/worksheets/sheet1.xml', Buffer.alloc(64 * 1024 * 1024, 0x20)]], { 'xl/worksheets/sheet1.xml': 1024 * 1024 * 1024 });
    await refused('bomb.xlsx', bomb, 'xlsx_bomb');
    const honestBomb = zip([['xl/worksheets/sheet1.xml', Buffer.alloc(64 * 1024 * 1024, 0x20)]]);
    await refused('bomb2.xlsx', honestBomb, 'xlsx_bomb');
    expect(await count()).toBe(before);
    expect((await t.database.rows<{ n: number }>(sql`select count(*)::int as n from imports where file_name like '%bomb%' or file_name in ('binary.csv', 'wide.csv')`))[0]!.n).toBe(0);

    const huge = `Name,Notes\n巨大单元格前,ok\n巨大单元格,"${'长'.repeat(50 * 1024 * 1024 / 3)}"\n巨大单元格后,ok\n"截断客户,没有结尾`;
    const job = await finished(admin, ((await startImport(admin, 'huge.csv', huge, { Name: 'name', Notes: 'notes' })).json() as { id: number }).id);
    expect(job, String(job.error)).toMatchObject({ status: 'completed', imported: 2, failed: 2 });
    const errs = (await t.request(admin, { method: 'GET', url: `/api/v1/imports/${job.id as number}/errors?format=json`, headers: { 'accept-language': 'en' } })).json() as { data: Array<{ rowNumber: number; reason: string }> };
    expect(errs.data.map((e) => e.rowNumber)).toEqual([3, 5]);
    expect(errs.data[0]!.reason).toContain('longer than 32768');
    expect(errs.data[1]!.reason).toContain('quote is not closed');
  }, 60_000);

  it('imports an xlsx workbook and needs customers.import', async () => {
    const sheet = '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>客户名称</t></is></c><c r="B1" t="inlineStr"><is><t>成立日期</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>表格公司</t></is></c><c r="B2"><v>45356</v></c></row></sheetData></worksheet>';
    const book = zip([['xl/worksheets/sheet1.xml', Buffer.from(sheet)]]);
    const job = await finished(admin, ((await startImport(admin, 'book.xlsx', book, { 客户名称: 'name', 成立日期: 'foundedOn' })).json() as { id: number }).id);
    expect(job).toMatchObject({ status: 'completed', imported: 1 });
    expect((await t.database.rows<{ d: string }>(sql`select founded_on::text as d from customers where name = '表格公司'`))[0]!.d).toBe('2024-03-05');
    const sales = await t.userWithRole('sales');
    expect((await startImport(sales, 'a.csv', 'Name\nx\n', { Name: 'name' })).statusCode).toBe(403);
  });

  it('deletes the uploaded copy of a settled import after a month, and its failed-rows file still downloads', async () => {
    const csv = 'Name,Mobile\n月后清理甲,13811119001\n坏手机乙,123\n';
    const job = await finished(admin, ((await startImport(admin, 'prune.csv', csv, { Name: 'name', Mobile: 'mobile' })).json() as { id: number }).id);
    const [row] = await t.database.rows<{ file_path: string }>(sql`select file_path from imports where id = ${job.id as number}`);
    expect(existsSync(row!.file_path)).toBe(true);
    expect(await pruneImportFiles(t.database)).toEqual({ deleted: 0 });
    const later = new Date(Date.now() + (IMPORT_FILE_DAYS + 1) * 86_400_000);
    expect((await pruneImportFiles(t.database, { asOf: later })).deleted).toBeGreaterThanOrEqual(1);
    expect(existsSync(row!.file_path)).toBe(false);
    const file = await t.request(admin, { method: 'GET', url: `/api/v1/imports/${job.id as number}/errors?format=csv` });
    expect(file.statusCode).toBe(200);
    expect(file.body).toContain('坏手机乙');
  });
});

/** A zip of deflated entries; `claimed` overrides the uncompressed size written in the directory. */
function zip(entries: Array<[string, Buffer]>, claimed: Record<string, number> = {}): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const packed = deflateRawSync(data);
    const n = Buffer.from(name);
    const usize = claimed[name] ?? data.length;
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(8, 8);
    h.writeUInt32LE(packed.length, 18);
    h.writeUInt32LE(usize, 22);
    h.writeUInt16LE(n.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(8, 10);
    c.writeUInt32LE(packed.length, 20);
    c.writeUInt32LE(usize, 24);
    c.writeUInt16LE(n.length, 28);
    c.writeUInt32LE(offset, 42);
    locals.push(h, n, packed);
    central.push(c, n);
    offset += 30 + n.length + packed.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
void readFileSync;
