import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  checkDuplicatesBody, checkDuplicatesResult, customerMerge, duplicateListQuery, duplicatePair, errorEnvelope, idParams, listPage, mergeBody, mergeListQuery,
} from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { checkDuplicates, dismissDuplicate, listDuplicates } from './duplicates.service.js';
import { listMerges, mergeCustomers, undoMerge } from './merge.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };

/** /api/v1/duplicates: the pairs the duplicates-scan job found. */
export const duplicatesRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const tags = ['duplicates'];
  app.get('', { config: { permission: 'customers.read' }, schema: { tags, summary: 'Likely duplicate pairs where you can see both records, most confident first', querystring: duplicateListQuery, response: { 200: listPage(duplicatePair), ...errors } } }, async (req) =>
    listDuplicates(database, ctxOf(req), req.query),
  );
  app.post('/:id/dismiss', { config: { permission: 'customers.write' }, schema: { tags, summary: 'Not the same customer: the pair stays dismissed', params: idParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await dismissDuplicate(database, ctxOf(req), req.params.id);
    return reply.code(204).send(null);
  });
};

/** /api/v1/customers/{merge, merges, check-duplicates}. */
export const customerMergeRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const tags = ['duplicates'];
  app.post('/check-duplicates', { config: { permission: 'customers.read' }, schema: { tags, summary: 'Existing customers that look like these form values (the create/edit warning)', body: checkDuplicatesBody, response: { 200: checkDuplicatesResult, ...errors } } }, async (req) =>
    checkDuplicates(database.db, ctxOf(req).actor, req.body),
  );
  app.post('/merge', { config: { permission: 'customers.write' }, schema: { tags, summary: 'Merge customers into a survivor (needs customers.delete too)', body: mergeBody, response: { 201: customerMerge, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return mergeCustomers(database, ctxOf(req), req.body);
  });
  app.get('/merges', { config: { permission: 'customers.read' }, schema: { tags, summary: 'Merges whose survivor you can see, newest first', querystring: mergeListQuery, response: { 200: z.object({ data: z.array(customerMerge), nextCursor: z.string().nullable() }), ...errors } } }, async (req) =>
    listMerges(database, ctxOf(req), req.query),
  );
  app.post('/merges/:id/undo', { config: { permission: 'customers.write' }, schema: { tags, summary: 'Undo a merge (409 when the survivor changed since in a way an undo would overwrite)', params: idParams, response: { 200: customerMerge, ...errors } } }, async (req) =>
    undoMerge(database, ctxOf(req), req.params.id),
  );
};
