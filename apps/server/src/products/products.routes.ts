// /api/v1/products: the product catalogue (sales.read to read, sales.write to change).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createProductBody, errorEnvelope, idParams, listPage, product, productListQuery, updateProductBody } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { createProduct, deleteProduct, getProduct, listProducts, updateProduct } from './products.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };

export const productsRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const read = { permission: 'sales.read' as const };
  const write = { permission: 'sales.write' as const };
  const tags = ['products'];
  app.get('', { config: read, schema: { tags, summary: 'Products (q searches SKU and name)', querystring: productListQuery, response: { 200: listPage(product), ...errors } } }, async (req) =>
    listProducts(database, ctxOf(req), req.query),
  );
  app.post('', { config: write, schema: { tags, summary: 'Create a product', body: createProductBody, response: { 201: product, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return createProduct(database, ctxOf(req), req.body);
  });
  app.get('/:id', { config: read, schema: { tags, summary: 'One product', params: idParams, response: { 200: product, ...errors } } }, async (req) => getProduct(database, ctxOf(req), req.params.id));
  app.patch('/:id', { config: write, schema: { tags, summary: 'Change a product', params: idParams, body: updateProductBody, response: { 200: product, ...errors } } }, async (req) =>
    updateProduct(database, ctxOf(req), req.params.id, req.body),
  );
  app.delete('/:id', { config: write, schema: { tags, summary: 'Delete a product (soft: its orders keep it)', params: idParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await deleteProduct(database, ctxOf(req), req.params.id);
    return reply.code(204).send(null);
  });
};
