// The order form's live totals, computed exactly like the server (orders.service.ts) but in the
// browser: decimal strings become BigInt in ten-thousandths, never JavaScript floats, and every
// rounding is PostgreSQL's numeric round() — half away from zero, to the cent.
const SCALE = 4;
const ONE = 10n ** BigInt(SCALE);

/** "19.9" → 199000n (4 decimals); null when the text is not a plain non-negative decimal. */
export function parseDecimal(text: string | null | undefined): bigint | null {
  const s = (text ?? '').trim();
  const m = /^(\d{1,15})(?:\.(\d{0,4}))?$/.exec(s);
  if (!m) return null;
  return BigInt(m[1]!) * ONE + BigInt((m[2] ?? '').padEnd(SCALE, '0'));
}

/** Divides and rounds half away from zero (the operands here are never negative). */
function divRound(n: bigint, d: bigint): bigint {
  const q = n / d;
  return (n % d) * 2n >= d ? q + 1n : q;
}

/** round(a × b, 2) like SQL, for a and b in ten-thousandths; the result in ten-thousandths. */
function roundProduct(a: bigint, b: bigint): bigint {
  // a and b carry 4 decimals each, so a × b carries 8: divide by 10^6 to reach cents, rounding once.
  return divRound(a * b, 10n ** 6n) * 100n;
}

export function formatDecimal(v: bigint): string {
  const negative = v < 0n;
  const abs = negative ? -v : v;
  const cents = abs / 100n;
  const int = cents / 100n;
  const frac = (cents % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${int}.${frac}`;
}

export interface LineDraft {
  quantity?: string | null;
  unitPrice?: string | null;
  /** Percent off as the user types it, e.g. "15" for 15 %. */
  discountPercent?: string | null;
  unitCost?: string | null;
}

export interface LineAmounts {
  gross: bigint;
  discount: bigint;
  amount: bigint;
  cost: bigint;
}

/** The percent the user types ("15", "12.5") as the API's rate ("0.15", "0.125"); null if not 0–100 with ≤ 2 decimals. */
export function percentToRate(percent: string | null | undefined): string | null {
  const s = (percent ?? '').trim();
  if (s === '') return '0';
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  const hundredths = BigInt(m[1]!) * 100n + BigInt((m[2] ?? '').padEnd(2, '0'));
  if (hundredths > 10000n) return null;
  // hundredths of a percent are ten-thousandths of the rate
  const int = hundredths / 10000n;
  const frac = (hundredths % 10000n).toString().padStart(4, '0').replace(/0+$/, '');
  return frac ? `${int}.${frac}` : `${int}`;
}

/** "0.1500" → "15"; the inverse of percentToRate for filling the form from an order. */
export function rateToPercent(rate: string): string {
  const r = parseDecimal(rate) ?? 0n; // ten-thousandths of 1 = hundredths of a percent
  const int = r / 100n;
  const frac = (r % 100n).toString().padStart(2, '0').replace(/0+$/, '');
  return frac ? `${int}.${frac}` : `${int}`;
}

/** One line, as the server computes it: gross = round(qty × price, 2), discount = round(gross × rate, 2). */
export function lineAmounts(line: LineDraft): LineAmounts | null {
  const qty = parseDecimal(line.quantity);
  const price = parseDecimal(line.unitPrice);
  const rateText = percentToRate(line.discountPercent);
  const rate = rateText === null ? null : parseDecimal(rateText);
  if (qty === null || price === null || rate === null) return null;
  const unitCost = parseDecimal(line.unitCost) ?? 0n;
  const gross = roundProduct(qty, price);
  const discount = roundProduct(gross, rate);
  return { gross, discount, amount: gross - discount, cost: roundProduct(qty, unitCost) };
}

export interface Totals {
  subtotal: bigint;
  discount: bigint;
  total: bigint;
  cost: bigint;
  margin: bigint;
}

export function orderTotals(lines: readonly LineDraft[]): Totals {
  const t: Totals = { subtotal: 0n, discount: 0n, total: 0n, cost: 0n, margin: 0n };
  for (const l of lines) {
    const a = lineAmounts(l);
    if (!a) continue;
    t.subtotal += a.gross;
    t.discount += a.discount;
    t.total += a.amount;
    t.cost += a.cost;
  }
  t.margin = t.total - t.cost;
  return t;
}

/** Margin as a percent of the total with one decimal ("28.3"), or null for a zero total. */
export function marginPercent(margin: bigint, total: bigint): string | null {
  if (total === 0n) return null;
  const tenths = divRound((margin < 0n ? -margin : margin) * 1000n, total);
  return `${margin < 0n ? '-' : ''}${tenths / 10n}.${tenths % 10n}`;
}

/** The same for the server's decimal strings (an order as saved). */
export function marginPercentOf(margin: string, total: string): string | null {
  const neg = margin.trim().startsWith('-');
  const m = parseDecimal(margin.replace(/^-/, ''));
  const t = parseDecimal(total);
  if (m === null || t === null) return null;
  return marginPercent(neg ? -m : m, t);
}
