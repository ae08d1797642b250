// HTTP routes of the analytics dashboards (/analytics/pareto, /rfm, /value-matrix, /clv, /lifecycle, /loyalty, /cohorts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { clvDashboard, cohortsDashboard, dashboardQuery, errorEnvelope, lifecycleDashboard, loyaltyDashboard, paretoDashboard, rfmDashboard, valueMatrixDashboard } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import * as dashboards from './dashboards.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope };
const filters = 'Filters: from/to (YYYY-MM-DD), filter[ownerId], filter[departmentId] (with sub-departments), filter[province], filter[city]; always within your data scope.';

export const analyticsDashboardRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const config = { permission: 'analytics.read' as const };
  const tags = ['analytics'];
  app.get('/pareto', { config, schema: { tags, summary: `Pareto curve and ABC table of the latest run. ${filters}`, querystring: dashboardQuery, response: { 200: paretoDashboard, ...errors } } }, async (req) =>
    dashboards.paretoDashboard(database, ctxOf(req), req.query),
  );
  app.get('/rfm', { config, schema: { tags, summary: `RFM heat map (R × F), segment sizes and their movement in the latest run. ${filters}`, querystring: dashboardQuery, response: { 200: rfmDashboard, ...errors } } }, async (req) =>
    dashboards.rfmDashboard(database, ctxOf(req), req.query),
  );
  app.get('/value-matrix', { config, schema: { tags, summary: `Value matrix quadrants (frequency × average order value). ${filters}`, querystring: dashboardQuery, response: { 200: valueMatrixDashboard, ...errors } } }, async (req) =>
    dashboards.valueMatrixDashboard(database, ctxOf(req), req.query),
  );
  app.get('/clv', { config, schema: { tags, summary: `Predicted CLV: distribution, top customers, by segment and acquisition cohort, model check. ${filters}`, querystring: dashboardQuery, response: { 200: clvDashboard, ...errors } } }, async (req) =>
    dashboards.clvDashboard(database, ctxOf(req), req.query),
  );
  app.get('/lifecycle', { config, schema: { tags, summary: `Customers per lifecycle stage, flows between stages in the period, time in stage. ${filters}`, querystring: dashboardQuery, response: { 200: lifecycleDashboard, ...errors } } }, async (req) =>
    dashboards.lifecycleDashboard(database, ctxOf(req), req.query),
  );
  app.get('/loyalty', { config, schema: { tags, summary: `Loyalty matrices (Reinartz & Kumar, Dick & Basu) and the data they miss. ${filters}`, querystring: dashboardQuery, response: { 200: loyaltyDashboard, ...errors } } }, async (req) =>
    dashboards.loyaltyDashboard(database, ctxOf(req), req.query),
  );
  app.get('/cohorts', { config, schema: { tags, summary: `Retention by first-purchase month. ${filters}`, querystring: dashboardQuery, response: { 200: cohortsDashboard, ...errors } } }, async (req) =>
    dashboards.cohortsDashboard(database, ctxOf(req), req.query),
  );
};
