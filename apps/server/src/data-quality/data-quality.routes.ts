import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  customerQuality, dataQualitySettings, errorEnvelope, idParams, qualityListPage, qualityListQuery, qualitySummary, qualitySummaryQuery, updateDataQualitySettingsBody, verifyCustomerBody,
} from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { customerQuality as qualityOf, getSettings, incompleteCustomers, qualitySummary as summaryOf, staleCustomers, updateSettings, verifyCustomer } from './data-quality.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };

/** /api/v1/data-quality: the lists and the dashboard. */
export const dataQualityRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const tags = ['data quality'];
  const read = { permission: 'customers.read' as const };
  app.get('/incomplete', { config: read, schema: { tags, summary: 'The least complete customers first (完整性)', querystring: qualityListQuery, response: { 200: qualityListPage, ...errors } } }, async (req) =>
    incompleteCustomers(database, ctxOf(req), req.query),
  );
  app.get('/stale', { config: read, schema: { tags, summary: 'Customers neither updated nor verified for the stale period (时效性)', querystring: qualityListQuery, response: { 200: qualityListPage, ...errors } } }, async (req) =>
    staleCustomers(database, ctxOf(req), req.query),
  );
  app.get('/summary', { config: read, schema: { tags, summary: 'Duplicates, invalid values, completeness and stale records by owner or department', querystring: qualitySummaryQuery, response: { 200: qualitySummary, ...errors } } }, async (req) =>
    summaryOf(database, ctxOf(req), req.query.groupBy),
  );
  app.get('/settings', { config: read, schema: { tags, summary: 'The stale period', response: { 200: dataQualitySettings, ...errors } } }, async () => getSettings(database.db));
  app.put('/settings', { config: { permission: 'settings.manage' }, schema: { tags, summary: 'Change the stale period', body: updateDataQualitySettingsBody, response: { 200: dataQualitySettings, ...errors } } }, async (req) =>
    updateSettings(database, ctxOf(req), req.body),
  );
};

/** /api/v1/customers/:id/{quality, verify}. */
export const customerQualityRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const tags = ['data quality'];
  app.get('/:id/quality', { config: { permission: 'customers.read' }, schema: { tags, summary: 'Completeness score, missing fields, invalid values, staleness', params: idParams, response: { 200: customerQuality, ...errors } } }, async (req) =>
    qualityOf(database, ctxOf(req), req.params.id),
  );
  app.post('/:id/verify', { config: { permission: 'customers.write' }, schema: { tags, summary: 'Mark the record verified as current', params: idParams, body: verifyCustomerBody, response: { 200: customerQuality, ...errors } } }, async (req) =>
    verifyCustomer(database, ctxOf(req), req.params.id, req.body.version),
  );
};
