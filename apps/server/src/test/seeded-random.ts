/** Park–Miller: a seeded generator in [0, 1), the same "random" data on every run and engine. */
export function seededRandom(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
}
