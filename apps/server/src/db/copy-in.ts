// Bulk input through COPY: rows in COPY's text format go into a table (typically a temporary one made
// for the purpose) and a statement then reads them, all in one transaction on one connection. For a
// million rows this is the cheap way in: PostgreSQL parses each line once, where array parameters
// (unnest) cost a bind that parses a literal per column and an unnest over them.
//   PostgreSQL: COPY … FROM STDIN on a pooled connection (pg-copy-streams).
//   PGlite: COPY … FROM '/dev/blob', the data handed over as a Blob.
import type { Pool } from 'pg';
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from './client.js';

const dialect = new PgDialect();

/** A value as a field of COPY's text format: `\N` for null; backslash, tab, newline and carriage return escaped. */
export function copyField(v: string | null | undefined): string {
  if (v === null || v === undefined) return '\\N';
  return /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : v;
}

export interface CopyThen {
  /** Statements run first in the transaction: the table to copy into (`create temp table … on commit drop`), `set local`s. */
  prepare: string[];
  /** The COPY target: `table (column, …)`. */
  into: string;
  /** The rows in COPY's text format, each line ending with a newline (as UTF-8 bytes or a string). */
  data: Uint8Array | string;
  /** Run after the COPY, in the same transaction; its rows are returned. */
  then: SQL;
}

interface PgliteTx {
  exec(text: string): Promise<unknown>;
  query<T>(text: string, params?: unknown[], options?: { blob?: Blob }): Promise<{ rows: T[] }>;
}
interface Pglite {
  transaction<T>(fn: (tx: PgliteTx) => Promise<T>): Promise<T>;
}

/** Pieces of the data written to the COPY stream: a few MB each rather than one message of the whole chunk. */
const PIECE = 4 << 20;

/** Runs `o.prepare`, copies `o.data` into `o.into` and runs `o.then`, in one transaction; the rows of `o.then`. */
export async function copyThen<T extends Record<string, unknown>>(database: Database, o: CopyThen): Promise<T[]> {
  const { sql: text, params } = dialect.sqlToQuery(o.then);
  // drizzle keeps the driver's client as `$client`: the pg Pool or the PGlite instance
  const client = (database.db as unknown as { $client: unknown }).$client;
  if (database.driver === 'pglite') {
    return (client as Pglite).transaction(async (tx) => {
      for (const p of o.prepare) await tx.exec(p);
      await tx.query(`copy ${o.into} from '/dev/blob'`, [], { blob: new Blob([o.data]) });
      return (await tx.query<T>(text, params)).rows;
    });
  }
  const conn = await (client as Pool).connect();
  let broken: Error | undefined;
  try {
    await conn.query('begin');
    try {
      for (const p of o.prepare) await conn.query(p);
      const stream = conn.query(copyFrom(`copy ${o.into} from stdin`));
      const done = new Promise<void>((resolve, reject) => {
        stream.on('finish', resolve);
        stream.on('error', reject);
      });
      const bytes = typeof o.data === 'string' ? Buffer.from(o.data, 'utf8') : Buffer.from(o.data.buffer, o.data.byteOffset, o.data.byteLength);
      for (let k = 0; k < bytes.length; k += PIECE) stream.write(bytes.subarray(k, k + PIECE));
      stream.end();
      await done;
      const rows = (await conn.query<T>(text, params)).rows;
      await conn.query('commit');
      return rows;
    } catch (e) {
      await conn.query('rollback').catch((r: unknown) => (broken = r instanceof Error ? r : new Error(String(r))));
      throw e;
    }
  } finally {
    // a connection whose rollback failed is not given back to the pool
    conn.release(broken ?? false);
  }
}
