// HTTP routes of return visits (/return-visits) and their rules (/return-visit-rules).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  cancelReturnVisitBody, completeReturnVisitBody, createReturnVisitRuleBody, errorEnvelope, idParams, listPage, returnVisit, returnVisitListQuery, returnVisitRule, updateReturnVisitRuleBody,
} from '@guanxi/contracts';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { cancelVisit, completeVisit, createVisitRule, deleteVisitRule, getVisit, listVisitRules, listVisits, updateVisitRule } from './return-visits.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };
const read = { permission: 'service.read' as const };
const write = { permission: 'service.write' as const };

export const returnVisitsRoutes: FastifyPluginAsyncZod<{ database: Database; config: Config }> = async (app, { database, config }) => {
  const tags = ['return-visits'];
  app.get('', { config: read, schema: { tags, summary: 'Return visits assigned to users in your data scope', querystring: returnVisitListQuery, response: { 200: listPage(returnVisit), ...errors } } }, async (req) =>
    listVisits(database, ctxOf(req), req.query),
  );
  app.get('/:id', { config: read, schema: { tags, summary: 'One return visit', params: idParams, response: { 200: returnVisit, ...errors } } }, async (req) => getVisit(database, ctxOf(req), req.params.id));
  app.post('/:id/complete', { config: write, schema: { tags, summary: 'Record the visit: satisfaction 1–5, would-recommend 0–10, comment (a complaint’s visit also records its `visited` step)', params: idParams, body: completeReturnVisitBody, response: { 200: returnVisit, ...errors } } }, async (req) =>
    completeVisit(database, ctxOf(req), req.params.id, req.body, config.timeZone),
  );
  app.post('/:id/cancel', { config: write, schema: { tags, summary: 'Cancel a scheduled visit', params: idParams, body: cancelReturnVisitBody, response: { 200: returnVisit, ...errors } } }, async (req) =>
    cancelVisit(database, ctxOf(req), req.params.id, req.body.version),
  );
};

export const returnVisitRulesRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const tags = ['return-visit-rules'];
  const manage = { permission: 'settings.manage' as const };
  app.get('', { config: read, schema: { tags, summary: 'Return visit rules', response: { 200: z.object({ data: z.array(returnVisitRule) }), ...errors } } }, async () => ({ data: await listVisitRules(database) }));
  app.post('', { config: manage, schema: { tags, summary: 'Create a rule (after a ticket closes / after an order is fulfilled)', body: createReturnVisitRuleBody, response: { 201: returnVisitRule, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return createVisitRule(database, ctxOf(req), req.body);
  });
  app.patch('/:id', { config: manage, schema: { tags, summary: 'Change a rule', params: idParams, body: updateReturnVisitRuleBody, response: { 200: returnVisitRule, ...errors } } }, async (req) =>
    updateVisitRule(database, ctxOf(req), req.params.id, req.body),
  );
  app.delete('/:id', { config: manage, schema: { tags, summary: 'Delete a rule', params: idParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await deleteVisitRule(database, ctxOf(req), req.params.id);
    return reply.code(204).send(null);
  });
};
