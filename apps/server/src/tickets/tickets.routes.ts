// HTTP routes of tickets (/tickets: queues, replies, status, assignment, complaint steps,
// attachments) and of the assignment rules (/ticket-assignment-rules).
import { createReadStream } from 'node:fs';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  assignmentRule, createAssignmentRuleBody, createTicketBody, createTicketReplyBody, createTicketStepBody, errorEnvelope, idParams, listPage, ticket, ticketAssignBody, ticketAttachment,
  ticketAttachmentParams, ticketDetail, ticketListQuery, ticketReply, ticketStatusBody, updateAssignmentRuleBody, updateTicketBody,
} from '@guanxi/contracts';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { kickOutbox } from '../mail/outbound-mail.js';
import { createRule, deleteRule, listRules, updateRule } from './ticket-assignment.service.js';
import { ATTACHMENT_MAX_BYTES, contentDisposition, deleteAttachment, openAttachment, uploadAttachment } from './ticket-attachments.service.js';
import { addStep } from './ticket-steps.service.js';
import { addReply, assignTicket, changeStatus, createTicket, deleteTicket, getTicket, listTickets, updateTicket } from './tickets.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };
const read = { permission: 'service.read' as const };
const write = { permission: 'service.write' as const };
const tags = ['tickets'];

export const ticketsRoutes: FastifyPluginAsyncZod<{ database: Database; config: Config }> = async (app, { database, config }) => {
  await app.register(multipart, { limits: { fileSize: ATTACHMENT_MAX_BYTES, files: 1 } });
  const tz = config.timeZone;

  app.get('', { config: read, schema: { tags, summary: 'Tickets in your team scope; queues mine | team | unassigned | breaching_soon | breached', querystring: ticketListQuery, response: { 200: listPage(ticket), ...errors } } }, async (req) =>
    listTickets(database, ctxOf(req), req.query),
  );
  app.post('', { config: write, schema: { tags, summary: 'Open a ticket (routed by the assignment rules when no assignee is given; SLA clock started)', body: createTicketBody, response: { 201: ticket, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return createTicket(database, ctxOf(req), req.body, tz);
  });
  app.get('/:id', { config: read, schema: { tags, summary: 'A ticket with its replies, complaint steps and attachments', params: idParams, response: { 200: ticketDetail, ...errors } } }, async (req) =>
    getTicket(database, ctxOf(req), req.params.id),
  );
  app.patch('/:id', { config: write, schema: { tags, summary: 'Change a ticket (a new priority or customer re-picks the SLA policy)', params: idParams, body: updateTicketBody, response: { 200: ticket, ...errors } } }, async (req) =>
    updateTicket(database, ctxOf(req), req.params.id, req.body, tz),
  );
  app.delete('/:id', { config: write, schema: { tags, summary: 'Delete a ticket', params: idParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await deleteTicket(database, ctxOf(req), req.params.id);
    return reply.code(204).send(null);
  });
  app.post('/:id/replies', { config: write, schema: { tags, summary: 'Add a reply (outbound; on the email channel it is emailed to the customer, see `delivery`), a customer message (inbound) or an internal note', params: idParams, body: createTicketReplyBody, response: { 201: ticketReply, ...errors } } }, async (req, reply) => {
    reply.code(201);
    const created = await addReply(database, ctxOf(req), req.params.id, req.body, tz, config);
    // committed: send the email now rather than at the next job run
    if (created.delivery?.status === 'queued') kickOutbox(database, config, req.log);
    return created;
  });
  app.post('/:id/status', { config: write, schema: { tags, summary: 'Move a ticket to another status (pending_customer pauses the SLA clock)', params: idParams, body: ticketStatusBody, response: { 200: ticket, ...errors } } }, async (req) =>
    changeStatus(database, ctxOf(req), req.params.id, req.body, tz),
  );
  app.post('/:id/assign', { config: write, schema: { tags, summary: 'Assign a ticket to an agent (and team), or unassign it', params: idParams, body: ticketAssignBody, response: { 200: ticket, ...errors } } }, async (req) =>
    assignTicket(database, ctxOf(req), req.params.id, req.body),
  );
  app.post('/:id/steps', { config: write, schema: { tags, summary: 'Take the next step of a complaint (投诉处理); 409 names the expected step', params: idParams, body: createTicketStepBody, response: { 200: ticket, ...errors } } }, async (req) =>
    addStep(database, ctxOf(req), req.params.id, req.body, tz),
  );
  app.post('/:id/attachments', { config: write, schema: { tags, summary: `Attach a file (multipart: file; at most ${ATTACHMENT_MAX_BYTES / 1024 / 1024} MB; images, PDF, Office, zip, text)`, params: idParams, response: { 201: ticketAttachment, 413: errorEnvelope, 415: errorEnvelope, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return uploadAttachment(database, ctxOf(req), config, req.params.id, req);
  });
  app.get('/:id/attachments/:attachmentId', { config: read, schema: { tags, summary: 'Download an attachment (always as a download, never shown inline)', params: ticketAttachmentParams } }, async (req, reply) => {
    const { attachment, path } = await openAttachment(database, ctxOf(req), config, req.params.id, req.params.attachmentId);
    return reply
      .header('content-type', attachment.contentType)
      .header('content-disposition', contentDisposition(attachment.fileName))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('content-length', String(attachment.sizeBytes))
      .send(createReadStream(path));
  });
  app.delete('/:id/attachments/:attachmentId', { config: write, schema: { tags, summary: 'Remove an attachment', params: ticketAttachmentParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await deleteAttachment(database, ctxOf(req), req.params.id, req.params.attachmentId);
    return reply.code(204).send(null);
  });
};

export const ticketAssignmentRulesRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const rtags = ['ticket-assignment-rules'];
  const manage = { permission: 'settings.manage' as const };
  app.get('', { config: read, schema: { tags: rtags, summary: 'Assignment rules, in the order they are tried', response: { 200: z.object({ data: z.array(assignmentRule) }), ...errors } } }, async () => ({ data: await listRules(database) }));
  app.post('', { config: manage, schema: { tags: rtags, summary: 'Create an assignment rule', body: createAssignmentRuleBody, response: { 201: assignmentRule, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return createRule(database, ctxOf(req), req.body);
  });
  app.patch('/:id', { config: manage, schema: { tags: rtags, summary: 'Change an assignment rule', params: idParams, body: updateAssignmentRuleBody, response: { 200: assignmentRule, ...errors } } }, async (req) =>
    updateRule(database, ctxOf(req), req.params.id, req.body),
  );
  app.delete('/:id', { config: manage, schema: { tags: rtags, summary: 'Delete an assignment rule', params: idParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await deleteRule(database, ctxOf(req), req.params.id);
    return reply.code(204).send(null);
  });
};
