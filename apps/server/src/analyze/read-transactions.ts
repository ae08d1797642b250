// Reads a transactions file into columns (customer index, day, amount, order index) held in typed
// arrays, skipping and counting rows without a customer or with quantity/price ≤ 0.
import { AnalyzeInputError, rowError } from './analyze-error.js';
import type { Delimiter } from '../tabular/delimited.js';
import { detectDateFormat, parseDay } from './date-parse.js';
import type { DateFormat } from './date-parse.js';
import { columnOf, openTable } from './read-table.js';

export interface TransactionColumns {
  customer: string;
  date: string;
  amount?: string;
  quantity?: string;
  price?: string;
  order?: string;
}

export interface ReadTransactionsOptions {
  columns: TransactionColumns;
  delimiter?: Delimiter;
  dateFormat?: DateFormat;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

export interface SkippedRows {
  noCustomer: number;
  nonPositiveQuantity: number;
  nonPositivePrice: number;
  negativeAmount: number;
}

export interface Transactions {
  /** Customer ids by index. */
  customerIds: string[];
  rows: number;
  customer: Int32Array;
  day: Int32Array;
  amount: Float64Array;
  /** Interned order ids, or null without an order column. */
  order: Int32Array | null;
  orders: number;
  minDay: number;
  maxDay: number;
  skipped: SkippedRows;
  skippedRows: number;
  dateFormat: DateFormat;
}

class Growable {
  customer = new Int32Array(1 << 16);
  day = new Int32Array(1 << 16);
  amount = new Float64Array(1 << 16);
  order: Int32Array | null;
  n = 0;
  constructor(withOrder: boolean) {
    this.order = withOrder ? new Int32Array(1 << 16) : null;
  }
  push(c: number, d: number, a: number, o: number): void {
    if (this.n === this.customer.length) {
      const cap = this.n * 2;
      const grow = <T extends Int32Array | Float64Array>(src: T, make: (n: number) => T): T => {
        const dst = make(cap);
        dst.set(src);
        return dst;
      };
      this.customer = grow(this.customer, (k) => new Int32Array(k));
      this.day = grow(this.day, (k) => new Int32Array(k));
      this.amount = grow(this.amount, (k) => new Float64Array(k));
      if (this.order) this.order = grow(this.order, (k) => new Int32Array(k));
    }
    this.customer[this.n] = c;
    this.day[this.n] = d;
    this.amount[this.n] = a;
    if (this.order) this.order[this.n] = o;
    this.n++;
  }
}

function parseNumber(s: string | undefined, row: number, column: string): number {
  const t = s ?? '';
  // Number() ignores surrounding blanks but reads a blank string as 0, hence the check.
  let v = Number(t);
  if (v === 0 && t.trim() === '') v = Number.NaN;
  if (!Number.isFinite(v)) throw rowError(row, column, t.trim() === '' ? 'empty value, a number is required' : `cannot parse the number "${t.trim()}"`);
  return v;
}

/** Streams the file once; memory is O(rows) in typed arrays plus the id maps. */
export async function readTransactions(path: string, o: ReadTransactionsOptions): Promise<Transactions> {
  const cols = o.columns;
  if (cols.amount === undefined && (cols.quantity === undefined || cols.price === undefined)) {
    throw new AnalyzeInputError('give --amount COL, or both --quantity COL and --price COL');
  }
  const src = await openTable(path, o.delimiter);
  const ci = columnOf(src.header, cols.customer, '--customer', path);
  const di = columnOf(src.header, cols.date, '--date', path);
  const ai = cols.amount !== undefined ? columnOf(src.header, cols.amount, '--amount', path) : -1;
  const qi = ai < 0 ? columnOf(src.header, cols.quantity!, '--quantity', path) : -1;
  const pi = ai < 0 ? columnOf(src.header, cols.price!, '--price', path) : -1;
  const oi = cols.order !== undefined ? columnOf(src.header, cols.order, '--order', path) : -1;
  const dateName = src.header[di]!;
  const custIndex = new Map<string, number>();
  const customerIds: string[] = [];
  const orderIndex = new Map<string, number>();
  const out = new Growable(oi >= 0);
  const skipped: SkippedRows = { noCustomer: 0, nonPositiveQuantity: 0, nonPositivePrice: 0, negativeAmount: 0 };
  let format: DateFormat | undefined = o.dateFormat;
  let minDay = Infinity;
  let maxDay = -Infinity;
  let lastDateText = '';
  let lastDateKey = '';
  let lastDay = 0;
  const dayCache = new Map<string, number>();
  // Consecutive rows often share the customer and the order (lines of one invoice).
  let lastCustText = '';
  let lastCust = -1;
  let lastOrderText = '';
  let lastOrder = -1;

  const processRow = (f: string[], row: number): void => {
    const cust = (f[ci] ?? '').trim();
    if (cust === '') {
      skipped.noCustomer++;
      return;
    }
    let amount: number;
    if (ai >= 0) {
      amount = parseNumber(f[ai], row, src.header[ai]!);
      if (amount < 0) {
        skipped.negativeAmount++;
        return;
      }
    } else {
      const q = parseNumber(f[qi], row, src.header[qi]!);
      if (q <= 0) {
        skipped.nonPositiveQuantity++;
        return;
      }
      const p = parseNumber(f[pi], row, src.header[pi]!);
      if (p <= 0) {
        skipped.nonPositivePrice++;
        return;
      }
      amount = q * p;
    }
    const dt = (f[di] ?? '').trim();
    let day: number;
    if (dt === lastDateText) day = lastDay;
    else if (format === 'iso' && lastDateText.length >= 10 && dt.length > 10 && (dt.charCodeAt(10) === 32 || dt.charCodeAt(10) === 84) && dt.startsWith(lastDateKey)) {
      // Same calendar day as the previous row, another time of day.
      day = lastDay;
      lastDateText = dt;
    } else {
      // Dates repeat a lot: cache on the date part (the first 10 characters of ISO timestamps).
      const key = format === 'iso' && dt.length > 10 ? dt.slice(0, 10) : dt;
      const cached = dayCache.get(key);
      if (cached !== undefined) day = cached;
      else {
        day = parseDay(dt, format!);
        if (Number.isNaN(day)) {
          throw rowError(row, dateName, dt === '' ? 'empty date' : `cannot parse the date "${dt}" as ${format}${o.dateFormat ? '' : ' (detected; set --date-format to override)'}`);
        }
        if (dayCache.size < 100_000) dayCache.set(key, day);
      }
      lastDateText = dt;
      lastDateKey = dt.slice(0, 10);
      lastDay = day;
    }
    let c: number;
    if (cust === lastCustText) c = lastCust;
    else {
      let k = custIndex.get(cust);
      if (k === undefined) {
        k = customerIds.length;
        custIndex.set(cust, k);
        customerIds.push(cust);
      }
      c = k;
      lastCustText = cust;
      lastCust = k;
    }
    let ord = 0;
    if (oi >= 0) {
      const ot = (f[oi] ?? '').trim();
      if (ot === lastOrderText && lastOrder >= 0) ord = lastOrder;
      else {
        let k = orderIndex.get(ot);
        if (k === undefined) {
          k = orderIndex.size;
          orderIndex.set(ot, k);
        }
        ord = k;
        lastOrderText = ot;
        lastOrder = k;
      }
    }
    if (day < minDay) minDay = day;
    if (day > maxDay) maxDay = day;
    out.push(c, day, amount, ord);
  };

  // Date-format detection needs a sample: hold the first rows back until 1,000 dates are seen.
  const held: { f: string[]; row: number }[] = [];
  const decide = (): void => {
    const sample = held.map((h) => h.f[di] ?? '').filter((s) => s.trim() !== '');
    const d = detectDateFormat(sample, src.isXlsx);
    if (d === 'ambiguous') {
      throw new AnalyzeInputError(`column "${dateName}": dates like "${sample[0]}" could be month/day or day/month; set --date-format m/d/y or d/m/y`);
    }
    if (d === null) {
      const bad = held.find((h) => (h.f[di] ?? '').trim() !== '' && detectDateFormat([h.f[di]!], src.isXlsx) === null);
      const where = bad ?? held[0];
      if (!where) throw new AnalyzeInputError(`column "${dateName}": no dates found`);
      throw rowError(where.row, dateName, `cannot recognise the date "${where.f[di] ?? ''}"; formats: ISO (yyyy-mm-dd[ hh:mm[:ss]]), yyyymmdd, yyyy/m/d, m/d/yyyy, d/m/yyyy, d.m.yyyy — set --date-format`);
    }
    format = d;
  };
  const progressEvery = 1 << 18;
  let sinceProgress = 0;
  for await (const batch of src.batches) {
    for (let i = 0; i < batch.rows.length; i++) {
      const f = batch.rows[i]!;
      const row = batch.rowNumbers[i]!;
      if (format === undefined) {
        held.push({ f, row });
        if (held.length >= 1000) {
          decide();
          for (const h of held) processRow(h.f, h.row);
          held.length = 0;
        }
        continue;
      }
      processRow(f, row);
    }
    sinceProgress += batch.rows.length;
    if (o.onProgress && sinceProgress >= progressEvery) {
      sinceProgress = 0;
      o.onProgress(src.bytesRead(), src.totalBytes);
    }
  }
  if (format === undefined) {
    if (held.length === 0) throw new AnalyzeInputError(`${path}: no data rows`);
    decide();
    for (const h of held) processRow(h.f, h.row);
  }
  if (o.onProgress) o.onProgress(src.totalBytes, src.totalBytes);
  if (out.n === 0) throw new AnalyzeInputError(`${path}: no usable transactions (all rows were skipped)`);
  return {
    customerIds,
    rows: out.n,
    customer: out.customer.subarray(0, out.n),
    day: out.day.subarray(0, out.n),
    amount: out.amount.subarray(0, out.n),
    order: out.order ? out.order.subarray(0, out.n) : null,
    orders: orderIndex.size,
    minDay,
    maxDay,
    skipped,
    skippedRows: skipped.noCustomer + skipped.nonPositiveQuantity + skipped.nonPositivePrice + skipped.negativeAmount,
    dateFormat: format!,
  };
}
