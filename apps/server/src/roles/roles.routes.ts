import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createRoleBody, errorEnvelope, idParams, listPage, role, roleListQuery, updateRoleBody } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { createRole, deleteRole, getRole, listRoles, toRole, updateRole } from './roles.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };

export const rolesRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const config = { permission: 'roles.manage' as const };
  const tags = ['roles'];
  // Whoever manages users needs the role list for the user form.
  app.get('', { config: { permission: ['roles.manage', 'users.manage'] }, schema: { tags, summary: 'List roles', querystring: roleListQuery, response: { 200: listPage(role), ...errors } } }, async (req) => {
    // Roles are few; one page holds them all.
    const data = await listRoles(database, req.query.q);
    return { data, nextCursor: null, total: data.length };
  });
  app.post('', { config, schema: { tags, summary: 'Create a role', body: createRoleBody, response: { 201: role, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return createRole(database, ctxOf(req), req.body);
  });
  app.get('/:id', { config, schema: { tags, summary: 'One role', params: idParams, response: { 200: role, ...errors } } }, async (req) =>
    toRole(await getRole(database.db, req.params.id)),
  );
  app.patch('/:id', { config, schema: { tags, summary: 'Change a role', params: idParams, body: updateRoleBody, response: { 200: role, ...errors } } }, async (req) =>
    updateRole(database, ctxOf(req), req.params.id, req.body),
  );
  app.delete('/:id', { config, schema: { tags, summary: 'Delete a custom role', params: idParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await deleteRole(database, ctxOf(req), req.params.id);
    return reply.code(204).send(null);
  });
};
