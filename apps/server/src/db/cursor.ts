// Reads the rows of one query in batches through a server-side cursor, one batch per pull, so a
// million-row result (exports) costs one query plan and flat memory, and a slow reader slows the
// fetching instead of filling buffers.
//   PostgreSQL: one pooled connection, a READ ONLY REPEATABLE READ transaction, DECLARE … FETCH n.
//   PGlite: one connection serves every request, so a transaction held open while a download drains
//   would block (or absorb) everyone else's statements; a WITH HOLD cursor is materialised once at
//   DECLARE (spilling to disk past work_mem) and its FETCHes interleave with other statements.
import { randomBytes } from 'node:crypto';
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Database } from './client.js';

interface Queryable {
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
}
interface PoolLike {
  connect(): Promise<Queryable & { release(err?: Error | boolean): void }>;
}

const dialect = new PgDialect();

/**
 * The rows of `query` in batches of `batchSize`, read as the consumer asks for them. Stopping
 * early (`return()` on the generator, e.g. a client that hangs up) closes the cursor and frees
 * the connection.
 */
export async function* cursorRows<T extends Record<string, unknown>>(
  database: Database,
  query: SQL,
  batchSize = 5000,
  /** Planner settings for this read only (`set local` on PostgreSQL; PGlite keeps its defaults), e.g. work_mem for a big aggregate. */
  settings: Record<string, string> = {},
): AsyncGenerator<T[]> {
  const { sql: text, params } = dialect.sqlToQuery(query);
  const name = `gx_cursor_${randomBytes(6).toString('hex')}`;
  const fetch = `fetch ${Math.max(1, Math.floor(batchSize))} from ${name}`;
  // drizzle keeps the driver's client as `$client`: the pg Pool or the PGlite instance
  const client = (database.db as unknown as { $client: unknown }).$client;
  if (database.driver === 'postgres') {
    const conn = await (client as PoolLike).connect();
    let broken: Error | undefined;
    try {
      await conn.query('begin isolation level repeatable read, read only');
      for (const [key, value] of Object.entries(settings)) await conn.query('select set_config($1, $2, true)', [key, value]);
      try {
        await conn.query(`declare ${name} no scroll cursor for ${text}`, params);
        for (;;) {
          const { rows } = await conn.query<T>(fetch);
          if (rows.length) yield rows;
          if (rows.length < batchSize) break;
        }
      } finally {
        // read only: ending with rollback is the same as commit, and also works after an error
        await conn.query('rollback').catch((e: unknown) => (broken = e instanceof Error ? e : new Error(String(e))));
      }
    } finally {
      // a connection whose rollback failed is not given back to the pool
      conn.release(broken ?? false);
    }
    return;
  }
  const lite = client as Queryable;
  await lite.query(`declare ${name} no scroll cursor with hold for ${text}`, params);
  try {
    for (;;) {
      const { rows } = await lite.query<T>(fetch);
      if (rows.length) yield rows;
      if (rows.length < batchSize) break;
    }
  } finally {
    await lite.query(`close ${name}`);
  }
}
