// Bulk output through COPY … TO in the binary format: for reads of a million rows into typed arrays,
// where the row protocol costs more than the numbers are worth. A row there is one message with a text
// field per value, which the driver turns into a string and a parser into a number, and an object per
// row; here each float8 is eight bytes read where they lie (the summary of 1M customers: 8.1 s of Node
// to 4.2 s, bench/analytics-refresh/notes.md).
//   PostgreSQL: COPY … TO STDOUT on a pooled connection (pg-copy-streams), in a READ ONLY REPEATABLE
//   READ transaction with the given planner settings, read as it arrives.
//   PGlite: COPY … TO '/dev/blob', the whole output at once (PGlite serves small data sets).
// COPY takes no bind parameters: the query's are written into its text as literals.
import type { Pool } from 'pg';
import pg from 'pg';
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { to as copyTo } from 'pg-copy-streams';
import type { Database } from './client.js';

const dialect = new PgDialect();

/** One row of the output, valid only during the callback it is passed to. Fields in select-list order. */
export interface BinaryRow {
  isNull(field: number): boolean;
  /** A float8 field (NaN when null). */
  float8(field: number): number;
  /** A text field (null when null). */
  text(field: number): string | null;
  /** A boolean field (null when null). */
  bool(field: number): boolean | null;
  /** A text field's index in `values` (−1 when null): a value seen before is found by its bytes, no string made. */
  textIn(field: number, values: TextValues): number;
}

/** FNV-1a of b[start, start + len). */
function hashOf(b: Uint8Array, start: number, len: number): number {
  let h = 0x811c9dc5;
  for (let m = 0; m < len; m++) h = Math.imul(h ^ b[start + m]!, 0x01000193);
  return h >>> 0;
}

/**
 * The distinct values of a few text fields (classes, regions), each as a string and as its UTF-8
 * bytes, so that a million rows holding a few dozen values make a few dozen strings, not a million.
 * A value is found by a hash of its bytes, however many values there are.
 */
export class TextValues {
  readonly values: string[] = [];
  private readonly bytes: Buffer[] = [];
  private readonly index = new Map<string, number>();
  /** The values' indexes by the hash of their bytes. */
  private readonly byHash = new Map<number, number[]>();
  /** The index of a value (added when new). */
  of(v: string): number {
    let k = this.index.get(v);
    if (k === undefined) {
      k = this.values.length;
      const bytes = Buffer.from(v, 'utf8');
      this.values.push(v);
      this.bytes.push(bytes);
      this.index.set(v, k);
      const h = hashOf(bytes, 0, bytes.length);
      const same = this.byHash.get(h);
      if (same) same.push(k);
      else this.byHash.set(h, [k]);
    }
    return k;
  }
  /** The index of the value whose bytes are b[start, start + len) (added when new). */
  ofBytes(b: Buffer, start: number, len: number): number {
    const same = this.byHash.get(hashOf(b, start, len));
    if (same) {
      for (const k of same) {
        const e = this.bytes[k]!;
        if (e.length !== len) continue;
        let m = 0;
        while (m < len && e[m] === b[start + m]) m++;
        if (m === len) return k;
      }
    }
    return this.of(b.toString('utf8', start, start + len));
  }
}

/**
 * The query's text with its parameters written in as literals (numbers, strings, booleans, null).
 * Every `$n` of the text is taken for a parameter: the query's own text must hold none elsewhere (in
 * a dollar-quoted string, say). Values are quoted, never parsed: a parameter's text stays a literal.
 */
export function inlineParameters(query: SQL): string {
  const { sql: text, params } = dialect.sqlToQuery(query);
  return text.replace(/\$(\d+)/g, (_m, k: string) => {
    const v = params[Number(k) - 1];
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new Error(`parameter $${k} is not a finite number`);
      return String(v);
    }
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'string') return pg.escapeLiteral(v);
    throw new Error(`parameter $${k} cannot be written into a COPY (${typeof v})`);
  });
}

const HEADER = 19;
const EMPTY = Buffer.alloc(0);
/** Bytes of a new chunk taken to finish a row cut between chunks (more when a row is longer). */
const SPAN = 16 * 1024;

/**
 * Parses COPY's binary format as it arrives, calling `onRow` per row. A row cut between two chunks is
 * kept and completed by the next.
 */
export class BinaryCopyDecoder implements BinaryRow {
  private buf: Buffer = EMPTY;
  private scratch: Buffer = Buffer.allocUnsafe(SPAN);
  private headerLeft = true;
  private ended = false;
  private offsets = new Int32Array(64);
  private lengths = new Int32Array(64);
  rows = 0;
  constructor(private readonly onRow: (row: BinaryRow) => void) {}

  push(chunk: Buffer): void {
    let at = 0;
    if (this.buf.length) {
      // A row cut between two chunks is finished in a scratch buffer kept for the purpose (the rest
      // of the old chunk and enough of the new for the row), not in a new buffer of both: one
      // chunk-sized allocation per chunk, whose external memory set off full collections (a
      // 1M-customer read: 51 → 42 of them, Node's CPU 5.5 → 5.1 s).
      const left = this.buf.length;
      let take = Math.min(chunk.length, SPAN);
      for (;;) {
        if (this.scratch.length < left + take) this.scratch = Buffer.allocUnsafe(Math.max(2 * this.scratch.length, left + take));
        this.buf.copy(this.scratch, 0);
        chunk.copy(this.scratch, left, 0, take);
        const b = this.scratch.subarray(0, left + take);
        const used = this.parse(b, 0, 1);
        if (used > 0 || take === chunk.length) {
          if (used === 0) {
            // the row is not whole even with all of the new chunk: keep both for the next
            this.buf = Buffer.from(b);
            return;
          }
          at = used - left;
          break;
        }
        // a row longer than the span: more of the chunk
        take = Math.min(chunk.length, 2 * take);
      }
      this.buf = chunk;
    }
    const end = chunk.length;
    at = this.parse(chunk, at, Infinity);
    // the rest of a cut row: a view of the chunk, which its stream does not reuse
    this.buf = at < end ? chunk.subarray(at) : EMPTY;
  }

  /** Parses up to `most` whole rows of `b` from `at` (the header first, if still to come); returns where it stopped. */
  private parse(b: Buffer, at: number, most: number): number {
    const end = b.length;
    if (this.headerLeft) {
      if (end - at < HEADER) return at;
      if (b.toString('latin1', at, at + 11) !== 'PGCOPY\n\xff\r\n\0') throw new Error('COPY output is not in the binary format');
      at += HEADER + b.readInt32BE(at + 15);
      this.headerLeft = false;
    }
    let rows = 0;
    while (rows < most && at + 2 <= end && !this.ended) {
      const fields = b.readInt16BE(at);
      if (fields === -1) {
        this.ended = true;
        at += 2;
        break;
      }
      if (fields > this.offsets.length) {
        this.offsets = new Int32Array(fields);
        this.lengths = new Int32Array(fields);
      }
      let p = at + 2;
      let whole = true;
      for (let j = 0; j < fields; j++) {
        if (p + 4 > end) {
          whole = false;
          break;
        }
        const len = b.readInt32BE(p);
        p += 4;
        this.offsets[j] = p;
        this.lengths[j] = len;
        if (len > 0) p += len;
        if (p > end) {
          whole = false;
          break;
        }
      }
      if (!whole) break;
      this.buf = b;
      this.onRow(this);
      this.rows++;
      rows++;
      at = p;
    }
    return at;
  }

  finish(): void {
    if (!this.ended || this.buf.length) throw new Error('COPY output ended in the middle of a row');
  }

  isNull(j: number): boolean {
    return this.lengths[j]! < 0;
  }
  float8(j: number): number {
    const len = this.lengths[j]!;
    if (len < 0) return Number.NaN;
    if (len !== 8) throw new Error(`field ${j + 1} is not a float8`);
    return this.buf.readDoubleBE(this.offsets[j]!);
  }
  text(j: number): string | null {
    const len = this.lengths[j]!;
    if (len < 0) return null;
    const at = this.offsets[j]!;
    return this.buf.toString('utf8', at, at + len);
  }
  bool(j: number): boolean | null {
    const len = this.lengths[j]!;
    if (len < 0) return null;
    return this.buf[this.offsets[j]!] === 1;
  }
  textIn(j: number, values: TextValues): number {
    const len = this.lengths[j]!;
    return len < 0 ? -1 : values.ofBytes(this.buf, this.offsets[j]!, len);
  }
}

interface Pglite {
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[]; blob?: Blob }>;
}

/**
 * Runs `query` as COPY … TO in the binary format and calls `onRow` for each row, in the query's
 * order; returns the number of rows. Every field should be of a type BinaryRow reads (cast in the
 * query). `settings` are planner settings for this read (`set local` on PostgreSQL; PGlite keeps its defaults).
 */
export async function copyOut(database: Database, query: SQL, onRow: (row: BinaryRow) => void, settings: Record<string, string> = {}): Promise<number> {
  const text = `copy (${inlineParameters(query)}) to ${database.driver === 'pglite' ? `'/dev/blob'` : 'stdout'} with (format binary)`;
  const decoder = new BinaryCopyDecoder(onRow);
  // drizzle keeps the driver's client as `$client`: the pg Pool or the PGlite instance
  const client = (database.db as unknown as { $client: unknown }).$client;
  if (database.driver === 'pglite') {
    const { blob } = await (client as Pglite).query(text);
    if (!blob) throw new Error('COPY to /dev/blob returned no data');
    decoder.push(Buffer.from(await blob.arrayBuffer()));
    decoder.finish();
    return decoder.rows;
  }
  const conn = await (client as Pool).connect();
  let broken: Error | undefined;
  try {
    await conn.query('begin isolation level repeatable read, read only');
    try {
      for (const [key, value] of Object.entries(settings)) await conn.query('select set_config($1, $2, true)', [key, value]);
      const stream = conn.query(copyTo(text));
      for await (const chunk of stream as AsyncIterable<Buffer>) decoder.push(chunk);
      decoder.finish();
    } finally {
      // read only: ending with rollback is the same as commit, and also works after an error
      await conn.query('rollback').catch((e: unknown) => (broken = e instanceof Error ? e : new Error(String(e))));
    }
  } finally {
    conn.release(broken ?? false);
  }
  return decoder.rows;
}
