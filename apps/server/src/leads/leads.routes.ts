import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  assignLeadBody,
  convertLeadBody,
  convertLeadResult,
  createLeadBody,
  createLeadFollowUpBody,
  errorEnvelope,
  idParams,
  lead,
  leadDuplicates,
  leadFollowUp,
  leadFollowUpListQuery,
  leadListQuery,
  leadSettings,
  leadStatusBody,
  listPage,
  releaseLeadBody,
  updateLeadBody,
  updateLeadSettingsBody,
} from '@guanxi/contracts';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { forbidden, msg } from '../platform/errors.js';
import { timeZoneOf } from '../customers/customers.routes.js';
import { assignLead, changeLeadStatus, claimLead, createLead, deleteLead, getLead, listLeads, releaseLead, updateLead } from './leads.service.js';
import { createLeadFollowUp, listLeadFollowUps } from './lead-follow-ups.service.js';
import { convertLead, findLeadDuplicates } from './lead-convert.service.js';
import { getLeadSettings, updateLeadSettings } from './lead-settings.js';
import { leadFormsPublicApiRoutes, leadFormsRoutes } from './lead-forms.routes.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };

const leadsCrudRoutes: FastifyPluginAsyncZod<{ database: Database; config: Config }> = async (app, { database, config }) => {
  const read = { permission: 'sales.read' as const };
  const write = { permission: 'sales.write' as const };
  const tags = ['leads'];
  const timeZone = timeZoneOf(config);

  app.get('', { config: read, schema: { tags, summary: 'Leads in your data scope; filter[pool]=true lists the lead pool', querystring: leadListQuery, response: { 200: listPage(lead), ...errors } } }, async (req) =>
    listLeads(database, ctxOf(req), req.query, timeZone),
  );
  app.post('', { config: write, schema: { tags, summary: 'Create a lead', body: createLeadBody, response: { 201: lead, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return createLead(database, ctxOf(req), req.body);
  });
  app.get('/:id', { config: read, schema: { tags, summary: 'One lead', params: idParams, response: { 200: lead, ...errors } } }, async (req) => getLead(database, ctxOf(req), req.params.id));
  app.patch('/:id', { config: write, schema: { tags, summary: 'Change a lead', params: idParams, body: updateLeadBody, response: { 200: lead, ...errors } } }, async (req) =>
    updateLead(database, ctxOf(req), req.params.id, req.body),
  );
  app.delete('/:id', { config: write, schema: { tags, summary: 'Delete a lead (soft)', params: idParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await deleteLead(database, ctxOf(req), req.params.id);
    return reply.code(204).send(null);
  });
  app.post('/:id/status', { config: write, schema: { tags, summary: 'Mark contacted or qualified, or disqualify with a reason', params: idParams, body: leadStatusBody, response: { 200: lead, ...errors } } }, async (req) =>
    changeLeadStatus(database, ctxOf(req), req.params.id, req.body),
  );

  app.get('/:id/follow-ups', { config: read, schema: { tags, summary: 'The lead’s follow-ups, newest first', params: idParams, querystring: leadFollowUpListQuery, response: { 200: listPage(leadFollowUp), ...errors } } }, async (req) =>
    listLeadFollowUps(database, ctxOf(req), req.params.id, req.query),
  );
  app.post('/:id/follow-ups', { config: write, schema: { tags, summary: 'Record a follow-up; the first marks a new lead contacted', params: idParams, body: createLeadFollowUpBody, response: { 201: leadFollowUp, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return createLeadFollowUp(database, ctxOf(req), req.params.id, req.body);
  });

  app.get('/:id/duplicates', { config: read, schema: { tags, summary: 'Customers and contacts that may already be this lead, with the evidence', params: idParams, response: { 200: leadDuplicates, ...errors } } }, async (req) =>
    findLeadDuplicates(database, ctxOf(req), req.params.id),
  );
  app.post(
    '/:id/convert',
    {
      config: write,
      schema: { tags, summary: 'Convert a qualified lead into a customer (new or existing), a contact and optionally an opportunity', params: idParams, body: convertLeadBody, response: { 200: convertLeadResult, ...errors } },
    },
    async (req) => {
      const ctx = ctxOf(req);
      // Making a customer and a contact is customer work too.
      if (!ctx.actor.permissions.has('customers.write')) throw forbidden(msg('Converting a lead creates customers and contacts, which your role may not do.', '转化线索会创建客户和联系人，您的角色没有此权限。'));
      const result = await convertLead(database, ctx, req.params.id, req.body);
      return { ...result, lead: await getLead(database, ctx, req.params.id) };
    },
  );

  app.post('/:id/claim', { config: write, schema: { tags, summary: 'Take a lead from the lead pool', params: idParams, response: { 200: lead, ...errors } } }, async (req) => claimLead(database, ctxOf(req), req.params.id));
  app.post('/:id/release', { config: write, schema: { tags, summary: 'Put a lead back into the lead pool', params: idParams, body: releaseLeadBody.optional(), response: { 200: lead, ...errors } } }, async (req) =>
    releaseLead(database, ctxOf(req), req.params.id, req.body?.reason),
  );
  app.post(
    '/:id/assign',
    { config: { permission: ['customers.assign', 'sales.manage'] as const }, schema: { tags, summary: 'Give a lead to a user in your scope', params: idParams, body: assignLeadBody, response: { 200: lead, ...errors } } },
    async (req) => assignLead(database, ctxOf(req), req.params.id, req.body.ownerId),
  );
};

const leadSettingsRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const tags = ['leads'];
  app.get('', { config: { permission: 'sales.read' }, schema: { tags, summary: 'Lead pool settings', response: { 200: leadSettings, ...errors } } }, async () => getLeadSettings(database.db));
  app.patch('', { config: { permission: 'sales.manage' }, schema: { tags, summary: 'Change the lead pool settings', body: updateLeadSettingsBody, response: { 200: leadSettings, ...errors } } }, async (req) =>
    database.db.transaction((tx) => updateLeadSettings(tx, ctxOf(req), req.body)),
  );
};

/** Every lead API under /api/v1: leads, lead forms, lead settings and the public form submissions. */
export const leadRoutes: FastifyPluginAsyncZod<{ database: Database; config: Config }> = async (app, { database, config }) => {
  await app.register(leadsCrudRoutes, { prefix: '/leads', database, config });
  await app.register(leadFormsRoutes, { prefix: '/lead-forms', database });
  await app.register(leadSettingsRoutes, { prefix: '/lead-settings', database });
  await app.register(leadFormsPublicApiRoutes, { prefix: '/public/lead-forms', database });
};
