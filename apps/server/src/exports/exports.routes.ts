import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { customerExportQuery, errorEnvelope } from '@guanxi/contracts';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { requestLocale } from '../platform/i18n.js';
import { exportCustomers } from './customer-export.js';

/** Registered under /customers: GET /api/v1/customers/export. */
export const customerExportRoutes: FastifyPluginAsyncZod<{ database: Database; config: Config }> = async (app, { database, config }) => {
  app.get(
    '/export',
    {
      config: { permission: 'customers.export' },
      schema: {
        tags: ['customers'],
        summary: 'Stream the customer list (same q, filter[…] and sort as GET /customers) as CSV or XLSX; columns=a,b,c picks columns',
        querystring: customerExportQuery,
        response: { 200: z.any(), 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope },
      },
    },
    async (req, reply) => {
      const { format, columns, ...list } = req.query;
      const out = await exportCustomers(database, ctxOf(req), { format, columns, list: list as Record<string, string> }, requestLocale(req), config.timeZone);
      reply
        .header('content-type', out.contentType)
        .header('content-disposition', `attachment; filename="customers.${format}"; filename*=UTF-8''${encodeURIComponent(out.fileName)}`);
      return reply.send(Readable.from(out.body));
    },
  );
};
