// Public lead forms (线索表单): their configuration (sales.manage), and what happens when a
// visitor submits one — rate limit, spam checks, validation, then a new web_form lead.
//
// Spam protection without a CAPTCHA: a honeypot field people never see, and a render token
// (HMAC over form id and render time, with a secret kept in the settings table) that must be at
// least MIN_AGE old — bots post instantly — and at most MAX_AGE. Spam gets the same answer as
// success so the bot learns nothing; it creates nothing.
import { createHmac } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { leadFormChannelFields, leadSubmissionBody, type LeadForm, type LeadFormField, type LeadSubmission } from '@guanxi/contracts';
import type { Database, DbOrTx } from '../db/client.js';
import { leadForms } from '../db/schema.js';
import { diff, recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { AppError, invalid, notFound, versionConflict } from '../platform/errors.js';
import { ownedBy } from '../platform/data-scope.js';
import { countRows, keyset, pageOf, parseSort } from '../platform/pagination.js';
import { auditFields, updateVersioned } from '../platform/versioned.js';
import { newSecret, safeEqual } from '../auth/tokens.js';
import { insertLead } from './leads.service.js';

type FormRow = typeof leadForms.$inferSelect;
const audited = ['name', 'fields', 'defaultOwnerId', 'thankYouText', 'active'] as const;

export const MIN_AGE_MS = 3_000;
export const MAX_AGE_MS = 24 * 3_600_000;
/** Submissions allowed per window: per client address (any form) and per form (any address). */
export const RATE_LIMITS = { address: { max: 10, windowMs: 10 * 60_000 }, form: { max: 300, windowMs: 60 * 60_000 } } as const;

// ---- configuration ----

const formColumns = {
  id: leadForms.id,
  name: leadForms.name,
  publicKey: leadForms.publicKey,
  fields: leadForms.fields,
  defaultOwnerId: leadForms.defaultOwnerId,
  thankYouText: leadForms.thankYouText,
  active: leadForms.active,
  createdAt: leadForms.createdAt,
  updatedAt: leadForms.updatedAt,
  createdBy: leadForms.createdBy,
  updatedBy: leadForms.updatedBy,
  version: leadForms.version,
  defaultOwnerName: sql<string | null>`(select u.name from users u where u.id = ${leadForms.defaultOwnerId})`,
  leadCount: sql<number>`(select count(*)::int from leads l where l.form_id = ${leadForms.id} and l.deleted_at is null)`,
};
type FormView = Omit<FormRow, 'deletedAt'> & { defaultOwnerName: string | null; leadCount: number };

const toForm = (r: FormView): LeadForm => ({
  id: r.id,
  name: r.name,
  publicKey: r.publicKey,
  fields: r.fields as LeadFormField[],
  defaultOwnerId: r.defaultOwnerId,
  defaultOwnerName: r.defaultOwnerName,
  thankYouText: r.thankYouText,
  active: r.active,
  leadCount: Number(r.leadCount),
  ...auditFields(r),
});

async function findForm(db: DbOrTx, id: number): Promise<LeadForm> {
  const [row] = await db.select(formColumns).from(leadForms).where(and(eq(leadForms.id, id), isNull(leadForms.deletedAt)));
  if (!row) throw notFound();
  return toForm(row);
}
export const getLeadForm = (database: Database, id: number) => findForm(database.db, id);

const sortColumns = {
  name: { expr: sql`${leadForms.name}`, kind: 'text' as const, notNull: true },
  createdAt: { expr: sql`${leadForms.createdAt}`, kind: 'timestamp' as const, notNull: true },
  id: { expr: sql`${leadForms.id}`, kind: 'number' as const, notNull: true },
};

/** Forms are company configuration (like pipelines), managed by sales.manage; no owner to scope by. */
export async function listLeadForms(database: Database, query: { q?: string | undefined; sort?: string | undefined; limit: number; cursor?: string | undefined }) {
  const where = query.q ? sql`${leadForms.deletedAt} is null and ${leadForms.name} ilike ${`%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}` : sql`${leadForms.deletedAt} is null`;
  const spec = parseSort(query.sort, sortColumns, '-createdAt');
  const page = keyset(spec, sql`${leadForms.id}`, query.cursor);
  const rows = await database.db
    .select({ ...formColumns, sortValue: sql<string | null>`${page.sortValue}` })
    .from(leadForms)
    .where(sql`${where} and ${page.where}`)
    .orderBy(page.orderBy)
    .limit(query.limit + 1);
  const count = await countRows(database, sql`lead_forms where ${where}`);
  const shown = pageOf(rows, query.limit, (r) => [r.sortValue, r.id]);
  return { data: shown.rows.map(toForm), total: count.total, totalApproximate: count.approximate, nextCursor: shown.nextCursor };
}

async function checkDefaultOwner(tx: DbOrTx, ctx: Ctx, userId: number | null | undefined) {
  if (!userId) return;
  const result = (await tx.execute(sql`select id from users where id = ${userId} and active and deleted_at is null and ${ownedBy(ctx.actor, sql`id`)}`)) as unknown as { rows: unknown[] };
  if (!result.rows.length) throw invalid('defaultOwnerId', 'not an active user in your data scope', 'out_of_scope');
}

export interface LeadFormInput {
  name?: string | undefined;
  fields?: LeadFormField[] | undefined;
  defaultOwnerId?: number | null | undefined;
  thankYouText?: string | null | undefined;
  active?: boolean | undefined;
}

export async function createLeadForm(database: Database, ctx: Ctx, input: LeadFormInput & { name: string; fields: LeadFormField[] }): Promise<LeadForm> {
  return database.db.transaction(async (tx) => {
    await checkDefaultOwner(tx, ctx, input.defaultOwnerId);
    const [row] = await tx
      .insert(leadForms)
      .values({ ...input, defaultOwnerId: input.defaultOwnerId ?? null, publicKey: newSecret(18), createdBy: ctx.actor.id, updatedBy: ctx.actor.id })
      .returning();
    await recordAudit(tx, ctx, { entity: 'lead_form', entityId: row!.id, action: 'create', changes: diff(null, row!, audited) });
    return findForm(tx, row!.id);
  });
}

export async function updateLeadForm(database: Database, ctx: Ctx, id: number, input: LeadFormInput & { version: number }): Promise<LeadForm> {
  return database.db.transaction(async (tx) => {
    const [before] = await tx.select().from(leadForms).where(and(eq(leadForms.id, id), isNull(leadForms.deletedAt)));
    if (!before) throw notFound();
    if (before.version !== input.version) throw versionConflict(await findForm(tx, id));
    const { version, ...patch } = input;
    if (patch.defaultOwnerId !== undefined) await checkDefaultOwner(tx, ctx, patch.defaultOwnerId);
    const after = await updateVersioned(tx, leadForms, { id, version, actorId: ctx.actor.id, patch, toApi: (r) => r });
    await recordAudit(tx, ctx, { entity: 'lead_form', entityId: id, action: 'update', changes: diff(before, after, audited) });
    return findForm(tx, id);
  });
}

export async function deleteLeadForm(database: Database, ctx: Ctx, id: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    const [before] = await tx.update(leadForms).set({ deletedAt: new Date(), updatedBy: ctx.actor.id }).where(and(eq(leadForms.id, id), isNull(leadForms.deletedAt))).returning();
    if (!before) throw notFound();
    await recordAudit(tx, ctx, { entity: 'lead_form', entityId: id, action: 'delete', changes: { name: { old: before.name, new: null } } });
  });
}

// ---- the public side ----

/** An active form by its public key; inactive and deleted forms do not exist for visitors. */
export async function findPublicForm(db: DbOrTx, key: string): Promise<FormRow> {
  const [row] = await db.select().from(leadForms).where(and(eq(leadForms.publicKey, key), eq(leadForms.active, true), isNull(leadForms.deletedAt)));
  if (!row) throw notFound();
  return row;
}

async function formSecret(db: DbOrTx): Promise<string> {
  // Created on first use; concurrent first uses agree through the primary key.
  await db.execute(sql`insert into settings (scope, key, value) values ('lead_forms', 'token_secret', ${JSON.stringify({ secret: newSecret(32) })}::jsonb) on conflict do nothing`);
  const result = (await db.execute(sql`select value from settings where scope = 'lead_forms' and key = 'token_secret'`)) as unknown as { rows: Array<{ value: { secret: string } }> };
  return result.rows[0]!.value.secret;
}

const mac = (secret: string, formId: number, at: number) => createHmac('sha256', secret).update(`lead-form:${formId}:${at}`).digest('base64url');

/** The token a rendered form carries: `<render time ms>.<hmac>`, bound to the form. */
export async function signRenderToken(db: DbOrTx, formId: number, at = Date.now()): Promise<string> {
  return `${at}.${mac(await formSecret(db), formId, at)}`;
}

export type TokenVerdict = 'ok' | 'forged' | 'too_fast' | 'expired';
export async function checkRenderToken(db: DbOrTx, formId: number, token: string, now = Date.now()): Promise<TokenVerdict> {
  const m = /^(\d{10,16})\.([A-Za-z0-9_-]{20,100})$/.exec(token);
  if (!m) return 'forged';
  const at = Number(m[1]);
  if (!safeEqual(m[2]!, mac(await formSecret(db), formId, at))) return 'forged';
  if (now - at < MIN_AGE_MS) return 'too_fast';
  if (now - at > MAX_AGE_MS) return 'expired';
  return 'ok';
}

/** Counts one submission against each key's window; returns seconds to wait, or 0 when allowed. */
export async function hitRateLimit(db: DbOrTx, ip: string, formId: number, now = new Date()): Promise<number> {
  let wait = 0;
  for (const [kind, key] of [['address', `address:${ip}`], ['form', `form:${formId}`]] as const) {
    const { max, windowMs } = RATE_LIMITS[kind];
    const windowStart = new Date(now.getTime() - windowMs);
    const result = (await db.execute(sql`
      insert into lead_form_hits as h (key, window_start, hits) values (${key}, ${now}, 1)
      on conflict (key) do update set
        hits = case when h.window_start < ${windowStart} then 1 else h.hits + 1 end,
        window_start = case when h.window_start < ${windowStart} then ${now} else h.window_start end
      returning hits, window_start`)) as unknown as { rows: Array<{ hits: number; window_start: Date | string }> };
    const row = result.rows[0]!;
    if (Number(row.hits) > max) {
      const until = new Date(row.window_start).getTime() + windowMs;
      wait = Math.max(wait, Math.ceil((until - now.getTime()) / 1000), 1);
    }
  }
  return wait;
}

export type SubmissionOutcome = { kind: 'created'; leadId: number } | { kind: 'spam'; why: string };

/** Thrown for a rate-limited submission; the routes answer 429 with Retry-After. */
export const rateLimited = (seconds: number) => new AppError('RATE_LIMITED', undefined, undefined, { retryAfterSeconds: seconds });

/**
 * Field checks beyond the schema: only the fields the form shows count, and a visitor must leave
 * at least one way to reach them. Returns the input narrowed to the form's fields.
 */
export function narrowToForm(form: Pick<FormRow, 'fields'>, input: LeadSubmission): LeadSubmission {
  const shown = new Set(form.fields);
  const out: Record<string, unknown> = { name: input.name, token: input.token, website: input.website };
  for (const [k, v] of Object.entries(input)) if (shown.has(k)) out[k] = v;
  const channels = leadFormChannelFields.filter((f) => shown.has(f));
  if (channels.length && !channels.some((f) => out[f])) throw invalid(channels[0]!, 'leave at least one way to reach you', 'contact_required');
  return out as LeadSubmission;
}

/** Parses a submission (JSON body or form fields) with the API's schema; empty strings count as not given. */
export function parseSubmission(raw: Record<string, unknown>) {
  const cleaned: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== '' && v !== undefined) cleaned[k] = v;
  return leadSubmissionBody.safeParse(cleaned);
}

/** Rate limit, spam checks, then the lead. Validation has happened (schema and narrowToForm). */
export async function submitLead(database: Database, form: FormRow, input: LeadSubmission, client: { ip: string; requestId: string }): Promise<SubmissionOutcome> {
  const wait = await hitRateLimit(database.db, client.ip, form.id);
  if (wait > 0) throw rateLimited(wait);
  if (input.website) return { kind: 'spam', why: 'honeypot' };
  const verdict = await checkRenderToken(database.db, form.id, input.token);
  if (verdict === 'forged' || verdict === 'too_fast') return { kind: 'spam', why: verdict };
  if (verdict === 'expired') throw invalid('token', 'the form was opened too long ago; reload it and submit again', 'expired');
  const fields = narrowToForm(form, input);
  return database.db.transaction(async (tx) => {
    // A default owner who has left since the form was set up no longer receives leads: the pool does.
    const owner = form.defaultOwnerId
      ? ((await tx.execute(sql`select id from users where id = ${form.defaultOwnerId} and active and deleted_at is null`)) as unknown as { rows: unknown[] }).rows.length
        ? form.defaultOwnerId
        : null
      : null;
    const { token: _t, website: _w, ...values } = fields;
    const lead = await insertLead(tx, null, { ...values, source: 'web_form', ownerId: owner, formId: form.id }, { publicForm: form.id, ip: client.ip, requestId: client.requestId });
    return { kind: 'created' as const, leadId: lead.id };
  });
}
