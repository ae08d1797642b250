// Import jobs as the API and the command line see them: preview a file, start an import, follow
// it, cancel, resume or roll it back, download its failed rows; and saved column mappings.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { ImportJob, ImportOptions, ImportPreview } from '@guanxi/contracts';
import { forgetRolledUpCustomers } from '../analytics/dashboard-rollups.js';
import type { Actor } from '../auth/actor.js';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { fieldDefinitions } from '../custom-fields/custom-fields.service.js';
import { recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { ownedBy } from '../platform/data-scope.js';
import { AppError, conflict, forbidden, invalid, msg, notFound } from '../platform/errors.js';
import type { Lang } from '../platform/i18n.js';
import { csvLine, UTF8_BOM } from '../tabular/csv-writer.js';
import { openTableFile, TableFileError, type TableFile } from '../tabular/table-file.js';
import type { EncodingChoice } from '../tabular/text-encoding.js';
import { xlsxStream } from '../tabular/xlsx-writer.js';
import { importFieldsFor, mappingProblems, suggestMapping } from './customer-rows.js';
import type { ImportRunner } from './import-runner.js';

/** Where uploaded files live: beside the embedded database, or in the temp dir with an external one. */
export function importsDir(config: Pick<Config, 'databaseUrl' | 'dataDir'>): string {
  const dir = config.databaseUrl ? join(tmpdir(), 'guanxi-imports') : join(config.dataDir, 'imports');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A file the whole of which cannot be imported: 400 naming the file, with the reason. */
export function refusedFile(e: TableFileError): AppError {
  return new AppError('VALIDATION_FAILED', e.userMessage, [{ path: 'file', message: e.message, code: e.problem }]);
}

async function openOrRefuse(path: string, encoding: EncodingChoice): Promise<TableFile> {
  try {
    return await openTableFile(path, { encoding });
  } catch (e) {
    if (e instanceof TableFileError) throw refusedFile(e);
    throw e;
  }
}

export async function previewImport(database: Database, file: { path: string; name: string }, encoding: EncodingChoice): Promise<ImportPreview> {
  const table = await openOrRefuse(file.path, encoding);
  const rows: string[][] = [];
  for await (const batch of table.records()) {
    for (const r of batch) {
      if (rows.length >= 20) break;
      rows.push(r.problem ? [] : r.cells.slice(0, table.header.length));
    }
    if (rows.length >= 20) break;
  }
  const custom = await fieldDefinitions(database.db, 'customer');
  return {
    fileName: file.name,
    format: table.format,
    encoding: table.encoding,
    delimiter: table.delimiter,
    header: table.header,
    rows,
    suggestedMapping: suggestMapping(table.header, custom),
    fields: importFieldsFor(custom),
  };
}

interface JobRow extends Record<string, unknown> {
  id: number;
  kind: 'customers';
  file_name: string;
  file_path: string;
  format: 'csv' | 'xlsx';
  detected_encoding: string | null;
  delimiter: string | null;
  mapping: Record<string, string>;
  duplicates: 'skip' | 'update' | 'create';
  owner_id: number | null;
  status: ImportJob['status'];
  total_rows: number | null;
  rows_read: number;
  imported: number;
  updated: number;
  skipped: number;
  failed: number;
  resume_after_row: number;
  error: string | null;
  created_by: number | null;
  created_by_name: string | null;
  created_at: string | Date;
  started_at: string | Date | null;
  finished_at: string | Date | null;
}

const isoOf = (v: string | Date | null): string | null => (v === null ? null : new Date(v).toISOString());

function toJob(r: JobRow): ImportJob {
  return {
    id: Number(r.id),
    kind: r.kind,
    fileName: r.file_name,
    format: r.format,
    encoding: r.detected_encoding,
    delimiter: r.delimiter,
    mapping: r.mapping,
    duplicates: r.duplicates,
    ownerId: r.owner_id === null ? null : Number(r.owner_id),
    status: r.status,
    totalRows: r.total_rows,
    rowsRead: r.rows_read,
    imported: r.imported,
    updated: r.updated,
    skipped: r.skipped,
    failed: r.failed,
    resumeAfterRow: r.resume_after_row,
    error: r.error,
    createdBy: r.created_by === null ? null : Number(r.created_by),
    createdByName: r.created_by_name,
    createdAt: isoOf(r.created_at)!,
    startedAt: isoOf(r.started_at),
    finishedAt: isoOf(r.finished_at),
  };
}

/** Imports the caller may follow: their own, and those of users in their data scope. */
const visibleImport = (actor: Actor) => sql`(i.created_by = ${actor.id} or ${ownedBy(actor, sql`i.created_by`)})`;

async function findJob(database: Database, actor: Actor, id: number): Promise<JobRow> {
  const [row] = await database.rows<JobRow>(sql`select i.*, u.name as created_by_name from imports i left join users u on u.id = i.created_by where i.id = ${id} and ${visibleImport(actor)}`);
  if (!row) throw notFound();
  return row;
}

export const getImport = async (database: Database, ctx: Ctx, id: number): Promise<ImportJob> => toJob(await findJob(database, ctx.actor, id));

export async function listImports(database: Database, ctx: Ctx, query: { limit: number; cursor?: string | undefined }): Promise<{ data: ImportJob[]; nextCursor: string | null }> {
  const before = query.cursor ? Number(query.cursor) : null;
  if (query.cursor && (!Number.isSafeInteger(before) || before! <= 0)) throw invalid('cursor', 'not a cursor returned by this list');
  const rows = await database.rows<JobRow>(
    sql`select i.*, u.name as created_by_name from imports i left join users u on u.id = i.created_by
        where ${visibleImport(ctx.actor)} ${before ? sql`and i.id < ${before}` : sql``} order by i.id desc limit ${query.limit + 1}`,
  );
  const data = rows.slice(0, query.limit).map(toJob);
  return { data, nextCursor: rows.length > query.limit ? String(data[data.length - 1]!.id) : null };
}

/** Starts an import of an uploaded file (moved into the imports directory); 400 before anything is written when the file or the mapping is wrong. */
export async function createImport(
  database: Database,
  ctx: Ctx,
  runner: ImportRunner,
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
  input: { path: string; name: string; bytes: number; mapping: Record<string, string>; options: ImportOptions },
): Promise<ImportJob> {
  const { actor } = ctx;
  const table = await openOrRefuse(input.path, input.options.encoding);
  const custom = await fieldDefinitions(database.db, 'customer');
  const problems = mappingProblems(input.mapping, table.header, custom);
  if (problems.length) throw new AppError('VALIDATION_FAILED', undefined, problems.map((p) => ({ ...p, code: 'invalid_mapping' })));
  const ownerId = input.options.ownerId ?? actor.id;
  if (ownerId !== actor.id) {
    if (!actor.permissions.has('customers.assign')) throw forbidden(msg('Only users who may assign customers can import them for others.', '只有具有分配权限的用户才能为他人导入客户。'));
    const [ok] = await database.rows<{ ok: boolean }>(sql`select exists (select 1 from users where id = ${ownerId} and active and deleted_at is null and ${ownedBy(actor, sql`id`)}) as ok`);
    if (!ok?.ok) throw invalid('options.ownerId', 'no active user with this id in your data scope', 'not_found');
  }
  const [row] = await database.rows<{ id: number }>(sql`
    insert into imports (kind, file_name, file_path, file_bytes, format, encoding, detected_encoding, delimiter, mapping, duplicates, owner_id, status, created_by)
    values (${input.options.kind}, ${input.name}, '', ${input.bytes}, ${table.format}, ${input.options.encoding}, ${table.encoding}, ${table.delimiter},
      ${JSON.stringify(input.mapping)}::jsonb, ${input.options.duplicates}, ${ownerId}, 'queued', ${actor.id})
    returning id`);
  const id = Number(row!.id);
  const dir = join(importsDir(config), String(id));
  mkdirSync(dir, { recursive: true });
  const kept = join(dir, table.format === 'xlsx' ? 'upload.xlsx' : 'upload.csv');
  renameSync(input.path, kept);
  await database.db.execute(sql`update imports set file_path = ${kept} where id = ${id}`);
  void runner.start(id);
  return getImport(database, ctx, id);
}

export async function cancelImport(database: Database, ctx: Ctx, runner: ImportRunner, id: number): Promise<ImportJob> {
  const job = await findJob(database, ctx.actor, id);
  if (job.status === 'queued') await database.db.execute(sql`update imports set status = 'cancelled', updated_at = now() where id = ${id} and status = 'queued'`);
  else if (job.status === 'running') {
    if (!runner.cancel(id)) throw conflict(msg('The import runs in another server process; cancel it there.', '该导入在另一服务进程中运行，请在那里取消。'));
    await runner.start(id); // the run ends after its batch in flight
  } else throw conflict(msg(`The import is ${job.status}; only a queued or running import can be cancelled.`, `导入状态为 ${job.status}，只能取消排队中或进行中的导入。`));
  return getImport(database, ctx, id);
}

export async function resumeImport(database: Database, ctx: Ctx, runner: ImportRunner, id: number): Promise<ImportJob> {
  const job = await findJob(database, ctx.actor, id);
  if (job.status !== 'interrupted' && job.status !== 'cancelled') {
    throw conflict(msg(`The import is ${job.status}; only an interrupted or cancelled import can be resumed.`, `导入状态为 ${job.status}，只能继续已中断或已取消的导入。`));
  }
  void runner.start(id);
  await recordAudit(database.db, ctx, { entity: 'import', entityId: id, action: 'resume', changes: { resumeAfterRow: { old: null, new: job.resume_after_row } } });
  return getImport(database, ctx, id);
}

/**
 * Undoes an import in one transaction: deletes the follow-ups, contacts and customers it created
 * and restores the fields it changed on matched customers — unless someone edited one since
 * (its version moved on), which is then kept and counted.
 */
export async function rollbackImport(database: Database, ctx: Ctx, runner: ImportRunner, id: number): Promise<{ deleted: number; restored: number; keptChanged: number }> {
  const job = await findJob(database, ctx.actor, id);
  if (job.status === 'running' || job.status === 'queued' || runner.isRunning(id)) throw conflict(msg('Cancel the import before rolling it back.', '请先取消导入再回滚。'));
  if (job.status === 'rolled_back') throw conflict(msg('The import has already been rolled back.', '该导入已回滚。'));
  return database.db.transaction(async (tx) => {
    const count = async (q: ReturnType<typeof sql>) => ((await tx.execute(q)) as unknown as { rows: Array<{ n: number }> }).rows[0]?.n ?? 0;
    let deleted = 0;
    deleted += Number(await count(sql`with d as (delete from follow_ups where id in (select entity_id from import_rows where import_id = ${id} and entity = 'follow_up' and action = 'created') returning customer_id)
      , fix as (update customers c set last_follow_up_at = (select max(f.occurred_at) from follow_ups f where f.customer_id = c.id and f.deleted_at is null and f.id not in (select entity_id from import_rows where import_id = ${id} and entity = 'follow_up'))
          where c.id in (select customer_id from d) returning 1)
      select count(*)::int as n from d`));
    deleted += Number(await count(sql`with d as (delete from contacts where id in (select entity_id from import_rows where import_id = ${id} and entity = 'contact' and action = 'created') returning 1) select count(*)::int as n from d`));
    // customers created by the import and scored since take what they count for out of the analytics dashboards
    const created = ((await tx.execute(sql`select entity_id as id from import_rows where import_id = ${id} and entity = 'customer' and action = 'created'`)) as unknown as { rows: Array<{ id: number }> }).rows;
    await forgetRolledUpCustomers(database, tx, created.map((r) => Number(r.id)));
    try {
      deleted += Number(await count(sql`with d as (delete from customers where id in (select entity_id from import_rows where import_id = ${id} and entity = 'customer' and action = 'created') returning 1) select count(*)::int as n from d`));
    } catch (e) {
      throw conflict(msg('Some imported customers are now used elsewhere (orders, …); move them to the recycle bin instead.', '部分导入的客户已被其他记录（如订单）引用，无法回滚，请改为移入回收站。'));
    }
    const updates = ((await tx.execute(sql`select entity_id, before, version_after from import_rows where import_id = ${id} and entity = 'customer' and action = 'updated' and before is not null order by row_number desc`)) as unknown as {
      rows: Array<{ entity_id: number; before: Record<string, unknown>; version_after: number }>;
    }).rows;
    let restored = 0;
    let keptChanged = 0;
    for (const u of updates) {
      const sets = Object.entries(u.before).filter(([k]) => /^[a-z_]+$/.test(k)).map(([k, v]) => sql`${sql.raw(k)} = ${k === 'custom' ? sql`${JSON.stringify(v)}::jsonb` : v}`);
      if (!sets.length) continue;
      const r = (await tx.execute(sql`update customers set ${sql.join(sets, sql`, `)}, version = version + 1, updated_at = now(), updated_by = ${ctx.actor.id}
        where id = ${u.entity_id} and version = ${u.version_after} and deleted_at is null returning id`)) as unknown as { rows: unknown[] };
      if (r.rows.length) restored++;
      else keptChanged++;
    }
    await tx.execute(sql`update imports set status = 'rolled_back', updated_at = now() where id = ${id}`);
    await tx.execute(sql`delete from import_rows where import_id = ${id}`);
    await recordAudit(tx, ctx, { entity: 'import', entityId: id, action: 'rollback', changes: { fileName: { old: null, new: job.file_name }, deleted: { old: null, new: deleted }, restored: { old: null, new: restored } } });
    return { deleted, restored, keptChanged };
  });
}

// ---- failed rows ----

export async function errorPage(database: Database, ctx: Ctx, id: number, lang: Lang, after: number, limit: number): Promise<{ data: Array<{ rowNumber: number; column: string | null; reason: string }>; nextAfter: number | null }> {
  await findJob(database, ctx.actor, id);
  const rows = await database.rows<{ row_number: number; column: string | null; reason_en: string; reason_zh: string }>(
    sql`select row_number, "column", reason_en, reason_zh from import_errors where import_id = ${id} and row_number > ${after}
        and row_number <= coalesce((select max(row_number) from (select distinct row_number from import_errors where import_id = ${id} and row_number > ${after} order by row_number limit ${limit}) r), 0)
        order by row_number, seq`,
  );
  const data = rows.map((r) => ({ rowNumber: r.row_number, column: r.column, reason: lang === 'en' ? r.reason_en : r.reason_zh }));
  const last = data[data.length - 1]?.rowNumber ?? null;
  const [more] = last === null ? [] : await database.rows<{ more: boolean }>(sql`select exists (select 1 from import_errors where import_id = ${id} and row_number > ${last}) as more`);
  return { data, nextAfter: more?.more ? last : null };
}

/**
 * The failed rows as a file to fix and import again: the original columns (so the same mapping
 * applies), then the row number in the original file, the column and the reason. Read in pages
 * of rows, so a million failures never sit in memory.
 */
export async function errorFile(database: Database, ctx: Ctx, id: number, lang: Lang, format: 'csv' | 'xlsx'): Promise<{ fileName: string; body: AsyncGenerator<Buffer> }> {
  const job = await findJob(database, ctx.actor, id);
  let header: string[] = [];
  try {
    header = (await openTableFile(job.file_path, { encoding: 'auto' })).header;
  } catch {
    // the upload is gone (temp dir cleaned): the raw cells still carry the data, under generic names
  }
  const extra = lang === 'en' ? ['Error row', 'Error column', 'Error'] : ['错误行号', '错误列', '错误原因'];
  const width = header.length;
  async function* rows(): AsyncGenerator<string[][]> {
    let after = 0;
    for (;;) {
      const page = await database.rows<{ row_number: number; raw: string[]; columns: Array<string | null>; reasons: string[] }>(
        sql`select row_number, (array_agg(raw order by seq))[1] as raw, array_agg("column" order by seq) as columns,
              array_agg(${lang === 'en' ? sql`reason_en` : sql`reason_zh`} order by seq) as reasons
            from import_errors where import_id = ${id} and row_number > ${after} group by row_number order by row_number limit 2000`,
      );
      if (!page.length) return;
      yield page.map((r) => {
        const cells = [...r.raw];
        while (cells.length < width) cells.push('');
        const columns = [...new Set(r.columns.filter((c): c is string => c !== null))].join('; ');
        return [...cells.slice(0, Math.max(width, cells.length)), String(r.row_number), columns, r.reasons.join('; ')];
      });
      after = page[page.length - 1]!.row_number;
    }
  }
  const fullHeader = [...header, ...extra];
  const base = job.file_name.replace(/\.[^.]+$/, '');
  if (format === 'xlsx') return { fileName: `${base}-errors.xlsx`, body: xlsxStream(lang === 'en' ? 'Failed rows' : '失败行', fullHeader, rows()) };
  async function* csv(): AsyncGenerator<Buffer> {
    yield Buffer.from(UTF8_BOM + csvLine(fullHeader));
    for await (const batch of rows()) yield Buffer.from(batch.map(csvLine).join(''));
  }
  return { fileName: `${base}-errors.csv`, body: csv() };
}

/** Removes an upload that never became an import (preview, refused file). */
export function discardUpload(path: string): void {
  rmSync(path, { force: true });
}

// ---- saved mappings ----

export interface SavedMapping {
  id: number;
  kind: 'customers';
  name: string;
  mapping: Record<string, string>;
  createdBy: number | null;
  createdAt: string;
}

export async function listMappings(database: Database): Promise<{ data: SavedMapping[] }> {
  const rows = await database.rows<{ id: number; kind: 'customers'; name: string; mapping: Record<string, string>; created_by: number | null; created_at: string | Date }>(
    sql`select * from import_mappings order by name, id`,
  );
  return { data: rows.map((r) => ({ id: Number(r.id), kind: r.kind, name: r.name, mapping: r.mapping, createdBy: r.created_by === null ? null : Number(r.created_by), createdAt: isoOf(r.created_at)! })) };
}

export async function createMapping(database: Database, ctx: Ctx, input: { kind: 'customers'; name: string; mapping: Record<string, string> }): Promise<SavedMapping> {
  return database.db.transaction(async (tx) => {
    const [r] = ((await tx.execute(sql`insert into import_mappings (kind, name, mapping, created_by) values (${input.kind}, ${input.name}, ${JSON.stringify(input.mapping)}::jsonb, ${ctx.actor.id}) returning id, created_at`)) as unknown as {
      rows: Array<{ id: number; created_at: string | Date }>;
    }).rows;
    await recordAudit(tx, ctx, { entity: 'import_mapping', entityId: r!.id, action: 'create', changes: { name: { old: null, new: input.name } } });
    return { id: Number(r!.id), kind: input.kind, name: input.name, mapping: input.mapping, createdBy: ctx.actor.id, createdAt: isoOf(r!.created_at)! };
  });
}

export async function deleteMapping(database: Database, ctx: Ctx, id: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    const r = (await tx.execute(sql`delete from import_mappings where id = ${id} and (created_by = ${ctx.actor.id} or ${ctx.actor.permissions.has('settings.manage')}) returning name`)) as unknown as { rows: Array<{ name: string }> };
    if (!r.rows.length) throw notFound();
    await recordAudit(tx, ctx, { entity: 'import_mapping', entityId: id, action: 'delete', changes: { name: { old: r.rows[0]!.name, new: null } } });
  });
}
