// /api/v1/pipelines: sales pipelines with their stages (read: sales.read; change: sales.manage).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createPipelineBody, errorEnvelope, idParams, pipeline, pipelineList, pipelineListQuery, updatePipelineBody } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { createPipeline, deletePipeline, listPipelines, readPipeline, updatePipeline } from './pipelines.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };

export const pipelinesRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const read = { permission: 'sales.read' as const };
  const manage = { permission: 'sales.manage' as const };
  const tags = ['pipelines'];
  app.get('', { config: read, schema: { tags, summary: 'Pipelines with their stages, the default first', querystring: pipelineListQuery, response: { 200: pipelineList, ...errors } } }, async (req) => {
    const active = req.query['filter[active]'];
    return { data: await listPipelines(database, active === undefined ? undefined : active === 'true') };
  });
  app.post('', { config: manage, schema: { tags, summary: 'Create a pipeline; stages in order, one won, one lost, at least one open', body: createPipelineBody, response: { 201: pipeline, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return createPipeline(database, ctxOf(req), req.body);
  });
  app.get('/:id', { config: read, schema: { tags, summary: 'One pipeline with its stages', params: idParams, response: { 200: pipeline, ...errors } } }, async (req) => readPipeline(database.db, req.params.id));
  app.patch(
    '/:id',
    { config: manage, schema: { tags, summary: 'Change a pipeline; `stages` is the whole new list (add, rename, reorder, re-weight, remove)', params: idParams, body: updatePipelineBody, response: { 200: pipeline, ...errors } } },
    async (req) => updatePipeline(database, ctxOf(req), req.params.id, req.body),
  );
  app.delete('/:id', { config: manage, schema: { tags, summary: 'Delete a pipeline without deals (soft); not the default', params: idParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await deletePipeline(database, ctxOf(req), req.params.id);
    return reply.code(204).send(null);
  });
};
