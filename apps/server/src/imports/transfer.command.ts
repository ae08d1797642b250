// `guanxi import customers FILE` and `guanxi export customers --out FILE`. With the embedded
// database free (or DATABASE_URL), the command opens it and runs the same engine in this process;
// when a server holds it (PGlite admits one process) or --server is given, it goes through that
// server's API with an API token. Either way it shows progress on stderr and prints the counts.
import { copyFileSync, createWriteStream, openAsBlob, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { Command, CommanderError, Option } from 'commander';
import { sql } from 'drizzle-orm';
import { duplicateStrategies, importMapping, type ImportJob } from '@guanxi/contracts';
import { loadActor, type Actor } from '../auth/actor.js';
import { openConfiguredDatabase } from '../bootstrap.js';
import { loadConfig, type Config } from '../config.js';
import type { Database } from '../db/client.js';
import { DataDirBusyError } from '../db/data-dir-lock.js';
import { exportCustomers } from '../exports/customer-export.js';
import { AppError } from '../platform/errors.js';
import { ImportRunner, type ImportProgress } from './import-runner.js';
import { createImport, getImport, importsDir, previewImport } from './imports.service.js';

type Counts = Pick<ImportJob, 'status' | 'totalRows' | 'rowsRead' | 'imported' | 'updated' | 'skipped' | 'failed' | 'error' | 'id'>;

export interface ImportCliOptions {
  mapping?: string;
  duplicates: 'skip' | 'update' | 'create';
  encoding: 'auto' | 'utf8' | 'gbk';
  owner?: string;
  user?: string;
  server?: string;
  token?: string;
}

/** A one-line progress bar on stderr (only on a terminal, so logs stay clean). */
function progressLine(p: Pick<ImportProgress, 'totalRows' | 'rowsRead' | 'imported' | 'updated' | 'skipped' | 'failed'>, out: NodeJS.WriteStream = process.stderr): void {
  if (!out.isTTY) return;
  const total = p.totalRows ?? 0;
  const share = total ? Math.min(1, p.rowsRead / total) : 0;
  const bar = '#'.repeat(Math.round(share * 30)).padEnd(30, '.');
  out.write(`\r[${bar}] ${(share * 100).toFixed(0).padStart(3)}% ${p.rowsRead}/${total || '?'} rows · imported ${p.imported} · updated ${p.updated} · skipped ${p.skipped} · failed ${p.failed}  `);
}

function summary(c: Counts): string {
  return `import ${c.id} ${c.status}: ${c.rowsRead} rows read, ${c.imported} imported, ${c.updated} updated, ${c.skipped} skipped, ${c.failed} failed${c.error ? ` (${c.error})` : ''}`;
}

/** Exit codes: 0 all rows in, 1 some rows failed (or the run stopped), 2 the file was refused. */
function finish(c: Counts, errorsHint: string): void {
  if (process.stderr.isTTY) process.stderr.write('\n');
  process.stdout.write(`${summary(c)}\n`);
  if (c.status === 'failed') {
    process.stderr.write(`guanxi: the file was refused: ${c.error ?? ''}\n`);
    throw new CommanderError(2, 'guanxi.import.refused', c.error ?? 'refused');
  }
  if (c.status !== 'completed') throw new Error(`the import stopped (${c.status}); resume it with the API or the web page`);
  if (c.failed > 0) throw new Error(`${c.failed} rows failed; the failed rows with their reasons: ${errorsHint}`);
}

function refused(e: unknown): never {
  if (e instanceof AppError && e.code === 'VALIDATION_FAILED' && e.details?.[0]?.path === 'file') {
    process.stderr.write(`guanxi: the file was refused: ${e.message}\n`);
    throw new CommanderError(2, 'guanxi.import.refused', e.message);
  }
  throw e;
}

function readMapping(path: string | undefined): Record<string, string> | undefined {
  if (!path) return undefined;
  const r = importMapping.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!r.success) throw new Error(`--mapping ${path}: expected {"column header": "field", …}: ${r.error.issues[0]?.message ?? ''}`);
  return r.data;
}

async function cliActor(database: Database, email: string | undefined): Promise<Actor> {
  const [u] = email
    ? await database.rows<{ id: number }>(sql`select id from users where lower(email) = ${email.toLowerCase()} and active and deleted_at is null`)
    : await database.rows<{ id: number }>(sql`select u.id from users u join roles r on r.id = u.role_id where r.key = 'admin' and u.active and u.deleted_at is null order by u.id limit 1`);
  if (!u) throw new Error(email ? `--user: no active user ${email}` : 'no active administrator; give --user');
  const actor = await loadActor(database.db, Number(u.id), 'session');
  if (!actor) throw new Error('the user cannot act');
  return actor;
}

async function ownerId(database: Database, email: string | undefined): Promise<number | undefined> {
  if (!email) return undefined;
  const [u] = await database.rows<{ id: number }>(sql`select id from users where lower(email) = ${email.toLowerCase()} and active and deleted_at is null`);
  if (!u) throw new Error(`--owner: no active user ${email}`);
  return Number(u.id);
}

/** The import in this process, against an opened database. Exported for tests. */
export async function importInProcess(database: Database, config: Config, file: string, opts: ImportCliOptions): Promise<Counts> {
  const actor = await cliActor(database, opts.user);
  if (!actor.permissions.has('customers.import')) throw new Error(`${actor.email} may not import customers`);
  const ctx = { actor, requestId: `cli-${randomBytes(4).toString('hex')}`, ip: 'cli' };
  // the engine keeps its own copy (for resume and the failed-rows file); the user's file stays put
  const copy = join(importsDir(config), `upload-${randomBytes(8).toString('hex')}`);
  copyFileSync(file, copy);
  const mapping = readMapping(opts.mapping) ?? (await previewImport(database, { path: copy, name: basename(file) }, opts.encoding).catch(refused)).suggestedMapping;
  const runner = new ImportRunner(database, { batchSize: 2000, timeZone: config.timeZone });
  runner.onProgress((p) => progressLine(p));
  const job = await createImport(database, ctx, runner, config, {
    path: copy,
    name: basename(file),
    bytes: (await openAsBlob(copy)).size,
    mapping,
    options: { kind: 'customers', duplicates: opts.duplicates, encoding: opts.encoding, ownerId: await ownerId(database, opts.owner) },
  }).catch(refused);
  await runner.idle();
  return getImport(database, ctx, job.id);
}

async function api(server: string, token: string, path: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(new URL(`/api/v1${path}`, server), { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });
  if (!res.ok && !(res.headers.get('content-type') ?? '').includes('json')) throw new Error(`${server}: ${res.status} ${res.statusText}`);
  return res;
}

async function failure(res: Response): Promise<never> {
  const body = (await res.json()) as { error?: { message?: string; details?: Array<{ path: string; message: string; code?: string }> } };
  const details = body.error?.details ?? [];
  const message = `${body.error?.message ?? res.status}${details.length ? `: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}` : ''}`;
  if (res.status === 400 && details[0]?.path === 'file') {
    process.stderr.write(`guanxi: the file was refused: ${message}\n`);
    throw new CommanderError(2, 'guanxi.import.refused', message);
  }
  throw new Error(message);
}

/** --owner by email, looked up as the token's user would in a picker; the server then checks they may assign to them. */
async function ownerIdViaServer(server: string, token: string, email: string | undefined): Promise<number | undefined> {
  if (!email) return undefined;
  const res = await api(server, token, `/users/lookup?q=${encodeURIComponent(email)}`);
  if (!res.ok) await failure(res);
  const found = ((await res.json()) as { data: Array<{ id: number; email: string; active: boolean }> }).data.find((u) => u.email.toLowerCase() === email.toLowerCase() && u.active);
  if (!found) throw new Error(`--owner: no active user ${email}`);
  return found.id;
}

async function importViaServer(server: string, token: string, file: string, opts: ImportCliOptions): Promise<Counts> {
  const blob = await openAsBlob(file);
  let mapping = readMapping(opts.mapping);
  if (!mapping) {
    const form = new FormData();
    form.set('encoding', opts.encoding);
    form.set('file', blob, basename(file));
    const res = await api(server, token, '/imports/preview', { method: 'POST', body: form });
    if (!res.ok) await failure(res);
    mapping = ((await res.json()) as { suggestedMapping: Record<string, string> }).suggestedMapping;
  }
  const form = new FormData();
  form.set('mapping', JSON.stringify(mapping));
  form.set('options', JSON.stringify({ duplicates: opts.duplicates, encoding: opts.encoding, ownerId: await ownerIdViaServer(server, token, opts.owner) }));
  form.set('file', blob, basename(file));
  const started = await api(server, token, '/imports', { method: 'POST', body: form });
  if (!started.ok) await failure(started);
  let job = (await started.json()) as ImportJob;
  while (job.status === 'queued' || job.status === 'running') {
    await new Promise((r) => setTimeout(r, 500));
    const res = await api(server, token, `/imports/${job.id}`);
    if (!res.ok) await failure(res);
    job = (await res.json()) as ImportJob;
    progressLine(job);
  }
  return job;
}

/** Opens the embedded database, or says that a server holds it (null). */
async function openLocal(config: Config) {
  try {
    return await openConfiguredDatabase(config);
  } catch (e) {
    if (e instanceof DataDirBusyError) return null;
    throw e;
  }
}

function serverOf(opts: { server?: string; token?: string }, config: Config): { server: string; token: string } {
  const token = opts.token ?? process.env.GUANXI_API_TOKEN;
  const server = opts.server ?? process.env.GUANXI_SERVER_URL ?? `http://127.0.0.1:${config.port}`;
  if (!token) throw new Error(`a server holds the database (or --server was given): pass an API token with --token or GUANXI_API_TOKEN to go through ${server}`);
  return { server, token };
}

export function transferCommands(): Command[] {
  const imp = new Command('import').description('import records from a CSV or XLSX file');
  imp
    .command('customers')
    .description('import customers (with contacts and follow-ups) from FILE; exit 1 when rows failed, 2 when the file was refused')
    .argument('<file>', 'CSV (UTF-8, UTF-8 BOM, GBK) or XLSX')
    .option('--mapping <file>', 'JSON {"column header": "field"}; default: headers recognised automatically')
    .addOption(new Option('--duplicates <strategy>', 'what to do with a row matching an existing customer').choices(duplicateStrategies).default('skip'))
    .addOption(new Option('--encoding <encoding>', 'text encoding of a CSV').choices(['auto', 'utf8', 'gbk']).default('auto'))
    .option('--owner <email>', 'owner of the imported customers (default: the importing user)')
    .option('--user <email>', 'the importing user, in-process (default: the first administrator)')
    .option('--server <url>', 'go through this server (default when a server holds the embedded database)')
    .option('--token <token>', 'API token for --server (or GUANXI_API_TOKEN)')
    .action(async (file: string, opts: ImportCliOptions) => {
      const config = loadConfig();
      const opened = opts.server ? null : await openLocal(config);
      if (opened) {
        let job: Counts;
        try {
          job = await importInProcess(opened.database, config, file, opts);
        } finally {
          await opened.close();
        }
        return finish(job, `guanxi serve, then GET /api/v1/imports/${job.id}/errors`);
      }
      const { server, token } = serverOf(opts, config);
      const job = await importViaServer(server, token, file, opts);
      finish(job, `${server}/api/v1/imports/${job.id}/errors`);
    });

  const exp = new Command('export').description('export records to a CSV or XLSX file');
  exp
    .command('customers')
    .description('export every customer the user may see (masked as their role says)')
    .requiredOption('--out <file>', 'file to write')
    .addOption(new Option('--format <format>', 'file format').choices(['csv', 'xlsx']).default('csv'))
    .option('--user <email>', 'whose view to export, in-process (default: the first administrator)')
    .option('--server <url>', 'go through this server')
    .option('--token <token>', 'API token for --server (or GUANXI_API_TOKEN)')
    .action(async (opts: { out: string; format: 'csv' | 'xlsx'; user?: string; server?: string; token?: string }) => {
      const config = loadConfig();
      const started = Date.now();
      const opened = opts.server ? null : await openLocal(config);
      if (opened) {
        try {
          const actor = await cliActor(opened.database, opts.user);
          if (!actor.permissions.has('customers.export')) throw new Error(`${actor.email} may not export customers`);
          const out = await exportCustomers(opened.database, { actor, requestId: 'cli', ip: 'cli' }, { format: opts.format, list: {} }, 'zh-CN', config.timeZone);
          await pipeline(Readable.from(out.body), createWriteStream(opts.out));
        } finally {
          await opened.close();
        }
      } else {
        const { server, token } = serverOf(opts, config);
        const res = await api(server, token, `/customers/export?format=${opts.format}`);
        if (!res.ok || !res.body) await failure(res);
        await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(opts.out));
      }
      const bytes = (await openAsBlob(opts.out)).size;
      process.stdout.write(`exported customers to ${opts.out} (${bytes} bytes) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    });
  return [imp, exp];
}
