// /api/v1/targets (sales targets and their progress) and /api/v1/target-settings.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createTargetBody,
  errorEnvelope,
  idParams,
  listPage,
  myTargetProgress,
  myTargetProgressQuery,
  salesTarget,
  targetListQuery,
  targetProgressQuery,
  targetProgressReport,
  targetSettings,
  updateTargetBody,
  updateTargetSettingsBody,
} from '@guanxi/contracts';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { getTargetSettings, updateTargetSettings } from './target-settings.js';
import { createTarget, deleteTarget, getTarget, listTargets, myTargetProgress as myProgress, targetProgress, updateTarget } from './targets.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };
const tags = ['targets'];
const read = { permission: 'sales.read' as const };
const manage = { permission: 'sales.manage' as const };

export const targetsRoutes: FastifyPluginAsyncZod<{ database: Database; config: Config }> = async (app, { database, config }) => {
  app.get('', { config: read, schema: { tags, summary: 'Targets of users and departments in your data scope', querystring: targetListQuery, response: { 200: listPage(salesTarget), ...errors } } }, async (req) =>
    listTargets(database, ctxOf(req), req.query),
  );
  app.get(
    '/progress',
    {
      config: read,
      schema: {
        tags,
        summary: 'Progress of the targets of one month (2026-11) or quarter (2026-Q4): actuals, percentages, expected percentage, behind schedule (销售进度预警)',
        querystring: targetProgressQuery,
        response: { 200: targetProgressReport, ...errors },
      },
    },
    async (req) =>
      targetProgress(
        database,
        ctxOf(req),
        { period: req.query.period, asOf: req.query.asOf, subject: req.query['filter[subject]'], userId: req.query['filter[userId]'], departmentId: req.query['filter[departmentId]'] },
        config.timeZone,
      ),
  );
  app.get('/progress/me', { config: read, schema: { tags, summary: 'Your own targets for the current month and quarter, with progress', querystring: myTargetProgressQuery, response: { 200: myTargetProgress, ...errors } } }, async (req) =>
    myProgress(database, ctxOf(req), req.query.asOf, config.timeZone),
  );
  app.post('', { config: manage, schema: { tags, summary: 'Set a target for a user or department in your scope', body: createTargetBody, response: { 201: salesTarget, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return createTarget(database, ctxOf(req), req.body);
  });
  app.get('/:id', { config: read, schema: { tags, summary: 'One target', params: idParams, response: { 200: salesTarget, ...errors } } }, async (req) => getTarget(database, ctxOf(req), req.params.id));
  app.patch('/:id', { config: manage, schema: { tags, summary: 'Change a target’s amount, count, basis or notes', params: idParams, body: updateTargetBody, response: { 200: salesTarget, ...errors } } }, async (req) =>
    updateTarget(database, ctxOf(req), req.params.id, req.body),
  );
  app.delete('/:id', { config: manage, schema: { tags, summary: 'Delete a target (soft)', params: idParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await deleteTarget(database, ctxOf(req), req.params.id);
    return reply.code(204).send(null);
  });
};

/** /target-settings — the default basis of new targets and the behind-schedule tolerance. */
export const targetSettingsRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  app.get('', { config: read, schema: { tags, summary: 'Target settings', response: { 200: targetSettings, ...errors } } }, async () => getTargetSettings(database.db));
  app.put('', { config: manage, schema: { tags, summary: 'Change target settings', body: updateTargetSettingsBody, response: { 200: targetSettings, ...errors } } }, async (req) =>
    database.db.transaction((tx) => updateTargetSettings(tx, ctxOf(req), req.body)),
  );
};
