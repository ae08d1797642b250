import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ntile, rfmScores, rfmSegments } from './rfm.js';
import { RF_SEGMENT_GRID, RFM_SEGMENT_MAP, rfSegment, rfmSegment } from './rfm-segments.js';
import { idRanks, orderBy, sortStrings } from './ranking.js';
import { sharedPath } from './test/shared-data.js';

describe('RFM segment maps', () => {
  it('encode exactly data/rfm/rf_10_segment_grid.json', () => {
    const json = JSON.parse(readFileSync(sharedPath('rfm/rf_10_segment_grid.json'), 'utf8')) as Record<string, string>;
    expect(RF_SEGMENT_GRID).toEqual(json);
    expect(new Set(Object.values(json)).size).toBe(10);
  });

  it('encode exactly data/rfm/rfm_11_segment_map.json, each of the 125 codes once', () => {
    const json = JSON.parse(readFileSync(sharedPath('rfm/rfm_11_segment_map.json'), 'utf8')) as Record<string, string[]>;
    expect(RFM_SEGMENT_MAP).toEqual(json);
    const codes = Object.values(json).flat();
    expect(codes.length).toBe(125);
    expect(new Set(codes).size).toBe(125);
    for (const [name, list] of Object.entries(json)) for (const c of list) expect(rfmSegment(+c[0]!, +c[1]!, +c[2]!)).toBe(name);
    expect(rfSegment(5, 5)).toBe('champions');
    expect(rfSegment(1, 5)).toBe('cant_lose');
    expect(() => rfmSegment(0, 1, 1)).toThrow(/1–5/);
  });
});

describe('NTILE(5) scoring', () => {
  it('gives the first n mod 5 buckets one more row, like SQL', () => {
    const order = Uint32Array.from({ length: 7 }, (_, i) => i);
    expect(Array.from(ntile(order, 5))).toEqual([1, 1, 2, 2, 3, 4, 5]);
    expect(Array.from(ntile(Uint32Array.from([0, 1, 2]), 5))).toEqual([1, 2, 3]);
  });

  it('orders recency descending (oldest → 1), frequency and monetary ascending, ties by id', () => {
    const s = rfmScores({
      ids: ['c', 'a', 'e', 'b', 'd'],
      recency: [10, 10, 1, 300, 50],
      frequency: [1, 1, 1, 1, 9],
      monetary: [5, 50, 500, 0.5, 5000],
    });
    // recency desc: b(300)→1, d(50)→2, then ties at 10: a before c → a 3, c 4, e(1)→5
    expect(Array.from(s.r)).toEqual([4, 3, 5, 1, 2]);
    // frequency asc with ties by id: a 1, b 2, c 3, e 4, d 5
    expect(Array.from(s.f)).toEqual([3, 1, 4, 2, 5]);
    expect(Array.from(s.m)).toEqual([2, 3, 4, 1, 5]);
  });

  it('compares numeric string ids as numbers', () => {
    expect(Array.from(idRanks(['10', '9', '100']))).toEqual([1, 0, 2]);
    expect(Array.from(idRanks(['b10', 'b9', 'a']))).toEqual([1, 2, 0]);
    expect(Array.from(idRanks(['b', 'a', 'b', 'a']))).toEqual([2, 0, 3, 1]);
    // UTF-16 code-unit order, like SQL's C collation: 'Z' < 'a' < 'é' < '客' < '😀' (surrogates).
    expect(Array.from(idRanks(['😀', '客', 'é', 'a', 'Z']))).toEqual([4, 3, 2, 1, 0]);
    expect(Array.from(idRanks([5, -1, 5, 2.5]))).toEqual([2, 0, 3, 1]);
    expect(Array.from(orderBy([3, 3, 1], idRanks([2, 1, 0]), true))).toEqual([1, 0, 2]);
  });

  it('orders exactly like a comparator sort on (value, id) (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ v: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: -3000, max: 3000 }).map((k) => k / 100)), id: fc.string({ maxLength: 3 }) }), { maxLength: 200 }),
        fc.boolean(),
        fc.boolean(),
        (rows, desc, centsOnly) => {
          if (centsOnly) rows = rows.map((r) => ({ ...r, v: Math.round(r.v * 100) / 100 }));
          const ids = rows.map((r) => r.id);
          const vals = rows.map((r) => r.v);
          const got = Array.from(orderBy(vals, idRanks(ids), desc));
          const want = rows
            .map((_, i) => i)
            .sort((a, b) => (desc ? vals[b]! - vals[a]! : vals[a]! - vals[b]!) || (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : a - b));
          return JSON.stringify(got) === JSON.stringify(want);
        },
      ),
    );
  });

  it('orders extreme and signed doubles, and a hundred thousand random ones, like a comparator sort', () => {
    const edge = [Infinity, -Infinity, 0, -0, 5e-324, -5e-324, 1.5, -1.5, Number.MAX_VALUE, -Number.MAX_VALUE, 2 ** -1022, -(2 ** 53) - 0.5, 0.1 + 0.2, 0.3];
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const many = Array.from({ length: 100_000 }, () => (random() - 0.3) * 10 ** Math.floor(random() * 12 - 4));
    for (const vals of [[...edge, ...edge], many]) {
      const ids = vals.map((_, i) => (i * 7_919) % vals.length);
      for (const desc of [false, true]) {
        const got = orderBy(vals, idRanks(ids), desc);
        const want = vals.map((_, i) => i).sort((a, b) => (desc ? vals[b]! - vals[a]! : vals[a]! - vals[b]!) || ids[a]! - ids[b]! || a - b);
        expect(Array.from(got)).toEqual(want);
      }
    }
  });

  it('sorts strings like the default sort, ties by position (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ maxLength: 14 }), fc.string({ unit: 'binary', maxLength: 5 }), fc.constantFrom('C1', 'C10', 'C100000', 'C1000000')), { maxLength: 300 }), (strs) => {
        const got = Array.from(sortStrings(strs));
        const want = strs.map((_, i) => i).sort((a, b) => (strs[a]! < strs[b]! ? -1 : strs[a]! > strs[b]! ? 1 : a - b));
        return JSON.stringify(got) === JSON.stringify(want);
      }),
    );
  });

  it('makes bucket sizes differ by at most one (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 300 }), (vals) => {
        const ids = vals.map((_, i) => i);
        const s = rfmScores({ ids, recency: vals, frequency: vals, monetary: vals });
        for (const sc of [s.r, s.f, s.m]) {
          const counts = [0, 0, 0, 0, 0];
          for (const v of sc) counts[v - 1]!++;
          const used = counts.slice(0, Math.min(5, vals.length));
          if (Math.max(...used) - Math.min(...used) > 1) return false;
          for (let k = 0; k < 4; k++) if (counts[k]! < counts[k + 1]!) return false; // larger buckets first
        }
        return true;
      }),
    );
  });
});

describe('quantile-cut scoring and segments', () => {
  it('gives ties the same score', () => {
    const v = [1, 1, 1, 1, 2, 3, 4, 5, 6, 7];
    const s = rfmScores({ ids: v.map((_, i) => i), recency: v, frequency: v, monetary: v }, { method: 'quantile' });
    // type-7 cuts: 1, 1.6, 3.4, 5.2
    expect(Array.from(s.f)).toEqual([1, 1, 1, 1, 3, 3, 4, 4, 5, 5]);
    expect(Array.from(s.r)).toEqual([5, 5, 5, 5, 3, 3, 2, 2, 1, 1]);
  });

  it('rejects scores outside 1–5 when segmenting', () => {
    for (const bad of [0, 6, 9]) {
      expect(() => rfmSegments({ r: Uint8Array.from([bad]), f: Uint8Array.from([1]), m: Uint8Array.from([1]) })).toThrow(/1–5/);
      expect(() => rfmSegments({ r: Uint8Array.from([1, 1]), f: Uint8Array.from([1, 1]), m: Uint8Array.from([1, bad]) })).toThrow(/1–5/);
    }
  });

  it('counts customers per segment', () => {
    const seg = rfmSegments({ r: Uint8Array.from([5, 1, 5]), f: Uint8Array.from([5, 1, 1]), m: Uint8Array.from([5, 1, 1]) });
    expect(seg.rfCounts.champions).toBe(1);
    expect(seg.rfCounts.hibernating).toBe(1);
    expect(seg.rfCounts.new_customers).toBe(1);
    expect(seg.rfmCounts.champions).toBe(1);
    expect(seg.rfmCounts.lost).toBe(1);
    expect(seg.rfmCounts.new_customers).toBe(1);
  });
});
