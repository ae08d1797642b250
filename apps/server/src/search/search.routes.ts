import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorEnvelope, searchQuery, searchResult } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { search } from './search.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope };

export const searchRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  app.get(
    '',
    { config: { permission: 'customers.read' }, schema: { tags: ['search'], summary: 'Find customers and contacts by name, company, phone or email', querystring: searchQuery, response: { 200: searchResult, ...errors } } },
    async (req) => search(database, ctxOf(req), req.query),
  );
};
