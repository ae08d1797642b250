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

  it('writes numerics from their decimal text, rounded by the column as a cast would, dates, timestamps, and into two tables in one transaction', async () => {
    const decimals = ['0', '-0', '0.00', '7', '+7.5', '-7.5', '.5', '12.345', '12.355', '-12.345', '0.0001', '10000', '123456789012.34', '1.00010', '99999999999999.994', '3.']
    const w = new CopyBinaryWriter(8);
    const more = new CopyBinaryWriter(8);
    decimals.forEach((d, k) => {
      w.row(5);
      w.int4(k);
      w.numeric(d);
      w.numeric(d);
      w.date(k === 0 ? null : 20_000 + k);
      w.timestamptz(k * 1_000_001);
      more.row(1);
      more.int4(k);
    });
    const out = await copyThen<{ k: number; plain: string; money: string; same: boolean; day: string | null; at: string; also: number }>(t.database, {
      prepare: [`create temp table ${table} (k int, plain numeric, money numeric(16,2), day date, at timestamptz) on commit drop`, `create temp table copy_in_more (k int) on commit drop`],
      into: `${table} (k, plain, money, day, at)`,
      data: w.finish(),
      more: [{ into: 'copy_in_more (k)', data: more.finish() }],
      then: sql`select p.k, p.plain::text as plain, p.money::text as money, p.money = u.d::numeric(16,2) as same, p.day::text as day,
          to_char(p.at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as at, (select count(*)::int from copy_in_more) as also
        from ${sql.raw(table)} p join unnest(${`{${decimals.join(',')}}`}::text[]) with ordinality as u(d, n) on u.n = p.k + 1 order by p.k`,
    });
    // the text as the numeric of the same text prints it
    const [casts] = await t.database.rows<{ t: string[] }>(sql`select array_agg(d::numeric::text order by n) as t from unnest(${`{${decimals.join(',')}}`}::text[]) with ordinality as u(d, n)`);
    expect(out.map((r) => r.plain)).toEqual(casts!.t);
    expect(out.every((r) => r.same)).toBe(true);
    expect(out[0]!.day).toBeNull();
    expect(out[1]!.day).toBe(new Date(20_001 * 86_400_000).toISOString().slice(0, 10));
    expect(out[2]!.at).toBe('2000-01-01 00:00:02.000002');
    expect(out[0]!.also).toBe(decimals.length);
    for (const bad of ['', '-', '.', '1e5', '1.2.3', 'NaN', '12a']) expect(() => new CopyBinaryWriter().numeric(bad)).toThrow(/not a decimal/);

    // and from cents, the digits computed: the same values as their text
    const cents = [0, 1, 50, 99, 100, 12345, 100_000_000, 1_000_000, 10_000, 10_001, 99_990_000, -1, -50, -12345, 123_456_789_012_345, Number.MAX_SAFE_INTEGER];
    const c = new CopyBinaryWriter(8);
    for (const v of cents) {
      c.row(1);
      c.numericCents(v);
    }
    const asText = (v: number) => `${v < 0 ? '-' : ''}${Math.floor(Math.abs(v) / 100)}.${String(Math.abs(v) % 100).padStart(2, '0')}`;
    const fromCents = await copyThen<{ x: string; same: boolean }>(t.database, {
      prepare: [`create temp table ${table} (k serial, x numeric) on commit drop`],
      into: `${table} (x)`,
      data: c.finish(),
      then: sql`select p.x::text as x, p.x = u.v::numeric as same from ${sql.raw(table)} p join unnest(${`{${cents.map(asText).join(',')}}`}::text[]) with ordinality as u(v, n) on u.n = p.k order by p.k`,
    });
    expect(fromCents.map((r) => r.x)).toEqual(cents.map(asText));
    expect(fromCents.every((r) => r.same)).toBe(true);
  });

  it('refuses a number its field cannot hold instead of writing it wrapped', () => {
    const w = new CopyBinaryWriter();
    w.row(3);
    expect(() => w.int2(32_768)).toThrow(RangeError);
    expect(() => w.int4(-(2 ** 31) - 1)).toThrow(RangeError);
    expect(() => w.int8(2 ** 64)).toThrow(RangeError);
    // the limits themselves fit
    w.int2(-32_768);
    w.int4(2 ** 31 - 1);
    w.int8(Number.MAX_SAFE_INTEGER);
  });
});
