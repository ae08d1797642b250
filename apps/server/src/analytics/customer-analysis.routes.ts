// GET /customers/:id/analysis: the analysis card of the customer page (registered under /customers).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { customerAnalysis, errorEnvelope, idParams } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { getCustomerAnalysis } from './customer-analysis.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope };

export const customerAnalysisRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  app.get(
    '/:id/analysis',
    {
      config: { permission: 'customers.read' },
      schema: {
        tags: ['customers', 'analytics'],
        summary: 'Every stored score of a customer with its reason and history, and the recommended action (scored: false before the first run)',
        params: idParams,
        response: { 200: customerAnalysis, ...errors },
      },
    },
    async (req) => getCustomerAnalysis(database, ctxOf(req), req.params.id),
  );
};
