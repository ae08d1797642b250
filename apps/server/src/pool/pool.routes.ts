// HTTP routes of the public pool: the pool list, ownership moves on customers, pool rules and
// pool settings. Four small plugins, each registered under its own prefix in app.ts.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  assignCustomerBody,
  createPoolRuleBody,
  customerOwnership,
  errorEnvelope,
  idParams,
  listPage,
  poolCustomer,
  poolListQuery,
  poolRule,
  poolRuleListQuery,
  poolSettings,
  releaseCustomerBody,
  updatePoolRuleBody,
  updatePoolSettingsBody,
} from '@guanxi/contracts';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { assignCustomer, claimCustomer, listPool, releaseCustomer } from './pool.service.js';
import { createPoolRule, deletePoolRule, getPoolRule, listPoolRules, updatePoolRule } from './pool-rules.service.js';
import { getPoolSettings, updatePoolSettings } from './pool-settings.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };
const tags = ['pool'];
const read = { permission: 'customers.read' as const };

/** GET /pool — unowned customers, contact details masked. */
export const poolRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  app.get('', { config: read, schema: { tags, summary: 'Customers in the public pool (公海)', querystring: poolListQuery, response: { 200: listPage(poolCustomer), ...errors } } }, async (req) =>
    listPool(database, req.query),
  );
};

/** POST /customers/:id/claim | assign | release — registered under the /customers prefix. */
export const customerOwnershipRoutes: FastifyPluginAsyncZod<{ database: Database; config: Config }> = async (app, { database, config }) => {
  app.post(
    '/:id/claim',
    { config: { permission: 'customers.write' }, schema: { tags, summary: 'Claim a pool customer (exactly one of concurrent claims wins)', params: idParams, response: { 200: customerOwnership, ...errors } } },
    async (req) => claimCustomer(database, ctxOf(req), req.params.id, config.timeZone),
  );
  app.post(
    '/:id/assign',
    { config: { permission: 'customers.assign' }, schema: { tags, summary: 'Assign a customer to a user in your data scope', params: idParams, body: assignCustomerBody, response: { 200: customerOwnership, ...errors } } },
    async (req) => assignCustomer(database, ctxOf(req), req.params.id, req.body.userId),
  );
  app.post(
    '/:id/release',
    { config: { permission: 'customers.write' }, schema: { tags, summary: 'Release a customer to the pool, with a reason', params: idParams, body: releaseCustomerBody, response: { 200: customerOwnership, ...errors } } },
    async (req) => releaseCustomer(database, ctxOf(req), req.params.id, req.body.reason),
  );
};

/** /pool-rules — everyone who reads customers may see the rules; pool.manage changes them. */
export const poolRulesRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const manage = { permission: 'pool.manage' as const };
  const ruleTags = ['pool-rules'];
  app.get('', { config: read, schema: { tags: ruleTags, summary: 'Pool rules', querystring: poolRuleListQuery, response: { 200: listPage(poolRule), ...errors } } }, async (req) =>
    listPoolRules(database, req.query),
  );
  app.post('', { config: manage, schema: { tags: ruleTags, summary: 'Create a pool rule', body: createPoolRuleBody, response: { 201: poolRule, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return createPoolRule(database, ctxOf(req), req.body);
  });
  app.get('/:id', { config: read, schema: { tags: ruleTags, summary: 'One pool rule', params: idParams, response: { 200: poolRule, ...errors } } }, async (req) =>
    getPoolRule(database, req.params.id),
  );
  app.patch('/:id', { config: manage, schema: { tags: ruleTags, summary: 'Change a pool rule', params: idParams, body: updatePoolRuleBody, response: { 200: poolRule, ...errors } } }, async (req) =>
    updatePoolRule(database, ctxOf(req), req.params.id, req.body),
  );
  app.delete('/:id', { config: manage, schema: { tags: ruleTags, summary: 'Delete a pool rule', params: idParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await deletePoolRule(database, ctxOf(req), req.params.id);
    return reply.code(204).send(null);
  });
};

/** /pool-settings — daily claim limit, re-claim block, ownership cap. */
export const poolSettingsRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const settingsTags = ['pool-rules'];
  app.get('', { config: read, schema: { tags: settingsTags, summary: 'Pool limits', response: { 200: poolSettings, ...errors } } }, async () => getPoolSettings(database.db));
  app.patch(
    '',
    { config: { permission: 'pool.manage' }, schema: { tags: settingsTags, summary: 'Change pool limits', body: updatePoolSettingsBody, response: { 200: poolSettings, ...errors } } },
    async (req) => database.db.transaction((tx) => updatePoolSettings(tx, ctxOf(req), req.body)),
  );
};
