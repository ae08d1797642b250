// The in-process scheduler: once a minute it checks each job and runs the ones that are due — a
// daily job whose time (in the company's time zone) has come and that has not yet succeeded today,
// a frequent job (everyMinutes) none of whose runs started within its interval. Because the check
// reads job_runs, a restart or a second instance never makes a daily job run twice on one day.
import { sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { jobs, runJob, type JobDefinition } from './run-job.js';

const TICK_MS = 60_000;

async function isDue(database: Database, job: JobDefinition, at: string, timeZone: string): Promise<boolean> {
  if (job.everyMinutes) {
    // a frequent job is due when no run started within its interval (a failed one is retried at the next interval)
    const [row] = await database.rows<{ due: boolean }>(sql`
      select not exists (select 1 from job_runs where job = ${job.name} and status <> 'skipped'
        and started_at > now() - ${job.everyMinutes}::int * interval '1 minute') as due`);
    return row?.due === true;
  }
  const [row] = await database.rows<{ due: boolean }>(sql`
    select to_char(now() at time zone ${timeZone}, 'HH24:MI') >= ${at}
       and not exists (
         select 1 from job_runs where job = ${job.name} and status = 'succeeded'
           and (started_at at time zone ${timeZone})::date = (now() at time zone ${timeZone})::date)
       -- a failed run is retried after a pause, not every minute
       and not exists (select 1 from job_runs where job = ${job.name} and status = 'failed' and started_at > now() - interval '30 minutes') as due`);
  return row?.due === true;
}

export interface Scheduler {
  stop(): Promise<void>;
}

export function startScheduler(database: Database, config: Pick<Config, 'timeZone' | 'poolReturnAt' | 'jobsEnabled'>, log: FastifyBaseLogger): Scheduler {
  if (!config.jobsEnabled) return { stop: async () => undefined };
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = running.then(async () => {
      for (const job of Object.values(jobs)) {
        if (stopped) return;
        try {
          const schedule = job.schedule ? await job.schedule(database) : { enabled: true, at: job.dailyAt(config) };
          if (!schedule.enabled || !(await isDue(database, job, schedule.at, config.timeZone))) continue;
          const outcome = await runJob(database, job);
          if (outcome.status === 'failed') log.error({ job: job.name, error: outcome.error }, 'job failed');
          else log.info({ job: job.name, ...outcome }, 'job ran');
        } catch (err) {
          log.error({ err, job: job.name }, 'job scheduler error');
        }
      }
    });
  };
  const timer = setInterval(tick, TICK_MS);
  timer.unref();
  tick();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
