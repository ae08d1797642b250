// Company-wide target settings — the default basis of new targets and the tolerance of the
// behind-schedule warning — kept as one versioned row of the `settings` table under scope 'targets'.
import { sql } from 'drizzle-orm';
import { targetSettingsValues, type TargetSettings } from '@guanxi/contracts';
import type { z } from 'zod';
import type { DbOrTx } from '../db/client.js';
import { diff, recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { versionConflict } from '../platform/errors.js';
import { iso } from '../platform/versioned.js';

type Values = z.infer<typeof targetSettingsValues>;
/** Ten points: a rep at 40 % on the 15th of a 30-day month (expected 50 %) is flagged. */
export const defaultTargetSettings: Values = { defaultBasis: 'orders', tolerancePoints: 10 };

interface SettingsRow extends Record<string, unknown> {
  value: unknown;
  version: number;
  updated_at: Date | string | null;
  updated_by: number | string | null;
}

async function readRow(db: DbOrTx, lock: boolean): Promise<SettingsRow | undefined> {
  const result = (await db.execute(
    sql`select value, version, updated_at, updated_by from settings where scope = 'targets' and key = 'progress' ${lock ? sql`for update` : sql``}`,
  )) as unknown as { rows: SettingsRow[] };
  return result.rows[0];
}

function toSettings(row: SettingsRow | undefined): TargetSettings {
  // A hand-edited row with a missing or wrong field falls back to the default for that field.
  const parsed = targetSettingsValues.partial().safeParse(row?.value ?? {});
  const values = { ...defaultTargetSettings, ...(parsed.success ? parsed.data : {}) };
  return { ...values, version: row?.version ?? 1, updatedAt: iso(row?.updated_at ?? null), updatedBy: row?.updated_by == null ? null : Number(row.updated_by) };
}

export async function getTargetSettings(db: DbOrTx): Promise<TargetSettings> {
  return toSettings(await readRow(db, false));
}

export async function updateTargetSettings(db: DbOrTx, ctx: Ctx, input: Partial<Values> & { version: number }): Promise<TargetSettings> {
  const { version, ...patch } = input;
  // The row is created on first change; version 1 stands for the defaults until then.
  await db.execute(
    sql`insert into settings (scope, key, value, created_by, updated_by) values ('targets', 'progress', ${JSON.stringify(defaultTargetSettings)}::jsonb, ${ctx.actor.id}, ${ctx.actor.id}) on conflict do nothing`,
  );
  const before = toSettings(await readRow(db, true));
  if (before.version !== version) throw versionConflict(before);
  const values: Values = { defaultBasis: patch.defaultBasis ?? before.defaultBasis, tolerancePoints: patch.tolerancePoints ?? before.tolerancePoints };
  await db.execute(sql`update settings set value = ${JSON.stringify(values)}::jsonb, version = version + 1, updated_at = now(), updated_by = ${ctx.actor.id}
    where scope = 'targets' and key = 'progress'`);
  const after = await getTargetSettings(db);
  await recordAudit(db, ctx, { entity: 'target_settings', entityId: 'progress', action: 'update', changes: diff(before, after, ['defaultBasis', 'tolerancePoints']) });
  return after;
}
