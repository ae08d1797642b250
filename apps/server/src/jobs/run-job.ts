// The jobs the server runs on a schedule, and how one run happens: under a PostgreSQL advisory
// lock (so several instances never run a job twice at once), recorded in job_runs.
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { returnNeglectedCustomers } from '../pool/return-neglected-customers.js';

export interface JobDefinition {
  name: string;
  /** Advisory lock key, unique per job. */
  lockKey: number;
  /** Local time (HH:MM) at which it runs each day, from the configuration. */
  dailyAt: (config: { poolReturnAt: string }) => string;
  /** Does the work; must be idempotent. Returns counts for job_runs and the command line. */
  run: (database: Database, options: JobOptions) => Promise<Record<string, unknown>>;
}

export interface JobOptions {
  /** The moment the job judges its rules at; now unless an admin runs it ahead. */
  asOf?: Date;
}

export const jobs: Record<string, JobDefinition> = {
  'pool-return': { name: 'pool-return', lockKey: 7_361_301, dailyAt: (c) => c.poolReturnAt, run: (db, o) => returnNeglectedCustomers(db, o) },
};

export type JobOutcome =
  | { status: 'succeeded'; runId: number; result: Record<string, unknown> }
  | { status: 'skipped'; runId: number }
  | { status: 'failed'; runId: number; error: string };

export async function runJob(database: Database, job: JobDefinition, options: JobOptions = {}): Promise<JobOutcome> {
  const locked = await database.withAdvisoryLock(job.lockKey, false, async (): Promise<JobOutcome> => {
    const [run] = await database.rows<{ id: number }>(sql`insert into job_runs (job, status) values (${job.name}, 'running') returning id`);
    const runId = Number(run!.id);
    try {
      const result = await job.run(database, options);
      await database.db.execute(sql`update job_runs set status = 'succeeded', finished_at = now(), result = ${JSON.stringify(result)}::jsonb where id = ${runId}`);
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
