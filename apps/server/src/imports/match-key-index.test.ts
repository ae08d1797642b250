import { describe, expect, it } from 'vitest';
import { MatchKeyIndex } from './match-key-index.js';

/** Two different keys with the same 32-bit hash, found by search (the birthday bound makes it quick). */
function collidingKeys(): [string, string] {
  const probe = new MatchKeyIndex();
  for (let i = 1; ; i++) {
    const key = `m:+86138${String(i).padStart(8, '0')}`;
    probe.add(key, i);
    // a fresh key whose candidates include an id other than its own shares a hash with that id's key
    const other = probe.candidates(key).find((id) => id !== i);
    if (other !== undefined) return [`m:+86138${String(other).padStart(8, '0')}`, key];
  }
}

describe('match key index', () => {
  it('finds every remembered key after growing far past its first size', () => {
    const index = new MatchKeyIndex();
    for (let i = 1; i <= 50_000; i++) index.add(`e:user${i}@example.com`, i);
    expect(index.size).toBe(50_000);
    for (let i = 1; i <= 50_000; i += 997) expect(index.candidates(`e:user${i}@example.com`)).toContain(i);
    expect(index.candidates('e:nobody@example.com')).toEqual([]);
  });

  it('keeps the ids of one key in the order they were added, and adds a pair only once', () => {
    const index = new MatchKeyIndex();
    index.add('m:+8613800001111', 42);
    index.add('m:+8613800001111', 7);
    index.add('m:+8613800001111', 42);
    for (let i = 1; i <= 20_000; i++) index.add(`nc:客户${i}\u0000杭州市`, 1000 + i);
    expect(index.candidates('m:+8613800001111')).toEqual([42, 7]);
  });

  it('names both customers of two keys that share a hash, so the caller can tell them apart', () => {
    const [a, b] = collidingKeys();
    expect(a).not.toBe(b);
    const index = new MatchKeyIndex();
    index.add(a, 1);
    index.add(b, 2);
    expect(index.candidates(a)).toEqual([1, 2]);
    expect(index.candidates(b)).toEqual([1, 2]);
  });
});
