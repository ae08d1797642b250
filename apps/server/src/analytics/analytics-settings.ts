// The analytics settings an admin tunes (schedule, as-of, RFM, ABC, CLV, lifecycle, tier, churn,
// warnings), kept as one versioned row of the `settings` table under scope 'analytics', key 'model'.
import { sql } from 'drizzle-orm';
import { analyticsSettings, defaultAnalyticsSettings, type AnalyticsSettings, type AnalyticsSettingsRecord } from '@guanxi/contracts';
import type { Database, DbOrTx } from '../db/client.js';
import { diff, recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { versionConflict } from '../platform/errors.js';
import { iso } from '../platform/versioned.js';

interface SettingsRow extends Record<string, unknown> {
  value: unknown;
  version: number;
  updated_at: Date | string | null;
  updated_by: number | string | null;
}

const sections = Object.keys(defaultAnalyticsSettings) as (keyof AnalyticsSettings)[];

async function readRow(database: Database, on: DbOrTx | undefined, lock: boolean): Promise<SettingsRow | undefined> {
  const rows = await database.rows<SettingsRow>(
    sql`select value, version, updated_at, updated_by from settings where scope = 'analytics' and key = 'model' ${lock ? sql`for update` : sql``}`,
    on,
  );
  return rows[0];
}

/**
 * Stored value merged over the defaults section by section; a hand-edited row whose merge is not
 * valid falls back to the defaults, so a refresh never runs on settings the form would refuse.
 */
export function mergeAnalyticsSettings(stored: unknown): AnalyticsSettings {
  const value = stored && typeof stored === 'object' ? (stored as Record<string, unknown>) : {};
  const merged: Record<string, unknown> = {};
  for (const key of sections) {
    const base = defaultAnalyticsSettings[key];
    const given = value[key];
    merged[key] =
      base && typeof base === 'object' && !Array.isArray(base) && given && typeof given === 'object' && !Array.isArray(given)
        ? { ...base, ...(given as object) }
        : (given ?? base);
  }
  const parsed = analyticsSettings.safeParse(merged);
  return parsed.success ? parsed.data : defaultAnalyticsSettings;
}

function toRecord(row: SettingsRow | undefined): AnalyticsSettingsRecord {
  return {
    settings: mergeAnalyticsSettings(row?.value),
    version: row?.version ?? 1,
    updatedAt: iso(row?.updated_at ?? null),
    updatedBy: row?.updated_by == null ? null : Number(row.updated_by),
  };
}

export async function readAnalyticsSettings(database: Database, on?: DbOrTx): Promise<AnalyticsSettings> {
  return toRecord(await readRow(database, on, false)).settings;
}

export async function readAnalyticsSettingsRecord(database: Database, on?: DbOrTx): Promise<AnalyticsSettingsRecord> {
  return toRecord(await readRow(database, on, false));
}

/** Replaces the settings if `version` is still current (409 with the current record otherwise); audited per changed section. */
export async function updateAnalyticsSettings(
  database: Database,
  ctx: Ctx,
  input: { settings: AnalyticsSettings; version: number },
): Promise<AnalyticsSettingsRecord> {
  return database.db.transaction(async (tx) => {
    // The row is created on first change; version 1 stands for the defaults until then.
    await tx.execute(
      sql`insert into settings (scope, key, value, created_by, updated_by) values ('analytics', 'model', ${JSON.stringify(defaultAnalyticsSettings)}::jsonb, ${ctx.actor.id}, ${ctx.actor.id}) on conflict do nothing`,
    );
    const before = toRecord(await readRow(database, tx, true));
    if (before.version !== input.version) throw versionConflict(before);
    const next = analyticsSettings.parse(input.settings);
    await tx.execute(sql`update settings set value = ${JSON.stringify(next)}::jsonb, version = version + 1, updated_at = now(), updated_by = ${ctx.actor.id}
      where scope = 'analytics' and key = 'model'`);
    const after = toRecord(await readRow(database, tx, false));
    await recordAudit(tx, ctx, { entity: 'analytics_settings', entityId: 'model', action: 'update', changes: diff(before.settings, after.settings, sections) });
    return after;
  });
}
