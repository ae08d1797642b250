// /api/v1/opportunities: deals, their stage moves, the Kanban board, the forecast and the
// home-page summary.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  board, boardColumnPage, boardColumnQuery, boardQuery, createOpportunityBody, errorEnvelope, forecast, forecastQuery, idParams, listPage,
  moveOpportunityBody, opportunity, opportunityListQuery, opportunitySummary, pipelineSummary, pipelineSummaryQuery, stageIdParams, updateOpportunityBody,
} from '@guanxi/contracts';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { createOpportunity, deleteOpportunity, getOpportunity, listOpportunities, moveOpportunity, updateOpportunity } from './opportunities.service.js';
import { loadBoard, loadBoardColumn, loadForecast, pipelineSummary as summaryOf } from './opportunity-board.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };

export const opportunitiesRoutes: FastifyPluginAsyncZod<{ database: Database; config: Config }> = async (app, { database, config }) => {
  const read = { permission: 'sales.read' as const };
  const write = { permission: 'sales.write' as const };
  const tags = ['opportunities'];
  app.get('', { config: read, schema: { tags, summary: 'Opportunities in your data scope (q searches name and customer)', querystring: opportunityListQuery, response: { 200: listPage(opportunitySummary), ...errors } } }, async (req) =>
    listOpportunities(database, ctxOf(req), req.query),
  );
  app.post('', { config: write, schema: { tags, summary: 'Create an opportunity for a customer you can see', body: createOpportunityBody, response: { 201: opportunity, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return createOpportunity(database, ctxOf(req), req.body);
  });
  app.get(
    '/board',
    { config: read, schema: { tags, summary: 'Kanban board: per stage count, amount, weighted amount and the first cards', querystring: boardQuery, response: { 200: board, ...errors } } },
    async (req) => loadBoard(database, ctxOf(req), config.timeZone, req.query),
  );
  app.get(
    '/board/stages/:stageId',
    { config: read, schema: { tags, summary: 'More cards of one board column', params: stageIdParams, querystring: boardColumnQuery, response: { 200: boardColumnPage, ...errors } } },
    async (req) => loadBoardColumn(database, ctxOf(req), config.timeZone, req.params.stageId, req.query),
  );
  app.get(
    '/forecast',
    { config: read, schema: { tags, summary: 'Open amounts (weighted and not) by expected-close month and owner, and won amounts by month', querystring: forecastQuery, response: { 200: forecast, ...errors } } },
    async (req) => loadForecast(database, ctxOf(req), config.timeZone, req.query),
  );
  app.get(
    '/summary',
    { config: read, schema: { tags, summary: 'Per-stage totals of your deals (me) or every deal you may see (team)', querystring: pipelineSummaryQuery, response: { 200: pipelineSummary, ...errors } } },
    async (req) => summaryOf(database, ctxOf(req), req.query),
  );
  app.get('/:id', { config: read, schema: { tags, summary: 'One opportunity with its products and stage history', params: idParams, response: { 200: opportunity, ...errors } } }, async (req) =>
    getOpportunity(database, ctxOf(req), req.params.id),
  );
  app.patch('/:id', { config: write, schema: { tags, summary: 'Change an opportunity (not its stage: use move)', params: idParams, body: updateOpportunityBody, response: { 200: opportunity, ...errors } } }, async (req) =>
    updateOpportunity(database, ctxOf(req), req.params.id, req.body),
  );
  app.post(
    '/:id/move',
    { config: write, schema: { tags, summary: 'Move to another stage of its pipeline, or with pipelineId to a stage of another active pipeline (lost needs a reason)', params: idParams, body: moveOpportunityBody, response: { 200: opportunity, ...errors } } },
    async (req) => moveOpportunity(database, ctxOf(req), req.params.id, req.body),
  );
  app.delete('/:id', { config: write, schema: { tags, summary: 'Delete an opportunity (soft)', params: idParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await deleteOpportunity(database, ctxOf(req), req.params.id);
    return reply.code(204).send(null);
  });
};
