// HTTP routes of business calendars (/business-calendars), SLA policies (/sla-policies) and the
// service desk's settings (/service-settings). Reading needs service.read; changing, settings.manage.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  businessCalendar, businessCalendarDetail, calendarDay, calendarDayParams, calendarDaysQuery, createBusinessCalendarBody, createSlaPolicyBody, errorEnvelope, idParams,
  putCalendarDayBody, serviceSettings, slaMatchQuery, slaPolicy, updateBusinessCalendarBody, updateServiceSettingsBody, updateSlaPolicyBody,
} from '@guanxi/contracts';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { createCalendar, deleteCalendar, deleteCalendarDay, getCalendar, listCalendars, putCalendarDay, updateCalendar } from './calendars.service.js';
import { getServiceSettings, updateServiceSettings } from './service-settings.service.js';
import { createPolicy, deletePolicy, getPolicy, listPolicies, matchPolicy, toPolicy, updatePolicy } from './sla-policies.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };
const read = { permission: 'service.read' as const };
const manage = { permission: 'settings.manage' as const };

export const businessCalendarsRoutes: FastifyPluginAsyncZod<{ database: Database; config: Config }> = async (app, { database, config }) => {
  const tags = ['business-calendars'];
  app.get('', { config: read, schema: { tags, summary: 'Business calendars (the default one is created on first use)', response: { 200: z.object({ data: z.array(businessCalendar) }), ...errors } } }, async () => ({
    data: await listCalendars(database, config.timeZone),
  }));
  app.get('/:id', { config: read, schema: { tags, summary: 'A calendar with its holidays and make-up working days (optionally of one year)', params: idParams, querystring: calendarDaysQuery, response: { 200: businessCalendarDetail, ...errors } } }, async (req) =>
    getCalendar(database, req.params.id, req.query.year),
  );
  app.post('', { config: manage, schema: { tags, summary: 'Create a calendar', body: createBusinessCalendarBody, response: { 201: businessCalendar, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return createCalendar(database, ctxOf(req), req.body, config.timeZone);
  });
  app.patch('/:id', { config: manage, schema: { tags, summary: 'Change a calendar (isDefault: true makes it the default)', params: idParams, body: updateBusinessCalendarBody, response: { 200: businessCalendar, ...errors } } }, async (req) =>
    updateCalendar(database, ctxOf(req), req.params.id, req.body),
  );
  app.delete('/:id', { config: manage, schema: { tags, summary: 'Delete a calendar no policy uses', params: idParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await deleteCalendar(database, ctxOf(req), req.params.id);
    return reply.code(204).send(null);
  });
  app.put('/:id/days/:date', { config: manage, schema: { tags, summary: 'Mark a date a holiday or a make-up working day (调休)', params: calendarDayParams, body: putCalendarDayBody, response: { 200: calendarDay, ...errors } } }, async (req) =>
    putCalendarDay(database, ctxOf(req), req.params.id, req.params.date, req.body),
  );
  app.delete('/:id/days/:date', { config: manage, schema: { tags, summary: 'Make a date an ordinary day of its weekday again', params: calendarDayParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await deleteCalendarDay(database, ctxOf(req), req.params.id, req.params.date);
    return reply.code(204).send(null);
  });
};

export const slaPoliciesRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const tags = ['sla-policies'];
  app.get('', { config: read, schema: { tags, summary: 'SLA policies', response: { 200: z.object({ data: z.array(slaPolicy) }), ...errors } } }, async () => ({ data: await listPolicies(database) }));
  app.get('/match', { config: read, schema: { tags, summary: 'The policy a ticket of this tier and priority would get (most specific wins)', querystring: slaMatchQuery, response: { 200: z.object({ policy: slaPolicy.nullable() }), ...errors } } }, async (req) => {
    const p = await matchPolicy(database.db, req.query.importance ?? null, req.query.priority);
    return { policy: p ? toPolicy(p) : null };
  });
  app.get('/:id', { config: read, schema: { tags, summary: 'One SLA policy', params: idParams, response: { 200: slaPolicy, ...errors } } }, async (req) => getPolicy(database, req.params.id));
  app.post('', { config: manage, schema: { tags, summary: 'Create an SLA policy', body: createSlaPolicyBody, response: { 201: slaPolicy, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return createPolicy(database, ctxOf(req), req.body);
  });
  app.patch('/:id', { config: manage, schema: { tags, summary: 'Change an SLA policy (tickets keep the due times they were given)', params: idParams, body: updateSlaPolicyBody, response: { 200: slaPolicy, ...errors } } }, async (req) =>
    updatePolicy(database, ctxOf(req), req.params.id, req.body),
  );
  app.delete('/:id', { config: manage, schema: { tags, summary: 'Delete an SLA policy', params: idParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await deletePolicy(database, ctxOf(req), req.params.id);
    return reply.code(204).send(null);
  });
};

export const serviceSettingsRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const tags = ['service-settings'];
  app.get('', { config: read, schema: { tags, summary: 'Service desk settings', response: { 200: serviceSettings, ...errors } } }, async () => getServiceSettings(database));
  app.patch('', { config: manage, schema: { tags, summary: 'Change the service desk settings', body: updateServiceSettingsBody, response: { 200: serviceSettings, ...errors } } }, async (req) =>
    updateServiceSettings(database, ctxOf(req), req.body),
  );
};
