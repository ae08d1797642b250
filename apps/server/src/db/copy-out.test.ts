import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestContext, type TestContext } from '../test/test-app.js';
import { CopyBinaryWriter } from './copy-in.js';
import { BinaryCopyDecoder, copyOut, inlineParameters, TextValues, type BinaryRow } from './copy-out.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t.close());

interface Got {
  f: number;
  t: string | null;
  b: boolean | null;
  nothing: boolean;
}
const take = (out: Got[]) => (r: BinaryRow) => out.push({ f: r.float8(0), t: r.text(1), b: r.bool(2), nothing: r.isNull(3) });

describe('COPY out', () => {
  it('reads every row in order, with its floats, text beyond ASCII, booleans and nulls, the parameters written in as literals', async () => {
    const got: Got[] = [];
    const quote = `it's a "quote" \\ and 关系`;
    const n = await copyOut(
      t.database,
      sql`select g::float8 / 4, case when g % 3 = 0 then null else ${quote} || g end, case when g % 5 = 0 then null else g % 2 = 0 end, null::float8
        from generate_series(1, ${30_000}) g where ${quote} = ${quote} order by g`,
      take(got),
    );
    expect(n).toBe(30_000);
    expect(got).toHaveLength(30_000);
    for (const [k, r] of got.entries()) {
      const g = k + 1;
      expect(r).toEqual({ f: g / 4, t: g % 3 === 0 ? null : `${quote}${g}`, b: g % 5 === 0 ? null : g % 2 === 0, nothing: true });
    }
  });

  it('fails with the database error and leaves the connection usable', async () => {
    await expect(copyOut(t.database, sql`select g::float8 from generate_series(1, ${5}) g`, () => {})).resolves.toBe(5);
    await expect(copyOut(t.database, sql`select (1 / (g - 3))::float8 from generate_series(1, 5) g`, () => {})).rejects.toThrow(/division by zero/);
    const [r] = await t.database.rows<{ ok: number }>(sql`select 1 as ok`);
    expect(r!.ok).toBe(1);
  });

  it('completes a row cut between chunks, however the stream is cut', () => {
    const w = new CopyBinaryWriter(8);
    for (let g = 1; g <= 50; g++) {
      w.row(4);
      w.float8(g);
      w.text(g % 4 === 0 ? null : `行${g}`);
      w.null();
      w.null();
    }
    const bytes = Buffer.from(w.finish());
    for (const size of [1, 2, 3, 7, 19, 64, bytes.length]) {
      const got: Got[] = [];
      const decoder = new BinaryCopyDecoder(take(got));
      for (let at = 0; at < bytes.length; at += size) decoder.push(bytes.subarray(at, at + size));
      decoder.finish();
      expect(got.map((r) => [r.f, r.t])).toEqual(Array.from({ length: 50 }, (_, k) => [k + 1, (k + 1) % 4 === 0 ? null : `行${k + 1}`]));
    }
    // rows longer than the span a cut row is finished in (16 KiB), cut anywhere, in chunks of any size
    const long = new CopyBinaryWriter(8);
    const texts = Array.from({ length: 12 }, (_, k) => (k % 3 === 0 ? 'x'.repeat(40_000 + k) : k % 3 === 1 ? `短${k}` : '长'.repeat(9_000 + k)));
    texts.forEach((t, k) => {
      long.row(2);
      long.float8(k);
      long.text(t);
    });
    const longBytes = Buffer.from(long.finish());
    for (const size of [1_000, 16_383, 16_385, 50_000, 100_000]) {
      const got: Got[] = [];
      const decoder = new BinaryCopyDecoder(take(got));
      for (let at = 0; at < longBytes.length; at += size) decoder.push(longBytes.subarray(at, at + size));
      decoder.finish();
      expect(got.map((r) => [r.f, r.t])).toEqual(texts.map((t, k) => [k, t]));
    }
    const cut = new BinaryCopyDecoder(() => {});
    cut.push(bytes.subarray(0, bytes.length - 5));
    expect(() => cut.finish()).toThrow(/middle of a row/);
  });

  it('finds a text field among the values seen by its bytes, a new value added once', () => {
    const values = new TextValues();
    expect(values.of('成熟期')).toBe(0);
    const w = new CopyBinaryWriter(8);
    const rows = ['成熟期', 'champions', null, '成熟', 'champions', '成熟期', 'champion', '成熟'];
    for (const v of rows) {
      w.row(1);
      w.text(v);
    }
    const got: number[] = [];
    const decoder = new BinaryCopyDecoder((r) => got.push(r.textIn(0, values)));
    decoder.push(Buffer.from(w.finish()));
    decoder.finish();
    expect(values.values).toEqual(['成熟期', 'champions', '成熟', 'champion']);
    expect(got).toEqual([0, 1, -1, 2, 1, 0, 3, 2]);
    expect(values.of('champion')).toBe(3);
    // many values (free-text regions, say): each found again by its bytes, in the order first seen
    const many = Array.from({ length: 3000 }, (_, k) => `区域${k}`);
    const w2 = new CopyBinaryWriter(8);
    for (const v of [...many, ...many.slice().reverse()]) {
      w2.row(1);
      w2.text(v);
    }
    const regions = new TextValues();
    const seen: number[] = [];
    const d2 = new BinaryCopyDecoder((r) => seen.push(r.textIn(0, regions)));
    d2.push(Buffer.from(w2.finish()));
    d2.finish();
    expect(regions.values).toEqual(many);
    expect(seen).toEqual([...many.keys(), ...[...many.keys()].reverse()]);
  });

  it('writes parameters as literals and refuses what it cannot write', () => {
    expect(inlineParameters(sql`select ${"o'k"}, ${2.5}, ${true}, ${null}`)).toBe(`select 'o''k', 2.5, true, null`);
    expect(() => inlineParameters(sql`select ${Number.NaN}`)).toThrow(/finite/);
    expect(() => inlineParameters(sql`select ${{ a: 1 } as unknown as string}`)).toThrow(/cannot be written/);
  });
});
