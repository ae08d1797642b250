import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createLeadFormBody,
  errorEnvelope,
  idParams,
  leadForm,
  leadFormListQuery,
  leadSubmissionBody,
  leadSubmissionResult,
  listPage,
  publicKeyParams,
  publicLeadForm,
  updateLeadFormBody,
  type LeadFormField,
} from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { ctxOf } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { requestLocale, type Lang } from '../platform/i18n.js';
import {
  checkRenderToken,
  createLeadForm,
  deleteLeadForm,
  findPublicForm,
  getLeadForm,
  listLeadForms,
  narrowToForm,
  parseSubmission,
  signRenderToken,
  submitLead,
  updateLeadForm,
} from './lead-forms.service.js';
import { fieldErrorText, renderFormPage, renderMessagePage, renderThanksPage } from './lead-form-page.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope, 429: errorEnvelope };

/** Configuration of the forms: sales.manage (admins and managers). */
export const leadFormsRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const config = { permission: 'sales.manage' as const };
  const tags = ['lead-forms'];
  app.get('', { config, schema: { tags, summary: 'Public lead forms', querystring: leadFormListQuery, response: { 200: listPage(leadForm), ...errors } } }, async (req) => listLeadForms(database, req.query));
  app.post('', { config, schema: { tags, summary: 'Create a lead form (gets a random public key)', body: createLeadFormBody, response: { 201: leadForm, ...errors } } }, async (req, reply) => {
    reply.code(201);
    return createLeadForm(database, ctxOf(req), req.body);
  });
  app.get('/:id', { config, schema: { tags, summary: 'One lead form', params: idParams, response: { 200: leadForm, ...errors } } }, async (req) => getLeadForm(database, req.params.id));
  app.patch('/:id', { config, schema: { tags, summary: 'Change a lead form', params: idParams, body: updateLeadFormBody, response: { 200: leadForm, ...errors } } }, async (req) =>
    updateLeadForm(database, ctxOf(req), req.params.id, req.body),
  );
  app.delete('/:id', { config, schema: { tags, summary: 'Delete a lead form; its public address stops working', params: idParams, response: { 204: z.null(), ...errors } } }, async (req, reply) => {
    await deleteLeadForm(database, ctxOf(req), req.params.id);
    return reply.code(204).send(null);
  });
};

/** The JSON side of the public forms, for sites that build their own form: no login. */
export const leadFormsPublicApiRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const config = { public: true };
  const tags = ['lead-forms'];
  app.get('/:key', { config, schema: { tags, summary: 'A public form’s fields and a render token to submit with', params: publicKeyParams, response: { 200: publicLeadForm, ...errors } } }, async (req) => {
    const form = await findPublicForm(database.db, req.params.key);
    return { name: form.name, fields: form.fields as LeadFormField[], thankYouText: form.thankYouText, token: await signRenderToken(database.db, form.id) };
  });
  app.post(
    '/:key/submissions',
    {
      config,
      bodyLimit: 16 * 1024,
      schema: { tags, summary: 'Submit a public form: creates a web_form lead (rate-limited, spam-checked)', params: publicKeyParams, body: leadSubmissionBody, response: { 201: leadSubmissionResult, ...errors } },
    },
    async (req, reply) => {
      const form = await findPublicForm(database.db, req.params.key);
      const outcome = await submitLead(database, form, req.body, { ip: req.ip, requestId: req.id });
      if (outcome.kind === 'spam') req.log.info({ formId: form.id, why: outcome.why }, 'lead form spam dropped');
      reply.code(201);
      return { ok: true as const, message: form.thankYouText ?? (requestLocale(req) === 'en' ? 'Thank you. We will be in touch soon.' : '感谢您的留言，我们会尽快与您联系。') };
    },
  );
};

function langOf(req: FastifyRequest): Lang {
  const q = (req.query as Record<string, unknown> | undefined)?.lang;
  if (q === 'en') return 'en';
  if (q === 'zh-CN' || q === 'zh') return 'zh-CN';
  return requestLocale(req);
}

/** This page may be framed by any site (that is its purpose); everything else keeps helmet's defaults. */
function sendPage(reply: FastifyReply, status: number, html: string) {
  reply.removeHeader('x-frame-options');
  reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors *");
  reply.header('cache-control', 'no-store');
  return reply.code(status).type('text/html; charset=utf-8').send(html);
}

/** The embeddable HTML form at /forms/leads/:key: GET shows it, POST (form-encoded) submits it. */
export const leadFormPageRoutes: FastifyPluginAsync<{ database: Database }> = async (app, { database }) => {
  // Scoped to this plugin: the rest of the app accepts JSON only.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => {
    const params = new URLSearchParams(body as string);
    const out: Record<string, string> = {};
    for (const [k, v] of params) if (!(k in out)) out[k] = v;
    done(null, out);
  });

  const keyOf = (req: FastifyRequest) => {
    const key = (req.params as { key?: unknown }).key;
    return typeof key === 'string' && key.length <= 100 ? key : '';
  };
  const formOrNull = async (key: string) => {
    try {
      return await findPublicForm(database.db, key);
    } catch (e) {
      if (e instanceof AppError && e.code === 'NOT_FOUND') return null;
      throw e;
    }
  };

  app.get('/:key', { schema: { hide: true } }, async (req, reply) => {
    const lang = langOf(req);
    const form = await formOrNull(keyOf(req));
    if (!form) return sendPage(reply, 404, renderMessagePage(lang, 'notFound'));
    return sendPage(reply, 200, renderFormPage({ lang, form, token: await signRenderToken(database.db, form.id) }));
  });

  app.post('/:key', { schema: { hide: true } }, async (req, reply) => {
    const lang = langOf(req);
    const form = await formOrNull(keyOf(req));
    if (!form) return sendPage(reply, 404, renderMessagePage(lang, 'notFound'));
    const raw = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    // A genuine token is carried over, so the time since the first render keeps counting and a quick
    // correction is not mistaken for a bot; an expired or forged one is replaced.
    const carried = typeof raw.token === 'string' ? raw.token : '';
    const again = async (errors: Record<string, string>, notice: 'fix' | 'expired') => {
      const verdict = notice === 'expired' || !carried ? 'expired' : await checkRenderToken(database.db, form.id, carried);
      const token = verdict === 'ok' || verdict === 'too_fast' ? carried : await signRenderToken(database.db, form.id);
      return sendPage(reply, 400, renderFormPage({ lang, form, token, values: raw, errors, notice }));
    };
    const parsed = parseSubmission(raw);
    if (!parsed.success) {
      // A missing or mangled token is a bot or a broken embed: answer like success, create nothing.
      if (parsed.error.issues.some((i) => i.path[0] === 'token')) return sendPage(reply, 200, renderThanksPage(lang, form));
      const errs: Record<string, string> = {};
      for (const i of parsed.error.issues) {
        const field = String(i.path[0] ?? 'name');
        errs[field] ??= fieldErrorText(lang, field, i.code, i.message);
      }
      return again(errs, 'fix');
    }
    try {
      // Checked before the spam rules only when the token is genuine, so the visitor's typing is kept.
      if ((await checkRenderToken(database.db, form.id, parsed.data.token)) === 'ok') narrowToForm(form, parsed.data);
      await submitLead(database, form, parsed.data, { ip: req.ip, requestId: req.id });
    } catch (e) {
      if (e instanceof AppError && e.code === 'RATE_LIMITED') {
        const seconds = e.extra?.retryAfterSeconds ?? 60;
        reply.header('retry-after', String(seconds));
        return sendPage(reply, 429, renderMessagePage(lang, 'limited', seconds));
      }
      if (e instanceof AppError && e.code === 'VALIDATION_FAILED') {
        const d = e.details?.[0];
        if (d?.path === 'token') return again({}, 'expired');
        return again(d ? { [d.path]: fieldErrorText(lang, d.path, d.code ?? 'invalid', d.message) } : {}, 'fix');
      }
      throw e;
    }
    return sendPage(reply, 200, renderThanksPage(lang, form));
  });
};
