import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../test/test-app.js';
import { centsOf, clvBandOfCents, rint, scaled, valueBandOfCents } from './class-rows.js';
import { clvBand, valueBand } from './dashboard-rollups.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t.close());

/** Amounts in cents: every band edge of both scales and a cent either side, and a spread of others. */
function amounts(): number[] {
  const out = new Set<number>([0, 1, 50, 99, 100, 101]);
  for (let e = 0; e <= 13; e++) for (const m of [1, 2, 5]) for (const d of [-1, 0, 1]) out.add(m * 10 ** e * 100 + d);
  // 1.1^k and the cents around it: the value bands' edges
  for (let k = 0, v = 1; v < 1e13; k++, v *= 1.1) for (const d of [-1, 0, 1]) out.add(Math.round(v * 100) + d);
  let x = 12345;
  for (let k = 0; k < 3000; k++) {
    x = (x * 48271) % 2147483647;
    out.add(Math.floor((x / 2147483647) * 10 ** (2 + (k % 12))));
  }
  return [...out].filter((c) => c >= 0).sort((a, b) => a - b);
}

describe('class rows as the database makes them', () => {
  it('puts each amount in the value band and CLV band the database does', async () => {
    const cents = amounts();
    const rows = await t.database.rows<{ v: number | null; c: number | null }>(sql`
      select ${valueBand(sql`u.m`)} as v, ${clvBand(sql`u.m`)} as c
      from unnest(${`{${cents.map((c) => scaled(c, 2)).join(',')}}`}::numeric(16,2)[]) with ordinality as u(m, k) order by u.k`);
    expect(rows).toHaveLength(cents.length);
    const mismatches = cents.filter((c, k) => valueBandOfCents(c) !== rows[k]!.v || clvBandOfCents(c) !== rows[k]!.c);
    expect(mismatches).toEqual([]);
    expect(clvBandOfCents(null)).toBeNull();
  });

  it('rounds halves to even as round(float8) does, and amounts to cents as numeric(16,2) does', async () => {
    const floats = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999999999999996, 1234567.5, 0.49999999999999994, 7, -7.25];
    const [r] = await t.database.rows<{ r: number[] }>(sql`select array_agg(round(x) order by k) as r from unnest(${`{${floats.join(',')}}`}::float8[]) with ordinality as u(x, k)`);
    // (-0 and 0 are the same integer)
    expect(floats.map((x) => rint(x) + 0)).toEqual(r!.r.map((x) => Number(x) + 0));

    const texts = ['0', '12.34', '12.345', '12.344', '-12.345', '.5', '7.', '+3.10', '90071992547409.91', '0.005', '-0.004'];
    const [c] = await t.database.rows<{ c: string[] }>(sql`select array_agg(((x::numeric(16,2)) * 100)::int8::text order by k) as c from unnest(${`{${texts.join(',')}}`}::text[]) with ordinality as u(x, k)`);
    expect(texts.map(centsOf)).toEqual(c!.c.map(Number));
    // not a plain decimal, or past the integers a double holds exactly
    for (const bad of ['', 'abc', '1e5', '1.2.3', '--1', '99999999999999.99']) expect(centsOf(bad)).toBeNull();
  });

  it('prints sums with the scale the database gives them', async () => {
    const sums = [0, 5, 12345, -5, -12345, 10 ** 15];
    const [r] = await t.database.rows<{ a: string[]; b: string[]; c: string[] }>(sql`
      select array_agg((n * 0.01)::text order by k) as a, array_agg((n * 0.000001)::text order by k) as b, array_agg((n * 0.0001)::text order by k) as c
      from unnest(${`{${sums.join(',')}}`}::int8[]) with ordinality as u(n, k)`);
    expect(sums.map((n) => scaled(n, 2))).toEqual(r!.a);
    expect(sums.map((n) => scaled(n, 6))).toEqual(r!.b);
    expect(sums.map((n) => scaled(n, 4))).toEqual(r!.c);
  });
});
