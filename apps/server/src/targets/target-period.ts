// Months and quarters as calendar dates (YYYY-MM-DD strings, no time of day), and "today" in the
// company's time zone: a target period is a span of local calendar days, never of instants.
import { invalid } from '../platform/errors.js';

export type PeriodKind = 'month' | 'quarter';

export interface Period {
  /** `2026-11` or `2026-Q4`. */
  label: string;
  kind: PeriodKind;
  /** First day. */
  start: string;
  /** Last day (inclusive). */
  end: string;
  /** First day of the next period (exclusive bound for SQL). */
  next: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const ymd = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;

/** Today's date where the company is (e.g. Asia/Shanghai), whatever the server's own zone. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

function make(kind: PeriodKind, year: number, firstMonth: number): Period {
  const months = kind === 'month' ? 1 : 3;
  const nextMonthIndex = firstMonth - 1 + months;
  const nextYear = year + Math.floor(nextMonthIndex / 12);
  const nextMonth = (nextMonthIndex % 12) + 1;
  // Day 0 of the next month is the last day of this period's last month.
  const lastDay = new Date(Date.UTC(nextYear, nextMonth - 1, 0)).getUTCDate();
  const lastMonth = firstMonth + months - 1;
  return {
    label: kind === 'month' ? `${year}-${pad(firstMonth)}` : `${year}-Q${(firstMonth + 2) / 3}`,
    kind,
    start: ymd(year, firstMonth, 1),
    end: ymd(year, lastMonth, lastDay),
    next: ymd(nextYear, nextMonth, 1),
  };
}

/** The month or quarter that contains a date. */
export function periodContaining(kind: PeriodKind, date: string): Period {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  return make(kind, year, kind === 'month' ? month : month - ((month - 1) % 3));
}

/** `2026-11`, `2026-Q4`, or `month` / `quarter` for the one containing `today`. */
export function parsePeriod(param: string, today: string): Period {
  if (param === 'month' || param === 'quarter') return periodContaining(param, today);
  const q = /^(\d{4})-Q([1-4])$/.exec(param);
  if (q) return make('quarter', Number(q[1]), (Number(q[2]) - 1) * 3 + 1);
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(param);
  if (m) return make('month', Number(m[1]), Number(m[2]));
  throw invalid('period', 'a month like 2026-11, a quarter like 2026-Q4, or month / quarter');
}

/** The period that starts on `start` (already validated as a month or quarter start). */
export const periodStartingOn = (kind: PeriodKind, start: string): Period => periodContaining(kind, start);

const dayNumber = (date: string) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000;

/**
 * Time progress (时间进度) of a period on `asOf`, in percent with one decimal: the days elapsed
 * counting `asOf` itself, over the days of the period — 0 before it starts, 100 after it ends.
 * A target is on schedule when its completion keeps pace with this share.
 */
export function expectedPercent(period: Period, asOf: string): number {
  const days = dayNumber(period.next) - dayNumber(period.start);
  const elapsed = Math.min(Math.max(dayNumber(asOf) - dayNumber(period.start) + 1, 0), days);
  return Math.round((elapsed * 1000) / days) / 10;
}
