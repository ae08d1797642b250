import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contact, contactListQuery, createContactBody, errorEnvelope, idParams, listPage, updateContactBody } from '@guanxi/contracts';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { timeZoneOf } from '../customers/customers.routes.js';
import { createContact, deleteContact, getContact, listContacts, updateContact } from './contacts.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };

export const contactsRoutes: FastifyPluginAsyncZod<{ database: Database; config: Config }> = async (app, { database, config }) => {
  const read = { permission: 'customers.read' as const };
  const write = { permission: 'customers.write' as const };
  const tags = ['contacts'];
  const timeZone = timeZoneOf(config);
  app.get('', { config: read, schema: { tags, summary: 'Contacts you may see', querystring: contactListQuery, response: { 200: listPage(contact), ...errors } } }, async (req) =>
    listContacts(database, ctxOf(req), req.query, timeZone),
  );
  app.post('', { config: write, schema: { tags, summary: 'Create a contact', body: createContactBody, response: { 201: contact, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return createContact(database, ctxOf(req), req.body);
  });
  app.get('/:id', { config: read, schema: { tags, summary: 'One contact', params: idParams, response: { 200: contact, ...errors } } }, async (req) => getContact(database, ctxOf(req), req.params.id));
  app.patch('/:id', { config: write, schema: { tags, summary: 'Change a contact (customers replaces the links you can see)', params: idParams, body: updateContactBody, response: { 200: contact, ...errors } } }, async (req) =>
    updateContact(database, ctxOf(req), req.params.id, req.body),
  );
  app.delete('/:id', { config: { permission: 'customers.delete' }, schema: { tags, summary: 'Move a contact to the recycle bin', params: idParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await deleteContact(database, ctxOf(req), req.params.id);
    return reply.code(204).send(null);
  });
};
