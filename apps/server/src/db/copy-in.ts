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
/** Scratch for numeric's base-10000 digits (numeric(16,2) needs 6; any plain decimal of 4,000 digits fits). */
const NUMERIC_GROUPS = new Int32Array(1024);
const POW10 = [1, 10, 100, 1000];

/**
 * Rows in COPY's binary format, written field by field into one growing buffer of its own (so it
 * can be handed to another thread without a copy). Each row starts with `row(fields)`; a null is
 * written for a missing or non-finite number.
 */
export class CopyBinaryWriter {
  private buf: Buffer;
  // Numbers go in through a DataView: its setters compile to a store, Buffer's writeInt32BE and
  // kin are calls that check and write byte by byte (a third of a million rows' writing).
  private view: DataView;
  private at = 0;
  /** `into`: memory to write in (shared with another thread, say) until the rows outgrow it, when they move to a buffer of their own. */
  constructor(capacity = 1 << 16, into?: Uint8Array) {
    this.buf = into && into.byteLength >= 64 ? Buffer.from(into.buffer, into.byteOffset, into.byteLength) : Buffer.allocUnsafeSlow(Math.max(capacity, 64));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
    SIGNATURE.copy(this.buf, 0);
    this.view.setInt32(11, 0); // flags
    this.view.setInt32(15, 0); // header extension length
    this.at = 19;
  }
  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.length);
  }
  private i16(v: number): void {
    // as Buffer's writeInt16BE did: a value the field cannot hold is an error, not wrapped
    if (!(v >= -32768 && v <= 32767)) throw new RangeError(`${v} does not fit in an int2`);
    this.view.setInt16(this.at, v);
    this.at += 2;
  }
  private i32(v: number): void {
    if (!(v >= -2147483648 && v <= 2147483647)) throw new RangeError(`${v} does not fit in an int4`);
    this.view.setInt32(this.at, v);
    this.at += 4;
  }
  row(fields: number): void {
    this.room(2);
    this.i16(fields);
  }
  null(): void {
    this.room(4);
    this.i32(-1);
  }
  int2(v: number | null | undefined): void {
    if (v === null || v === undefined || !Number.isFinite(v)) return this.null();
    this.room(6);
    this.i32(2);
    this.i16(v);
  }
  int4(v: number | null | undefined): void {
    if (v === null || v === undefined || !Number.isFinite(v)) return this.null();
    this.room(8);
    this.i32(4);
    this.i32(v);
  }
  /** A safe integer as int8. */
  int8(v: number | null | undefined): void {
    if (v === null || v === undefined || !Number.isFinite(v)) return this.null();
    this.room(12);
    this.i32(8);
    this.i32(Math.floor(v / 2 ** 32));
    this.view.setUint32(this.at, v >>> 0);
    this.at += 4;
  }
  float8(v: number | null | undefined): void {
    if (v === null || v === undefined || !Number.isFinite(v)) return this.null();
    this.room(12);
    this.i32(8);
    this.view.setFloat64(this.at, v);
    this.at += 8;
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
    this.view.setInt32(this.at, n);
    this.at = start + n;
  }
  /** A date given as days since 1970-01-01 (the format counts from 2000-01-01). */
  date(day: number | null | undefined): void {
    if (day === null || day === undefined || !Number.isFinite(day)) return this.null();
    this.int4(day - 10_957);
  }

  /** A timestamptz given as microseconds since 2000-01-01 UTC (a safe integer: until the year 2285). */
  timestamptz(micros: number): void {
    this.int8(micros);
  }

  /**
   * A numeric from its decimal text (`-123.45`, `.5`, `7`), in base-10000 digits; the column's type
   * modifier rounds it as a cast of the text would. Throws on anything else (exponents, NaN).
   */
  numeric(v: string | null | undefined): void {
    if (v === null || v === undefined) return this.null();
    const n = v.length;
    let k = 0;
    let negative = false;
    const sign = v.charCodeAt(0);
    if (sign === 45 /* - */ || sign === 43 /* + */) {
      negative = sign === 45;
      k = 1;
    }
    let dot = v.indexOf('.', k);
    if (dot < 0) dot = n;
    const fracLen = dot < n ? n - dot - 1 : 0;
    if (dot - k + fracLen === 0) throw new Error(`not a decimal: ${JSON.stringify(v)}`);
    while (k < dot && v.charCodeAt(k) === 48) k++;
    const intLen = dot - k;
    // digit e (its power of ten) goes to group floor(e / 4), groups from the highest (`top`) down
    const top = intLen > 0 ? Math.floor((intLen - 1) / 4) : -1;
    const bottom = fracLen > 0 ? Math.floor(-fracLen / 4) : 0;
    const groups = NUMERIC_GROUPS;
    const count = Math.max(0, top - bottom + 1);
    if (count > groups.length) throw new Error('decimal too long for a numeric');
    groups.fill(0, 0, count);
    for (let j = k; j < n; j++) {
      if (j === dot) continue;
      const d = v.charCodeAt(j) - 48;
      if (d < 0 || d > 9) throw new Error(`not a decimal: ${JSON.stringify(v)}`);
      const e = j < dot ? dot - 1 - j : dot - j;
      const g = Math.floor(e / 4);
      groups[top - g] = groups[top - g]! + d * POW10[e - 4 * g]!;
    }
    let first = 0;
    let last = count - 1;
    while (first <= last && groups[first] === 0) first++;
    while (last >= first && groups[last] === 0) last--;
    const digits = last >= first ? last - first + 1 : 0;
    this.room(4 + 8 + 2 * digits);
    this.i32(8 + 2 * digits);
    this.i16(digits);
    this.i16(digits ? top - first : 0);
    this.i16(negative && digits ? 0x4000 : 0);
    this.i16(fracLen);
    for (let g = first; g <= last; g++) this.i16(groups[g]!);
  }

  /** A numeric of two places given as a safe integer of hundredths (cents): the digits computed, no text scanned. */
  numericCents(cents: number): void {
    const negative = cents < 0;
    let whole = Math.floor(Math.abs(cents) / 100);
    const frac = Math.abs(cents) % 100;
    // base-10000 digits of the whole part, lowest first, then the hundredths as the first fractional digit
    const groups = NUMERIC_GROUPS;
    let count = 0;
    while (whole > 0) {
      groups[count++] = whole % 10_000;
      whole = Math.floor(whole / 10_000);
    }
    const wholeGroups = count;
    // leading zeros of the whole part are never written; trailing zero digits are dropped
    let last = frac ? -1 : 0;
    if (!frac) while (last < wholeGroups && groups[last] === 0) last++;
    const digits = frac ? wholeGroups + 1 : wholeGroups - last;
    this.room(4 + 8 + 2 * digits);
    this.i32(8 + 2 * digits);
    this.i16(digits);
    this.i16(digits ? (wholeGroups ? wholeGroups - 1 : -1) : 0);
    this.i16(negative && digits ? 0x4000 : 0);
    this.i16(2);
    for (let g = wholeGroups - 1; g >= (frac ? 0 : last); g--) this.i16(groups[g]!);
    if (frac) this.i16(frac * 100);
  }

  /** The stream so far with its trailer; the writer is not used after. */
  finish(): Uint8Array {
    this.room(2);
    this.i16(-1);
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
  /** Further COPYs into other tables, in order, before `then`. */
  more?: Array<{ into: string; data: Uint8Array }>;
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
      for (const c of [{ into: o.into, data: o.data }, ...(o.more ?? [])]) {
        await tx.query(`copy ${c.into} from '/dev/blob' with (format binary)`, [], { blob: new Blob([c.data]) });
      }
      return (await tx.query<T>(text, params)).rows;
    });
  }
  const conn = await (client as Pool).connect();
  let broken: Error | undefined;
  try {
    await conn.query('begin');
    try {
      for (const p of o.prepare) await conn.query(p);
      for (const c of [{ into: o.into, data: o.data }, ...(o.more ?? [])]) {
        const stream = conn.query(copyFrom(`copy ${c.into} from stdin with (format binary)`));
        const done = new Promise<void>((resolve, reject) => {
          stream.on('finish', resolve);
          stream.on('error', reject);
        });
        const bytes = Buffer.from(c.data.buffer, c.data.byteOffset, c.data.byteLength);
        for (let k = 0; k < bytes.length; k += PIECE) stream.write(bytes.subarray(k, k + PIECE));
        stream.end();
        await done;
      }
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
