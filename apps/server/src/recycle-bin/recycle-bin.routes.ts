import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorEnvelope, listPage, recycleBinItem, recycleBinParams, recycleBinQuery } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { listRecycleBin, purge, restore } from './recycle-bin.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };

export const recycleBinRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const tags = ['recycle-bin'];
  const config = { permission: 'customers.delete' as const };
  app.get('', { config, schema: { tags, summary: 'Deleted customers and contacts in your scope, newest first', querystring: recycleBinQuery, response: { 200: listPage(recycleBinItem), ...errors } } }, async (req) =>
    listRecycleBin(database, ctxOf(req), req.query),
  );
  app.post('/:entity/:id/restore', { config, schema: { tags, summary: 'Restore a deleted record with its links', params: recycleBinParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await restore(database, ctxOf(req), req.params.entity, req.params.id);
    return reply.code(204).send(null);
  });
  // Purging is for administrators: settings.manage is the administrator's permission.
  app.delete('/:entity/:id', { config: { permission: 'settings.manage' }, schema: { tags, summary: 'Delete for good (administrators)', params: recycleBinParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await purge(database, ctxOf(req), req.params.entity, req.params.id);
    return reply.code(204).send(null);
  });
};
