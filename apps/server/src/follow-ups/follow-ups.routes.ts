import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createFollowUpBody, errorEnvelope, followUp, followUpListQuery, idParams, listPage, updateFollowUpBody } from '@guanxi/contracts';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { timeZoneOf } from '../customers/customers.routes.js';
import { createFollowUp, deleteFollowUp, getFollowUp, listFollowUps, updateFollowUp } from './follow-ups.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };

export const followUpsRoutes: FastifyPluginAsyncZod<{ database: Database; config: Config }> = async (app, { database, config }) => {
  const read = { permission: 'customers.read' as const };
  const write = { permission: 'customers.write' as const };
  const tags = ['follow-ups'];
  const timeZone = timeZoneOf(config);
  app.get('', { config: read, schema: { tags, summary: 'Follow-ups on customers you may see (filter[customerId])', querystring: followUpListQuery, response: { 200: listPage(followUp), ...errors } } }, async (req) =>
    listFollowUps(database, ctxOf(req), req.query, timeZone),
  );
  app.post('', { config: write, schema: { tags, summary: 'Record a follow-up; a next date becomes a reminder task', body: createFollowUpBody, response: { 201: followUp, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return createFollowUp(database, ctxOf(req), req.body);
  });
  app.get('/:id', { config: read, schema: { tags, summary: 'One follow-up', params: idParams, response: { 200: followUp, ...errors } } }, async (req) => getFollowUp(database, ctxOf(req), req.params.id));
  app.patch('/:id', { config: write, schema: { tags, summary: 'Change a follow-up', params: idParams, body: updateFollowUpBody, response: { 200: followUp, ...errors } } }, async (req) =>
    updateFollowUp(database, ctxOf(req), req.params.id, req.body),
  );
  app.delete('/:id', { config: write, schema: { tags, summary: 'Delete a follow-up (and its open reminder)', params: idParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await deleteFollowUp(database, ctxOf(req), req.params.id);
    return reply.code(204).send(null);
  });
};
