import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { analyzeCommand } from './analyze.command.js';
import { AnalyzeInputError } from './analyze-error.js';
import { CSV_HEADER } from './analyze-output.js';

const DATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/data');
function data(rel: string): string {
  const p = join(DATA, rel);
  if (!existsSync(p)) throw new Error(`shared data file missing: ${p} (expected ../shared/data beside the repository)`);
  return p;
}

const dir = mkdtempSync(join(tmpdir(), 'guanxi-analyze-'));

async function run(args: string[]): Promise<{ out: string; err: string; error: unknown }> {
  let out = '';
  let err = '';
  let error: unknown = null;
  try {
    await analyzeCommand({ stdout: (s) => (out += s), stderr: (s) => (err += s), progress: false }).parseAsync(args, { from: 'user' });
  } catch (e) {
    error = e;
  }
  return { out, err, error };
}

async function runJson(args: string[]): Promise<Record<string, unknown>> {
  const r = await run([...args, '--json']);
  if (r.error) throw r.error;
  return JSON.parse(r.out) as Record<string, unknown>;
}

describe('guanxi analyze --summary', () => {
  it('fits BG/NBD, Pareto/NBD and Gamma-Gamma on the CDNOW summary', async () => {
    const j = await runJson(['--summary', data('cdnow/cdnow_customers_summary_with_transactions.csv'), '--unit', 'week', '--model', 'pareto-nbd']);
    expect(j.customers).toBe(2357);
    expect(j.skippedRows).toBe(0);
    const bg = j.bgnbd as Record<string, number>;
    expect(bg.r).toBeCloseTo(0.243, 3);
    expect(bg.alpha).toBeCloseTo(4.414, 2);
    expect(bg.logLikelihood).toBeCloseTo(-9582.43, 1);
    const pn = j.paretoNbd as Record<string, number>;
    expect(Math.abs(pn.beta! / 11.669 - 1)).toBeLessThan(0.005);
    const gg = j.gammaGamma as Record<string, number>;
    expect(gg.customers).toBe(946);
    expect(gg.p).toBeCloseTo(6.25, 2);
    expect(j.rfmSegments).toEqual({});
    expect(j.abc).toBeNull();
    expect(typeof j.seconds).toBe('number');
  });
});

describe('guanxi analyze --transactions on real files', () => {
  it('runs the Online Retail file end to end, with the per-customer CSV', async () => {
    const out = join(dir, 'retail.csv');
    const j = await runJson([
      '--transactions', data('online-retail/online_retail.csv.gz'),
      '--customer', 'CustomerID', '--date', 'InvoiceDate', '--quantity', 'Quantity', '--price', 'UnitPrice', '--order', 'InvoiceNo',
      '--out', out,
    ]);
    // 531,282 rows: 133,358 without a customer and 40 with a zero price are skipped.
    expect(j.rows).toBe(397_884);
    expect(j.skippedRows).toBe(133_398);
    expect(j.customers).toBe(4338);
    const abc = j.abc as Record<string, number>;
    expect(abc.A! + abc.B! + abc.C!).toBe(4338);
    const seg = j.rfmSegments as Record<string, number>;
    expect(Object.values(seg).reduce((a, b) => a + b, 0)).toBe(4338);
    expect((j.bgnbd as Record<string, unknown>).converged).toBe(true);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe(CSV_HEADER);
    expect(lines.length).toBe(4339);
    const row = lines.find((l) => l.startsWith('12346,'))!.split(',');
    // Customer 12346 bought once (2011-01-18, 77,183.60) — 325 days before the as-of date 2011-12-10.
    expect(row.slice(0, 4)).toEqual(['12346', '326', '1', '77183.6']);
    expect(row[10]).toBe('0');
  }, 30_000);

  it('validates on a holdout and explains a boundary estimate (Online Retail, calibration to 2011-09-09)', async () => {
    const j = await runJson([
      '--transactions', data('online-retail/online_retail.csv.gz'),
      '--customer', 'CustomerID', '--date', 'InvoiceDate', '--quantity', 'Quantity', '--price', 'UnitPrice', '--order', 'InvoiceNo',
      '--calibration-end', '2011-09-09',
    ]);
    expect(j.calibrationEnd).toBe('2011-09-09');
    expect(j.modelCustomers).toBe(3370);
    const h = j.holdout as { actual: number; predicted: number };
    expect(h.actual).toBe(4482);
    expect(h.predicted).toBeGreaterThan(0.6 * h.actual);
    // This wholesaler's customers barely drop out: BG/NBD's a goes to 0, which the notes say.
    expect((j.bgnbd as { a: number }).a).toBeLessThan(1e-3);
    expect((j.notes as string[]).some((n) => n.includes('boundary'))).toBe(true);
  }, 30_000);

  it('runs the full CDNOW master file (23,570 customers, runs of spaces, yyyymmdd)', async () => {
    const j = await runJson(['--transactions', data('cdnow/CDNOW_master.txt'), '--customer', 'customer_id', '--date', 'date', '--amount', 'dollar_value', '--unit', 'week', '--calibration-end', '1997-09-30']);
    expect(j.customers).toBe(23_570);
    expect(j.rows).toBe(69_659);
    expect(j.dateFormat).toBe('yyyymmdd');
    const h = j.holdout as { actual: number; predicted: number };
    // The BG/NBD forecast of the holdout total is within 15% of what happened.
    expect(Math.abs(h.predicted / h.actual - 1)).toBeLessThan(0.15);
  }, 30_000);
});

describe('guanxi analyze on small files', () => {
  it('detects semicolons and d/m/y dates, skips and counts bad rows, counts distinct days without an order column', async () => {
    const f = join(dir, 'semi.csv');
    writeFileSync(
      f,
      ['client;when;qty;price', 'a;13/01/2021;2;5', 'a;13/01/2021;1;5', 'a;20/02/2021;1;10', ';21/02/2021;1;1', 'b;01/03/2021;0;3', 'b;02/03/2021;1;-1', 'b;03/03/2021;4;2.5', ''].join('\r\n'),
    );
    const out = join(dir, 'semi-out.csv');
    const j = await runJson(['--transactions', f, '--customer', 'client', '--date', 'when', '--quantity', 'qty', '--price', 'price', '--out', out]);
    expect(j.dateFormat).toBe('d/m/y');
    expect(j.customers).toBe(2);
    expect(j.skippedRows).toBe(3);
    expect(j.skipped).toEqual({ noCustomer: 1, nonPositiveQuantity: 1, nonPositivePrice: 1, negativeAmount: 0 });
    expect(j.asOf).toBe('2021-03-04');
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    // a: last purchase 2021-02-20 → 12 days before 2021-03-04; 2 purchase days; 10 + 5 + 10 = 25.
    expect(lines[1]!.split(',').slice(0, 4)).toEqual(['a', '12', '2', '25']);
    expect(lines[1]!.split(',').slice(10, 13)).toEqual(['1', '38', '50']);
  });

  it('reads gzipped tab-separated files with yyyy/m/d dates and weeks', async () => {
    const f = join(dir, 'tabs.tsv.gz');
    writeFileSync(f, gzipSync(['id\tday\tamount', 'x1\t2020/1/1\t10', 'x1\t2020/1/3\t10', 'x1\t2020/1/9\t30', 'x2\t2020/2/1\t7'].join('\n')));
    const out = join(dir, 'tabs-out.csv');
    const j = await runJson(['--transactions', f, '--customer', 'id', '--date', 'day', '--amount', 'amount', '--unit', 'week', '--out', out]);
    expect(j.dateFormat).toBe('y/m/d');
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    // Purchases in the same week count once: x1 has weeks 0 and 1 → x = 1, t_x = 8/7, T = 32/7.
    const x1 = lines[1]!.split(',');
    expect(x1[10]).toBe('1');
    expect(Number(x1[11])).toBeCloseTo(8 / 7, 6);
    expect(Number(x1[12])).toBeCloseTo(32 / 7, 6);
  });

  it('reads the first worksheet of an .xlsx workbook (shared strings, Excel date serials)', async () => {
    const f = join(dir, 'book.xlsx');
    writeFileSync(f, makeXlsx([
      ['Customer', 'Date', 'Amount'],
      ['c1', 40513, 12.5],
      ['c1', 40520, 7.5],
      ['c2', 40530, 100],
    ]));
    const out = join(dir, 'book-out.csv');
    const j = await runJson(['--transactions', f, '--customer', 'Customer', '--date', 'Date', '--amount', 'Amount', '--out', out]);
    expect(j.dateFormat).toBe('excel');
    expect(j.customers).toBe(2);
    expect(j.asOf).toBe('2010-12-19');
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[1]!.split(',').slice(0, 4)).toEqual(['c1', '11', '2', '20']);
  });
});

describe('guanxi analyze errors', () => {
  async function expectInputError(args: string[], message: RegExp, out?: string): Promise<void> {
    const r = await run(args);
    expect(r.error).toBeInstanceOf(AnalyzeInputError);
    expect(r.error).toBeInstanceOf(CommanderError);
    expect((r.error as CommanderError).exitCode).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.out).toBe('');
    if (out) expect(existsSync(out)).toBe(false);
  }

  it('names a missing column', async () => {
    const f = join(dir, 'ok.csv');
    writeFileSync(f, 'cust,date,amount\n1,2020-01-01,5\n');
    const out = join(dir, 'never.csv');
    await expectInputError(['--transactions', f, '--customer', 'customer', '--date', 'date', '--amount', 'amount', '--out', out], /no column "customer" \(--customer\); the columns are: cust, date, amount/, out);
  });

  it('names the row and column of an unparsable date or number', async () => {
    const f = join(dir, 'baddate.csv');
    writeFileSync(f, 'cust,date,amount\n1,2020-01-01,5\n2,2020-13-45,5\n');
    const out = join(dir, 'never2.csv');
    await expectInputError(['--transactions', f, '--customer', 'cust', '--date', 'date', '--amount', 'amount', '--out', out], /row 3, column "date": cannot parse the date "2020-13-45"/, out);
    const g = join(dir, 'badnum.csv');
    writeFileSync(g, 'cust,date,amount\n1,2020-01-01,5\n2,2020-01-02,12abc\n');
    await expectInputError(['--transactions', g, '--customer', 'cust', '--date', 'date', '--amount', 'amount'], /row 3, column "amount": cannot parse the number "12abc"/);
  });

  it('asks for --date-format when m/d and d/m cannot be told apart', async () => {
    const f = join(dir, 'ambiguous.csv');
    writeFileSync(f, 'cust,date,amount\n1,1/2/2020,5\n2,3/4/2020,5\n');
    await expectInputError(['--transactions', f, '--customer', 'cust', '--date', 'date', '--amount', 'amount'], /set --date-format m\/d\/y or d\/m\/y/);
    const r = await runJson(['--transactions', f, '--customer', 'cust', '--date', 'date', '--amount', 'amount', '--date-format', 'd/m/y']);
    expect(r.asOf).toBe('2020-04-04');
  });

  it('throws a CommanderError for a bad option value instead of exiting', async () => {
    const r = await run(['--summary', 'x.csv', '--unit', 'month']);
    expect(r.error).toBeInstanceOf(CommanderError);
    expect((r.error as CommanderError).code).toBe('commander.invalidArgument');
    expect((r.error as CommanderError).exitCode).not.toBe(0);
  });

  it('honours --delimiter over detection', async () => {
    const f = join(dir, 'pipes.txt');
    // Commas in a column name tie with the pipes, so detection alone would pick the comma.
    writeFileSync(f, 'who|when, local, time|amount\nk1|2021-05-01|3\nk1|2021-05-03|4\n');
    const j = await runJson(['--transactions', f, '--customer', 'who', '--date', 'when, local, time', '--amount', 'amount', '--delimiter', '|']);
    expect(j.customers).toBe(1);
    expect(j.asOf).toBe('2021-05-04');
  });

  it('rejects a missing file, a bad summary row and conflicting options', async () => {
    await expectInputError(['--transactions', join(dir, 'nope.csv'), '--customer', 'a', '--date', 'b', '--amount', 'c'], /file not found/);
    const s = join(dir, 'summary.csv');
    writeFileSync(s, 'ID,x,t_x,T\n1,2,30,20\n');
    await expectInputError(['--summary', s], /row 2, column "t_x": t_x must be between 0 and T/);
    await expectInputError(['--summary', s, '--transactions', s], /exactly one of --summary/);
  });
});

// A minimal .xlsx (zip of deflated XML parts) for the reader test.
function makeXlsx(rows: (string | number)[][]): Buffer {
  const strings: string[] = [];
  const col = (i: number): string => String.fromCharCode(65 + i);
  const sheetRows = rows
    .map((r, ri) => `<row r="${ri + 1}">${r
      .map((v, ci) => {
        const ref = `${col(ci)}${ri + 1}`;
        if (typeof v === 'number') return `<c r="${ref}" s="1"><v>${v}</v></c>`;
        strings.push(v);
        return `<c r="${ref}" t="s"><v>${strings.length - 1}</v></c>`;
      })
      .join('')}</row>`)
    .join('');
  const files: [string, string][] = [
    ['[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'],
    ['xl/workbook.xml', '<workbook xmlns:r="r"><sheets><sheet name="Data" sheetId="1" r:id="rId7"/></sheets></workbook>'],
    ['xl/_rels/workbook.xml.rels', '<Relationships><Relationship Id="rId7" Type="worksheet" Target="worksheets/data.xml"/></Relationships>'],
    ['xl/worksheets/data.xml', `<worksheet><sheetData>${sheetRows}</sheetData></worksheet>`],
    ['xl/sharedStrings.xml', `<sst>${strings.map((s) => `<si><t>${s.replace(/&/g, '&amp;')}</t></si>`).join('')}</sst>`],
  ];
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of files) {
    const raw = Buffer.from(text, 'utf8');
    const comp = deflateRawSync(raw);
    const nameBuf = Buffer.from(name, 'utf8');
    const crc = crc32(raw);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(8, 8);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(comp.length, 18);
    lh.writeUInt32LE(raw.length, 22);
    lh.writeUInt16LE(nameBuf.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(8, 10);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(comp.length, 20);
    ch.writeUInt32LE(raw.length, 24);
    ch.writeUInt16LE(nameBuf.length, 28);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, nameBuf, comp);
    centrals.push(ch, nameBuf);
    offset += 30 + nameBuf.length + comp.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
