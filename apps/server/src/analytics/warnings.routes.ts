// /api/v1/analytics/early-warnings (the four lists of 预警管理) and /api/v1/analytics/warnings (open
// warnings that became tasks, by owner). sales.read: see early-warnings.service.ts for why.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { earlyWarnings, earlyWarningsQuery, errorEnvelope, openWarnings, openWarningsQuery } from '@guanxi/contracts';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { earlyWarnings as buildEarlyWarnings, openWarnings as listOpenWarnings } from './early-warnings.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope };
const tags = ['analytics'];
const read = { permission: 'sales.read' as const };

export const warningsRoutes: FastifyPluginAsyncZod<{ database: Database; config: Config }> = async (app, { database, config }) => {
  app.get(
    '/early-warnings',
    {
      config: read,
      schema: {
        tags,
        summary: 'Early warnings (预警管理) in your data scope: overdue receivables, sales progress vs target, sales expenses vs revenue, churn risk',
        querystring: earlyWarningsQuery,
        response: { 200: earlyWarnings, ...errors },
      },
    },
    async (req) => buildEarlyWarnings(database, ctxOf(req), req.query, config.timeZone),
  );
  app.get(
    '/warnings',
    { config: read, schema: { tags, summary: 'Open churn and overdue warnings in your scope: counts and amounts per owner, and the list with their tasks', querystring: openWarningsQuery, response: { 200: openWarnings, ...errors } } },
    async (req) => listOpenWarnings(database, ctxOf(req), req.query),
  );
};
