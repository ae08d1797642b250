import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { apiToken, apiTokenListQuery, createApiTokenBody, createdApiToken, errorEnvelope, idParams, listPage } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { createApiToken, listApiTokens, revokeApiToken } from './api-tokens.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope };

export const apiTokensRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const config = { permission: 'api_tokens.use' as const };
  const tags = ['api-tokens'];
  app.get('', { config, schema: { tags, summary: "The caller's API tokens", querystring: apiTokenListQuery, response: { 200: listPage(apiToken), ...errors } } }, async (req) => {
    const data = await listApiTokens(database, ctxOf(req));
    return { data, nextCursor: null, total: data.length };
  });
  app.post('', { config, schema: { tags, summary: 'Create a token; the secret is in this response only', body: createApiTokenBody, response: { 201: createdApiToken, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return createApiToken(database, ctxOf(req), req.body);
  });
  app.delete('/:id', { config, schema: { tags, summary: 'Revoke a token', params: idParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await revokeApiToken(database, ctxOf(req), req.params.id);
    return reply.code(204).send(null);
  });
};
