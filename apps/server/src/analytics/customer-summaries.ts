// The one SQL aggregate behind the stored scores: a summary row per live customer from its orders
// (net of returns) with the calibration summary of the purchase models, computed exactly as
// summariseCustomers (analyze/summarise-customers.ts) does from a file, plus the CRM-only churn inputs.
// One streaming pass: orders_analytics_idx gives the orders in (customer, date) order, window
// functions find each order's period, a GroupAggregate folds them per customer (no sort, no hash
// of millions of groups), and a binary COPY fills typed arrays as it streams (db/copy-out.ts).
import { sql, type SQL } from 'drizzle-orm';
import { trackedMetrics } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { copyOut, TextValues, type BinaryRow } from '../db/copy-out.js';
import { refreshStatistics } from '../db/statistics.js';

export interface SummaryQuery {
  /** Exclusive end of the observation (yyyy-mm-dd). */
  asOf: string;
  /** First day counted (yyyy-mm-dd), or null for all history. */
  windowStart: string | null;
  /** Days per model time unit (1 or 7). */
  unitDays: number;
  /** Last day (inclusive) of the calibration period; default the day before asOf. */
  calibrationEnd?: string;
  /** Only these customers (incremental refresh); all live customers otherwise. */
  customerIds?: number[];
  /** Also the summary of a second calibration ending on this day (the model check), from the same pass. */
  checkEnd?: string;
  /** Only the customers whose id is in this range (inclusive): one part of a full read split across connections. */
  idRange?: { from: number; to: number };
  /** Also each customer's previous scores (CustomerSummaryColumns.previous): what a full run's write keeps or records as a change. */
  previous?: boolean;
  /** Also the owner and region the dashboards' record counts each customer under (CustomerSummaryColumns.rollup). */
  rollupKeys?: boolean;
}

/**
 * Each customer's scores before this run, read in the same pass (a full run replaces the table, so
 * the write cannot join them): whether it had any, its class of each tracked metric (trackedMetrics) and its
 * lifecycle_since.
 */
export interface PreviousScoreColumns {
  /** 1 when the customer had scores before this run. */
  hadScores: Uint8Array;
  /** Per metric, the index into `values` of the previous class (-1: none). */
  classes: Record<(typeof trackedMetrics)[number], Float64Array>;
  values: string[];
  /** Days since 1970-01-01 of the previous lifecycle_since (NaN: none). */
  since: Float64Array;
  /** The customer's importance now: index into `values` (-1: none), and who set it (0 nobody, 1 by hand, 2 computed). */
  importance: Float64Array;
  importanceSource: Float64Array;
  /** The as-of day (days since 1970-01-01). */
  asOfDay: number;
}

/**
 * The owner and region the dashboards' per-customer record counts each customer under (its current
 * ones when it has no record yet), for a full run's class rows (class-rows.ts).
 */
export interface RollupKeyColumns {
  /** Owner id (NaN: none). */
  owner: Float64Array;
  /** Index into `provinces` ('' when unknown). */
  province: Float64Array;
  provinces: string[];
  /** 1 when the customer has a record (analytics_rollup_customers), 0 when `owner` and `province` are its current ones. */
  recorded: Uint8Array;
}

/** The calibration summary of the model check: calibration up to `checkEnd`, the rest of the observation as holdout. */
export interface CalibrationColumns {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  meanSpend: Float64Array;
  holdout: Float64Array;
  holdoutRevenue: Float64Array;
}

/** Columnar per-customer summary, customers in ascending id order. Amounts are floats for the models only; storage keeps the exact text. */
export interface CustomerSummaryColumns {
  n: number;
  ids: number[];
  /**
   * Exact net revenue and margin in cents, for storage (0 without orders); NaN for the rare amount
   * that is not a whole number of cents below 10^15, whose exact text is then in `amountTexts`.
   */
  monetaryCents: Float64Array;
  marginCents: Float64Array;
  /** The exact text of the amounts not held in cents, by customer index. */
  amountTexts: { monetary: Map<number, string>; margin: Map<number, string> };
  /** Days since 1970-01-01 of the first and last purchase (NaN without any). */
  firstDay: Float64Array;
  lastDay: Float64Array;
  purchased: Uint8Array;
  recencyDays: Float64Array;
  frequency: Float64Array;
  monetary: Float64Array;
  margin: Float64Array;
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  meanSpend: Float64Array;
  trend: Float64Array;
  spendTrend: Float64Array;
  /** Repeat purchase periods after the calibration end (NaN when not asked or outside calibration). */
  holdout: Float64Array;
  /** Net revenue after the calibration end. */
  holdoutRevenue: Float64Array;
  /** Days the oldest unpaid instalment is overdue (0 when none; NaN without any instalment). */
  overdueDays: Float64Array;
  /** Last done return visit's satisfaction (1–5), NaN when never surveyed. */
  satisfaction: Float64Array;
  openComplaints: Float64Array;
  /** Present when asked for with `checkEnd`. */
  check?: CalibrationColumns;
  /** Present when asked for with `previous`. */
  previous?: PreviousScoreColumns;
  /** Present when asked for with `rollupKeys`. */
  rollup?: RollupKeyColumns;
}


const dayOf = (d: string): SQL => sql`(${d}::date - date '1970-01-01')`;

/**
 * An amount of the summary as its cents (an int8: no text made and parsed, as numeric to float8 does)
 * when it is a whole number of cents below 10^15 — every sum of two-place columns short of ten
 * trillion — and else as its exact text: the two columns `<name>_cents` and `<name>`, one of them null.
 */
function amountColumns(amount: SQL, name: string): SQL {
  const exact = sql`scale(${amount}) <= 2 and abs(${amount}) < 10000000000000`;
  return sql`case when ${exact} then (${amount} * 100)::int8 end as ${sql.raw(`${name}_cents`)},
           case when not (${exact}) then ${amount}::text end as ${sql.raw(name)}`;
}

/**
 * The calibration summary for calibration end `c` (a day number) over the per-order rows of one
 * customer: a purchase period is `p = (day − first) / unit` from the customer's first purchase and
 * `new_period` marks the first order of each period, so periods are counted without grouping by them.
 * `whole`: the calibration ends the day before the as-of, so every counted order is in it and the
 * holdout is empty — no per-order test for either (a third of the per-customer aggregate's time).
 * With `trends`, the early half's periods and spend; the late half's are the rest of the repeat ones,
 * in summarySql's final select: the only period-0 start is the first purchase, so the repeat periods are x.
 */
function calibration(c: SQL, prefix: string, trends: boolean, whole: boolean): SQL {
  const col = (name: string) => sql.raw(`${prefix}${name}`);
  const where = (...tests: SQL[]) => {
    const all = whole ? tests : [sql`day <= ${c}`, ...tests];
    return all.length ? sql` filter (where ${sql.join(all, sql` and `)})` : sql``;
  };
  const early = sql`2 * day < first + ${c} + 1`;
  return sql`
    (count(*)${where(sql`new_period`)})::int - 1 as ${col('x')},
    max(day)${where()} as ${col('last_cal')},
    sum(amt)${where(sql`p >= 1`)} as ${col('repeat_spend')},
    ${c} as ${col('cal_end')},
    ${
      trends
        ? sql`(count(*)${where(sql`new_period`, sql`p >= 1`, early)})::int as ${col('early')},
    coalesce(sum(amt)${where(sql`p >= 1`, early)}, 0) as ${col('early_spend')},`
        : sql``
    }
    ${whole ? sql`0::float8` : sql`coalesce(sum(amt) filter (where day > ${c}), 0)`} as ${col('holdout_revenue')},
    ${whole ? sql`0` : sql`(count(*) filter (where new_period and day > ${c} and first <= ${c}))::int`} as ${col('holdout')}`;
}

/** x, t_x, T and the mean repeat spend of one calibration, from its aggregate columns (null T: first purchase after the calibration end). */
function modelColumns(unitDays: number, prefix: string): SQL {
  const col = (name: string) => sql.raw(`s.${prefix}${name}`);
  const out = (name: string) => sql.raw(`${prefix === '' ? '' : 'c_'}${name}`);
  return sql`${col('x')} as ${out('x')},
    case when ${col('x')} > 0 then (${col('last_cal')} - s.first)::float8 / ${unitDays}::int else 0 end as ${out('tx')},
    case when s.first <= ${col('cal_end')} then (${col('cal_end')} + 1 - s.first)::float8 / ${unitDays}::int end as ${prefix === '' ? sql.raw('big_t') : sql.raw('c_t')},
    case when ${col('x')} > 0 then (${col('repeat_spend')} / ${col('x')})::float8 else 0 end as ${out('mean_spend')},
    ${col('holdout')} as ${out('holdout')}, ${col('holdout_revenue')}::float8 as ${out('holdout_revenue')}`;
}

/**
 * Orders count when confirmed or fulfilled, not deleted, dated before the as-of (and within the
 * window); amounts are net of returns. Two orders on one day are one purchase day (same period) but
 * two orders in the frequency; the periods are counted from the first purchase in the window.
 */
export function summarySql(q: SummaryQuery): SQL {
  const asOf = sql`${q.asOf}::date`;
  const asOfDay = dayOf(q.asOf);
  const calEnd = q.calibrationEnd ? dayOf(q.calibrationEnd) : sql`(${asOfDay} - 1)`;
  const ids = q.customerIds ? sql`${`{${q.customerIds.join(',')}}`}::bigint[]` : null;
  const only = (col: SQL) =>
    ids ? sql`and ${col} = any(${ids})` : q.idRange ? sql`and ${col} between ${q.idRange.from} and ${q.idRange.to}` : sql``;
  const counted = (o: string) => {
    const c = (name: string) => sql.raw(`${o}.${name}`);
    return sql`${c('deleted_at')} is null and ${c('status')} in ('confirmed', 'fulfilled') and ${c('order_date')} < ${asOf}
      ${q.windowStart ? sql`and ${c('order_date')} >= ${q.windowStart}::date` : sql``} ${only(c('customer_id'))}`;
  };
  const unit = sql`${q.unitDays}::int`;
  const checkEnd = q.checkEnd ? dayOf(q.checkEnd) : null;
  return sql`
    with counted as (
      -- in (customer, date) order straight from orders_analytics_idx: both window functions share it
      -- the margin net of returns: what the order's returns took back is their amount less their cost
      select o.customer_id, o.order_date - date '1970-01-01' as day, o.total - o.returned_amount as amount,
             o.gross_margin - (o.returned_amount - o.returned_cost) as gross_margin,
             first_value(o.order_date) over w - date '1970-01-01' as first,
             lag(o.order_date) over w - date '1970-01-01' as prev
      from orders o
      where ${counted('o')}
      -- a rows frame: first_value is the partition's first row either way, and the default range frame
      -- looked for each order's peers (1.22 → 1.02 s per 2.2M orders)
      window w as (partition by o.customer_id order by o.order_date rows between unbounded preceding and current row)
    ),
    flagged as (
      -- amt: the float the models take (summed fast); amount stays numeric for the stored totals
      select customer_id, day, amount, amount::float8 as amt, gross_margin, first, (day - first) / ${unit} as p,
             prev is null or (prev - first) / ${unit} <> (day - first) / ${unit} as new_period
      from counted
    ),
    per_customer as (
      select customer_id, min(first) as first, min(day) as first_day, max(day) as last_day, count(*)::int as frequency,
             sum(amount) as monetary, sum(gross_margin) as gross_margin,
             ${calibration(calEnd, '', true, !q.calibrationEnd)}
             ${checkEnd ? sql`, ${calibration(checkEnd, 'c_', false, false)}` : sql``}
      from flagged group by customer_id
    ),
    -- the side aggregates are materialised once, never re-run per customer whatever the planner estimates
    overdue as materialized (
      select i.customer_id,
             max(${asOf} - i.due_date) filter (where i.paid_amount < i.amount and i.due_date < ${asOf}) as days
      -- the instalments alone (their customer is the order's, receivables.table.ts), less the few of
      -- deleted orders (orders_deleted_idx): joining orders hashed all 10M of them (~9 s of a full
      -- read's first batch), and looking each instalment's order up by key (an incremental read)
      -- fetched a random page of orders for each: 0.3–1.3 s of a 10,000-customer read, against 30 ms
      from payment_instalments i
      where i.deleted_at is null and not exists (select 1 from orders o where o.id = i.order_id and o.deleted_at is not null) ${only(sql`i.customer_id`)}
      group by 1
    ),
    surveys as materialized (
      select distinct on (customer_id) customer_id, satisfaction from return_visits
      where status = 'done' and deleted_at is null and satisfaction is not null ${only(sql`customer_id`)}
      order by customer_id, done_at desc nulls last, id desc
    ),
    complaints as materialized (
      select customer_id, count(*)::int as open from tickets
      where type = 'complaint' and deleted_at is null and status not in ('resolved', 'closed') and customer_id is not null ${only(sql`customer_id`)}
      group by 1
    )
    select c.id, s.first_day, s.last_day, s.frequency, ${amountColumns(sql`s.monetary`, 'monetary')}, ${amountColumns(sql`s.gross_margin`, 'margin')},
           ${modelColumns(q.unitDays, '')},
           s.early, greatest(s.x, 0) - s.early as late, s.early_spend::float8 as early_spend, (coalesce(s.repeat_spend, 0) - s.early_spend)::float8 as late_spend,
           ${checkEnd ? sql`${modelColumns(q.unitDays, 'c_')},` : sql``}
           od.days as overdue_days, od.customer_id is not null as has_plan,
           sv.satisfaction, cp.open as complaints
           ${
             q.previous
               ? sql`, om.customer_id is not null as had_scores, om.lifecycle_since - date '1970-01-01' as old_since,
           ${sql.raw(trackedMetrics.map((m) => `om.${m} as prev_${m}`).join(', '))},
           c.importance, case c.importance_source when 'manual' then 1 when 'computed' then 2 else 0 end as importance_source`
               : sql``
           }
           ${
             q.rollupKeys
               ? sql`, rc.customer_id is not null as recorded,
           case when rc.customer_id is not null then rc.owner_id else c.owner_id end as rollup_owner,
           case when rc.customer_id is not null then rc.province else coalesce(c.province, '') end as rollup_province`
               : sql``
           }
    from customers c
    left join per_customer s on s.customer_id = c.id
    left join overdue od on od.customer_id = c.id
    left join surveys sv on sv.customer_id = c.id
    left join complaints cp on cp.customer_id = c.id
    ${q.previous ? sql`left join customer_metrics om on om.customer_id = c.id ${only(sql`om.customer_id`)}` : sql``}
    ${q.rollupKeys ? sql`left join analytics_rollup_customers rc on rc.customer_id = c.id ${only(sql`rc.customer_id`)}` : sql``}
    where c.deleted_at is null and c.merged_into is null ${only(sql`c.id`)}
    order by c.id`;
}

/** Grows typed columns as batches arrive (the customer count is known only at the end). */
class Columns {
  n = 0;
  readonly f: Record<string, Float64Array> = {};
  /** The few amounts not held in cents, by row. */
  readonly texts = { monetary: new Map<number, string>(), margin: new Map<number, string>() };
  constructor(
    private readonly floats: readonly string[],
    /** Rows expected (room made for them at once: each doubling of 40 columns re-fills and copies them all). */
    private cap = 1024,
  ) {
    this.cap = Math.max(1, cap);
    for (const k of floats) this.f[k] = new Float64Array(this.cap).fill(Number.NaN);
  }
  ensure(extra: number): void {
    if (this.n + extra <= this.cap) return;
    while (this.cap < this.n + extra) this.cap *= 2;
    for (const k of this.floats) {
      const next = new Float64Array(this.cap).fill(Number.NaN);
      next.set(this.f[k]!);
      this.f[k] = next;
    }
  }
  /** A column's rows (the column itself when it holds exactly them; the columns are not used after). */
  take(name: string): Float64Array {
    const column = this.f[name]!;
    return column.length === this.n ? column : column.slice(0, this.n);
  }
  /** The parts' rows one after another, in the order given. */
  static concat(parts: Columns[]): Columns {
    const first = parts[0]!;
    const all = new Columns(first.floats, parts.reduce((n, p) => n + p.n, 0));
    for (const p of parts) {
      for (const k of first.floats) all.f[k]!.set(p.f[k]!.subarray(0, p.n), all.n);
      for (const k of ['monetary', 'margin'] as const) for (const [row, v] of p.texts[k]) all.texts[k].set(all.n + row, v);
      all.n += p.n;
    }
    return all;
  }
}

const FLOATS = [
  'id', 'firstDay', 'lastDay', 'recencyDays', 'frequency', 'monetary', 'margin', 'monetaryCents', 'marginCents', 'x', 'tx', 'T', 'meanSpend', 'trend', 'spendTrend', 'holdout', 'holdoutRevenue',
  'overdueDays', 'satisfaction', 'openComplaints', 'purchased', 'cx', 'ctx', 'cT', 'cMeanSpend', 'cHoldout', 'cHoldoutRevenue',
  'hadScores', 'oldSince', ...trackedMetrics.map((m) => `prev_${m}` as const), 'importance', 'importanceSource', 'rollupOwner', 'rollupProvince', 'recorded',
] as const;

/**
 * The summary's columns as the binary COPY sends them: every number as float8 (read where it lies),
 * the amounts as their cents (or their exact text, amountColumns), classes and regions as text. In
 * select-list order; `F` indexes them by name.
 */
const OUT = [
  'id', 'first_day', 'last_day', 'frequency', 'monetary_cents', 'monetary', 'margin_cents', 'margin', 'x', 'tx', 'big_t', 'mean_spend', 'holdout', 'holdout_revenue', 'early', 'late', 'early_spend', 'late_spend',
  'c_x', 'c_tx', 'c_t', 'c_mean_spend', 'c_holdout', 'c_holdout_revenue', 'overdue_days', 'has_plan', 'satisfaction', 'complaints',
] as const;
const PREVIOUS_OUT = ['had_scores', 'old_since', ...trackedMetrics.map((m) => `prev_${m}` as const), 'importance', 'importance_source'] as const;
const ROLLUP_OUT = ['recorded', 'rollup_owner', 'rollup_province'] as const;
const TEXT_OUT = new Set<string>(['monetary', 'margin', 'rollup_province', 'importance', ...trackedMetrics.map((m) => `prev_${m}`)]);
const BOOL_OUT = new Set<string>(['has_plan', 'recorded', 'had_scores']);
/** Field numbers of one read: OUT's, then PREVIOUS_OUT's and ROLLUP_OUT's when asked for. */
function fieldsOf(q: SummaryQuery): Record<string, number> {
  const names = [...OUT, ...(q.previous ? PREVIOUS_OUT : []), ...(q.rollupKeys ? ROLLUP_OUT : [])];
  return Object.fromEntries(names.map((name, k) => [name, k]));
}

/** The summary as readPart reads it: fieldsOf(q)'s columns as float8 or text, in id order. */
export function summaryReadSql(q: SummaryQuery): SQL {
  const select = Object.keys(fieldsOf(q))
    .map((name) => (TEXT_OUT.has(name) ? `s.${name}` : BOOL_OUT.has(name) ? `s.${name}::int::float8` : `s.${name}::float8`))
    .join(', ');
  // the check's columns exist only when asked for
  return sql`select ${sql.raw(q.checkEnd ? select : select.replace(/s\.c_(\w+)::float8/g, 'null::float8'))} from (${summarySql(q)}) s order by s.id`;
}

/** One query's summary rows into columns, as the COPY streams them. */
async function readPart(
  database: Database,
  q: SummaryQuery,
  settings: Record<string, string>,
  dictionaries: { provinces: TextValues; classes: TextValues },
  expected: number,
): Promise<Columns> {
  const F = fieldsOf(q) as Record<(typeof OUT)[number] | (typeof PREVIOUS_OUT)[number] | (typeof ROLLUP_OUT)[number], number>;
  const previous = trackedMetrics.map((m) => [F[`prev_${m}`], `prev_${m}`] as const);
  const cols = new Columns(FLOATS, expected);
  const asOfDay = Math.round(Date.parse(`${q.asOf}T00:00:00Z`) / 86_400_000);
  const withCheck = Boolean(q.checkEnd);
  const query = summaryReadSql(q);
  const { f, texts } = cols;
  /** An amount in cents into its column (0 when null), or NaN there and its text aside; its value as a float for the models. */
  const amount = (r: BinaryRow, cents: number, text: number, column: Float64Array, aside: Map<number, string>, i: number): number => {
    const c = r.float8(cents);
    if (!Number.isNaN(c)) {
      column[i] = c;
      // the float nearest the decimal, as Number of its text gives: both round the exact quotient once
      return c / 100;
    }
    const t = r.text(text);
    if (t === null) {
      column[i] = 0;
      return 0;
    }
    column[i] = Number.NaN;
    aside.set(i, t);
    return Number(t);
  };
  await copyOut(
    database,
    query,
    (r) => {
      cols.ensure(1);
      const i = cols.n++;
      f.id![i] = r.float8(F.id);
      const monetary = amount(r, F.monetary_cents, F.monetary, f.monetaryCents!, texts.monetary, i);
      const margin = amount(r, F.margin_cents, F.margin, f.marginCents!, texts.margin, i);
      const overdue = r.float8(F.overdue_days);
      f.overdueDays![i] = r.float8(F.has_plan) === 1 ? (Number.isNaN(overdue) ? 0 : overdue) : Number.NaN;
      f.satisfaction![i] = r.float8(F.satisfaction);
      if (q.previous) {
        f.hadScores![i] = r.float8(F.had_scores);
        f.oldSince![i] = r.float8(F.old_since);
        for (const [field, name] of previous) f[name]![i] = r.textIn(field, dictionaries.classes);
        f.importance![i] = r.textIn(F.importance, dictionaries.classes);
        f.importanceSource![i] = r.float8(F.importance_source);
      }
      if (q.rollupKeys) {
        f.recorded![i] = r.float8(F.recorded);
        f.rollupOwner![i] = r.float8(F.rollup_owner);
        const province = r.textIn(F.rollup_province, dictionaries.provinces);
        f.rollupProvince![i] = province < 0 ? dictionaries.provinces.of('') : province;
      }
      const complaints = r.float8(F.complaints);
      f.openComplaints![i] = Number.isNaN(complaints) ? 0 : complaints;
      f.frequency![i] = 0;
      f.monetary![i] = 0;
      f.margin![i] = 0;
      f.holdoutRevenue![i] = 0;
      f.purchased![i] = 0;
      if (r.isNull(F.frequency)) return;
      f.purchased![i] = 1;
      const lastDay = r.float8(F.last_day);
      f.firstDay![i] = r.float8(F.first_day);
      f.lastDay![i] = lastDay;
      f.recencyDays![i] = asOfDay - lastDay;
      f.frequency![i] = r.float8(F.frequency);
      f.monetary![i] = monetary;
      f.margin![i] = margin;
      f.holdoutRevenue![i] = r.float8(F.holdout_revenue);
      if (withCheck) {
        f.cHoldoutRevenue![i] = r.float8(F.c_holdout_revenue);
        if (!r.isNull(F.c_t)) {
          f.cx![i] = r.float8(F.c_x);
          f.ctx![i] = r.float8(F.c_tx);
          f.cT![i] = r.float8(F.c_t);
          f.cMeanSpend![i] = r.float8(F.c_mean_spend);
          f.cHoldout![i] = r.float8(F.c_holdout);
        }
      }
      if (r.isNull(F.big_t)) return; // first purchase after the calibration end
      f.x![i] = r.float8(F.x);
      f.tx![i] = r.float8(F.tx);
      f.T![i] = r.float8(F.big_t);
      f.meanSpend![i] = r.float8(F.mean_spend);
      const early = r.float8(F.early);
      const late = r.float8(F.late);
      const m = Math.max(early, late);
      f.trend![i] = m === 0 ? 0 : (late - early) / m;
      const es = r.float8(F.early_spend);
      const ls = r.float8(F.late_spend);
      const ms = Math.max(es, ls);
      f.spendTrend![i] = ms === 0 ? 0 : (ls - es) / ms;
      f.holdout![i] = q.calibrationEnd ? r.float8(F.holdout) : Number.NaN;
    },
    settings,
  );
  return cols;
}

/**
 * Parts a full read on PostgreSQL is split into, by customer id, each read on a connection of its
 * own at once: the ordered pass gets no parallel plan, and one backend took ~18 s of the ~20 s aggregate of
 * 10M orders alone (bench/analytics-refresh/notes.md). PGlite has one connection: one part.
 */
export const FULL_READ_PARTS = 2;

/**
 * What a part's read costs per order and per customer, as shares of a full read's: on the 1M-customer,
 * 9.4M-order data set ~1.35 µs an order and ~4.5 µs a customer (the joins and columns of its summary
 * row), fitted from four id ranges' reads. Cut at equal orders, the part with the later customers,
 * who have fewer orders each, held half again as many customers and took the longer
 * (bench/analytics-refresh/notes.md).
 */
const PART_COST = { orders: 0.74, customers: 0.26 };

/** The share of a column's rows at or below `x`, from its histogram bounds in the planner's statistics (equal rows per bucket). */
function shareBelow(bounds: number[], x: number): number {
  const buckets = bounds.length - 1;
  if (buckets < 1) return 0;
  if (x < bounds[0]!) return 0;
  if (x >= bounds[buckets]!) return 1;
  let k = 0;
  while (k < buckets - 1 && bounds[k + 1]! <= x) k++;
  const lo = bounds[k]!;
  const hi = bounds[k + 1]!;
  return (k + (hi > lo ? (x - lo) / (hi - lo) : 0)) / buckets;
}

/**
 * Ascending id ranges over the live customers' ids of about equal cost (PART_COST): cut where the
 * weighted shares of orders.customer_id and customers.id in the planner's statistics reach each
 * part's share (early customers have more orders: at equal widths one part held 6.5M of 10M orders),
 * else of equal width.
 */
async function idRanges(database: Database, parts: number): Promise<{ ranges: Array<{ from: number; to: number }>; customers: number }> {
  const [r] = await database.rows<{ lo: number | null; hi: number | null; orders: string | null; ids: string | null; customers: number }>(sql`
    select (select min(id) from customers where deleted_at is null and merged_into is null) as lo,
      (select max(id) from customers where deleted_at is null and merged_into is null) as hi,
      (select histogram_bounds::text from pg_stats where schemaname = current_schema() and tablename = 'orders' and attname = 'customer_id') as orders,
      (select histogram_bounds::text from pg_stats where schemaname = current_schema() and tablename = 'customers' and attname = 'id') as ids,
      (select greatest(reltuples, 0)::float8 from pg_class where oid = 'customers'::regclass) as customers`);
  const customers = Number(r?.customers ?? 0);
  if (r?.lo === null || r?.lo === undefined || r.hi === null) return { ranges: [], customers };
  const lo = Number(r.lo);
  const hi = Number(r.hi);
  const boundsOf = (text: string | null) => (text ? text.replace(/[{}]/g, '').split(',').map(Number) : []);
  const orderBounds = boundsOf(r.orders);
  const idBounds = boundsOf(r.ids);
  // without a histogram of the customers, their ids are taken as spread evenly
  const customerShare = (x: number) => (idBounds.length > parts ? shareBelow(idBounds, x) : hi > lo ? (x - lo) / (hi - lo) : 1);
  const cost = (x: number) => (orderBounds.length > parts ? PART_COST.orders * shareBelow(orderBounds, x) + PART_COST.customers * customerShare(x) : customerShare(x));
  const cuts: number[] = [];
  for (let k = 1; k < parts; k++) {
    // the first id past which a part's share of the cost is reached (cost is non-decreasing in the id)
    let a = lo;
    let b = hi;
    while (a < b) {
      const mid = Math.floor((a + b) / 2);
      if (cost(mid) < k / parts) a = mid + 1;
      else b = mid;
    }
    if (a > (cuts.at(-1) ?? lo) && a <= hi) cuts.push(a);
  }
  const starts = [lo, ...cuts];
  return { ranges: starts.map((from, k) => ({ from, to: k + 1 < starts.length ? starts[k + 1]! - 1 : hi })), customers };
}

export async function readCustomerSummaries(database: Database, q: SummaryQuery): Promise<CustomerSummaryColumns> {
  // the per-customer hashes (overdue, surveys) stay in memory instead of spilling in batches;
  // a few customers (incremental) take milliseconds to run, more than JIT would take to compile
  // Every customer: random_page_cost 1.1 (the usual figure for SSDs and cached data) was set when the
  // read looked up each return's order by key, which the default 4 (a disk's) had hash all 10M orders
  // for (29 → 25 s); the returns' cost is in the orders' index now, and the plan is measured with it.
  const settings: Record<string, string> = q.customerIds ? { work_mem: '128MB', jit: 'off' } : { work_mem: '128MB', random_page_cost: '1.1' };
  // PGlite has no autovacuum, so its tables never get statistics and the planner takes them for
  // empty: it then re-ran the per-customer side aggregates once per customer (127 s for the 3,000
  // demo customers). Statistics of the tables read here, taken before a full read, cost a moment.
  if (!q.customerIds) await refreshStatistics(database, ['customers', 'orders', 'order_returns', 'payment_instalments', 'return_visits', 'tickets']);
  // Each part reads in a snapshot of its own, a moment apart: a customer's rows all come from one
  // of them, and an order committed in between is after the run's mark (orders_seen_until), so the
  // next incremental run takes it as a change.
  const split = !q.customerIds && !q.idRange && database.driver !== 'pglite' ? await idRanges(database, FULL_READ_PARTS) : null;
  const dictionaries = { provinces: new TextValues(), classes: new TextValues() };
  // room for a part's customers at once: at most its ids, at most the table's estimated rows (a million rows' doublings were a second of the read)
  const parts =
    split && split.ranges.length > 1
      ? await Promise.all(
          split.ranges.map((idRange) => readPart(database, { ...q, idRange }, settings, dictionaries, Math.min(idRange.to - idRange.from + 1, Math.ceil(split.customers * 1.02) + 1024))),
        )
      : [await readPart(database, q, settings, dictionaries, q.customerIds ? q.customerIds.length : 1024)];
  const cols = parts.length === 1 ? parts[0]! : Columns.concat(parts);
  const t = (k: (typeof FLOATS)[number]) => cols.take(k);
  return {
    n: cols.n,
    ids: Array.from(t('id')),
    monetaryCents: t('monetaryCents'),
    marginCents: t('marginCents'),
    amountTexts: cols.texts,
    firstDay: t('firstDay'),
    lastDay: t('lastDay'),
    purchased: Uint8Array.from(t('purchased')),
    recencyDays: t('recencyDays'),
    frequency: t('frequency'),
    monetary: t('monetary'),
    margin: t('margin'),
    x: t('x'),
    tx: t('tx'),
    T: t('T'),
    meanSpend: t('meanSpend'),
    trend: t('trend'),
    spendTrend: t('spendTrend'),
    holdout: t('holdout'),
    holdoutRevenue: t('holdoutRevenue'),
    overdueDays: t('overdueDays'),
    satisfaction: t('satisfaction'),
    openComplaints: t('openComplaints'),
    ...(q.checkEnd
      ? { check: { x: t('cx'), tx: t('ctx'), T: t('cT'), meanSpend: t('cMeanSpend'), holdout: t('cHoldout'), holdoutRevenue: t('cHoldoutRevenue') } }
      : {}),
    ...(q.previous
      ? {
          previous: {
            hadScores: Uint8Array.from(t('hadScores')),
            classes: Object.fromEntries(trackedMetrics.map((m) => [m, t(`prev_${m}`)])) as PreviousScoreColumns['classes'],
            values: dictionaries.classes.values,
            since: t('oldSince'),
            importance: t('importance'),
            importanceSource: t('importanceSource'),
            asOfDay: Math.round(Date.parse(`${q.asOf}T00:00:00Z`) / 86_400_000),
          },
        }
      : {}),
    ...(q.rollupKeys
      ? { rollup: { owner: t('rollupOwner'), province: t('rollupProvince'), provinces: dictionaries.provinces.values, recorded: Uint8Array.from(t('recorded')) } }
      : {}),
  };
}
