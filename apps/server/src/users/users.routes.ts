import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createUserBody, errorEnvelope, idParams, listPage, resetPasswordBody, updateUserBody, user, userListQuery, userLookupQuery, userRef } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { createUser, getUser, listUsers, lookupUsers, resetPassword, updateUser } from './users.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };

export const usersRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const config = { permission: 'users.manage' as const };
  const tags = ['users'];
  app.get('', { config, schema: { tags, summary: 'List users', querystring: userListQuery, response: { 200: listPage(user), ...errors } } }, async (req) =>
    listUsers(database, req.query),
  );
  app.get('/lookup', { schema: { tags, summary: 'Find users for pickers (any logged-in user)', querystring: userLookupQuery, response: { 200: z.object({ data: z.array(userRef) }), ...errors } } }, async (req) => ({
    data: await lookupUsers(database, req.query),
  }));
  app.post('', { config, schema: { tags, summary: 'Create a user', body: createUserBody, response: { 201: user, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return createUser(database, ctxOf(req), req.body);
  });
  app.get('/:id', { config, schema: { tags, summary: 'One user', params: idParams, response: { 200: user, ...errors } } }, async (req) =>
    getUser(database, req.params.id),
  );
  app.patch('/:id', { config, schema: { tags, summary: 'Change a user (deactivate with active=false)', params: idParams, body: updateUserBody, response: { 200: user, ...errors } } }, async (req) =>
    updateUser(database, ctxOf(req), req.params.id, req.body),
  );
  app.post(
    '/:id/reset-password',
    { config, schema: { tags, summary: 'Set a new password that must be changed at next login', params: idParams, body: resetPasswordBody, response: { 204: z.null(), ...errors } } },
    async (req, reply) => {
      await resetPassword(database, ctxOf(req), req.params.id, req.body.password);
      return reply.code(204).send(null);
    },
  );
};
