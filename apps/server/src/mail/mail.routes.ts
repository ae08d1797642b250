// HTTP routes of the email channel: sending a reply's email again.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorEnvelope, ticketReply, ticketReplyParams } from '@guanxi/contracts';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { kickOutbox } from './outbound-mail.js';
import { resendReplyMail } from './reply-mail.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };

export const ticketMailRoutes: FastifyPluginAsyncZod<{ database: Database; config: Config }> = async (app, { database, config }) => {
  app.post(
    '/:id/replies/:replyId/resend',
    { config: { permission: 'service.write' }, schema: { tags: ['tickets'], summary: 'Email a reply again whose mail failed or was not sent (after the relay or the customer’s address was set)', params: ticketReplyParams, response: { 200: ticketReply, ...errors } } },
    async (req) => {
      const reply = await resendReplyMail(database, ctxOf(req), req.params.id, req.params.replyId, config);
      if (reply.delivery?.status === 'queued') kickOutbox(database, config, req.log);
      return reply;
    },
  );
};
