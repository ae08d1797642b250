// The lead pool's one setting — after how many idle days an owned lead goes back to the pool —
// kept as one versioned row of the `settings` table under scope 'leads', like the pool limits.
import { sql } from 'drizzle-orm';
import type { LeadSettings } from '@guanxi/contracts';
import type { DbOrTx } from '../db/client.js';
import { diff, recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { versionConflict } from '../platform/errors.js';
import { iso } from '../platform/versioned.js';

export const DEFAULT_RETURN_AFTER_DAYS = 30;

interface SettingsRow extends Record<string, unknown> {
  value: unknown;
  version: number;
  updated_at: Date | string | null;
  updated_by: number | null;
}

async function readRow(db: DbOrTx, lock: boolean): Promise<SettingsRow | undefined> {
  const result = (await db.execute(
    sql`select value, version, updated_at, updated_by from settings where scope = 'leads' and key = 'pool' ${lock ? sql`for update` : sql``}`,
  )) as unknown as { rows: SettingsRow[] };
  return result.rows[0];
}

function toSettings(row: SettingsRow | undefined): LeadSettings {
  const value = (row?.value ?? {}) as { returnAfterDays?: unknown };
  // A hand-edited row with a missing or odd value falls back to the default.
  const days = typeof value.returnAfterDays === 'number' && Number.isInteger(value.returnAfterDays) && value.returnAfterDays > 0 ? value.returnAfterDays : DEFAULT_RETURN_AFTER_DAYS;
  return { returnAfterDays: days, version: row?.version ?? 1, updatedAt: iso(row?.updated_at ?? null), updatedBy: row?.updated_by === undefined || row.updated_by === null ? null : Number(row.updated_by) };
}

export async function getLeadSettings(db: DbOrTx): Promise<LeadSettings> {
  return toSettings(await readRow(db, false));
}

export async function updateLeadSettings(db: DbOrTx, ctx: Ctx, input: { returnAfterDays: number; version: number }): Promise<LeadSettings> {
  // The row is created on first use; version 1 stands for the defaults until then.
  await db.execute(sql`insert into settings (scope, key, value, created_by, updated_by) values ('leads', 'pool', ${JSON.stringify({ returnAfterDays: DEFAULT_RETURN_AFTER_DAYS })}::jsonb, ${ctx.actor.id}, ${ctx.actor.id}) on conflict do nothing`);
  const before = toSettings(await readRow(db, true));
  if (before.version !== input.version) throw versionConflict(before);
  await db.execute(sql`update settings set value = ${JSON.stringify({ returnAfterDays: input.returnAfterDays })}::jsonb, version = version + 1, updated_at = now(), updated_by = ${ctx.actor.id}
    where scope = 'leads' and key = 'pool'`);
  const after = await getLeadSettings(db);
  await recordAudit(db, ctx, { entity: 'lead_settings', entityId: 'pool', action: 'update', changes: diff(before, after, ['returnAfterDays']) });
  return after;
}
