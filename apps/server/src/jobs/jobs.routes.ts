// Admins see the scheduled jobs with their recent runs and can run one now, e.g. to apply changed
// pool rules at once (optionally judged as of a later moment, to check what the rules will do).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { errorEnvelope } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { notFound } from '../platform/errors.js';
import { jobs, runJob } from './run-job.js';

const jobRun = z.object({
  id: z.number().int(),
  job: z.string(),
  status: z.enum(['running', 'succeeded', 'failed', 'skipped']),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  result: z.unknown().nullable(),
  error: z.string().nullable(),
});
const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope };

export const jobsRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const config = { permission: 'settings.manage' as const };
  const tags = ['jobs'];
  app.get('', { config, schema: { tags, summary: 'Scheduled jobs and their last runs', response: { 200: z.object({ data: z.array(z.object({ name: z.string(), runs: z.array(jobRun) })) }), ...errors } } }, async () => {
    const rows = await database.rows<{ id: number; job: string; status: 'running' | 'succeeded' | 'failed' | 'skipped'; started_at: Date; finished_at: Date | null; result: unknown; error: string | null }>(sql`
      select r.* from unnest(${`{${Object.keys(jobs).join(',')}}`}::text[]) as j(name)
      cross join lateral (select * from job_runs where job = j.name order by started_at desc limit 10) r
      order by r.started_at desc`);
    return {
      data: Object.keys(jobs).map((name) => ({
        name,
        runs: rows
          .filter((r) => r.job === name)
          .map((r) => ({ id: Number(r.id), job: r.job, status: r.status, startedAt: new Date(r.started_at).toISOString(), finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null, result: r.result ?? null, error: r.error })),
      })),
    };
  });
  app.post(
    '/:name/run',
    {
      config,
      schema: {
        tags,
        summary: 'Run a job now',
        params: z.strictObject({ name: z.string().max(50) }),
        // no body at all means run it now (the type provider would otherwise demand an object)
        body: z.preprocess((v) => v ?? {}, z.strictObject({ asOf: z.iso.datetime({ offset: true }).optional() })),
        response: { 200: z.object({ status: z.enum(['succeeded', 'skipped', 'failed']), runId: z.number().int(), result: z.unknown().optional(), error: z.string().optional() }), ...errors },
      },
    },
    async (req) => {
      const job = jobs[req.params.name];
      if (!job) throw notFound();
      return runJob(database, job, req.body.asOf ? { asOf: new Date(req.body.asOf) } : {});
    },
  );
};
