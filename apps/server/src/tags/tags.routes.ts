import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createTagBody, errorEnvelope, idParams, listPage, tag, tagListQuery, updateTagBody } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { createTag, deleteTag, listTags, updateTag } from './tags.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };

export const tagsRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const tags = ['tags'];
  app.get('', { config: { permission: 'customers.read' }, schema: { tags, summary: 'Tags', querystring: tagListQuery, response: { 200: listPage(tag), ...errors } } }, async (req) => listTags(database, req.query));
  app.post('', { config: { permission: 'customers.write' }, schema: { tags, summary: 'Create a tag', body: createTagBody, response: { 201: tag, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return createTag(database, ctxOf(req), req.body);
  });
  app.patch('/:id', { config: { permission: 'settings.manage' }, schema: { tags, summary: 'Rename or recolour a tag', params: idParams, body: updateTagBody, response: { 200: tag, ...errors } } }, async (req) =>
    updateTag(database, ctxOf(req), req.params.id, req.body),
  );
  app.delete('/:id', { config: { permission: 'settings.manage' }, schema: { tags, summary: 'Delete a tag (removes it from every customer)', params: idParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await deleteTag(database, ctxOf(req), req.params.id);
    return reply.code(204).send(null);
  });
};
