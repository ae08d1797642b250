// Money in the browser as integer cents (BigInt) over the API's decimal strings: plan sums,
// "split evenly" and the balance check are exact, never JavaScript floats.

/** "100.5" → 10050n; null when not a non-negative amount with at most 2 decimals. */
export function toCents(text: string | null | undefined): bigint | null {
  const m = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec((text ?? '').trim());
  if (!m) return null;
  return BigInt(m[1]!) * 100n + BigInt((m[2] ?? '').padEnd(2, '0'));
}

/** 10050n → "100.50" (negative values keep their sign). */
export function fromCents(cents: bigint): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  return `${negative ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/**
 * `total` in `n` parts that add up to it exactly: equal parts, the leftover cents on the last
 * instalments (300.01 in 3 → 100.00, 100.00, 100.01), so earlier instalments are never larger.
 */
export function splitEvenly(total: bigint, n: number): bigint[] {
  if (n < 1) return [];
  const parts = BigInt(n);
  const base = total / parts;
  const rest = Number(total % parts);
  return Array.from({ length: n }, (_, i) => base + (i >= n - rest ? 1n : 0n));
}
