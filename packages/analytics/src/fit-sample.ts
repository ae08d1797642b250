// A fixed sample of customers for the model fits of a large population: the customers whose id
// hashes lowest. The same ids give the same sample whatever their order, and a customer stays in it
// as the population grows until enough lower hashes arrive, so parameters move only with the data.

/** 32-bit FNV-1a of a string, then a murmur3 finaliser so that consecutive ids spread over the range. */
export function idHash(id: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < id.length; k++) h = Math.imul(h ^ id.charCodeAt(k), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The at most `size` customers of `rows` (positions into `ids`) with the lowest id hashes, in the
 * order of their hashes (ties by id), so that a fit sums them in the same order however the rows
 * came and gives the very same estimates; all of `rows`, as given, when they are no more.
 */
export function fitSample(ids: readonly string[], rows: ArrayLike<number>, size: number): Uint32Array {
  const n = rows.length;
  if (n <= size) return Uint32Array.from(rows);
  const hash = new Float64Array(n);
  for (let k = 0; k < n; k++) hash[k] = idHash(ids[rows[k]!]!);
  const cut = Float64Array.from(hash).sort()[size - 1]!;
  const taken: number[] = [];
  for (let k = 0; k < n; k++) if (hash[k]! <= cut) taken.push(k);
  // ties at the cut (rare with 32-bit hashes) are broken by the id itself, not by the order of the rows
  taken.sort((p, q) => hash[p]! - hash[q]! || compareIds(ids[rows[p]!]!, ids[rows[q]!]!));
  return Uint32Array.from(taken.slice(0, size), (k) => rows[k]!);
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
