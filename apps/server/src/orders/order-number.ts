// Order numbers from a configurable pattern, e.g. `SO{yyyyMMdd}-{seq:4}` → SO20261123-0007.
// Date tokens use the company's time zone; {seq:N} counts per distinct rendering of the rest of
// the pattern (per day for the default), from a counter row that `insert … on conflict do update`
// increments atomically, so concurrent orders never share a number.
// Not a sequence: a sequence is neither gap-free (a rolled-back transaction burns its value) nor
// reset per period. The counter row is incremented inside the order's transaction, so a rollback
// gives the number back — but the row stays locked until commit, and concurrent creates in the
// same period queue on it. So `createOrder` takes the number as its very last statement
// (`assignOrderNumber`), holding the lock only until the commit that immediately follows.
import { randomUUID } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
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

export interface OrderNumberOptions {
  pattern: string;
  timeZone: string;
  at?: Date | undefined;
}

/** Increments the period's counter row (locking it until commit); `returning last_value`. */
const incrementCounter = (scope: string): SQL =>
  sql`insert into order_number_counters (scope, last_value) values (${scope}, 1)
      on conflict (scope) do update set last_value = order_number_counters.last_value + 1
      returning last_value`;

export async function nextOrderNumber(database: Pick<Database, 'rows'>, tx: DbOrTx, opts: OrderNumberOptions): Promise<string> {
  const scope = renderDateTokens(opts.pattern, opts.at ?? new Date(), opts.timeZone);
  const [row] = await database.rows<{ last_value: number }>(incrementCounter(scope), tx);
  const seq = Number(row!.last_value);
  return scope.replace(seqToken, (_m, width: string | undefined) => String(seq).padStart(width ? Number(width) : 1, '0'));
}

/** Numbers an order created under a provisional number never seen outside its transaction. */
export const provisionalOrderNumber = (): string => `~${randomUUID()}`;

/**
 * Takes the next number and gives it to order `orderId` — and to its `create` audit entry,
 * recorded under the provisional number. Call it at the very end of the create transaction: the
 * counter row stays locked only until the commit that follows.
 */
export async function assignOrderNumber(database: Pick<Database, 'rows'>, tx: DbOrTx, orderId: number, opts: OrderNumberOptions): Promise<string> {
  const number = await nextOrderNumber(database, tx, opts);
  const [row] = await database.rows<{ number: string }>(
    sql`with o as (update orders set number = ${number} where id = ${orderId} returning number),
        a as (update audit_log set changes = jsonb_set(changes, '{number,new}', to_jsonb(${number}::text))
              where entity = 'order' and entity_id = ${String(orderId)} and action = 'create')
        select number from o`,
    tx,
  );
  if (!row) throw new Error(`order ${orderId} not found to number`);
  return row.number;
}
