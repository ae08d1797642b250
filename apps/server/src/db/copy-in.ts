// Bulk input through COPY: rows go into a table (typically a temporary one made for the purpose) and
// a statement then reads them, all in one transaction on one connection. For a million rows this is
// the cheap way in: array parameters (unnest) cost a bind that parses a literal per column and an
// unnest over them. The rows are in COPY's binary format (CopyBinaryWriter): numbers are not
// formatted on one side and parsed on the other.
//   PostgreSQL: COPY … FROM STDIN on a pooled connection (pg-copy-streams).
//   PGlite: COPY … FROM '/dev/blob', the data handed over as a Blob.
import type { Pool } from 'pg';
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from './client.js';

const dialect = new PgDialect();

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/**
 * Rows in COPY's binary format, written field by field into one growing buffer of its own (so it
 * can be handed to another thread without a copy). Each row starts with `row(fields)`; a null is
 * written for a missing or non-finite number.
 */
export class CopyBinaryWriter {
  private buf: Buffer;
  private at = 0;
  constructor(capacity = 1 << 16) {
    this.buf = Buffer.allocUnsafeSlow(Math.max(capacity, 64));
    SIGNATURE.copy(this.buf, 0);
    this.buf.writeInt32BE(0, 11); // flags
    this.buf.writeInt32BE(0, 15); // header extension length
    this.at = 19;
  }
  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }
  row(fields: number): void {
    this.room(2);
    this.at = this.buf.writeInt16BE(fields, this.at);
  }
  null(): void {
    this.room(4);
    this.at = this.buf.writeInt32BE(-1, this.at);
  }
  int2(v: number | null | undefined): void {
    if (v === null || v === undefined || !Number.isFinite(v)) return this.null();
    this.room(6);
    this.at = this.buf.writeInt32BE(2, this.at);
    this.at = this.buf.writeInt16BE(v, this.at);
  }
  int4(v: number | null | undefined): void {
    if (v === null || v === undefined || !Number.isFinite(v)) return this.null();
    this.room(8);
    this.at = this.buf.writeInt32BE(4, this.at);
    this.at = this.buf.writeInt32BE(v, this.at);
  }
  /** A safe integer as int8. */
  int8(v: number | null | undefined): void {
    if (v === null || v === undefined || !Number.isFinite(v)) return this.null();
    this.room(12);
    this.at = this.buf.writeInt32BE(8, this.at);
    this.at = this.buf.writeInt32BE(Math.floor(v / 2 ** 32), this.at);
    this.at = this.buf.writeUInt32BE(v >>> 0, this.at);
  }
  float8(v: number | null | undefined): void {
    if (v === null || v === undefined || !Number.isFinite(v)) return this.null();
    this.room(12);
    this.at = this.buf.writeInt32BE(8, this.at);
    this.at = this.buf.writeDoubleBE(v, this.at);
  }
  /**
   * Text (UTF-8), for text columns and anything PostgreSQL casts from text in the statement that reads
   * it. Written once, its length put before it after: short ASCII (class names, amounts) byte by byte,
   * the rest by the encoder, with room for the longest UTF-8 it can be (3 bytes per UTF-16 unit).
   */
  text(v: string | null | undefined): void {
    if (v === null || v === undefined) return this.null();
    const len = v.length;
    this.room(4 + 3 * len);
    const start = this.at + 4;
    let n = -1;
    if (len <= 64) {
      const b = this.buf;
      let k = 0;
      for (; k < len; k++) {
        const c = v.charCodeAt(k);
        if (c >= 0x80) break;
        b[start + k] = c;
      }
      if (k === len) n = len;
    }
    if (n < 0) n = this.buf.write(v, start, 'utf8');
    this.buf.writeInt32BE(n, this.at);
    this.at = start + n;
  }
  /** The stream so far with its trailer; the writer is not used after. */
  finish(): Uint8Array {
    this.room(2);
    this.at = this.buf.writeInt16BE(-1, this.at);
    return this.buf.subarray(0, this.at);
  }
}

export interface CopyThen {
  /** Statements run first in the transaction: the table to copy into (`create temp table … on commit drop`), `set local`s. */
  prepare: string[];
  /** The COPY target: `table (column, …)`. */
  into: string;
  /** The rows in COPY's binary format, as CopyBinaryWriter makes them. */
  data: Uint8Array;
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
      await tx.query(`copy ${o.into} from '/dev/blob' with (format binary)`, [], { blob: new Blob([o.data]) });
      return (await tx.query<T>(text, params)).rows;
    });
  }
  const conn = await (client as Pool).connect();
  let broken: Error | undefined;
  try {
    await conn.query('begin');
    try {
      for (const p of o.prepare) await conn.query(p);
      const stream = conn.query(copyFrom(`copy ${o.into} from stdin with (format binary)`));
      const done = new Promise<void>((resolve, reject) => {
        stream.on('finish', resolve);
        stream.on('error', reject);
      });
      const bytes = Buffer.from(o.data.buffer, o.data.byteOffset, o.data.byteLength);
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
