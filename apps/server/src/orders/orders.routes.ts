// /api/v1/orders (orders, their status actions, approvals and returns),
// /api/v1/order-approval-settings and /api/v1/customers/:id/purchase-summary.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  approveOrderBody,
  createOrderBody,
  createOrderReturnBody,
  errorEnvelope,
  idParams,
  listPage,
  order,
  orderActionBody,
  orderApprovalSettings,
  orderListQuery,
  orderSummary,
  purchaseSummary,
  rejectOrderBody,
  updateOrderApprovalSettingsBody,
  updateOrderBody,
} from '@guanxi/contracts';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { assertValidPattern, defaultOrderNumberPattern } from './order-number.js';
import { changeOrderStatus, createOrder, decideApproval, deleteOrder, getOrder, listOrders, orderActions, purchaseSummaryOf, updateOrder, type OrderAction } from './orders.service.js';
import { getApprovalSettings, updateApprovalSettings } from './order-approvals.service.js';
import { createReturn } from './order-returns.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };

export interface OrdersOptions {
  database: Database;
  config: Config;
  /** Order number pattern; default `SO{yyyyMMdd}-{seq:4}` (tokens: {yyyy} {yy} {MM} {dd} and combinations, {seq:N}). */
  orderNumberPattern?: string | undefined;
}

export const ordersRoutes: FastifyPluginAsyncZod<OrdersOptions> = async (app, { database, config, orderNumberPattern }) => {
  const settings = { numberPattern: orderNumberPattern ?? defaultOrderNumberPattern, timeZone: config.timeZone };
  assertValidPattern(settings.numberPattern);
  const read = { permission: 'sales.read' as const };
  const write = { permission: 'sales.write' as const };
  const tags = ['orders'];
  app.get('', { config: read, schema: { tags, summary: 'Orders in your data scope (q searches number and customer name)', querystring: orderListQuery, response: { 200: listPage(orderSummary), ...errors } } }, async (req) =>
    listOrders(database, ctxOf(req), req.query),
  );
  app.post('', { config: write, schema: { tags, summary: 'Create a draft order for a customer you can see', body: createOrderBody, response: { 201: order, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return createOrder(database, ctxOf(req), settings, req.body);
  });
  app.get('/:id', { config: read, schema: { tags, summary: 'One order with its lines', params: idParams, response: { 200: order, ...errors } } }, async (req) => getOrder(database, ctxOf(req), req.params.id));
  app.patch('/:id', { config: write, schema: { tags, summary: 'Change an order; `lines` replaces all lines (drafts only)', params: idParams, body: updateOrderBody, response: { 200: order, ...errors } } }, async (req) =>
    updateOrder(database, ctxOf(req), req.params.id, req.body),
  );
  app.delete('/:id', { config: write, schema: { tags, summary: 'Delete a draft or cancelled order (soft)', params: idParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await deleteOrder(database, ctxOf(req), req.params.id);
    return reply.code(204).send(null);
  });
  const summaries: Record<OrderAction, string> = { confirm: 'Confirm a draft order; when it crosses the approval rule it stays a draft, pending approval', fulfil: 'Mark a confirmed order fulfilled', cancel: 'Cancel a draft or confirmed order (totals are kept)' };
  for (const action of Object.keys(orderActions) as OrderAction[]) {
    app.post(`/:id/${action}`, { config: write, schema: { tags, summary: summaries[action], params: idParams, body: orderActionBody, response: { 200: order, ...errors } } }, async (req) =>
      changeOrderStatus(database, ctxOf(req), req.params.id, action, req.body.version),
    );
  }
  app.post('/:id/approve', { config: write, schema: { tags, summary: 'Approve a pending order (its approver or an admin): confirms it', params: idParams, body: approveOrderBody, response: { 200: order, ...errors } } }, async (req) =>
    decideApproval(database, ctxOf(req), req.params.id, 'approve', req.body),
  );
  app.post('/:id/reject', { config: write, schema: { tags, summary: 'Reject a pending order (its approver or an admin) with a note: it stays a draft', params: idParams, body: rejectOrderBody, response: { 200: order, ...errors } } }, async (req) =>
    decideApproval(database, ctxOf(req), req.params.id, 'reject', req.body),
  );
  app.post('/:id/returns', { config: write, schema: { tags, summary: 'Record a return of some lines of a confirmed or fulfilled order', params: idParams, body: createOrderReturnBody, response: { 201: order, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return createReturn(database, ctxOf(req), config.timeZone, req.params.id, req.body);
  });
};

/** Registered under `/order-approval-settings`: the company's approval rule for orders. */
export const orderApprovalSettingsRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const tags = ['orders'];
  app.get('', { config: { permission: 'sales.read' }, schema: { tags, summary: 'When an order needs approval (null thresholds are off)', response: { 200: orderApprovalSettings, ...errors } } }, async () =>
    getApprovalSettings(database),
  );
  app.put('', { config: { permission: 'sales.manage' }, schema: { tags, summary: 'Set the approval thresholds (version 0 before the first save)', body: updateOrderApprovalSettingsBody, response: { 200: orderApprovalSettings, ...errors } } }, async (req) =>
    updateApprovalSettings(database, ctxOf(req), req.body),
  );
};

/** Registered under `/customers`, beside the customers plugin. */
export const customerPurchaseRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  app.get(
    '/:id/purchase-summary',
    { config: { permission: 'sales.read' }, schema: { tags: ['orders'], summary: "A customer's confirmed and fulfilled orders, summed", params: idParams, response: { 200: purchaseSummary, ...errors } } },
    async (req) => purchaseSummaryOf(database, ctxOf(req), req.params.id),
  );
};
