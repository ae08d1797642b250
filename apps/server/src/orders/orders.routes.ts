// /api/v1/orders (orders and their status actions) and /api/v1/customers/:id/purchase-summary.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createOrderBody, errorEnvelope, idParams, listPage, order, orderActionBody, orderListQuery, orderSummary, purchaseSummary, updateOrderBody } from '@guanxi/contracts';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { assertValidPattern, defaultOrderNumberPattern } from './order-number.js';
import { changeOrderStatus, createOrder, deleteOrder, getOrder, listOrders, orderActions, purchaseSummaryOf, updateOrder, type OrderAction } from './orders.service.js';

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
  const summaries: Record<OrderAction, string> = { confirm: 'Confirm a draft order', fulfil: 'Mark a confirmed order fulfilled', cancel: 'Cancel a draft or confirmed order (totals are kept)' };
  for (const action of Object.keys(orderActions) as OrderAction[]) {
    app.post(`/:id/${action}`, { config: write, schema: { tags, summary: summaries[action], params: idParams, body: orderActionBody, response: { 200: order, ...errors } } }, async (req) =>
      changeOrderStatus(database, ctxOf(req), req.params.id, action, req.body.version),
    );
  }
};

/** Registered under `/customers`, beside the customers plugin. */
export const customerPurchaseRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  app.get(
    '/:id/purchase-summary',
    { config: { permission: 'sales.read' }, schema: { tags: ['orders'], summary: "A customer's confirmed and fulfilled orders, summed", params: idParams, response: { 200: purchaseSummary, ...errors } } },
    async (req) => purchaseSummaryOf(database, ctxOf(req), req.params.id),
  );
};
