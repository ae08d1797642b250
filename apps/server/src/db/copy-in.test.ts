import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestContext, type TestContext } from '../test/test-app.js';
import { CopyBinaryWriter, copyThen } from './copy-in.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t.close());

const table = 'copy_in_probe';
const prepare = [`create temp table ${table} (id bigint, n int, s smallint, f float8, t text, d text) on commit drop`];

interface Probe extends Record<string, unknown> {
  id: number;
  n: number | null;
  s: number | null;
  f: number | null;
  t: string | null;
  d: string | null;
}

describe('COPY in', () => {
  it('takes binary rows of every field kind, nulls and text beyond ASCII, and the statement reads them in the same transaction', async () => {
    const w = new CopyBinaryWriter(8); // grows as it goes
    const rows: Array<[number, number | null, number | null, number | null, string | null]> = [
      [1, 0, 5, null, '成熟期 → 衰退期'],
      [2 ** 40 + 7, -2_147_483_648, -32_768, -1.5e-300, ''],
      [Number.MAX_SAFE_INTEGER, 2_147_483_647, 32_767, 0.1 + 0.2, '{"a":"tab\there, newline\nhere, back\\slash"}'],
      [4, Number.NaN, null, Number.POSITIVE_INFINITY, null],
    ];
    for (const [id, n, s, f, text] of rows) {
      w.row(6);
      w.int8(id);
      w.int4(n);
      w.int2(s);
      w.float8(f);
      w.text(text);
      w.text(id === 1 ? '12345678901234567890.12' : null);
    }
    const out = await copyThen<Probe>(t.database, {
      prepare,
      into: `${table} (id, n, s, f, t, d)`,
      data: w.finish(),
      then: sql`select id, n, s, f, t, d::numeric::text as d from ${sql.raw(table)} order by id`,
    });
    expect(out.map((r) => ({ ...r, id: Number(r.id) }))).toEqual([
      { id: 1, n: 0, s: 5, f: null, t: '成熟期 → 衰退期', d: '12345678901234567890.12' },
      // a non-finite number is written as null
      { id: 4, n: null, s: null, f: null, t: null, d: null },
      { id: 2 ** 40 + 7, n: -2_147_483_648, s: -32_768, f: -1.5e-300, t: '', d: null },
      { id: Number.MAX_SAFE_INTEGER, n: 2_147_483_647, s: 32_767, f: 0.1 + 0.2, t: '{"a":"tab\there, newline\nhere, back\\slash"}', d: null },
    ]);
  });

  it('writes nothing when the statement fails: the copied rows go with its transaction, and the connection serves on', async () => {
    await t.database.db.execute(sql`create table copy_in_kept (id bigint primary key)`);
    const w = new CopyBinaryWriter();
    for (const id of [1, 1]) {
      w.row(1);
      w.int8(id);
    }
    await expect(
      copyThen(t.database, {
        prepare: [`create temp table ${table} (id bigint) on commit drop`],
        into: `${table} (id)`,
        data: w.finish(),
        then: sql`insert into copy_in_kept select id from ${sql.raw(table)}`,
      }),
    ).rejects.toThrow();
    const kept = await t.database.rows(sql`select * from copy_in_kept`);
    expect(kept).toHaveLength(0);
    // a malformed stream fails the COPY itself, and is rolled back as well
    await expect(
      copyThen(t.database, { prepare, into: `${table} (id)`, data: new Uint8Array([1, 2, 3]), then: sql`select 1` }),
    ).rejects.toThrow();
    const [after] = await t.database.rows<{ n: number }>(sql`select count(*)::int as n from copy_in_kept`);
    expect(after!.n).toBe(0);
  });
});
