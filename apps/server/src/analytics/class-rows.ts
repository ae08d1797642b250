// A full run's class rows of the dashboards (analytics_metric_rollups), counted while the scores are
// made instead of grouped from customer_metrics after the write: the same rows as dashboard-rollups'
// metricCells — one per (grain, owner or region, kind, class) with the customers and the sums of
// their amounts — from the same values the write stores. Grouping 1M customers into 24 sets took
// PostgreSQL 8.6 s after the write; here it is a few array additions per customer in the scoring
// worker (bench/analytics-refresh/notes.md). Pure, so it runs in the worker.
//
// The rows must be those PostgreSQL would make, to the digit: a later incremental run takes a
// customer's rows away by computing them in SQL from the stored scores. So the amounts are the same
// integers of a fixed unit (cents, millionths, ten-thousandths) from the same stored values, rounded
// as PostgreSQL rounds, and the bands are the same float8 arithmetic (dashboard-rollups.ts:
// valueBand, clvBand); class-rows.test.ts holds both against the database.
import type { CustomerSummaryColumns, PreviousScoreColumns, RollupKeyColumns } from './customer-summaries.js';
import type { ScoredCustomer } from './score-population.js';

/** PostgreSQL's ln(1.1) as valueBand divides by it: the numeric logarithm rounded to float8 (JavaScript's Math.log(1.1) differs in the last digits). */
const LN_1_1 = 0.09531017980432487;

/** valueBand of a stored amount given in cents (null: no band). */
export function valueBandOfCents(cents: number): number | null {
  if (!(cents > 0)) return null;
  return Math.max(0, Math.floor(Math.log(cents / 100) / LN_1_1));
}

/** clvBand of a stored amount given in cents (null: no CLV). */
export function clvBandOfCents(cents: number | null): number | null {
  if (cents === null) return null;
  const v = cents / 100;
  if (v < 1) return -1;
  const e = Math.floor(Math.log10(v) + 1e-9);
  const m = v / 10 ** e;
  return 3 * e + (m < 2 ? 0 : m < 5 ? 1 : 2);
}

/**
 * A customer's lifecycle_since as the write keeps it (days since 1970-01-01): the previous one while
 * the stage stays the same, else the as-of day.
 */
export function keptSince(p: PreviousScoreColumns, i: number, stage: string): number {
  const old = p.classes.lifecycle_stage[i]!;
  const since = p.since[i]!;
  return p.hadScores[i] === 1 && old >= 0 && p.values[old] === stage && !Number.isNaN(since) ? since : p.asOfDay;
}

/**
 * The decimals a customer's row stores, worked out once per customer for the row and the class rows:
 * the CLV as the write sends it (two places), and it and the net revenue in cents (null past exact integers).
 */
export class StoredAmounts {
  valueCents: number | null = null;
  clvText: string | null = null;
  clvCents: number | null = null;
  of(c: ScoredCustomer, s: CustomerSummaryColumns, i: number): this {
    const cents = amountCents(s, 'monetary', i);
    this.valueCents = Number.isNaN(cents) ? centsOf(amountText(s, 'monetary', i)) : cents;
    this.clvText = c.clv === null || !Number.isFinite(c.clv) ? null : c.clv.toFixed(2);
    this.clvCents = this.clvText === null ? null : centsOf(this.clvText);
    return this;
  }
}

/** A customer's net revenue or margin in cents (NaN where the summary keeps its text instead). */
export const amountCents = (s: CustomerSummaryColumns, which: 'monetary' | 'margin', i: number): number => (which === 'monetary' ? s.monetaryCents : s.marginCents)[i]!;

/** A customer's net revenue or margin as the exact decimal text (from its cents, or the text kept aside). */
export function amountText(s: CustomerSummaryColumns, which: 'monetary' | 'margin', i: number): string {
  const cents = amountCents(s, which, i);
  return Number.isNaN(cents) ? (s.amountTexts[which].get(i) ?? '0') : scaled(cents, 2);
}

/** float8 round() as PostgreSQL does it (rint: halves to even). */
export function rint(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * A decimal's value in cents as numeric(16,2) stores it (halves away from zero), or null for text
 * that is not a plain decimal or past the integers a double holds exactly.
 */
export function centsOf(text: string): number | null {
  const n = text.length;
  let k = 0;
  let negative = false;
  const sign = text.charCodeAt(0);
  if (sign === 45 /* - */ || sign === 43 /* + */) {
    negative = sign === 45;
    k = 1;
  }
  let whole = 0;
  let digits = 0;
  for (; k < n; k++) {
    const c = text.charCodeAt(k) - 48;
    if (c < 0 || c > 9) break;
    whole = whole * 10 + c;
    digits++;
  }
  let frac = 0;
  let places = 0;
  let up = false;
  if (k < n) {
    if (text.charCodeAt(k) !== 46 /* . */) return null;
    for (k++; k < n; k++) {
      const c = text.charCodeAt(k) - 48;
      if (c < 0 || c > 9) return null;
      if (places < 2) frac = frac * 10 + c;
      else if (places === 2) up = c >= 5;
      places++;
    }
  }
  if (digits === 0 && places === 0) return null;
  const cents = whole * 100 + (places === 1 ? frac * 10 : frac) + (up ? 1 : 0);
  if (digits > 16 || !Number.isSafeInteger(cents)) return null;
  return negative && cents !== 0 ? -cents : cents;
}

/** An integer count of 10^-scale units as decimal text with `scale` places (how PostgreSQL prints sum × 0.01 etc.). */
export function scaled(units: number, scale: number): string {
  const neg = units < 0;
  const digits = String(Math.abs(units)).padStart(scale + 1, '0');
  const text = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return neg ? `-${text}` : text;
}

/** to_char(day, 'YYYY-"Q"Q') of a day number (days since 1970-01-01). */
function quarterOf(day: number): string {
  const d = new Date(day * 86_400_000);
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

/** The kinds in metricCells' order, with how each class is keyed. */
const KINDS = ['totals', 'value_band', 'abc', 'rf', 'segment', 'quadrant', 'clv_band', 'clv_segment', 'clv_cohort', 'lifecycle', 'loyalty_rk', 'loyalty_db'] as const;

/** Sums kept per class row, in integer units: customers, cents of value, cents of CLV, days in stage, millionths of purchases, ten-thousandths of spend. */
const SUMS = 6;
/** Scales of the sums as the rows print them. */
const SCALES = [0, 2, 2, 0, 6, 4];

/** analytics_metric_rollups' columns of a class row, in order (dashboard-rollups.ts writes and reads them too). */
export const CLASS_ROW_COLUMNS = ['grain', 'owner_id', 'province', 'kind', 'k1', 'k2', 'customers', 'value', 'clv', 'days', 'expected_purchases', 'expected_spend'] as const;

/** Class rows as one text array per column (null for SQL null). */
export type ClassRowColumns = Record<(typeof CLASS_ROW_COLUMNS)[number], Array<string | null>>;

/** What a full run's class rows come with: the customers counted and those counted under their current owner and region for want of a record. */
export interface CountedClassRows {
  columns: ClassRowColumns;
  customers: number;
  unrecorded: { ids: number[]; owners: Array<number | null>; provinces: string[] };
}

/**
 * Counts class rows customer by customer. Null from `finish()` when some sum outgrew the integers a
 * double holds exactly (the rows are then grouped by the database, as before).
 */
export class ClassRowCounter {
  /** Each (kind, k1, k2) seen. */
  private readonly slots: Array<{ kind: string; k1: string; k2: string | null }> = [];
  /** Per kind, its classes' slots by a key of their own (the class text, a band, r·10 + f). */
  private readonly byKind = KINDS.map(() => new Map<string | number, number>());
  private readonly cohortOfDay = new Map<number, number>();
  /**
   * Customers are summed per (owner, region) pair — a few thousand — SUMS numbers per slot; each
   * grain's rows are the pairs' sums added up at the end (half the additions of summing both grains).
   */
  private readonly buckets: Float64Array[] = [];
  private readonly bucketOf = new Map<number, number>();
  private readonly bucketOwner: Array<number | null> = [];
  private readonly bucketProvince: number[] = [];
  /** The total of each amount's magnitudes: every partial sum is within it. */
  private readonly magnitude = new Float64Array(SUMS);
  private customers = 0;
  private readonly unrecorded: CountedClassRows['unrecorded'] = { ids: [], owners: [], provinces: [] };
  private readonly asOfDay: number;
  /** The amounts of the customer being added, in SUMS' order (customers first, always 1). */
  private readonly amounts = new Float64Array(SUMS);
  private readonly slotsOfCustomer = new Int32Array(KINDS.length);

  constructor(
    private readonly keys: RollupKeyColumns,
    private readonly previous: PreviousScoreColumns,
  ) {
    this.asOfDay = previous.asOfDay;
  }

  /** The slot of a class of kind `kind` by its key; k1 is the key's text unless given. */
  private slot(kind: number, key: string | number, k1?: string, k2: string | null = ''): number {
    const m = this.byKind[kind]!;
    let s = m.get(key);
    if (s === undefined) {
      s = this.slots.length;
      this.slots.push({ kind: KINDS[kind]!, k1: k1 ?? String(key), k2 });
      m.set(key, s);
    }
    return s;
  }

  /** One slot per quarter, found by the day once per day. */
  private cohortSlot(day: number): number {
    let s = this.cohortOfDay.get(day);
    if (s === undefined) {
      s = this.slot(8, quarterOf(day));
      this.cohortOfDay.set(day, s);
    }
    return s;
  }

  private bucket(owner: number | null, province: number): number {
    // owner ids are below 2^53 / 2^20; regions are few
    const key = ((owner ?? -1) + 1) * 1_048_576 + province;
    let b = this.bucketOf.get(key);
    if (b === undefined) {
      b = this.buckets.length;
      this.buckets.push(new Float64Array(64 * SUMS));
      this.bucketOf.set(key, b);
      this.bucketOwner.push(owner);
      this.bucketProvince.push(province);
    }
    return b;
  }

  /** Adds customer `i` of the summary with its scores `c`; false when an amount cannot be counted exactly (the rows are then not used). */
  add(c: ScoredCustomer, s: CustomerSummaryColumns, i: number, amounts: StoredAmounts): boolean {
    const k = this.keys;
    const value = amounts.valueCents;
    const clv = amounts.clvCents;
    if (value === null || (amounts.clvText !== null && clv === null)) return false;
    // lifecycle_since as the write keeps it: the previous one while the stage stays, else the as-of
    const days = this.asOfDay - keptSince(this.previous, i, c.lifecycleStage);
    const ep = c.expectedPurchases !== null && Number.isFinite(c.expectedPurchases) ? c.expectedPurchases : null;
    const es = c.expectedSpend !== null && Number.isFinite(c.expectedSpend) ? c.expectedSpend : null;
    const v = this.amounts;
    v[1] = value;
    v[2] = clv ?? 0;
    v[3] = days;
    v[4] = ep === null ? 0 : rint(ep * 1e6);
    v[5] = ep === null || es === null ? 0 : rint(ep * es * 1e4);
    for (let j = 1; j < SUMS; j++) this.magnitude[j] = this.magnitude[j]! + Math.abs(v[j]!);

    const band = valueBandOfCents(value);
    const clvBand = clvBandOfCents(clv);
    const firstDay = s.firstDay[i]!;
    const owner = Number.isNaN(k.owner[i]!) ? null : k.owner[i]!;
    const province = k.province[i]!;
    const b = this.bucket(owner, province);
    const r = c.rfmR;
    const f = c.rfmF;
    // the customer's class of each kind (−1: none), then added to its bucket in one pass
    const at = this.slotsOfCustomer;
    at[0] = this.slot(0, '');
    at[1] = band === null ? -1 : this.slot(1, band);
    at[2] = c.abcClass === null ? -1 : this.slot(2, c.abcClass);
    at[3] = r === null ? -1 : f === null ? this.slot(3, `${r}`, `${r}`, null) : this.slot(3, r * 10 + f, String(r), String(f));
    at[4] = c.rfmSegment === null ? -1 : this.slot(4, c.rfmSegment);
    at[5] = c.valueQuadrant === null ? -1 : this.slot(5, c.valueQuadrant);
    at[6] = clvBand === null ? -1 : this.slot(6, clvBand);
    at[7] = clv === null || c.rfmSegment === null ? -1 : this.slot(7, c.rfmSegment);
    at[8] = clv === null || Number.isNaN(firstDay) ? -1 : this.cohortSlot(firstDay);
    at[9] = this.slot(9, c.lifecycleStage);
    at[10] = c.loyaltyClass === null ? -1 : this.slot(10, c.loyaltyClass);
    at[11] = c.attitudeClass === null ? -1 : this.slot(11, c.attitudeClass);
    let a = this.buckets[b]!;
    if (this.slots.length * SUMS > a.length) {
      const grown = new Float64Array(Math.max(a.length * 2, this.slots.length * SUMS));
      grown.set(a);
      this.buckets[b] = a = grown;
    }
    const v1 = v[1]!;
    const v2 = v[2]!;
    const v3 = v[3]!;
    const v4 = v[4]!;
    const v5 = v[5]!;
    for (let j = 0; j < KINDS.length; j++) {
      const slot = at[j]!;
      if (slot < 0) continue;
      const o = slot * SUMS;
      a[o] = a[o]! + 1;
      a[o + 1] = a[o + 1]! + v1;
      a[o + 2] = a[o + 2]! + v2;
      a[o + 3] = a[o + 3]! + v3;
      a[o + 4] = a[o + 4]! + v4;
      a[o + 5] = a[o + 5]! + v5;
    }
    this.customers++;
    if (k.recorded[i] === 0) {
      this.unrecorded.ids.push(c.customerId);
      this.unrecorded.owners.push(owner);
      this.unrecorded.provinces.push(k.provinces[province]!);
    }
    return true;
  }

  /** The rows, or null when a sum may have lost digits. */
  finish(): CountedClassRows | null {
    for (let j = 1; j < SUMS; j++) if (this.magnitude[j]! > Number.MAX_SAFE_INTEGER) return null;
    const width = this.slots.length * SUMS;
    // each grain's sums: the pairs' added up by owner, and by region
    const byOwner = new Map<number | null, Float64Array>();
    const byProvince = new Map<number, Float64Array>();
    const into = <K>(m: Map<K, Float64Array>, key: K, a: Float64Array) => {
      let t = m.get(key);
      if (!t) m.set(key, (t = new Float64Array(width)));
      for (let j = 0; j < a.length && j < width; j++) t[j] = t[j]! + a[j]!;
    };
    this.buckets.forEach((a, b) => {
      into(byOwner, this.bucketOwner[b]!, a);
      into(byProvince, this.bucketProvince[b]!, a);
    });
    const cols = Object.fromEntries(CLASS_ROW_COLUMNS.map((c) => [c, []])) as unknown as ClassRowColumns;
    const emit = (grain: 'owner' | 'province', owner: number | null, province: string | null, a: Float64Array) => {
      for (let slot = 0; slot < this.slots.length; slot++) {
        const at = slot * SUMS;
        if (a[at] === 0) continue;
        const { kind, k1, k2 } = this.slots[slot]!;
        cols.grain.push(grain);
        cols.owner_id.push(owner === null ? null : String(owner));
        cols.province.push(province);
        cols.kind.push(kind);
        cols.k1.push(k1);
        cols.k2.push(k2);
        cols.customers.push(String(a[at]));
        cols.value.push(scaled(a[at + 1]!, SCALES[1]!));
        cols.clv.push(scaled(a[at + 2]!, SCALES[2]!));
        cols.days.push(String(a[at + 3]));
        cols.expected_purchases.push(scaled(a[at + 4]!, SCALES[4]!));
        cols.expected_spend.push(scaled(a[at + 5]!, SCALES[5]!));
      }
    };
    for (const [owner, a] of byOwner) emit('owner', owner, null, a);
    for (const [province, a] of byProvince) emit('province', null, this.keys.provinces[province]!, a);
    return { columns: cols, customers: this.customers, unrecorded: this.unrecorded };
  }
}
