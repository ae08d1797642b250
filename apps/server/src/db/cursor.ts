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
/** A FETCH in one of the two drivers' shapes: pg takes a config object, PGlite an options argument. */
interface ArrayQueryable {
  query<T>(config: { text: string; rowMode: 'array' }): Promise<{ rows: T[] }>;
  query<T>(text: string, params: unknown[], options: { rowMode: 'array' }): Promise<{ rows: T[] }>;
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
export function cursorRows<T extends Record<string, unknown>>(
  database: Database,
  query: SQL,
  batchSize = 5000,
  /** Planner settings for this read only (`set local` on PostgreSQL; PGlite keeps its defaults), e.g. work_mem for a big aggregate. */
  settings: Record<string, string> = {},
): AsyncGenerator<T[]> {
  return cursorBatches<T>(database, query, batchSize, settings, false);
}

/**
 * As `cursorRows`, each row an array of its values in select-list order: for wide reads of many
 * rows (exports), where building an object keyed by column name per row costs more than the
 * formatting that follows.
 */
export function cursorTuples(database: Database, query: SQL, batchSize = 5000, settings: Record<string, string> = {}): AsyncGenerator<unknown[][]> {
  return cursorBatches<unknown[]>(database, query, batchSize, settings, true);
}

async function* cursorBatches<T>(database: Database, query: SQL, batchSize: number, settings: Record<string, string>, asArrays: boolean): AsyncGenerator<T[]> {
  const { sql: text, params } = dialect.sqlToQuery(query);
  const name = `gx_cursor_${randomBytes(6).toString('hex')}`;
  const fetch = `fetch ${Math.max(1, Math.floor(batchSize))} from ${name}`;
  // drizzle keeps the driver's client as `$client`: the pg Pool or the PGlite instance
  const client = (database.db as unknown as { $client: unknown }).$client;
  if (database.driver === 'postgres') {
    const conn = await (client as PoolLike).connect();
    let broken: Error | undefined;
    let ahead: Promise<{ rows: T[] }> | undefined;
    try {
      await conn.query('begin isolation level repeatable read, read only');
      for (const [key, value] of Object.entries(settings)) await conn.query('select set_config($1, $2, true)', [key, value]);
      try {
        await conn.query(`declare ${name} no scroll cursor for ${text}`, params);
        const pull = () => {
          const p = asArrays ? (conn as unknown as ArrayQueryable).query<T>({ text: fetch, rowMode: 'array' }) : conn.query<T>(fetch);
          p.catch(() => undefined); // awaited below; a reader that stopped early must not leave it unhandled
          return p;
        };
        let current = pull();
        ahead = current;
        for (;;) {
          const { rows } = await current;
          ahead = undefined;
          const more = rows.length >= batchSize;
          // the next batch is read while this one is formatted and sent: the server and Node work side
          // by side on two cores instead of taking turns; memory holds two batches at most
          if (more) ahead = current = pull();
          if (rows.length) yield rows;
          if (!more) break;
        }
      } finally {
        // a FETCH still in flight when the reader stopped is settled before the rollback
        if (ahead) await ahead.catch(() => undefined);
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
      const { rows } = asArrays ? await (lite as unknown as ArrayQueryable).query<T>(fetch, [], { rowMode: 'array' }) : await lite.query<T>(fetch);
      if (rows.length) yield rows;
      if (rows.length < batchSize) break;
    }
  } finally {
    await lite.query(`close ${name}`);
  }
}
