// Batched inserts for generated data: each batch travels as one JSON parameter and is expanded
// by jsonb_to_recordset, which works the same on PGlite and PostgreSQL and needs no COPY.
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';

/** Column name (snake_case, also the JSON key) and its SQL type. Internal constants only. */
export type ColumnSpec = ReadonlyArray<readonly [string, string]>;

export async function insertJsonRows(
  tx: DbOrTx,
  table: string,
  columns: ColumnSpec,
  rows: ReadonlyArray<Record<string, unknown>>,
  opts: { explicitIds?: boolean; batchSize?: number } = {},
): Promise<void> {
  const names = columns.map(([c]) => c).join(', ');
  const types = columns.map(([c, t]) => `${c} ${t}`).join(', ');
  const overriding = opts.explicitIds ? ' overriding system value' : '';
  const batch = opts.batchSize ?? 1000;
  for (let i = 0; i < rows.length; i += batch) {
    const json = JSON.stringify(rows.slice(i, i + batch));
    await tx.execute(sql`${sql.raw(`insert into ${table} (${names})${overriding} select ${names} from jsonb_to_recordset(`)}${json}${sql.raw(`::jsonb) as x(${types})`)}`);
  }
}

/** After inserting explicit ids, moves the identity sequence past them. */
export async function syncIdentity(tx: DbOrTx, table: string): Promise<void> {
  await tx.execute(sql.raw(`select setval(pg_get_serial_sequence('${table}', 'id'), greatest((select max(id) from ${table}), 1))`));
}
