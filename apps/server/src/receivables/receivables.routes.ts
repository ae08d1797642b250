// /api/v1/payment-plans, /api/v1/payments, /api/v1/receivables (overdue list 外欠款预警, summaries),
// and the balances under /api/v1/orders/:id/receivable and /api/v1/customers/:id/receivables.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createPaymentBody,
  createPaymentPlanBody,
  customerReceivables,
  errorEnvelope,
  idParams,
  listPage,
  orderReceivable,
  overdueListQuery,
  overdueRow,
  overdueSummary,
  overdueSummaryQuery,
  payment,
  paymentListQuery,
  paymentPlan,
  paymentPlanListQuery,
  receivablesSummary,
  receivablesSummaryQuery,
  updatePaymentPlanBody,
  voidPaymentBody,
} from '@guanxi/contracts';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import {
  createPayment,
  createPaymentPlan,
  customerReceivables as customerReceivablesOf,
  deletePaymentPlan,
  getPayment,
  getPaymentPlan,
  listOverdue,
  listPaymentPlans,
  listPayments,
  orderReceivable as orderReceivableOf,
  overdueSummary as overdueSummaryOf,
  receivablesSummary as receivablesSummaryOf,
  updatePaymentPlan,
  voidPayment,
} from './receivables.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };
const read = { permission: 'sales.read' as const };
const write = { permission: 'sales.write' as const };
const tags = ['receivables'];

interface Options {
  database: Database;
  config: Config;
}

export const paymentPlansRoutes: FastifyPluginAsyncZod<Options> = async (app, { database, config }) => {
  const settings = { timeZone: config.timeZone };
  app.get('', { config: read, schema: { tags, summary: 'Payment plans (回款计划) of orders in your data scope', querystring: paymentPlanListQuery, response: { 200: listPage(paymentPlan), ...errors } } }, async (req) =>
    listPaymentPlans(database, ctxOf(req), settings, req.query),
  );
  app.post(
    '',
    { config: write, schema: { tags, summary: "Plan a confirmed order's receivable in instalments summing exactly to it", body: createPaymentPlanBody, response: { 201: paymentPlan, ...errors } } },
    async (req, reply) => {
      reply.code(201);
      return createPaymentPlan(database, ctxOf(req), settings, req.body);
    },
  );
  app.get('/:id', { config: read, schema: { tags, summary: 'One payment plan with its instalments', params: idParams, response: { 200: paymentPlan, ...errors } } }, async (req) =>
    getPaymentPlan(database, ctxOf(req), settings, req.params.id),
  );
  app.patch(
    '/:id',
    { config: write, schema: { tags, summary: 'Change the notes or replace the instalments (keep paid ones by id)', params: idParams, body: updatePaymentPlanBody, response: { 200: paymentPlan, ...errors } } },
    async (req) => updatePaymentPlan(database, ctxOf(req), settings, req.params.id, req.body),
  );
  app.delete(
    '/:id',
    { config: write, schema: { tags, summary: 'Delete a plan (soft); its payments become unallocated', params: idParams, response: { 204: z.null(), ...errors } } },
    async (req, reply) => {
      await deletePaymentPlan(database, ctxOf(req), settings, req.params.id);
      return reply.code(204).send(null);
    },
  );
};

export const paymentsRoutes: FastifyPluginAsyncZod<Options> = async (app, { database }) => {
  app.get('', { config: read, schema: { tags, summary: 'Payments received (回款) on orders in your data scope; q searches reference and order number', querystring: paymentListQuery, response: { 200: listPage(payment), ...errors } } }, async (req) =>
    listPayments(database, ctxOf(req), req.query),
  );
  app.post(
    '',
    { config: write, schema: { tags, summary: 'Record a payment on a confirmed or fulfilled order, allocated oldest due first unless given', body: createPaymentBody, response: { 201: payment, ...errors } } },
    async (req, reply) => {
      reply.code(201);
      return createPayment(database, ctxOf(req), req.body);
    },
  );
  app.get('/:id', { config: read, schema: { tags, summary: 'One payment with its allocations', params: idParams, response: { 200: payment, ...errors } } }, async (req) => getPayment(database, ctxOf(req), req.params.id));
  app.post(
    '/:id/void',
    { config: write, schema: { tags, summary: 'Void a payment, giving back its allocations', params: idParams, body: voidPaymentBody, response: { 200: payment, ...errors } } },
    async (req) => voidPayment(database, ctxOf(req), req.params.id, req.body),
  );
};

export const receivablesRoutes: FastifyPluginAsyncZod<Options> = async (app, { database, config }) => {
  const settings = { timeZone: config.timeZone };
  app.get(
    '/overdue',
    { config: read, schema: { tags, summary: 'Overdue instalments (外欠款预警) in your data scope, most overdue first', querystring: overdueListQuery, response: { 200: listPage(overdueRow), ...errors } } },
    async (req) => listOverdue(database, ctxOf(req), settings, req.query),
  );
  app.get(
    '/overdue/summary',
    { config: read, schema: { tags, summary: 'Overdue totals per owner or department, and overall', querystring: overdueSummaryQuery, response: { 200: overdueSummary, ...errors } } },
    async (req) => overdueSummaryOf(database, ctxOf(req), settings, req.query),
  );
  app.get(
    '/summary',
    { config: read, schema: { tags, summary: 'Overdue, due within 7 days and open balance — yours (me) or your data scope (team)', querystring: receivablesSummaryQuery, response: { 200: receivablesSummary, ...errors } } },
    async (req) => receivablesSummaryOf(database, ctxOf(req), settings, req.query.scope),
  );
};

/** Registered under `/orders`, beside the orders plugin. */
export const orderReceivableRoutes: FastifyPluginAsyncZod<Options> = async (app, { database, config }) => {
  app.get(
    '/:id/receivable',
    { config: read, schema: { tags, summary: "An order's receivable, paid, balance and instalments with their status", params: idParams, response: { 200: orderReceivable, ...errors } } },
    async (req) => orderReceivableOf(database, ctxOf(req), { timeZone: config.timeZone }, req.params.id),
  );
};

/** Registered under `/customers`, beside the customers plugin. */
export const customerReceivablesRoutes: FastifyPluginAsyncZod<Options> = async (app, { database, config }) => {
  app.get(
    '/:id/receivables',
    { config: read, schema: { tags, summary: "A customer's receivables over its confirmed and fulfilled orders in your scope", params: idParams, response: { 200: customerReceivables, ...errors } } },
    async (req) => customerReceivablesOf(database, ctxOf(req), { timeZone: config.timeZone }, req.params.id),
  );
};
