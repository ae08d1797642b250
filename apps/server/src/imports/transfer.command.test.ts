import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../cli.js';

let dir: string;
const saved = { ...process.env };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gx-cli-'));
  process.env.GUANXI_DATA_DIR = join(dir, 'data');
  delete process.env.DATABASE_URL;
  delete process.env.GUANXI_API_TOKEN;
});
afterAll(() => {
  process.env = saved;
  rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    const code = await runCli(args);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('guanxi import / export customers (in-process, embedded database)', () => {
  it('imports, reports failed rows with exit 1, refuses a binary file with exit 2, and exports', async () => {
    expect((await cli(['user', 'create', '--email', 'boss@example.com', '--name', 'Boss', '--role', 'admin', '--password', 'Boss-Pass-123'])).code).toBe(0);
    const good = join(dir, 'good.csv');
    writeFileSync(good, '客户名称,手机,城市\n命令行客户甲,13700000001,杭州市\n命令行客户乙,13700000002,宁波市\n');
    const first = await cli(['import', 'customers', good]);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/completed: 2 rows read, 2 imported, 0 updated, 0 skipped, 0 failed/);
    const again = await cli(['import', 'customers', good, '--duplicates', 'skip']);
    expect(again.out).toMatch(/0 imported, 0 updated, 2 skipped/);

    const bad = join(dir, 'bad.csv');
    const mapping = join(dir, 'm.json');
    writeFileSync(mapping, JSON.stringify({ Company: 'name', Phone: 'mobile' }));
    writeFileSync(bad, 'Company,Phone\n好客户,13700000003\n坏客户,123\n');
    const partly = await cli(['import', 'customers', bad, '--mapping', mapping]);
    expect(partly.code).toBe(1);
    expect(partly.out).toMatch(/1 imported, 0 updated, 0 skipped, 1 failed/);
    expect(partly.err).toMatch(/1 rows failed/);

    const bin = join(dir, 'bin.csv');
    writeFileSync(bin, Buffer.from([0, 1, 2, 3, 0, 0, 0xff, 0x00]));
    const refused = await cli(['import', 'customers', bin]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/refused/);

    const out = join(dir, 'out.csv');
    const exp = await cli(['export', 'customers', '--out', out]);
    expect(exp.code, exp.err).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('命令行客户甲');
    expect(text).toContain('好客户');
    expect(text).not.toContain('坏客户');
  }, 120_000);
});
