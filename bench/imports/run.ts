// Import / export benchmark: writes a customer CSV (phones, emails, companies, cities, valid credit
// codes, 2 % of rows repeating an earlier row's mobile so duplicate matching has work to do), then
// per engine:
//   baseline  plain `COPY` of the same file into a copy of the customers table (same indexes)
//   import    the file uploaded to the real server (API token) and imported with duplicates=skip,
//             polled to the end; the server's peak resident memory (VmHWM) read from /proc
//   export    GET /customers/export?format=csv of every row, against `COPY (select …) TO` as baseline
//   dedupe    the duplicates-scan job over the imported customers, when the server has it
// Writes bench/results/imports.json and imports.md. Run: npm run bench:imports -w bench
// Env: BENCH_ENGINES=postgres,pglite  BENCH_PG_ROWS=1000000  BENCH_PGLITE_ROWS=100000  BENCH_PG_URL  BENCH_RESULTS_DIR
//      BENCH_MERGE=1: keep the engines imports.json holds that this run does not measure
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, openAsBlob, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { sha256 } from '../../apps/server/src/auth/tokens.js';
import { hashPassword } from '../../apps/server/src/auth/password.js';
import { openDatabase, type Database } from '../../apps/server/src/db/client.js';
import { migrateDatabase } from '../../apps/server/src/db/migrate.js';
import { seedBuiltInRoles } from '../../apps/server/src/roles/roles.service.js';
import * as gen from '../../apps/server/src/demo/generate.js';
import { mulberry32, type Random } from '../../apps/server/src/demo/random.js';

const here = fileURLToPath(new URL('.', import.meta.url));
// BENCH_RESULTS_DIR: where a smaller trial run writes, so it does not overwrite the recorded results
const resultsDir = process.env.BENCH_RESULTS_DIR ?? join(here, '../results');
const env = process.env;
const log = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (ms: number) => Math.round(ms / 100) / 10;
const TARGETS = { importSeconds: 90, importVsCopy: 5, peakMemoryMiB: 1024, exportSeconds: 30, dedupeSeconds: 120 };

const header = ['客户名称', '客户类型', '关系类型', '手机', '邮箱', '省份', '城市', '地址', '行业', '统一社会信用代码'];
const mapping: Record<string, string> = {
  客户名称: 'name',
  客户类型: 'kind',
  关系类型: 'relationshipType',
  手机: 'mobile',
  邮箱: 'email',
  省份: 'province',
  城市: 'city',
  地址: 'address',
  行业: 'industry',
  统一社会信用代码: 'creditCode',
};
const copyColumns = 'name, kind, relationship_type, mobile, email, province, city, address, industry, credit_code';

/** GB 32100-2015: the 18th character is a mod-31 check over the first 17. */
function validCreditCode(r: Random): string {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  // registration authority + type, 6-digit administrative division, 9-character organisation code
  let body = `91${r.int(110000, 659000)}`;
  for (let i = 0; i < 9; i++) body += chars[r.int(0, 30)];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += chars.indexOf(body[i]!) * weights[i]!;
  return body + chars[(31 - (sum % 31)) % 31]!;
}

const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The file, written in chunks; returns how many rows repeat an earlier row's mobile. */
async function writeCsv(path: string, rows: number): Promise<{ duplicates: number; bytes: number }> {
  const r = mulberry32(20261123);
  const out = createWriteStream(path);
  const mobiles: string[] = [];
  let duplicates = 0;
  let chunk = `${header.join(',')}\n`;
  for (let i = 0; i < rows; i++) {
    const where = gen.place(r);
    const company = gen.chineseCompany(r, where);
    let mobile = gen.mobile(r);
    if (i > 100 && i % 50 === 0) {
      mobile = mobiles[r.int(0, mobiles.length - 1)]!;
      duplicates++;
    } else if (i % 10 === 0) mobiles.push(mobile);
    // the row number keeps names and emails unique, so only the repeated mobiles match
    const name = `${company.name}${i}`;
    const email = `sales${i}@${company.domain}`;
    chunk += [name, 'organization', 'business', mobile, email, where.province, where.city, where.address, company.industry, validCreditCode(r)].map(csvCell).join(',') + '\n';
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      chunk = '';
    }
  }
  out.end(chunk);
  await new Promise<void>((resolve) => out.once('finish', () => resolve()));
  return { duplicates, bytes: statSync(path).size };
}

async function prepare(database: Database): Promise<string> {
  await migrateDatabase(database);
  await database.db.transaction((tx) => seedBuiltInRoles(tx));
  const token = `gx_bench_${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
  const [admin] = await database.rows<{ id: number }>(sql`
    insert into users (email, name, password_hash, role_id)
    select 'bench-admin@bench.local', '压测管理员', ${await hashPassword('Bench-Pass-123')}, id from roles where key = 'admin' returning id`);
  await database.db.execute(sql`insert into api_tokens (user_id, name, prefix, token_hash, scopes) values (${admin!.id}, 'bench', ${token.slice(0, 10)}, ${sha256(token)}, array['read', 'write']::text[])`);
  return token;
}

interface Queryable {
  query(text: string, values?: unknown[], opts?: Record<string, unknown>): Promise<{ rows: unknown[] }>;
}
const clientOf = (database: Database) => (database.db as unknown as { $client: Queryable }).$client;

/** Plain COPY of the file into a same-shaped table with the same indexes, and COPY of it out again. */
async function copyBaseline(database: Database, engine: string, file: string): Promise<{ copyInMs: number; copyOutMs: number }> {
  await database.db.execute(sql.raw('create table customers_copy (like customers including defaults including identity including constraints including indexes including generated)'));
  const client = clientOf(database);
  let started = performance.now();
  if (engine === 'postgres') await client.query(`copy customers_copy (${copyColumns}) from '${file}' with (format csv, header true)`);
  else await client.query(`copy customers_copy (${copyColumns}) from '/dev/blob' with (format csv, header true)`, [], { blob: new Blob([readFileSync(file)]) });
  const copyInMs = performance.now() - started;
  started = performance.now();
  if (engine === 'postgres') await client.query(`copy (select ${copyColumns} from customers_copy order by id) to '/dev/null' with (format csv, header true)`);
  else await client.query(`copy (select ${copyColumns} from customers_copy order by id) to '/dev/blob' with (format csv, header true)`);
  const copyOutMs = performance.now() - started;
  await database.db.execute(sql.raw('drop table customers_copy'));
  return { copyInMs, copyOutMs };
}

async function startServer(extraEnv: Record<string, string>): Promise<{ child: ChildProcess; api: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'serve.ts')], { env: { ...env, ...extraEnv, LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return { child, api: (JSON.parse(line) as { api: string }).api };
}

/** Peak resident set of a process so far, in MiB (Linux). */
function peakMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : -1;
}

interface EngineResult {
  engine: string;
  rows: number;
  fileMiB: number;
  duplicatesInFile: number;
  copyInSeconds: number;
  importSeconds: number;
  importVsCopy: number;
  counts: Record<string, number>;
  peakServerMiB: number;
  exportSeconds: number;
  exportRows: number;
  exportMiB: number;
  copyOutSeconds: number;
  dedupeSeconds: number | null;
}

async function bench(engine: string, rows: number, file: string, fileInfo: { duplicates: number; bytes: number }, open: () => Promise<Database>, serverEnv: Record<string, string>): Promise<EngineResult> {
  log(`\n== ${engine}: ${rows.toLocaleString('en')} rows`);
  const database = await open();
  const token = await prepare(database);
  const copy = await copyBaseline(database, engine, file);
  log(`COPY in ${seconds(copy.copyInMs)} s, out ${seconds(copy.copyOutMs)} s`);
  await database.close();

  const server = await startServer(serverEnv);
  const pid = server.child.pid!;
  const auth = { authorization: `Bearer ${token}` };
  try {
    const form = new FormData();
    form.set('mapping', JSON.stringify(mapping));
    form.set('options', JSON.stringify({ duplicates: 'skip' }));
    form.set('file', await openAsBlob(file), 'customers.csv');
    const started = performance.now();
    const res = await fetch(`${server.api}/api/v1/imports`, { method: 'POST', headers: auth, body: form });
    if (res.status !== 202) throw new Error(`import answered ${res.status}: ${await res.text()}`);
    const { id } = (await res.json()) as { id: number };
    let job: Record<string, unknown> = {};
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      job = (await (await fetch(`${server.api}/api/v1/imports/${id}`, { headers: auth })).json()) as Record<string, unknown>;
      if (!['queued', 'running'].includes(String(job.status))) break;
    }
    const importMs = performance.now() - started;
    if (job.status !== 'completed') throw new Error(`import ended ${String(job.status)}: ${JSON.stringify(job)}`);
    const counts = Object.fromEntries(['rowsRead', 'imported', 'updated', 'skipped', 'failed'].map((k) => [k, Number(job[k] ?? 0)]));
    log(`import ${seconds(importMs)} s ${JSON.stringify(counts)}`);
    if (counts.failed) {
      const errs = (await (await fetch(`${server.api}/api/v1/imports/${id}/errors?format=json&limit=5`, { headers: auth })).json()) as { data: unknown[] };
      log(`first failed rows: ${JSON.stringify(errs.data)}`);
    }

    const exportStarted = performance.now();
    const exp = await fetch(`${server.api}/api/v1/customers/export?format=csv`, { headers: auth });
    if (!exp.ok || !exp.body) throw new Error(`export answered ${exp.status}`);
    let bytes = 0;
    let lines = 0;
    for await (const part of exp.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += part.length;
      for (const b of part) if (b === 10) lines++;
    }
    const exportMs = performance.now() - exportStarted;
    log(`export ${seconds(exportMs)} s, ${lines - 1} rows`);

    let dedupeSeconds: number | null = null;
    const jobs = (await (await fetch(`${server.api}/api/v1/jobs`, { headers: auth })).json()) as { data?: Array<{ name: string }> } | Array<{ name: string }>;
    const names = (Array.isArray(jobs) ? jobs : (jobs.data ?? [])).map((j) => j.name);
    if (names.includes('duplicates-scan')) {
      const t = performance.now();
      const run = await fetch(`${server.api}/api/v1/jobs/duplicates-scan/run`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' });
      if (!run.ok) throw new Error(`duplicates-scan answered ${run.status}: ${await run.text()}`);
      dedupeSeconds = seconds(performance.now() - t);
      log(`duplicates-scan ${dedupeSeconds} s`);
    }
    return {
      engine,
      rows,
      fileMiB: Math.round(fileInfo.bytes / 2 ** 20),
      duplicatesInFile: fileInfo.duplicates,
      copyInSeconds: seconds(copy.copyInMs),
      importSeconds: seconds(importMs),
      importVsCopy: Math.round((importMs / copy.copyInMs) * 10) / 10,
      counts,
      peakServerMiB: peakMiB(pid),
      exportSeconds: seconds(exportMs),
      exportRows: lines - 1,
      exportMiB: Math.round(bytes / 2 ** 20),
      copyOutSeconds: seconds(copy.copyOutMs),
      dedupeSeconds,
    };
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
  }
}

const verdict = (ok: boolean, miss: string) => (ok ? 'met' : `missed: ${miss}`);

function markdown(run: { at: string; machine: Record<string, unknown>; engines: EngineResult[] }): string {
  const lines = [
    '# Import / export benchmark',
    '',
    `Run ${run.at} on ${String(run.machine.cpus)} × ${String(run.machine.cpu)}, ${String(run.machine.memoryGb)} GB, Node ${String(run.machine.node)}. ` +
      'One generated customer CSV (name, kind, relationship, mobile, email, province, city, address, industry, valid credit code; 2 % of rows repeat an earlier mobile). ' +
      '**Import**: upload to the real server with an API token, duplicates=skip (matching on), polled until complete — end to end. ' +
      '**Baseline**: a plain `COPY` of the same file into a table created `LIKE customers INCLUDING ALL` (same indexes), in the same run. ' +
      '**Export**: `GET /customers/export?format=csv` of every row, streamed; baseline `COPY (select …) TO` of the same columns. ' +
      `Targets (PostgreSQL): import ≤ ${TARGETS.importSeconds} s and ≤ ${TARGETS.importVsCopy}× COPY, server peak memory ≤ ${TARGETS.peakMemoryMiB} MiB, export ≤ ${TARGETS.exportSeconds} s, duplicate detection ≤ ${TARGETS.dedupeSeconds} s.`,
    '',
  ];
  for (const e of run.engines) {
    const pg = e.engine === 'postgres';
    lines.push(
      `## ${e.engine}: ${e.rows.toLocaleString('en')} rows (${e.fileMiB} MiB file, ${e.duplicatesInFile.toLocaleString('en')} repeated mobiles)`,
      '',
      '| measure | value | baseline | target |',
      '|---|---:|---:|---|',
      `| import, end to end (s) | ${e.importSeconds} | COPY ${e.copyInSeconds} | ${pg ? verdict(e.importSeconds <= TARGETS.importSeconds, `${Math.round((e.importSeconds - TARGETS.importSeconds) * 10) / 10} s over`) : '—'} |`,
      `| import ÷ COPY | ${e.importVsCopy}× | 1× | ${pg ? verdict(e.importVsCopy <= TARGETS.importVsCopy, `${e.importVsCopy}× > ${TARGETS.importVsCopy}×`) : '—'} |`,
      `| server peak memory (MiB, VmHWM) | ${e.peakServerMiB} | — | ${pg ? verdict(e.peakServerMiB <= TARGETS.peakMemoryMiB, `${e.peakServerMiB - TARGETS.peakMemoryMiB} MiB over`) : '—'} |`,
      `| export of ${e.exportRows.toLocaleString('en')} rows (s) | ${e.exportSeconds} | COPY TO ${e.copyOutSeconds} | ${pg ? verdict(e.exportSeconds <= TARGETS.exportSeconds, `${Math.round((e.exportSeconds - TARGETS.exportSeconds) * 10) / 10} s over`) : '—'} |`,
      `| duplicate detection (s) | ${e.dedupeSeconds ?? 'not run (no duplicates-scan job)'} | — | ${pg && e.dedupeSeconds !== null ? verdict(e.dedupeSeconds <= TARGETS.dedupeSeconds, `${Math.round((e.dedupeSeconds - TARGETS.dedupeSeconds) * 10) / 10} s over`) : '—'} |`,
      '',
      `Import counts: ${Object.entries(e.counts).map(([k, v]) => `${k} ${v.toLocaleString('en')}`).join(', ')}.`,
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}

const work = mkdtempSync(join(tmpdir(), 'guanxi-bench-import-'));
// the PostgreSQL server process reads the file itself for COPY FROM, as its own OS user
chmodSync(work, 0o755);
const engines: EngineResult[] = [];
try {
  const wanted = (env.BENCH_ENGINES ?? 'postgres,pglite').split(',');
  if (wanted.includes('postgres')) {
    const rows = Number(env.BENCH_PG_ROWS ?? 1_000_000);
    const file = join(work, `customers-${rows}.csv`);
    const info = await writeCsv(file, rows);
    const serverUrl = env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const name = `guanxi_bench_${Date.now().toString(36)}`;
    const admin = await openDatabase({ url: serverUrl, poolSize: 1 });
    await admin.db.execute(sql.raw(`create database ${name}`));
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    try {
      engines.push(await bench('postgres', rows, file, info, () => openDatabase({ url: url.toString(), poolSize: 2 }), { BENCH_DATABASE_URL: url.toString(), BENCH_FILES_DIR: work }));
    } finally {
      await admin.db.execute(sql.raw(`drop database if exists ${name} with (force)`));
      await admin.close();
    }
  }
  if (wanted.includes('pglite')) {
    const rows = Number(env.BENCH_PGLITE_ROWS ?? 100_000);
    const file = join(work, `customers-${rows}.csv`);
    const info = await writeCsv(file, rows);
    const dir = join(work, 'pglite');
    engines.push(await bench('pglite', rows, file, info, () => openDatabase({ dataDir: dir }), { BENCH_PGLITE_DIR: dir }));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

// BENCH_MERGE=1 keeps the engines imports.json holds that this run does not measure.
if (env.BENCH_MERGE && existsSync(join(resultsDir, 'imports.json'))) {
  const recorded = JSON.parse(readFileSync(join(resultsDir, 'imports.json'), 'utf8')) as { engines: EngineResult[] };
  for (const e of recorded.engines) if (!engines.some((x) => x.engine === e.engine)) engines.push(e);
}
const run = {
  at: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version },
  targets: TARGETS,
  engines,
};
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, 'imports.json'), `${JSON.stringify(run, null, 2)}\n`);
writeFileSync(join(resultsDir, 'imports.md'), markdown(run));
log(`\nwrote ${join(resultsDir, 'imports.md')}`);
