// Pool limits that are not rules (daily claim limit, re-claim block, ownership cap), kept as one
// versioned row of the `settings` table under scope 'pool'.
import { sql } from 'drizzle-orm';
import { poolSettingsValues, type PoolSettings } from '@guanxi/contracts';
import type { z } from 'zod';
import type { DbOrTx } from '../db/client.js';
import { recordAudit, diff } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { versionConflict } from '../platform/errors.js';
import { iso } from '../platform/versioned.js';

export type PoolLimits = z.infer<typeof poolSettingsValues>;
export const defaultPoolLimits: PoolLimits = { dailyClaimLimit: 20, reclaimBlockDays: 7, maxOwnedPerUser: 500 };

interface SettingsRow extends Record<string, unknown> {
  value: unknown;
  version: number;
  updated_at: Date | string | null;
  updated_by: number | null;
}

async function readRow(db: DbOrTx, lock: boolean): Promise<SettingsRow | undefined> {
  const result = (await db.execute(
    sql`select value, version, updated_at, updated_by from settings where scope = 'pool' and key = 'limits' ${lock ? sql`for update` : sql``}`,
  )) as unknown as { rows: SettingsRow[] };
  return result.rows[0];
}

function toSettings(row: SettingsRow | undefined): PoolSettings {
  // Stored values are parsed, so a hand-edited row with a missing field falls back to the default.
  const parsed = poolSettingsValues.partial().safeParse(row?.value ?? {});
  const values = { ...defaultPoolLimits, ...(parsed.success ? parsed.data : {}) };
  return { ...values, version: row?.version ?? 1, updatedAt: iso(row?.updated_at ?? null), updatedBy: row?.updated_by === undefined ? null : row.updated_by };
}

export async function getPoolSettings(db: DbOrTx): Promise<PoolSettings> {
  return toSettings(await readRow(db, false));
}

export async function updatePoolSettings(db: DbOrTx, ctx: Ctx, input: Partial<PoolLimits> & { version: number }): Promise<PoolSettings> {
  const { version, ...patch } = input;
  // The row is created on first use; version 1 stands for the defaults until then.
  await db.execute(sql`insert into settings (scope, key, value, created_by, updated_by) values ('pool', 'limits', ${JSON.stringify(defaultPoolLimits)}::jsonb, ${ctx.actor.id}, ${ctx.actor.id}) on conflict do nothing`);
  const row = await readRow(db, true);
  const before = toSettings(row);
  if (before.version !== version) throw versionConflict(before);
  const values: PoolLimits = {
    dailyClaimLimit: patch.dailyClaimLimit === undefined ? before.dailyClaimLimit : patch.dailyClaimLimit,
    reclaimBlockDays: patch.reclaimBlockDays ?? before.reclaimBlockDays,
    maxOwnedPerUser: patch.maxOwnedPerUser === undefined ? before.maxOwnedPerUser : patch.maxOwnedPerUser,
  };
  await db.execute(sql`update settings set value = ${JSON.stringify(values)}::jsonb, version = version + 1, updated_at = now(), updated_by = ${ctx.actor.id}
    where scope = 'pool' and key = 'limits'`);
  const after = await getPoolSettings(db);
  await recordAudit(db, ctx, { entity: 'pool_settings', entityId: 'limits', action: 'update', changes: diff(before, after, ['dailyClaimLimit', 'reclaimBlockDays', 'maxOwnedPerUser']) });
  return after;
}
