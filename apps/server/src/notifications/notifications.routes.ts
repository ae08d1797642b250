// HTTP routes of the caller's own notices (/notifications): any logged-in user.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorEnvelope, idParams, notification, notificationListQuery, notificationPage } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { requestLocale } from '../platform/i18n.js';
import { listNotifications, markRead } from './notifications.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope };
const tags = ['notifications'];

export const notificationsRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  app.get('', { schema: { tags, summary: 'Your notices, newest first, with the unread count', querystring: notificationListQuery, response: { 200: notificationPage, ...errors } } }, async (req) =>
    listNotifications(database, ctxOf(req), req.query, requestLocale(req)),
  );
  app.post('/:id/read', { schema: { tags, summary: 'Mark one of your notices read', params: idParams, response: { 200: notification, ...errors } } }, async (req) =>
    markRead(database, ctxOf(req), req.params.id, requestLocale(req)),
  );
};
