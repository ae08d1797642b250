// HTTP routes of tasks (/tasks) and the home page's reminders (/home/reminders).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createTaskBody, errorEnvelope, idParams, listPage, reminders, remindersQuery, task, taskListQuery, updateTaskBody } from '@guanxi/contracts';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { createTask, deleteTask, getReminders, getTask, listTasks, updateTask } from './tasks.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };
const tags = ['tasks'];

// Every logged-in user has tasks, so no permission beyond being logged in; scope does the rest.
export const tasksRoutes: FastifyPluginAsyncZod<{ database: Database; config: Config }> = async (app, { database, config }) => {
  app.get('', { schema: { tags, summary: 'Tasks of users in your data scope', querystring: taskListQuery, response: { 200: listPage(task), ...errors } } }, async (req) =>
    listTasks(database, ctxOf(req), req.query, config.timeZone),
  );
  app.post('', { schema: { tags, summary: 'Create a task', body: createTaskBody, response: { 201: task, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return createTask(database, ctxOf(req), req.body);
  });
  app.get('/:id', { schema: { tags, summary: 'One task', params: idParams, response: { 200: task, ...errors } } }, async (req) => getTask(database, ctxOf(req), req.params.id));
  app.patch('/:id', { schema: { tags, summary: 'Change or complete a task (done: true)', params: idParams, body: updateTaskBody, response: { 200: task, ...errors } } }, async (req) =>
    updateTask(database, ctxOf(req), req.params.id, req.body),
  );
  app.delete('/:id', { schema: { tags, summary: 'Delete a task', params: idParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await deleteTask(database, ctxOf(req), req.params.id);
    return reply.code(204).send(null);
  });
};

export const homeRoutes: FastifyPluginAsyncZod<{ database: Database; config: Config }> = async (app, { database, config }) => {
  app.get(
    '/reminders',
    { schema: { tags: ['home'], summary: 'Open tasks due today and overdue, with counts: yours, or (scope=team) the others’ in your data scope', querystring: remindersQuery, response: { 200: reminders, ...errors } } },
    async (req) => getReminders(database, ctxOf(req), config.timeZone, req.query.scope),
  );
};
