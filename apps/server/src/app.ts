// Builds the Fastify application; main.ts starts it, tests drive it with app.inject().
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { sql } from 'drizzle-orm';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import { authPlugin } from './auth/auth.plugin.js';
import { authRoutes } from './auth/auth.routes.js';
import { usersRoutes } from './users/users.routes.js';
import { departmentsRoutes } from './departments/departments.routes.js';
import { rolesRoutes } from './roles/roles.routes.js';
import { apiTokensRoutes } from './api-tokens/api-tokens.routes.js';
import { auditRoutes } from './audit/audit.routes.js';
import { customersRoutes } from './customers/customers.routes.js';
import { contactsRoutes } from './contacts/contacts.routes.js';
import { followUpsRoutes } from './follow-ups/follow-ups.routes.js';
import { customFieldsRoutes } from './custom-fields/custom-fields.routes.js';
import { tagsRoutes } from './tags/tags.routes.js';
import { savedViewsRoutes } from './saved-views/saved-views.routes.js';
import { searchRoutes } from './search/search.routes.js';
import { recycleBinRoutes } from './recycle-bin/recycle-bin.routes.js';
import { customerOwnershipRoutes, poolRoutes, poolRulesRoutes, poolSettingsRoutes } from './pool/pool.routes.js';
import { homeRoutes, tasksRoutes } from './tasks/tasks.routes.js';
import { targetSettingsRoutes, targetsRoutes } from './targets/targets.routes.js';
import { jobsRoutes } from './jobs/jobs.routes.js';
import { productsRoutes } from './products/products.routes.js';
import { customerPurchaseRoutes, orderApprovalSettingsRoutes, ordersRoutes } from './orders/orders.routes.js';
import { customerReceivablesRoutes, orderReceivableRoutes, paymentPlansRoutes, paymentsRoutes, receivablesRoutes } from './receivables/receivables.routes.js';
import { pipelinesRoutes } from './pipelines/pipelines.routes.js';
import { opportunitiesRoutes } from './opportunities/opportunities.routes.js';
import { leadRoutes } from './leads/leads.routes.js';
import { leadFormPageRoutes } from './leads/lead-forms.routes.js';
import { importMappingsRoutes, importsRoutes } from './imports/imports.routes.js';
import { customerExportRoutes } from './exports/exports.routes.js';
import { businessCalendarsRoutes, serviceSettingsRoutes, slaPoliciesRoutes } from './sla/sla.routes.js';
import { ticketAssignmentRulesRoutes, ticketsRoutes } from './tickets/tickets.routes.js';
import { ticketMailRoutes } from './mail/mail.routes.js';
import { returnVisitRulesRoutes, returnVisitsRoutes } from './return-visits/return-visits.routes.js';
import { notificationsRoutes } from './notifications/notifications.routes.js';
import { serviceReportsRoutes } from './service-reports/service-reports.routes.js';
import { ensureTicketReportRollups } from './service-reports/service-report-rollups.js';
import { customerMergeRoutes, duplicatesRoutes } from './duplicates/duplicates.routes.js';
import { customerQualityRoutes, dataQualityRoutes } from './data-quality/data-quality.routes.js';
import { warningsRoutes } from './analytics/warnings.routes.js';
import { analyticsDashboardRoutes } from './analytics/dashboards.routes.js';
import { customerAnalysisRoutes } from './analytics/customer-analysis.routes.js';
import { salesExpensesRoutes } from './sales-expenses/sales-expenses.routes.js';
import { analyticsRoutes, analyticsSettingsRoutes } from './analytics/analytics.routes.js';
import { installErrorHandler, sendRouteNotFound } from './platform/errors.js';

export interface AppOptions {
  database: Database;
  config: Config;
}

const defaultWebDist = fileURLToPath(new URL('../../web/dist', import.meta.url));

export async function buildApp({ database, config }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: ['req.headers.cookie', 'req.headers.authorization', 'req.headers["x-csrf-token"]'], censor: '***' },
    },
    genReqId: () => randomUUID(),
    bodyLimit: 1024 * 1024,
    trustProxy: config.trustProxy,
    routerOptions: { maxParamLength: 200 },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);

  // The service reports' rollups count local days of the configured time zone: built on the first
  // start, rebuilt when the time zone changes (ticket writes wait meanwhile).
  if (await ensureTicketReportRollups(database, config.timeZone)) app.log.info({ timeZone: config.timeZone }, 'service-report rollups built');

  // An empty body sent as JSON (DELETE from some clients) is no body, not an error.
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (body === '' || body === undefined) return done(null, undefined);
    return defaultJson(req, body as string, done);
  });

  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
    if (req.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
  });

  await app.register(cookie);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // antd and ECharts put styles on elements at run time.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        // Upgrading would break plain-HTTP installs reached by address on a LAN.
        upgradeInsecureRequests: config.secureCookies ? [] : null,
      },
    },
    crossOriginEmbedderPolicy: false,
    hsts: config.secureCookies,
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'Guanxi CRM API', version: '1.0.0', description: 'REST API of Guanxi (关系). Log in with /api/v1/auth/login or send `Authorization: Bearer <api token>`.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'gx_session' } } },
      security: [{ session: [] }, { bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'Liveness and database state',
        response: {
          200: z.object({ status: z.literal('ok'), database: z.object({ driver: z.string(), up: z.boolean(), latencyMs: z.number() }) }),
          503: z.object({ status: z.literal('degraded'), database: z.object({ driver: z.string(), up: z.boolean(), latencyMs: z.number() }) }),
        },
      },
    },
    async (_req, reply) => {
      const started = performance.now();
      const up = await database.db.execute(sql`select 1`).then(
        () => true,
        () => false,
      );
      const db = { driver: database.driver, up, latencyMs: Math.round((performance.now() - started) * 100) / 100 };
      if (!up) return reply.code(503).send({ status: 'degraded' as const, database: db });
      return { status: 'ok' as const, database: db };
    },
  );

  await app.register(authPlugin, { database, config });
  await app.register(
    async (api) => {
      await api.register(authRoutes, { prefix: '/auth', database, config });
      await api.register(usersRoutes, { prefix: '/users', database });
      await api.register(departmentsRoutes, { prefix: '/departments', database });
      await api.register(rolesRoutes, { prefix: '/roles', database });
      await api.register(apiTokensRoutes, { prefix: '/api-tokens', database });
      await api.register(auditRoutes, { prefix: '/audit-log', database });
      await api.register(customersRoutes, { prefix: '/customers', database, config });
      await api.register(customerExportRoutes, { prefix: '/customers', database, config });
      await api.register(importsRoutes, { prefix: '/imports', database, config });
      await api.register(importMappingsRoutes, { prefix: '/import-mappings', database });
      await api.register(contactsRoutes, { prefix: '/contacts', database, config });
      await api.register(followUpsRoutes, { prefix: '/follow-ups', database, config });
      await api.register(customFieldsRoutes, { prefix: '/custom-fields', database });
      await api.register(tagsRoutes, { prefix: '/tags', database });
      await api.register(savedViewsRoutes, { prefix: '/saved-views', database });
      await api.register(searchRoutes, { prefix: '/search', database });
      await api.register(recycleBinRoutes, { prefix: '/recycle-bin', database });
      await api.register(poolRoutes, { prefix: '/pool', database });
      await api.register(customerOwnershipRoutes, { prefix: '/customers', database, config });
      await api.register(poolRulesRoutes, { prefix: '/pool-rules', database });
      await api.register(poolSettingsRoutes, { prefix: '/pool-settings', database });
      await api.register(tasksRoutes, { prefix: '/tasks', database, config });
      await api.register(homeRoutes, { prefix: '/home', database, config });
      await api.register(targetsRoutes, { prefix: '/targets', database, config });
      await api.register(targetSettingsRoutes, { prefix: '/target-settings', database });
      await api.register(jobsRoutes, { prefix: '/jobs', database });
      await api.register(productsRoutes, { prefix: '/products', database });
      await api.register(ordersRoutes, { prefix: '/orders', database, config, orderNumberPattern: config.orderNumberPattern });
      await api.register(pipelinesRoutes, { prefix: '/pipelines', database });
      await api.register(opportunitiesRoutes, { prefix: '/opportunities', database, config });
      await api.register(customerPurchaseRoutes, { prefix: '/customers', database });
      await api.register(paymentPlansRoutes, { prefix: '/payment-plans', database, config });
      await api.register(paymentsRoutes, { prefix: '/payments', database, config });
      await api.register(receivablesRoutes, { prefix: '/receivables', database, config });
      await api.register(orderReceivableRoutes, { prefix: '/orders', database, config });
      await api.register(customerReceivablesRoutes, { prefix: '/customers', database, config });
      await api.register(leadRoutes, { database, config });
      await api.register(orderApprovalSettingsRoutes, { prefix: '/order-approval-settings', database });
      await api.register(ticketsRoutes, { prefix: '/tickets', database, config });
      await api.register(ticketMailRoutes, { prefix: '/tickets', database, config });
      await api.register(ticketAssignmentRulesRoutes, { prefix: '/ticket-assignment-rules', database });
      await api.register(businessCalendarsRoutes, { prefix: '/business-calendars', database, config });
      await api.register(slaPoliciesRoutes, { prefix: '/sla-policies', database });
      await api.register(serviceSettingsRoutes, { prefix: '/service-settings', database });
      await api.register(returnVisitsRoutes, { prefix: '/return-visits', database, config });
      await api.register(returnVisitRulesRoutes, { prefix: '/return-visit-rules', database });
      await api.register(notificationsRoutes, { prefix: '/notifications', database });
      await api.register(serviceReportsRoutes, { prefix: '/service-reports', database, config });
      await api.register(duplicatesRoutes, { prefix: '/duplicates', database });
      await api.register(customerMergeRoutes, { prefix: '/customers', database });
      await api.register(dataQualityRoutes, { prefix: '/data-quality', database });
      await api.register(customerQualityRoutes, { prefix: '/customers', database });
      await api.register(warningsRoutes, { prefix: '/analytics', database, config });
      await api.register(analyticsDashboardRoutes, { prefix: '/analytics', database });
      await api.register(customerAnalysisRoutes, { prefix: '/customers', database });
      await api.register(salesExpensesRoutes, { prefix: '/sales-expenses', database });
      await api.register(analyticsRoutes, { prefix: '/analytics', database, config });
      await api.register(analyticsSettingsRoutes, { prefix: '/analytics-settings', database, config });
    },
    { prefix: '/api/v1' },
  );

  // The embeddable public lead form (HTML, no login), outside /api so it can be framed.
  await app.register(leadFormPageRoutes, { prefix: '/forms/leads', database });

  // The web app, when built: static files, and index.html for the client-side routes.
  const webDist = config.webDist ?? defaultWebDist;
  const hasWeb = existsSync(`${webDist}/index.html`);
  if (hasWeb) await app.register(fastifyStatic, { root: webDist, wildcard: false, index: false, maxAge: '1h', immutable: false });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    const isPage = hasWeb && req.method === 'GET' && !path.startsWith('/api/') && path !== '/healthz' && !/\.[a-z0-9]+$/i.test(path);
    if (isPage) return reply.header('cache-control', 'no-cache').sendFile('index.html');
    return sendRouteNotFound(req, reply);
  });
  return app;
}
