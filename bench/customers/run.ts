// Customers benchmark: generates 1M customers / 5M follow-ups on PostgreSQL (100k / 500k on PGlite),
// starts the real server on 127.0.0.1 with an API token, and drives five read scenarios with 32
// concurrent clients, each compared with a bare Fastify route replaying the same SQL. Writes
// bench/results/customers.json and customers.md. Run: npm run bench:customers -w bench
// Env: BENCH_ENGINES=postgres,pglite  BENCH_DURATION_S=60  BENCH_PG_URL=postgres://…/postgres
//      BENCH_PG_CUSTOMERS / BENCH_PG_FOLLOW_UPS / BENCH_PGLITE_CUSTOMERS / BENCH_PGLITE_FOLLOW_UPS
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../../apps/server/src/db/client.js';
import { migrateDatabase } from '../../apps/server/src/db/migrate.js';
import { seedBuiltInRoles } from '../../apps/server/src/roles/roles.service.js';
import { generate, type Generated } from './generate.js';
import { get, runLoad, type LoadResult } from '../shared/load.js';
import { mulberry32 } from '../../apps/server/src/demo/random.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const resultsDir = join(here, '../results');
const env = process.env;
const durationS = Number(env.BENCH_DURATION_S ?? 60);
const concurrency = 32;
const TARGET_P95_MS = 50;
const log = (line: string) => process.stdout.write(`${line}\n`);

interface Scenario {
  name: string;
  description: string;
  /** URLs of one logical request (fetched in parallel, as the page does); `i` varies the input. */
  urls: (i: number) => string[];
}

interface EngineResult {
  engine: string;
  dataset: { customers: number; followUps: number; generation: Generated['seconds'] };
  page500WalkSeconds: number;
  scenarios: Array<{ name: string; description: string; api: LoadResult; baseline: LoadResult; statements: string[] }>;
}

async function prepare(database: Database, customers: number, followUps: number): Promise<Generated> {
  await migrateDatabase(database);
  await database.db.transaction((tx) => seedBuiltInRoles(tx));
  return generate(database, { customers, followUps, reps: 200, now: new Date('2025-06-01T00:00:00Z'), log });
}

async function startServer(extraEnv: Record<string, string>): Promise<{ child: ChildProcess; api: string; baseline: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, '../shared/server.ts')], { env: { ...env, ...extraEnv, LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  const ports = JSON.parse(line) as { api: string; baseline: string };
  return { child, ...ports };
}

async function bench(engine: string, customers: number, followUps: number, open: () => Promise<Database>, serverEnv: Record<string, string>): Promise<EngineResult> {
  log(`\n== ${engine}: generating ${customers.toLocaleString('en')} customers and ${followUps.toLocaleString('en')} follow-ups`);
  const database = await open();
  const generated = await prepare(database, customers, followUps);
  await database.close();
  log(`generated in ${JSON.stringify(generated.seconds)} s`);

  const server = await startServer({ ...serverEnv, BENCH_TOKEN: generated.token });
  try {
    const auth = { authorization: `Bearer ${generated.token}` };
    const api = (path: string) => `${server.api}${path}`;
    const json = async <T>(path: string): Promise<T> => {
      const res = await fetch(api(path), { headers: auth });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };

    // Page 500 of a filtered list, reached by following nextCursor like a client would.
    const filtered = '/api/v1/customers?filter[importance]=ordinary&sort=-createdAt&limit=50';
    const walkStarted = performance.now();
    let cursor: string | null = null;
    for (let page = 1; page < 500; page++) {
      const body: { nextCursor: string | null } = await json(`${filtered}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      cursor = body.nextCursor;
      if (!cursor) throw new Error(`the filtered list ended at page ${page}`);
    }
    const page500WalkSeconds = Math.round((performance.now() - walkStarted) / 100) / 10;
    const page500 = `${filtered}&cursor=${encodeURIComponent(cursor!)}`;

    const fragments = ['瑞丰', '王伟', '华信', '科技', '李娜', '深圳', '张敏', '建材'];
    const r = mulberry32(7);
    const ids = Array.from({ length: 64 }, () => r.int(1, customers));
    const scenarios: Scenario[] = [
      { name: 'list: first page', description: 'GET /customers?limit=50 (default sort)', urls: () => ['/api/v1/customers?limit=50'] },
      {
        name: 'list: filtered + sorted',
        description: 'GET /customers?filter[province]=广东省&filter[importance]=important&sort=-lastFollowUpAt&limit=50',
        urls: () => [`/api/v1/customers?filter[province]=${encodeURIComponent('广东省')}&filter[importance]=important&sort=-lastFollowUpAt&limit=50`],
      },
      { name: 'list: page 500 (filtered)', description: 'GET /customers?filter[importance]=ordinary&sort=-createdAt&limit=50&cursor=<page 500>', urls: () => [page500] },
      { name: 'search: 2-character fragment', description: `GET /search?q=<one of ${fragments.join(' ')}>`, urls: (i) => [`/api/v1/search?q=${encodeURIComponent(fragments[i % fragments.length]!)}`] },
      {
        name: 'customer page + first timeline page',
        description: 'GET /customers/:id and GET /customers/:id/timeline in parallel, 64 different customers',
        urls: (i) => [`/api/v1/customers/${ids[i % ids.length]!}`, `/api/v1/customers/${ids[i % ids.length]!}/timeline`],
      },
    ];

    const results: EngineResult['scenarios'] = [];
    for (const [n, s] of scenarios.entries()) {
      // Capture the SQL of every distinct request for the baseline, under a short key.
      const variants = new Map<string, string>();
      for (let i = 0; i < 64; i++) for (const u of s.urls(i)) if (!variants.has(u)) variants.set(u, `${n}-${variants.size}`);
      let statements: string[] = [];
      for (const [u, key] of variants) {
        const res = await fetch(`${server.baseline}/capture`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key, url: u }) });
        const c = (await res.json()) as { status: number; sql: string[] };
        if (c.status !== 200) throw new Error(`${s.name}: ${u} answered ${c.status}`);
        statements = c.sql;
      }
      const load = { concurrency, durationMs: durationS * 1000, warmupMs: 3000 };
      log(`-- ${s.name}: API`);
      const apiResult = await runLoad((i) => Promise.all(s.urls(i).map((u) => get(api(u), auth))).then((oks) => oks.every(Boolean)), load);
      log(`   ${JSON.stringify(apiResult)}`);
      log(`-- ${s.name}: baseline`);
      const baseResult = await runLoad((i) => Promise.all(s.urls(i).map((u) => get(`${server.baseline}/replay/${variants.get(u)!}`))).then((oks) => oks.every(Boolean)), load);
      log(`   ${JSON.stringify(baseResult)}`);
      results.push({ name: s.name, description: s.description, api: apiResult, baseline: baseResult, statements });
    }
    return { engine, dataset: { customers, followUps, generation: generated.seconds }, page500WalkSeconds, scenarios: results };
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
  }
}

function markdown(run: { at: string; machine: Record<string, unknown>; durationS: number; engines: EngineResult[] }): string {
  const lines = [
    '# Customers benchmark',
    '',
    `Run ${run.at} on ${String(run.machine.cpus)} × ${String(run.machine.cpu)}, ${String(run.machine.memoryGb)} GB, Node ${String(run.machine.node)}. ` +
      `${concurrency} concurrent clients, ${run.durationS} s per measurement after a 3 s warm-up, load generator in a separate process from the server. ` +
      'Latencies in ms. **Baseline**: a bare Fastify route (no auth, validation or ORM) replaying the exact SQL the API ran for the same request, captured from the driver; the API additionally authenticates the API token (3 statements). ' +
      `Target: p95 ≤ ${TARGET_P95_MS} ms on PostgreSQL.`,
    '',
  ];
  for (const e of run.engines) {
    lines.push(
      `## ${e.engine}: ${e.dataset.customers.toLocaleString('en')} customers, ${e.dataset.followUps.toLocaleString('en')} follow-ups`,
      '',
      `Generation (s): ${Object.entries(e.dataset.generation).map(([k, v]) => `${k} ${v}`).join(', ')}. Walking 499 pages to reach page 500: ${e.page500WalkSeconds} s.`,
      '',
      '| scenario | API p50 | API p95 | API p99 | API req/s | baseline p50 | baseline p95 | baseline p99 | baseline req/s | errors | p95 target |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    );
    for (const s of e.scenarios) {
      const verdict = e.engine === 'postgres' ? (s.api.p95 <= TARGET_P95_MS ? 'met' : `missed by ${Math.round((s.api.p95 - TARGET_P95_MS) * 10) / 10} ms`) : '—';
      lines.push(`| ${s.name} | ${s.api.p50} | ${s.api.p95} | ${s.api.p99} | ${s.api.throughput} | ${s.baseline.p50} | ${s.baseline.p95} | ${s.baseline.p99} | ${s.baseline.throughput} | ${s.api.errors} | ${verdict} |`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

const engines: EngineResult[] = [];
const wanted = (env.BENCH_ENGINES ?? 'postgres,pglite').split(',');
if (wanted.includes('postgres')) {
  const serverUrl = env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `guanxi_bench_${Date.now().toString(36)}`;
  const admin = await openDatabase({ url: serverUrl, poolSize: 1 });
  await admin.db.execute(sql.raw(`create database ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  try {
    engines.push(
      await bench('postgres', Number(env.BENCH_PG_CUSTOMERS ?? 1_000_000), Number(env.BENCH_PG_FOLLOW_UPS ?? 5_000_000), () => openDatabase({ url: url.toString(), poolSize: 2 }), {
        BENCH_DATABASE_URL: url.toString(),
      }),
    );
  } finally {
    await admin.db.execute(sql.raw(`drop database if exists ${name} with (force)`));
    await admin.close();
  }
}
if (wanted.includes('pglite')) {
  const dir = mkdtempSync(join(tmpdir(), 'guanxi-bench-'));
  try {
    engines.push(await bench('pglite', Number(env.BENCH_PGLITE_CUSTOMERS ?? 100_000), Number(env.BENCH_PGLITE_FOLLOW_UPS ?? 500_000), () => openDatabase({ dataDir: dir }), { BENCH_PGLITE_DIR: dir }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const run = {
  at: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version },
  durationS,
  concurrency,
  targetP95Ms: TARGET_P95_MS,
  engines,
};
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, 'customers.json'), `${JSON.stringify(run, null, 2)}\n`);
writeFileSync(join(resultsDir, 'customers.md'), markdown(run));
log(`\nwrote ${join(resultsDir, 'customers.json')} and customers.md`);
