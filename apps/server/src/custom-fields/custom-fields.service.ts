// Admin-defined fields for customers and contacts (the long tail of the profile groups): their
// definitions, and the one check every stored value passes.
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { CustomField } from '@guanxi/contracts';
import type { Database, DbOrTx } from '../db/client.js';
import { customFields } from '../db/schema.js';
import { diff, recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { AppError, conflict, msg, notFound } from '../platform/errors.js';
import { auditFields, updateVersioned } from '../platform/versioned.js';
import type { ErrorDetail } from '@guanxi/contracts';

type Row = typeof customFields.$inferSelect;
type Entity = Row['entity'];
const audited = ['key', 'label', 'labelEn', 'type', 'options', 'required', 'position'] as const;

const toCustomField = (r: Row): CustomField => ({
  id: r.id,
  entity: r.entity,
  key: r.key,
  label: r.label,
  labelEn: r.labelEn,
  type: r.type,
  options: r.options,
  required: r.required,
  position: r.position,
  ...auditFields(r),
});

export async function fieldDefinitions(db: DbOrTx, entity: Entity): Promise<Row[]> {
  return db.select().from(customFields).where(and(eq(customFields.entity, entity), isNull(customFields.deletedAt))).orderBy(asc(customFields.position), asc(customFields.id));
}

export async function listCustomFields(database: Database, entity: Entity | undefined): Promise<{ data: CustomField[] }> {
  const rows = await database.db
    .select()
    .from(customFields)
    .where(and(isNull(customFields.deletedAt), entity ? eq(customFields.entity, entity) : undefined))
    .orderBy(asc(customFields.entity), asc(customFields.position), asc(customFields.id));
  return { data: rows.map(toCustomField) };
}

function checkOptions(type: Row['type'], options: Row['options']) {
  const needs = type === 'select' || type === 'multiselect';
  if (needs && options.length === 0) throw new AppError('VALIDATION_FAILED', undefined, [{ path: 'options', message: 'a select field needs options', code: 'required' }]);
  if (!needs && options.length > 0) throw new AppError('VALIDATION_FAILED', undefined, [{ path: 'options', message: `a ${type} field has no options`, code: 'invalid' }]);
  const seen = new Set<string>();
  for (const [i, o] of options.entries()) {
    if (seen.has(o.value)) throw new AppError('VALIDATION_FAILED', undefined, [{ path: `options.${i}.value`, message: 'duplicate option value', code: 'duplicate' }]);
    seen.add(o.value);
  }
}

const find = async (db: DbOrTx, id: number) => {
  const [row] = await db.select().from(customFields).where(and(eq(customFields.id, id), isNull(customFields.deletedAt)));
  if (!row) throw notFound();
  return row;
};

export async function createCustomField(
  database: Database,
  ctx: Ctx,
  input: Pick<Row, 'entity' | 'key' | 'label' | 'type' | 'options' | 'required' | 'position'> & { labelEn?: string | null | undefined },
): Promise<CustomField> {
  checkOptions(input.type, input.options);
  return database.db.transaction(async (tx) => {
    const existing = (await fieldDefinitions(tx, input.entity)).find((f) => f.key === input.key);
    if (existing) throw conflict(msg('A field with this key exists.', '已存在相同标识的字段。'), [{ path: 'key', message: 'already in use', code: 'duplicate' }]);
    const [row] = await tx
      .insert(customFields)
      .values({ ...input, labelEn: input.labelEn ?? null, createdBy: ctx.actor.id, updatedBy: ctx.actor.id })
      .returning();
    await recordAudit(tx, ctx, { entity: 'custom_field', entityId: row!.id, action: 'create', changes: diff(null, row!, audited) });
    return toCustomField(row!);
  });
}

export async function updateCustomField(
  database: Database,
  ctx: Ctx,
  id: number,
  input: Partial<Pick<Row, 'label' | 'labelEn' | 'options' | 'required' | 'position'>> & { version: number },
): Promise<CustomField> {
  return database.db.transaction(async (tx) => {
    const before = await find(tx, id);
    const { version, ...patch } = input;
    if (patch.options) checkOptions(before.type, patch.options);
    const after = await updateVersioned(tx, customFields, { id, version, actorId: ctx.actor.id, patch, toApi: toCustomField });
    await recordAudit(tx, ctx, { entity: 'custom_field', entityId: id, action: 'update', changes: diff(before, after, audited) });
    return toCustomField(after);
  });
}

/** Retires a field: its values stay in the records but are no longer shown, checked or filtered. */
export async function deleteCustomField(database: Database, ctx: Ctx, id: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    const before = await find(tx, id);
    await tx.update(customFields).set({ deletedAt: new Date(), updatedBy: ctx.actor.id }).where(eq(customFields.id, id));
    await recordAudit(tx, ctx, { entity: 'custom_field', entityId: id, action: 'delete', changes: diff(before, null, ['key', 'label']) });
  });
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Checks custom values against the definitions and returns what to store: `patch` merged into
 * `current` (null removes a key). Every problem is reported at `custom.<key>`.
 */
export function checkCustomValues(defs: Row[], current: Record<string, unknown>, patch: Record<string, unknown> | undefined, creating: boolean): Record<string, unknown> {
  const details: ErrorDetail[] = [];
  const next: Record<string, unknown> = { ...current };
  const byKey = new Map(defs.map((d) => [d.key, d]));
  for (const [key, value] of Object.entries(patch ?? {})) {
    const def = byKey.get(key);
    const path = `custom.${key}`;
    if (!def) {
      details.push({ path, message: 'no such custom field', code: 'unknown_field' });
      continue;
    }
    if (value === null || value === '' || (Array.isArray(value) && value.length === 0)) {
      delete next[key];
      continue;
    }
    const options = new Set(def.options.map((o) => o.value));
    const bad = (message: string, code = 'invalid_type') => details.push({ path, message, code });
    switch (def.type) {
      case 'text':
        if (typeof value !== 'string') bad('expected text');
        // eslint-disable-next-line no-control-regex
        else if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value)) bad('must not contain control characters', 'invalid_format');
        else next[key] = value.trim();
        break;
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value)) bad('expected a number');
        else next[key] = value;
        break;
      case 'date':
        if (typeof value !== 'string' || !DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) bad('expected a date YYYY-MM-DD');
        else next[key] = value;
        break;
      case 'boolean':
        if (typeof value !== 'boolean') bad('expected true or false');
        else next[key] = value;
        break;
      case 'select':
        if (typeof value !== 'string') bad('expected one option value');
        else if (!options.has(value)) bad(`unknown option ${value}`, 'invalid_option');
        else next[key] = value;
        break;
      case 'multiselect':
        if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) bad('expected a list of option values');
        else {
          const unknown = value.find((v) => !options.has(v as string));
          if (unknown !== undefined) bad(`unknown option ${String(unknown)}`, 'invalid_option');
          else next[key] = [...new Set(value as string[])];
        }
        break;
    }
  }
  for (const def of defs) {
    const touched = creating || (patch !== undefined && def.key in patch);
    if (def.required && touched && (next[def.key] === undefined || next[def.key] === null)) {
      if (!details.some((d) => d.path === `custom.${def.key}`)) details.push({ path: `custom.${def.key}`, message: 'required', code: 'required' });
    }
  }
  if (details.length) throw new AppError('VALIDATION_FAILED', undefined, details);
  return next;
}
