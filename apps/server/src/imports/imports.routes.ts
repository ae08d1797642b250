import { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createImportMappingBody, errorEnvelope, idParams, importEncodings, importErrorsPage, importErrorsQuery, importJob, importListPage, importListQuery,
  importMapping, importOptions, importPreview, importRollbackResult, savedImportMapping,
} from '@guanxi/contracts';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { requestLocale } from '../platform/i18n.js';
import type { EncodingChoice } from '../tabular/text-encoding.js';
import { importRunnerFor } from './import-runner.js';
import {
  cancelImport, createImport, createMapping, deleteMapping, discardUpload, errorFile, errorPage, getImport, importsDir, listImports, listMappings, previewImport,
  resumeImport, rollbackImport,
} from './imports.service.js';
import { jsonField, receiveUpload } from './upload.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope, 413: errorEnvelope, 415: errorEnvelope };
const perm = { permission: 'customers.import' as const };
const tags = ['imports'];

/** Zod failure of a multipart JSON field → 400 with paths under the field's name. */
function parseField<T extends z.ZodType>(schema: T, value: unknown, name: string): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new AppError('VALIDATION_FAILED', undefined, r.error.issues.map((i) => ({ path: [name, ...i.path.map(String)].join('.'), message: i.message, code: i.code })));
}

export const importsRoutes: FastifyPluginAsyncZod<{ database: Database; config: Config }> = async (app, { database, config }) => {
  await app.register(multipart, { limits: { fileSize: config.importMaxBytes, files: 1 } });
  const runner = importRunnerFor(database, { timeZone: config.timeZone });
  // imports left running by a process that died are resumable, not stuck
  app.addHook('onReady', async () => {
    await runner.markInterrupted();
  });
  // a closing server lets each run finish its batch in flight, so a restart resumes cleanly
  app.addHook('onClose', async () => {
    await runner.stopAll();
  });
  const dir = () => importsDir(config);

  app.post('/preview', { config: perm, schema: { tags, summary: 'Read an uploaded file: encoding, header, first 20 rows and a suggested mapping (multipart: file, encoding)', response: { 200: importPreview, ...errors } } }, async (req) => {
    const upload = await receiveUpload(req, dir(), config.importMaxBytes);
    try {
      const encoding = parseField(z.enum(importEncodings).default('auto'), upload.fields.encoding || undefined, 'encoding') as EncodingChoice;
      return await previewImport(database, upload, encoding);
    } finally {
      discardUpload(upload.path);
    }
  });

  app.post('', { config: perm, schema: { tags, summary: 'Start an import (multipart: file, mapping JSON, options JSON); runs in the background', response: { 202: importJob, ...errors } } }, async (req, reply) => {
    const upload = await receiveUpload(req, dir(), config.importMaxBytes);
    try {
      const mapping = parseField(importMapping, jsonField(upload.fields, 'mapping') ?? {}, 'mapping');
      const options = parseField(importOptions, jsonField(upload.fields, 'options') ?? {}, 'options');
      const job = await createImport(database, ctxOf(req), runner, config, { ...upload, mapping, options });
      reply.code(202);
      return job;
    } catch (e) {
      discardUpload(upload.path);
      throw e;
    }
  });

  app.get('', { config: perm, schema: { tags, summary: 'Imports of the caller and of users in their data scope, newest first', querystring: importListQuery, response: { 200: importListPage, ...errors } } }, async (req) =>
    listImports(database, ctxOf(req), req.query),
  );
  app.get('/:id', { config: perm, schema: { tags, summary: 'Progress and counts of an import (poll it)', params: idParams, response: { 200: importJob, ...errors } } }, async (req) => getImport(database, ctxOf(req), req.params.id));
  app.post('/:id/cancel', { config: perm, schema: { tags, summary: 'Stop an import after the batch in flight (resumable)', params: idParams, response: { 200: importJob, ...errors } } }, async (req) =>
    cancelImport(database, ctxOf(req), runner, req.params.id),
  );
  app.post('/:id/resume', { config: perm, schema: { tags, summary: 'Continue an interrupted or cancelled import after its last committed batch', params: idParams, response: { 200: importJob, ...errors } } }, async (req) =>
    resumeImport(database, ctxOf(req), runner, req.params.id),
  );
  app.post('/:id/rollback', { config: perm, schema: { tags, summary: 'Delete what the import created and restore what it updated', params: idParams, response: { 200: importRollbackResult, ...errors } } }, async (req) =>
    rollbackImport(database, ctxOf(req), runner, req.params.id),
  );
  app.get('/:id/errors', { config: perm, schema: { tags, summary: 'Failed rows: a CSV/XLSX file (original columns + row, column, reason) or a JSON page', params: idParams, querystring: importErrorsQuery, response: { 200: z.union([importErrorsPage, z.any()]), ...errors } } }, async (req, reply) => {
    const ctx = ctxOf(req);
    const lang = requestLocale(req);
    if (req.query.format === 'json') return errorPage(database, ctx, req.params.id, lang, req.query.after ?? 0, req.query.limit);
    const file = await errorFile(database, ctx, req.params.id, lang, req.query.format);
    reply
      .header('content-type', req.query.format === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="import-${req.params.id}-errors.${req.query.format}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`);
    return reply.send(Readable.from(file.body));
  });
};

export const importMappingsRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const tags = ['imports'];
  app.get('', { config: perm, schema: { tags, summary: 'Saved column mappings', response: { 200: z.object({ data: z.array(savedImportMapping) }), ...errors } } }, async () => listMappings(database));
  app.post('', { config: perm, schema: { tags, summary: 'Save a column mapping for reuse', body: createImportMappingBody, response: { 201: savedImportMapping, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return createMapping(database, ctxOf(req), req.body);
  });
  app.delete('/:id', { config: perm, schema: { tags, summary: 'Delete a saved mapping (its author or a settings manager)', params: idParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await deleteMapping(database, ctxOf(req), req.params.id);
    return reply.code(204).send(null);
  });
};
