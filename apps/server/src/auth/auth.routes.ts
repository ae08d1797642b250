import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { changePasswordBody, errorEnvelope, loginBody, loginResponse, updateProfileBody } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import type { Config } from '../config.js';
import { ctxOf } from '../platform/context.js';
import { toSessionUser } from './actor.js';
import { SESSION_COOKIE } from './auth.plugin.js';
import { changePassword, login, logout, updateProfile } from './auth.service.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 429: errorEnvelope };

export const authRoutes: FastifyPluginAsyncZod<{ database: Database; config: Config }> = async (app, { database, config }) => {
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: config.secureCookies };

  app.post(
    '/login',
    {
      config: { public: true },
      schema: { tags: ['auth'], summary: 'Log in with email and password', body: loginBody, response: { 200: loginResponse, ...errors } },
    },
    async (req, reply) => {
      const result = await login(database, config, {
        ...req.body,
        ip: req.ip,
        userAgent: req.headers['user-agent'],
        requestId: req.id,
        previousCookie: req.cookies[SESSION_COOKIE],
      });
      reply.setCookie(SESSION_COOKIE, result.cookie, { ...cookieOptions, maxAge: result.maxAgeSeconds });
      return { user: toSessionUser(result.actor), csrfToken: result.csrfToken };
    },
  );

  app.post(
    '/logout',
    { config: { beforePasswordChange: true }, schema: { tags: ['auth'], summary: 'End the session', response: { 204: z.null(), ...errors } } },
    async (req, reply) => {
      await logout(database, ctxOf(req));
      reply.clearCookie(SESSION_COOKIE, cookieOptions);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/me',
    { config: { beforePasswordChange: true }, schema: { tags: ['auth'], summary: 'The logged-in user', response: { 200: loginResponse, ...errors } } },
    async (req) => {
      const { actor } = ctxOf(req);
      return { user: toSessionUser(actor), csrfToken: actor.csrfToken ?? '' };
    },
  );

  app.patch(
    '/me',
    {
      config: { beforePasswordChange: true },
      schema: { tags: ['auth'], summary: 'Change own name or language', body: updateProfileBody, response: { 200: loginResponse, ...errors } },
    },
    async (req) => {
      const actor = await updateProfile(database, ctxOf(req), req.body);
      return { user: toSessionUser(actor), csrfToken: actor.csrfToken ?? '' };
    },
  );

  app.post(
    '/change-password',
    {
      config: { beforePasswordChange: true },
      schema: { tags: ['auth'], summary: 'Change own password', body: changePasswordBody, response: { 204: z.null(), ...errors } },
    },
    async (req, reply) => {
      await changePassword(database, ctxOf(req), req.body);
      return reply.code(204).send(null);
    },
  );
};
