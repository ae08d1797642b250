// /api/v1/analytics (refresh, runs) and /api/v1/analytics-settings (read, change, preview).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  analyticsRun,
  analyticsRunList,
  analyticsRunListQuery,
  analyticsSettingsPreview,
  analyticsSettingsRecord,
  errorEnvelope,
  previewAnalyticsSettingsBody,
  refreshRequest,
  updateAnalyticsSettingsBody,
  type AnalyticsRun,
} from '@guanxi/contracts';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { AppError, invalid, notFound } from '../platform/errors.js';
import { isoNN, iso } from '../platform/versioned.js';
import { readAnalyticsSettings, readAnalyticsSettingsRecord, updateAnalyticsSettings } from './analytics-settings.js';
import { previewAnalyticsSettings } from './preview-analytics-settings.js';
import { refreshAnalytics } from './refresh-analytics.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };
const tags = ['analytics'];
const read = { permission: 'analytics.read' as const };
const manage = { permission: 'analytics.manage' as const };

interface RunRow extends Record<string, unknown> {
  id: number;
  mode: AnalyticsRun['mode'];
  trigger: AnalyticsRun['trigger'];
  requested_by: number | null;
  requested_by_name: string | null;
  status: AnalyticsRun['status'];
  as_of: string;
  settings: AnalyticsRun['settings'];
  parameters: Record<string, unknown> | null;
  counts: Record<string, unknown> | null;
  progress: AnalyticsRun['progress'];
  started_at: Date | string;
  finished_at: Date | string | null;
  duration_ms: number | null;
  error: string | null;
}

const runColumns = sql`r.id, r.mode, r.trigger, r.requested_by, u.name as requested_by_name, r.status, to_char(r.as_of, 'YYYY-MM-DD') as as_of,
  r.settings, r.parameters, r.counts, r.progress, r.started_at, r.finished_at, r.duration_ms, r.error`;

function toRun(r: RunRow): AnalyticsRun {
  // the frozen cut values are for the next incremental run, not for people
  const { frozen: _frozen, ...parameters } = r.parameters ?? {};
  return {
    id: Number(r.id),
    mode: r.mode,
    trigger: r.trigger,
    requestedBy: r.requested_by === null ? null : Number(r.requested_by),
    requestedByName: r.requested_by_name,
    status: r.status,
    asOf: r.as_of,
    settings: r.settings,
    parameters: r.parameters ? parameters : null,
    counts: r.counts,
    progress: r.progress,
    startedAt: isoNN(r.started_at),
    finishedAt: iso(r.finished_at),
    durationMs: r.duration_ms,
    error: r.error,
  };
}

export async function getAnalyticsRun(database: Database, id: number): Promise<AnalyticsRun | null> {
  const [row] = await database.rows<RunRow>(sql`select ${runColumns} from analytics_runs r left join users u on u.id = r.requested_by where r.id = ${id}`);
  return row ? toRun(row) : null;
}

function cursorId(cursor: string | undefined): number | null {
  if (cursor === undefined) return null;
  const id = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Number.isSafeInteger(id) || id <= 0) throw invalid('cursor', 'not a cursor returned by this list');
  return id;
}

export const analyticsRoutes: FastifyPluginAsyncZod<{ database: Database; config: Config }> = async (app, { database, config }) => {
  app.post(
    '/refresh',
    { config: manage, schema: { tags, summary: 'Refresh the scores now (in the background)', body: z.preprocess((v) => (v === undefined ? {} : v), refreshRequest.strict()), response: { 202: analyticsRun, ...errors } } },
    async (req, reply) => {
      const ctx = ctxOf(req);
      let started!: (id: number) => void;
      const startedId = new Promise<number>((resolve) => (started = resolve));
      const done = refreshAnalytics(database, { mode: req.body.mode, trigger: 'manual', requestedBy: ctx.actor.id, timeZone: config.timeZone, onStarted: started });
      done.then(
        (out) => {
          if (out.status === 'failed') req.log.error({ runId: out.runId, error: out.error }, 'analytics refresh failed');
        },
        (err: unknown) => req.log.error({ err }, 'analytics refresh crashed'),
      );
      const first = await Promise.race([startedId.then((id) => ({ id })), done.then((out) => ({ out }))]);
      if ('out' in first && first.out.status === 'busy') {
        const running = first.out.runningRunId ? await getAnalyticsRun(database, first.out.runningRunId) : null;
        throw new AppError('CONFLICT', { en: 'A refresh is already running.', 'zh-CN': '已有一次刷新正在运行。' }, undefined, { current: running });
      }
      const id = 'id' in first ? first.id : first.out.status !== 'busy' ? first.out.runId : 0;
      const run = await getAnalyticsRun(database, id);
      if (!run) throw notFound();
      return reply.code(202).send(run);
    },
  );

  app.get('/runs', { config: read, schema: { tags, summary: 'Analytics runs, newest first', querystring: analyticsRunListQuery, response: { 200: analyticsRunList, ...errors } } }, async (req) => {
    const { status, limit, cursor } = req.query;
    const before = cursorId(cursor);
    const rows = await database.rows<RunRow>(sql`
      select ${runColumns} from analytics_runs r left join users u on u.id = r.requested_by
      where true ${status ? sql`and r.status = ${status}` : sql``} ${before ? sql`and r.id < ${before}` : sql``}
      order by r.id desc limit ${limit + 1}`);
    const [count] = await database.rows<{ n: number }>(sql`select count(*)::int as n from analytics_runs ${status ? sql`where status = ${status}` : sql``}`);
    const page = rows.slice(0, limit).map(toRun);
    const last = page[page.length - 1];
    return { data: page, nextCursor: rows.length > limit && last ? Buffer.from(String(last.id)).toString('base64url') : null, total: Number(count?.n ?? 0) };
  });

  app.get('/runs/:id', { config: read, schema: { tags, summary: 'One analytics run', params: z.strictObject({ id: z.coerce.number().int().positive() }), response: { 200: analyticsRun, ...errors } } }, async (req) => {
    const run = await getAnalyticsRun(database, req.params.id);
    if (!run) throw notFound();
    return run;
  });
};

export const analyticsSettingsRoutes: FastifyPluginAsyncZod<{ database: Database; config: Config }> = async (app, { database, config }) => {
  const settingsTags = ['analytics'];
  app.get('', { config: read, schema: { tags: settingsTags, summary: 'Analytics settings', response: { 200: analyticsSettingsRecord, ...errors } } }, async () => readAnalyticsSettingsRecord(database));
  app.put(
    '',
    { config: manage, schema: { tags: settingsTags, summary: 'Change the analytics settings', body: updateAnalyticsSettingsBody, response: { 200: analyticsSettingsRecord, ...errors } } },
    async (req) => updateAnalyticsSettings(database, ctxOf(req), req.body),
  );
  app.post(
    '/preview',
    {
      config: manage,
      schema: { tags: settingsTags, summary: 'Class counts under the current and the proposed settings', body: previewAnalyticsSettingsBody, response: { 200: analyticsSettingsPreview, ...errors } },
    },
    async (req) => previewAnalyticsSettings(database, { current: await readAnalyticsSettings(database), proposed: req.body.settings, timeZone: config.timeZone }),
  );
};
