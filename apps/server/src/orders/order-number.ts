// Order numbers from a configurable pattern, e.g. `SO{yyyyMMdd}-{seq:4}` → SO20261123-0007.
// Date tokens use the company's time zone; {seq:N} counts per distinct rendering of the rest of
// the pattern (per day for the default), from a counter row that `insert … on conflict do update`
// increments atomically, so concurrent orders never share a number.
import { sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.js';

export const defaultOrderNumberPattern = 'SO{yyyyMMdd}-{seq:4}';
const seqToken = /\{seq(?::(\d{1,2}))?\}/;

function dateParts(at: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { yyyy: get('year'), MM: get('month'), dd: get('day') };
}

/** The pattern with its date tokens filled in; `{seq…}` stays for the counter. */
export function renderDateTokens(pattern: string, at: Date, timeZone: string): string {
  const d = dateParts(at, timeZone);
  return pattern.replace(/\{([yMd]+)\}/g, (_m, token: string) => token.replace('yyyy', d.yyyy).replace('yy', d.yyyy.slice(2)).replace('MM', d.MM).replace('dd', d.dd));
}

export function assertValidPattern(pattern: string): void {
  if (!seqToken.test(pattern)) throw new Error(`order number pattern ${pattern} has no {seq} or {seq:N}`);
}

export async function nextOrderNumber(database: Pick<Database, 'rows'>, tx: DbOrTx, opts: { pattern: string; timeZone: string; at?: Date }): Promise<string> {
  const scope = renderDateTokens(opts.pattern, opts.at ?? new Date(), opts.timeZone);
  const [row] = await database.rows<{ last_value: number }>(
    sql`insert into order_number_counters (scope, last_value) values (${scope}, 1)
        on conflict (scope) do update set last_value = order_number_counters.last_value + 1
        returning last_value`,
    tx,
  );
  const seq = Number(row!.last_value);
  return scope.replace(seqToken, (_m, width: string | undefined) => String(seq).padStart(width ? Number(width) : 1, '0'));
}
