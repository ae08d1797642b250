// /api/v1/sales-expenses: record (sales.write, one's own), list and read (sales.read, data scope
// over the expense's user), correct and delete (soft) one's own or, with sales.manage, in scope.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createSalesExpenseBody, errorEnvelope, idParams, salesExpense, salesExpenseListQuery, salesExpensePage, updateSalesExpenseBody } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { createSalesExpense, deleteSalesExpense, getSalesExpense, listSalesExpenses, updateSalesExpense } from './sales-expenses.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };
const tags = ['sales-expenses'];
const read = { permission: 'sales.read' as const };
const write = { permission: 'sales.write' as const };

export const salesExpensesRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  app.get('', { config: read, schema: { tags, summary: 'Sales expenses of the users in your data scope, with the sum of every match', querystring: salesExpenseListQuery, response: { 200: salesExpensePage, ...errors } } }, async (req) =>
    listSalesExpenses(database, ctxOf(req), req.query),
  );
  app.post('', { config: write, schema: { tags, summary: 'Record one of your own expenses (销售费用)', body: createSalesExpenseBody, response: { 201: salesExpense, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return createSalesExpense(database, ctxOf(req), req.body);
  });
  app.get('/:id', { config: read, schema: { tags, summary: 'One expense', params: idParams, response: { 200: salesExpense, ...errors } } }, async (req) => getSalesExpense(database, ctxOf(req), req.params.id));
  app.patch('/:id', { config: write, schema: { tags, summary: 'Correct an expense (yours, or in your scope with sales.manage)', params: idParams, body: updateSalesExpenseBody, response: { 200: salesExpense, ...errors } } }, async (req) =>
    updateSalesExpense(database, ctxOf(req), req.params.id, req.body),
  );
  app.delete('/:id', { config: write, schema: { tags, summary: 'Delete an expense (soft)', params: idParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await deleteSalesExpense(database, ctxOf(req), req.params.id);
    return reply.code(204).send(null);
  });
};
