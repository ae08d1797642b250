// The audit trail: every change records who, when, which fields, old and new values.
import type { DbOrTx } from '../db/client.js';
import { auditLog } from '../db/schema.js';
import type { Ctx, SystemCtx } from './context.js';

export type Changes = Record<string, { old: unknown; new: unknown }>;

/** The fields whose value differs between two versions of a row; secrets are never recorded. */
export function diff<T extends Record<string, unknown>>(before: T | null, after: T | null, fields: readonly (keyof T & string)[]): Changes {
  const out: Changes = {};
  for (const f of fields) {
    const o = before?.[f] ?? null;
    const n = after?.[f] ?? null;
    if (JSON.stringify(o) !== JSON.stringify(n)) out[f] = { old: o, new: n };
  }
  return out;
}

export async function recordAudit(
  db: DbOrTx,
  ctx: Pick<Ctx, 'actor' | 'requestId' | 'ip'> | SystemCtx | null,
  entry: { entity: string; entityId: string | number; action: string; changes?: Changes | null },
): Promise<void> {
  await db.insert(auditLog).values({
    actorId: ctx?.actor?.id ?? null,
    entity: entry.entity,
    entityId: String(entry.entityId),
    action: entry.action,
    changes: entry.changes && Object.keys(entry.changes).length ? entry.changes : null,
    requestId: ctx?.requestId ?? null,
    ip: ctx?.ip ?? null,
  });
}
