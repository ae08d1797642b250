import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createSavedViewBody, errorEnvelope, idParams, savedView, savedViewListQuery, updateSavedViewBody } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { createSavedView, deleteSavedView, listSavedViews, updateSavedView } from './saved-views.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };

export const savedViewsRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const tags = ['saved-views'];
  app.get('', { schema: { tags, summary: 'Your saved views and the shared ones', querystring: savedViewListQuery, response: { 200: z.object({ data: z.array(savedView) }), ...errors } } }, async (req) =>
    listSavedViews(database, ctxOf(req), req.query['filter[entity]']),
  );
  app.post('', { schema: { tags, summary: 'Save a view (shared=true needs customers.assign)', body: createSavedViewBody, response: { 201: savedView, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return createSavedView(database, ctxOf(req), req.body);
  });
  app.patch('/:id', { schema: { tags, summary: 'Change a saved view', params: idParams, body: updateSavedViewBody, response: { 200: savedView, ...errors } } }, async (req) =>
    updateSavedView(database, ctxOf(req), req.params.id, req.body),
  );
  app.delete('/:id', { schema: { tags, summary: 'Delete a saved view', params: idParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await deleteSavedView(database, ctxOf(req), req.params.id);
    return reply.code(204).send(null);
  });
};
