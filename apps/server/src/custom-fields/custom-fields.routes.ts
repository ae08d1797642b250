import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createCustomFieldBody, customField, customFieldListQuery, errorEnvelope, idParams, updateCustomFieldBody } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { createCustomField, deleteCustomField, listCustomFields, updateCustomField } from './custom-fields.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };

export const customFieldsRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const manage = { permission: 'settings.manage' as const };
  const tags = ['custom-fields'];
  app.get('', { schema: { tags, summary: 'Custom field definitions (everyone reads them to render forms)', querystring: customFieldListQuery, response: { 200: z.object({ data: z.array(customField) }), ...errors } } }, async (req) =>
    listCustomFields(database, req.query['filter[entity]']),
  );
  app.post('', { config: manage, schema: { tags, summary: 'Define a custom field', body: createCustomFieldBody, response: { 201: customField, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return createCustomField(database, ctxOf(req), req.body);
  });
  app.patch('/:id', { config: manage, schema: { tags, summary: 'Change a custom field (key and type are fixed)', params: idParams, body: updateCustomFieldBody, response: { 200: customField, ...errors } } }, async (req) =>
    updateCustomField(database, ctxOf(req), req.params.id, req.body),
  );
  app.delete('/:id', { config: manage, schema: { tags, summary: 'Retire a custom field', params: idParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await deleteCustomField(database, ctxOf(req), req.params.id);
    return reply.code(204).send(null);
  });
};
