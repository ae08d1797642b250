// Business-time arithmetic for SLA clocks (服务标准与承诺: response and resolution limits count
// working time only). Pure functions over a calendar: working weekdays, one or two spans of hours
// per day, holidays and make-up working days (调休), all read as wall-clock time in the calendar's
// time zone; optional pauses (waiting on the customer) are taken out like holidays.
//
// Everything is in milliseconds inside; the public functions speak whole or fractional minutes.

export interface WorkingSpan {
  /** 'HH:MM' local time, start inclusive. */
  start: string;
  /** 'HH:MM' local time, end exclusive; after start. */
  end: string;
}

export interface BusinessCalendar {
  timeZone: string;
  /** ISO weekdays that are normally worked: 1 = Monday … 7 = Sunday. */
  workingDays: readonly number[];
  /** The spans of a working day, in order and not overlapping (e.g. 09:00–12:00, 13:30–18:00). */
  hours: readonly WorkingSpan[];
  /** Dates ('YYYY-MM-DD', local) not worked although their weekday is (public holidays). */
  holidays: ReadonlySet<string>;
  /** Dates worked although their weekday is not (调休 make-up working days). */
  workdays: ReadonlySet<string>;
}

/** A stretch of time in which the clock stands still, [from, to). */
export interface Pause {
  from: Date;
  to: Date;
}

const MINUTE = 60_000;
/** No calendar needs more than ten years to find its next working minute; a longer search means there is none. */
const MAX_DAYS = 3_660;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone's offset from UTC at instant `ms`, in ms (local − UTC). */
function offsetAt(timeZone: string, ms: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

interface LocalDay {
  y: number;
  m: number;
  d: number;
}

function localDayOf(timeZone: string, ms: number): LocalDay {
  const local = new Date(ms + offsetAt(timeZone, ms));
  return { y: local.getUTCFullYear(), m: local.getUTCMonth() + 1, d: local.getUTCDate() };
}

function nextDay(day: LocalDay, by = 1): LocalDay {
  const t = new Date(Date.UTC(day.y, day.m - 1, day.d + by));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

const pad = (n: number) => String(n).padStart(2, '0');
export const dayKey = (day: LocalDay) => `${day.y}-${pad(day.m)}-${pad(day.d)}`;

/** The instant at which the local wall clock shows `minutes` past midnight of `day`. */
function instantOf(timeZone: string, day: LocalDay, minutes: number): number {
  const wall = Date.UTC(day.y, day.m - 1, day.d) + minutes * MINUTE;
  let guess = wall - offsetAt(timeZone, wall);
  // a second pass settles days on which the offset changes (summer time)
  guess = wall - offsetAt(timeZone, guess);
  return guess;
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

export function isWorkingDay(cal: BusinessCalendar, day: LocalDay): boolean {
  const key = dayKey(day);
  if (cal.workdays.has(key)) return true;
  if (cal.holidays.has(key)) return false;
  const weekday = new Date(Date.UTC(day.y, day.m - 1, day.d)).getUTCDay() || 7;
  return cal.workingDays.includes(weekday);
}

/** The working spans of one local day as [start, end) instants, with the pauses cut out. */
function spansOf(cal: BusinessCalendar, day: LocalDay, pauses: readonly Pause[]): Array<[number, number]> {
  if (!isWorkingDay(cal, day)) return [];
  let spans: Array<[number, number]> = cal.hours.map((h) => [instantOf(cal.timeZone, day, minutesOf(h.start)), instantOf(cal.timeZone, day, minutesOf(h.end))]);
  for (const p of pauses) {
    const from = p.from.getTime();
    const to = p.to.getTime();
    if (to <= from) continue;
    spans = spans.flatMap(([s, e]): Array<[number, number]> => {
      if (to <= s || from >= e) return [[s, e]];
      const out: Array<[number, number]> = [];
      if (from > s) out.push([s, from]);
      if (to < e) out.push([to, e]);
      return out;
    });
  }
  return spans;
}

function checkCalendar(cal: BusinessCalendar): void {
  if (!cal.hours.length) throw new Error('a business calendar needs working hours');
}

/**
 * The instant `minutes` business minutes after `from`. Adding 0 gives `from` itself; a result
 * that falls on the end of a span stays there (it does not jump to the next span's start), which
 * keeps add(t, a + b) = add(add(t, a), b).
 */
export function addBusinessMinutes(cal: BusinessCalendar, from: Date, minutes: number, pauses: readonly Pause[] = []): Date {
  checkCalendar(cal);
  if (minutes < 0) throw new RangeError('minutes must not be negative');
  let left = Math.round(minutes * MINUTE);
  const t = from.getTime();
  if (left === 0) return new Date(t);
  // start one day early: a span of the previous local day may still be running across midnight UTC offsets
  let day = nextDay(localDayOf(cal.timeZone, t), -1);
  for (let i = 0; i < MAX_DAYS; i++, day = nextDay(day)) {
    for (const [s, e] of spansOf(cal, day, pauses)) {
      const start = Math.max(s, t);
      if (start >= e) continue;
      if (e - start >= left) return new Date(start + left);
      left -= e - start;
    }
  }
  throw new Error('the calendar has no working time');
}

/** Business minutes in [from, to) (0 when to ≤ from); fractional when the instants are not on whole minutes. */
export function businessMinutesBetween(cal: BusinessCalendar, from: Date, to: Date, pauses: readonly Pause[] = []): number {
  checkCalendar(cal);
  const a = from.getTime();
  const b = to.getTime();
  if (b <= a) return 0;
  let total = 0;
  let day = nextDay(localDayOf(cal.timeZone, a), -1);
  const lastKey = dayKey(nextDay(localDayOf(cal.timeZone, b), 1));
  for (let i = 0; i < 100_000; i++, day = nextDay(day)) {
    for (const [s, e] of spansOf(cal, day, pauses)) {
      const lo = Math.max(s, a);
      const hi = Math.min(e, b);
      if (hi > lo) total += hi - lo;
    }
    if (dayKey(day) === lastKey) break;
  }
  return total / MINUTE;
}
