// Slows down password guessing: failures are counted per account and per client address in the
// database (so every server instance sees them); past a threshold the key is locked for a time
// that doubles with each further failure.
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';

const WINDOW_MS = 15 * 60_000;
const limits = { account: 5, address: 20 } as const;
const BASE_LOCK_MS = 30_000;
const MAX_LOCK_MS = 30 * 60_000;

export type ThrottleKey = { kind: keyof typeof limits; value: string };
const keyOf = (k: ThrottleKey) => `${k.kind}:${k.value}`;

/** Seconds the caller must wait, or 0 when a login may be tried. */
export async function throttleWait(db: DbOrTx, keys: ThrottleKey[], now = new Date()): Promise<number> {
  const names = keys.map(keyOf);
  const result = (await db.execute(sql`
    select max(locked_until) as until from login_throttle
    where key in (${sql.join(names.map((n) => sql`${n}`), sql`, `)}) and locked_until > ${now}`)) as unknown as {
    rows: Array<{ until: Date | string | null }>;
  };
  const until = result.rows[0]?.until;
  return until ? Math.max(1, Math.ceil((new Date(until).getTime() - now.getTime()) / 1000)) : 0;
}

export async function recordFailure(db: DbOrTx, keys: ThrottleKey[], now = new Date()): Promise<void> {
  for (const k of keys) {
    const limit = limits[k.kind];
    const windowStart = new Date(now.getTime() - WINDOW_MS);
    await db.execute(sql`
      insert into login_throttle as t (key, failures, window_start, locked_until)
      values (${keyOf(k)}, 1, ${now}, null)
      on conflict (key) do update set
        failures = case when t.window_start < ${windowStart} then 1 else t.failures + 1 end,
        window_start = case when t.window_start < ${windowStart} then ${now} else t.window_start end,
        locked_until = case
          when t.window_start >= ${windowStart} and t.failures + 1 >= ${limit}
          then ${now}::timestamptz + least(${MAX_LOCK_MS}::bigint, ${BASE_LOCK_MS}::bigint * power(2, t.failures + 1 - ${limit})::bigint) * interval '1 millisecond'
          else t.locked_until end`);
  }
}

export async function clearFailures(db: DbOrTx, key: ThrottleKey): Promise<void> {
  await db.execute(sql`delete from login_throttle where key = ${keyOf(key)}`);
}
