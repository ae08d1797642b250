import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contact, createCustomerBody, customer, customerListItem, customerListQuery, errorEnvelope, idParams, listPage, timelinePage, timelineQuery, updateCustomerBody } from '@guanxi/contracts';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { customerContactsOf } from '../contacts/contacts.service.js';
import { customerTimeline } from '../timeline/timeline.service.js';
import { assertCustomerVisible, createCustomer, deleteCustomer, getCustomer, listCustomers, updateCustomer } from './customers.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };
const timeZoneOf = (config: Config) => (config as Config & { timeZone?: string }).timeZone ?? 'Asia/Shanghai';

export const customersRoutes: FastifyPluginAsyncZod<{ database: Database; config: Config }> = async (app, { database, config }) => {
  const read = { permission: 'customers.read' as const };
  const tags = ['customers'];
  const timeZone = timeZoneOf(config);
  app.get('', { config: read, schema: { tags, summary: 'Customers in your data scope (filter syntax: see the contracts)', querystring: customerListQuery, response: { 200: listPage(customerListItem), ...errors } } }, async (req) =>
    listCustomers(database, ctxOf(req), req.query, timeZone),
  );
  app.post('', { config: { permission: 'customers.write' }, schema: { tags, summary: 'Create a customer', body: createCustomerBody, response: { 201: customer, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return createCustomer(database, ctxOf(req), req.body);
  });
  app.get('/:id', { config: read, schema: { tags, summary: 'One customer', params: idParams, response: { 200: customer, ...errors } } }, async (req) => getCustomer(database, ctxOf(req), req.params.id));
  app.patch('/:id', { config: { permission: 'customers.write' }, schema: { tags, summary: 'Change a customer', params: idParams, body: updateCustomerBody, response: { 200: customer, ...errors } } }, async (req) =>
    updateCustomer(database, ctxOf(req), req.params.id, req.body),
  );
  app.delete('/:id', { config: { permission: 'customers.delete' }, schema: { tags, summary: 'Move a customer to the recycle bin', params: idParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await deleteCustomer(database, ctxOf(req), req.params.id);
    return reply.code(204).send(null);
  });
  app.get('/:id/timeline', { config: read, schema: { tags, summary: 'Follow-ups, changes and ownership moves, newest first', params: idParams, querystring: timelineQuery, response: { 200: timelinePage, ...errors } } }, async (req) =>
    customerTimeline(database, ctxOf(req), req.params.id, req.query),
  );
  app.get('/:id/contacts', { config: read, schema: { tags, summary: 'Contacts of a customer, primary first', params: idParams, response: { 200: z.object({ data: z.array(contact) }), ...errors } } }, async (req) => {
    const ctx = ctxOf(req);
    await assertCustomerVisible(database.db, ctx.actor, req.params.id);
    return customerContactsOf(database, ctx, req.params.id);
  });
};
export { timeZoneOf };
