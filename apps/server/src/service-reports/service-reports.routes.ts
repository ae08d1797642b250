// HTTP route of the service reports (/service-reports/summary).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorEnvelope, serviceReport, serviceReportQuery } from '@guanxi/contracts';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { serviceReport as buildReport } from './service-reports.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope };

export const serviceReportsRoutes: FastifyPluginAsyncZod<{ database: Database; config: Config }> = async (app, { database, config }) => {
  app.get(
    '/summary',
    { config: { permission: 'service.read' }, schema: { tags: ['service-reports'], summary: 'Service metrics over tickets in your scope created between from and to (local dates, inclusive)', querystring: serviceReportQuery, response: { 200: serviceReport, ...errors } } },
    async (req) => buildReport(database, ctxOf(req), req.query, config.timeZone),
  );
};
