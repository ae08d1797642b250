// Runs imports in the background of the process that holds the database: one run per import at a
// time (an advisory lock, so two server instances never run the same one), batch after batch, each
// batch one transaction that also moves the resume point. Stopping is cooperative: `cancel` ends
// the run after the batch in flight, so what is committed is always whole batches.
import { sql } from 'drizzle-orm';
import { loadActor } from '../auth/actor.js';
import type { Database } from '../db/client.js';
import { refreshStatistics } from '../db/statistics.js';
import { fieldDefinitions } from '../custom-fields/custom-fields.service.js';
import { recordAudit } from '../platform/audit.js';
import { visibleOwners } from '../platform/data-scope.js';
import type { ParsedRecord } from '../tabular/delimited.js';
import { openTableFile, TableFileError } from '../tabular/table-file.js';
import type { EncodingChoice } from '../tabular/text-encoding.js';
import { importBatch, type ImportState } from './customer-import.js';
import { MatchKeyIndex } from './match-key-index.js';

const LOCK_BASE = 7_400_000_000;

export interface ImportProgress {
  id: number;
  status: string;
  totalRows: number | null;
  rowsRead: number;
  imported: number;
  updated: number;
  skipped: number;
  failed: number;
}

interface ImportRow extends Record<string, unknown> {
  id: number;
  file_path: string;
  file_name: string;
  encoding: string;
  delimiter: string | null;
  mapping: Record<string, string>;
  duplicates: 'skip' | 'update' | 'create';
  owner_id: number | null;
  status: string;
  total_rows: number | null;
  resume_after_row: number;
  created_by: number;
}

export interface RunnerOptions {
  /** Rows per batch (one transaction each). */
  batchSize: number;
  timeZone: string;
}

export class ImportRunner {
  private readonly running = new Map<number, { cancelled: boolean; done: Promise<void> }>();
  private readonly listeners = new Set<(p: ImportProgress) => void>();

  constructor(
    private readonly database: Database,
    private readonly options: RunnerOptions,
  ) {}

  /** Called after every committed batch and at the end of a run. */
  onProgress(listener: (p: ImportProgress) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  isRunning(id: number): boolean {
    return this.running.has(id);
  }

  /** Starts (or resumes) a run in the background; the promise settles when it ends. */
  start(id: number): Promise<void> {
    const existing = this.running.get(id);
    if (existing) return existing.done;
    const entry = { cancelled: false, done: Promise.resolve() };
    entry.done = this.run(id, entry).finally(() => this.running.delete(id));
    this.running.set(id, entry);
    return entry.done;
  }

  /** Asks a run to stop after its current batch; false when it is not running here. */
  cancel(id: number): boolean {
    const entry = this.running.get(id);
    if (!entry) return false;
    entry.cancelled = true;
    return true;
  }

  /** Asks every run to stop after its batch in flight and waits for them (shutdown). */
  async stopAll(): Promise<void> {
    for (const r of this.running.values()) r.cancelled = true;
    await this.idle();
  }

  /** Waits for every run of this process to end (tests, the command line). */
  async idle(): Promise<void> {
    await Promise.all([...this.running.values()].map((r) => r.done));
  }

  /** At start: runs that were `running` when a process died are `interrupted` (resumable). */
  async markInterrupted(): Promise<number> {
    const stale = await this.database.rows<{ id: number }>(sql`select id from imports where status = 'running'`);
    let n = 0;
    for (const { id } of stale) {
      const r = await this.database.withAdvisoryLock(LOCK_BASE + Number(id), false, async () => {
        await this.database.db.execute(sql`update imports set status = 'interrupted', updated_at = now() where id = ${id} and status = 'running'`);
      });
      if (r.acquired) n++;
    }
    return n;
  }

  private async progress(id: number): Promise<void> {
    if (!this.listeners.size) return;
    const [p] = await this.database.rows<{ status: string; total_rows: number | null; rows_read: number; imported: number; updated: number; skipped: number; failed: number }>(
      sql`select status, total_rows, rows_read, imported, updated, skipped, failed from imports where id = ${id}`,
    );
    if (!p) return;
    const progress: ImportProgress = { id, status: p.status, totalRows: p.total_rows, rowsRead: p.rows_read, imported: p.imported, updated: p.updated, skipped: p.skipped, failed: p.failed };
    for (const l of this.listeners) l(progress);
  }

  private async run(id: number, entry: { cancelled: boolean }): Promise<void> {
    const db = this.database.db;
    const locked = await this.database.withAdvisoryLock(LOCK_BASE + id, false, async () => {
      const [job] = await this.database.rows<ImportRow>(sql`select * from imports where id = ${id}`);
      if (!job || !['queued', 'interrupted', 'cancelled'].includes(job.status)) return;
      await db.execute(sql`update imports set status = 'running', error = null, started_at = coalesce(started_at, now()), updated_at = now() where id = ${id}`);
      const setEnd = (status: string, error: string | null) =>
        db.execute(sql`update imports set status = ${status}, error = ${error}, finished_at = case when ${status} in ('completed', 'failed') then now() else finished_at end, updated_at = now() where id = ${id}`);
      try {
        const actor = await loadActor(db, Number(job.created_by), 'session');
        if (!actor || !actor.permissions.has('customers.import')) {
          await setEnd('failed', 'the importing user can no longer import customers');
          return;
        }
        const file = await openTableFile(job.file_path, { encoding: job.encoding as EncodingChoice, delimiter: job.delimiter ?? undefined });
        if (job.total_rows === null) {
          // a first pass reads the whole file: a wrong encoding anywhere refuses it before any write,
          // and the count gives the progress bar its end
          let total = 0;
          for await (const batch of file.records()) total += batch.length;
          await db.execute(sql`update imports set total_rows = ${total}, updated_at = now() where id = ${id}`);
        }
        const custom = await fieldDefinitions(db, 'customer');
        const columns = Object.entries(job.mapping).flatMap(([header, field]) => {
          const index = file.header.indexOf(header);
          return index < 0 ? [] : [{ index, header, field }];
        });
        const owners = visibleOwners(actor);
        const assignable = owners === null ? null : new Set((await this.database.rows<{ id: number }>(sql`select id from (${owners}) o(id)`)).map((r) => Number(r.id)));
        const state: ImportState = {
          importId: id,
          actor,
          duplicates: job.duplicates,
          defaultOwnerId: job.owner_id === null ? actor.id : Number(job.owner_id),
          rowContext: { columns, custom, excelSerials: file.format === 'xlsx', timeZone: this.options.timeZone },
          seen: new MatchKeyIndex(),
          owners: new Map(),
          assignable,
        };
        const resumeAfter = Number(job.resume_after_row);
        let pending: ParsedRecord[] = [];
        const flush = async () => {
          const records = pending;
          pending = [];
          const { remember } = await db.transaction((tx) => importBatch(tx, state, records));
          remember();
          await this.progress(id);
        };
        for await (const batch of file.records()) {
          for (const rec of batch) {
            if (rec.line <= resumeAfter) continue;
            pending.push(rec);
            if (pending.length >= this.options.batchSize) {
              await flush();
              if (entry.cancelled) {
                await setEnd('cancelled', null);
                await this.progress(id);
                return;
              }
            }
          }
        }
        if (pending.length) await flush();
        await setEnd('completed', null);
        const [done] = await this.database.rows<{ rows_read: number; imported: number; updated: number; skipped: number; failed: number }>(
          sql`select rows_read, imported, updated, skipped, failed from imports where id = ${id}`,
        );
        // the embedded database has no autovacuum: without fresh statistics the lists would be planned for empty tables
        if ((done?.imported ?? 0) + (done?.updated ?? 0) > 0) await refreshStatistics(this.database, ['customers', 'contacts', 'follow_ups']);
        // one audit entry per import, not one per row: who, when, which file, what came of it
        await recordAudit(db, { actor, requestId: `import-${id}`, ip: '' }, {
          entity: 'import',
          entityId: id,
          action: 'import',
          changes: { fileName: { old: null, new: job.file_name }, counts: { old: null, new: done ?? null }, duplicates: { old: null, new: job.duplicates } },
        });
        await this.progress(id);
      } catch (e) {
        if (e instanceof TableFileError) {
          await setEnd('failed', e.message);
        } else {
          // the batch in flight rolled back; what was committed stays, and the run can be resumed
          await setEnd('interrupted', e instanceof Error ? e.message : String(e));
        }
        await this.progress(id);
      }
    });
    if (!locked.acquired) return; // another instance is running this import
  }
}

const runners = new WeakMap<Database, ImportRunner>();

/** The runner of this process for a database (the server's routes and the command line share it). */
export function importRunnerFor(database: Database, options: Partial<RunnerOptions> = {}): ImportRunner {
  let r = runners.get(database);
  if (!r) {
    r = new ImportRunner(database, { batchSize: options.batchSize ?? 2000, timeZone: options.timeZone ?? 'Asia/Shanghai' });
    runners.set(database, r);
  }
  return r;
}
