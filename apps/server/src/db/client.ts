// One database handle for both engines: PGlite embedded (default) or a PostgreSQL server
// (DATABASE_URL). Both speak the same SQL; the rest of the code sees only `Db`.
import { mkdirSync } from 'node:fs';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import * as schema from './schema.js';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Repositories take either; they never open or commit transactions themselves. */
export type DbOrTx = Db | Tx;

export interface Database {
  db: Db;
  driver: 'pglite' | 'postgres';
  /** Rows of a plain SQL statement, for bulk and analytics paths. */
  rows<T extends Record<string, unknown>>(query: SQL, on?: DbOrTx): Promise<T[]>;
  /**
   * Runs `fn` holding a PostgreSQL advisory lock on one connection, so that several server
   * instances never run the same job or migration at once. With `wait: false` it returns
   * `{ acquired: false }` at once when another holder has the lock.
   */
  withAdvisoryLock<T>(key: number, wait: boolean, fn: () => Promise<T>): Promise<{ acquired: true; value: T } | { acquired: false }>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://… to use a server; otherwise PGlite. */
  url?: string | undefined;
  /** PGlite data directory; `memory://` keeps it in memory (tests). */
  dataDir?: string | undefined;
  poolSize?: number | undefined;
  onIdleError?: ((err: Error) => void) | undefined;
}

async function rowsOf<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) {
    const { default: pg } = await import('pg');
    const { drizzle } = await import('drizzle-orm/node-postgres');
    // numeric and int8 come back as strings from pg; bigint ids fit in a JS number.
    pg.types.setTypeParser(20, (v) => Number(v));
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    // An idle connection dropped by the server (restart, failover) must not crash the process;
    // the pool replaces it on the next query.
    pool.on('error', (err) => options.onIdleError?.(err));
    const db = drizzle(pool, { schema }) as unknown as Db;
    return {
      db,
      driver: 'postgres',
      rows: (query, on) => rowsOf(on ?? db, query),
      async withAdvisoryLock(key, wait, fn) {
        const client = await pool.connect();
        try {
          if (wait) await client.query('select pg_advisory_lock($1)', [key]);
          else {
            const r = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [key]);
            if (!r.rows[0]?.ok) return { acquired: false };
          }
          try {
            return { acquired: true, value: await fn() };
          } finally {
            await client.query('select pg_advisory_unlock($1)', [key]);
          }
        } finally {
          client.release();
        }
      },
      close: () => pool.end(),
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const { drizzle } = await import('drizzle-orm/pglite');
  const dataDir = options.dataDir ?? 'memory://';
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create({
    dataDir,
    extensions: { pg_trgm },
    parsers: { 20: (v: string) => Number(v) },
  });
  const db = drizzle(client, { schema }) as unknown as Db;
  // PGlite lives in this process only, so an in-process set of held keys is the lock.
  const held = new Set<number>();
  const waiters = new Map<number, Array<() => void>>();
  return {
    db,
    driver: 'pglite',
    rows: (query, on) => rowsOf(on ?? db, query),
    async withAdvisoryLock(key, wait, fn) {
      while (held.has(key)) {
        if (!wait) return { acquired: false };
        await new Promise<void>((resolve) => waiters.set(key, [...(waiters.get(key) ?? []), resolve]));
      }
      held.add(key);
      try {
        return { acquired: true, value: await fn() };
      } finally {
        held.delete(key);
        const next = waiters.get(key)?.shift();
        next?.();
      }
    },
    close: () => client.close(),
  };
}
