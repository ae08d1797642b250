import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createDepartmentBody, department, departmentListQuery, errorEnvelope, idParams, listPage, updateDepartmentBody } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { createDepartment, deleteDepartment, getDepartment, listDepartments, updateDepartment } from './departments.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };

export const departmentsRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const manage = { permission: 'departments.manage' as const };
  const tags = ['departments'];
  // Every logged-in user may read the organisation chart (owner pickers, filters); only admins change it.
  app.get('', { schema: { tags, summary: 'All departments (flat, with parentId)', querystring: departmentListQuery, response: { 200: listPage(department), ...errors } } }, async (req) => {
    const data = await listDepartments(database, req.query.q);
    return { data, nextCursor: null, total: data.length };
  });
  app.post('', { config: manage, schema: { tags, summary: 'Create a department', body: createDepartmentBody, response: { 201: department, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return createDepartment(database, ctxOf(req), req.body);
  });
  app.get('/:id', { schema: { tags, summary: 'One department', params: idParams, response: { 200: department, ...errors } } }, async (req) =>
    getDepartment(database.db, req.params.id),
  );
  app.patch('/:id', { config: manage, schema: { tags, summary: 'Rename or move a department', params: idParams, body: updateDepartmentBody, response: { 200: department, ...errors } } }, async (req) =>
    updateDepartment(database, ctxOf(req), req.params.id, req.body),
  );
  app.delete('/:id', { config: manage, schema: { tags, summary: 'Delete an empty department', params: idParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await deleteDepartment(database, ctxOf(req), req.params.id);
    return reply.code(204).send(null);
  });
};
