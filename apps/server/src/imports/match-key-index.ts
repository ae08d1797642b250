// The match keys of rows an import run has already committed, as 32-bit hashes next to customer
// ids in two typed arrays (open addressing, linear probing): about 24 bytes a key at most instead
// of a string and a Map entry, which at a million rows (four keys each) was most of the server's
// memory. A hash names candidates only; the caller confirms a candidate against the customer's
// real keys (customer-import.ts), so a collision never matches the wrong customer.

/** FNV-1a over the UTF-16 code units of the key. */
function hash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

export class MatchKeyIndex {
  private hashes = new Int32Array(1 << 12);
  /** 0 marks an empty slot: customer ids start at 1. */
  private ids = new Float64Array(1 << 12);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Ids remembered under the key's hash, in the order they were added (the first is the oldest claim). */
  candidates(key: string): number[] {
    const h = hash(key);
    const mask = this.ids.length - 1;
    const out: number[] = [];
    for (let i = h & mask; this.ids[i] !== 0; i = (i + 1) & mask) if (this.hashes[i] === h) out.push(this.ids[i]!);
    return out;
  }

  /** Remembers `id` under the key's hash, unless that very pair is already there. */
  add(key: string, id: number): void {
    this.put(hash(key), id);
  }

  private put(h: number, id: number): void {
    if ((this.count + 1) * 2 > this.ids.length) this.grow();
    const mask = this.ids.length - 1;
    let i = h & mask;
    for (; this.ids[i] !== 0; i = (i + 1) & mask) if (this.hashes[i] === h && this.ids[i] === id) return;
    this.hashes[i] = h;
    this.ids[i] = id;
    this.count++;
  }

  private grow(): void {
    const oldHashes = this.hashes;
    const oldIds = this.ids;
    const n = oldIds.length;
    this.hashes = new Int32Array(n * 2);
    this.ids = new Float64Array(n * 2);
    this.count = 0;
    // start after an empty slot, so that every probe run is re-added from its start and ids under
    // one hash keep the order they were added in
    let start = 0;
    while (oldIds[start] !== 0) start++;
    for (let k = 1; k <= n; k++) {
      const i = (start + k) % n;
      if (oldIds[i] !== 0) this.put(oldHashes[i]!, oldIds[i]!);
    }
  }
}
