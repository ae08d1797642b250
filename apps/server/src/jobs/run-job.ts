// The jobs the server runs on a schedule, and how one run happens: under a PostgreSQL advisory
// lock (so several instances never run a job twice at once), recorded in job_runs.
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { returnNeglectedCustomers } from '../pool/return-neglected-customers.js';
import { returnNeglectedLeads } from '../leads/return-neglected-leads.js';
import { checkSla } from '../sla/sla-check.js';
import { scheduleOrderVisits } from '../return-visits/return-visits.service.js';
import { loadConfig } from '../config.js';
import { runDuplicatesScan } from '../duplicates/duplicates-scan.js';
import { drainOutbox, MAIL_OUTBOX_LOCK } from '../mail/outbound-mail.js';
import { pruneImportFiles } from '../imports/prune-import-files.js';
import { syncOverdueWarnings } from '../analytics/warnings.service.js';
import { readAnalyticsSettings } from '../analytics/analytics-settings.js';
import { refreshAnalytics } from '../analytics/refresh-analytics.js';
import { refreshStatistics } from '../db/statistics.js';

export interface JobDefinition {
  name: string;
  /** Advisory lock key, unique per job. */
  lockKey: number;
  /** Local time (HH:MM) at which it runs each day, from the configuration; unused when everyMinutes is set. */
  dailyAt: (config: { poolReturnAt: string }) => string;
  /** A schedule kept in the database instead (time and on/off), read at each check; overrides dailyAt. */
  schedule?: (database: Database) => Promise<{ enabled: boolean; at: string }>;
  /** Instead of daily: runs every N minutes (the SLA check, the mail outbox). */
  everyMinutes?: number;
  /** Does the work; must be idempotent. Returns counts for job_runs and the command line. */
  run: (database: Database, options: JobOptions) => Promise<Record<string, unknown>>;
}

export interface JobOptions {
  /** The moment the job judges its rules at; now unless an admin runs it ahead. */
  asOf?: Date;
  /** The company's time zone, for jobs that count local days; the configured one by default. */
  timeZone?: string;
}

export const jobs: Record<string, JobDefinition> = {
  'pool-return': { name: 'pool-return', lockKey: 7_361_301, dailyAt: (c) => c.poolReturnAt, run: (db, o) => returnNeglectedCustomers(db, o) },
  'lead-pool-return': { name: 'lead-pool-return', lockKey: 7_361_311, dailyAt: (c) => c.poolReturnAt, run: (db, o) => returnNeglectedLeads(db, o) },
  'sla-check': { name: 'sla-check', lockKey: 7_361_321, dailyAt: () => '00:00', everyMinutes: 5, run: (db, o) => checkSla(db, o) },
  'return-visit-schedule': { name: 'return-visit-schedule', lockKey: 7_361_322, dailyAt: (c) => c.poolReturnAt, run: (db, o) => scheduleOrderVisits(db, { ...o, timeZone: o.timeZone ?? loadConfig().timeZone }) },
  'duplicates-scan': { name: 'duplicates-scan', lockKey: 7_361_331, dailyAt: (c) => c.poolReturnAt, run: (db, o) => runDuplicatesScan(db, o) },
  'import-files-prune': { name: 'import-files-prune', lockKey: 7_361_341, dailyAt: (c) => c.poolReturnAt, run: (db, o) => pruneImportFiles(db, o) },
  // overdue warnings and their tasks follow the receivables daily, without waiting for an analytics run
  'warnings-sync': {
    name: 'warnings-sync',
    lockKey: 7_361_351,
    dailyAt: (c) => c.poolReturnAt,
    run: async (db, o) => ({ ...(await syncOverdueWarnings(db, { settings: await readAnalyticsSettings(db), timeZone: o.timeZone ?? loadConfig().timeZone, ...(o.asOf ? { now: o.asOf } : {}) })) }),
  },
  // the nightly full refresh of the stored scores, at the time set on the analytics settings page
  'analytics-refresh': {
    name: 'analytics-refresh',
    lockKey: 7_361_371,
    dailyAt: () => '02:30',
    schedule: async (db) => {
      const s = (await readAnalyticsSettings(db)).schedule;
      return { enabled: s.enabled, at: s.time };
    },
    run: async (db) => {
      const out = await refreshAnalytics(db, { mode: 'full', trigger: 'schedule', timeZone: loadConfig().timeZone });
      if (out.status === 'failed') throw new Error(`analytics run ${out.runId}: ${out.error}`);
      if (out.status === 'busy') return { skipped: 1, runningRunId: out.runningRunId };
      return { runId: out.runId, customers: Number(out.counts.customers), written: Number(out.counts.written), importanceChanged: Number(out.counts.importanceChanged), durationMs: out.durationMs };
    },
  },
  // the embedded database has no autovacuum: its planner statistics are taken once a day (nothing on PostgreSQL)
  'db-statistics': { name: 'db-statistics', lockKey: 7_361_381, dailyAt: (c) => c.poolReturnAt, run: (db) => refreshStatistics(db) },
  // replies' emails that are due (new, or waiting to be retried); the request that queued one also kicks a drain
  'mail-outbox': { name: 'mail-outbox', lockKey: MAIL_OUTBOX_LOCK, dailyAt: () => '00:00', everyMinutes: 1, run: async (db, o) => ({ ...(await drainOutbox(db, loadConfig(), o.asOf ? { now: o.asOf } : {})) }) },
};

export type JobOutcome =
  | { status: 'succeeded'; runId: number; result: Record<string, unknown> }
  | { status: 'skipped'; runId: number }
  | { status: 'failed'; runId: number; error: string };

/** How long job_runs keeps a job's runs. */
export const RUN_HISTORY_DAYS = 30;

export async function runJob(database: Database, job: JobDefinition, options: JobOptions = {}): Promise<JobOutcome> {
  const locked = await database.withAdvisoryLock(job.lockKey, false, async (): Promise<JobOutcome> => {
    const [run] = await database.rows<{ id: number }>(sql`insert into job_runs (job, status) values (${job.name}, 'running') returning id`);
    const runId = Number(run!.id);
    try {
      const result = await job.run(database, options);
      await database.db.execute(sql`update job_runs set status = 'succeeded', finished_at = now(), result = ${JSON.stringify(result)}::jsonb where id = ${runId}`);
      // jobs every few minutes would grow the log without end; a month of history is plenty
      await database.db.execute(sql`delete from job_runs where job = ${job.name} and started_at < now() - ${`${RUN_HISTORY_DAYS} days`}::interval`);
      return { status: 'succeeded', runId, result };
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      await database.db.execute(sql`update job_runs set status = 'failed', finished_at = now(), error = ${error} where id = ${runId}`);
      return { status: 'failed', runId, error };
    }
  });
  if (locked.acquired) return locked.value;
  // Another instance holds the lock and is doing the work; say so in the log of runs.
  const [run] = await database.rows<{ id: number }>(
    sql`insert into job_runs (job, status, finished_at, result) values (${job.name}, 'skipped', now(), '{"reason":"running elsewhere"}'::jsonb) returning id`,
  );
  return { status: 'skipped', runId: Number(run!.id) };
}
