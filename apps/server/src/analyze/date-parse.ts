// Date parsing for transaction files: a handful of common formats, detected from a sample or
// named with --date-format. Dates become day numbers (days since 1970-01-01, UTC); times are dropped.

export type DateFormat = 'iso' | 'yyyymmdd' | 'y/m/d' | 'm/d/y' | 'd/m/y' | 'd.m.y' | 'excel';
export const DATE_FORMATS: readonly DateFormat[] = ['iso', 'yyyymmdd', 'y/m/d', 'm/d/y', 'd/m/y', 'd.m.y', 'excel'];

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** ISO yyyy-mm-dd of a day number. */
export function civilFromDays(z: number): string {
  return new Date(z * 86_400_000).toISOString().slice(0, 10);
}

const DIM = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function valid(y: number, m: number, d: number): boolean {
  if (!(y >= 1000 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= DIM[m - 1]!)) return false;
  if (m === 2 && d === 29) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return true;
}

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const YMD_SLASH = /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$/;
const SLASH = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp][Mm])?)?$/;
const DOTS = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$/;
const EXCEL = /^\d{5}(?:\.\d+)?$/;

/** Day number of s in format f, or NaN. */
export function parseDay(s: string, f: DateFormat): number {
  let m: RegExpExecArray | null;
  let y = 0;
  let mo = 0;
  let d = 0;
  switch (f) {
    case 'iso':
      if (!(m = ISO.exec(s))) return Number.NaN;
      [y, mo, d] = [+m[1]!, +m[2]!, +m[3]!];
      break;
    case 'yyyymmdd':
      if (!(m = COMPACT.exec(s))) return Number.NaN;
      [y, mo, d] = [+m[1]!, +m[2]!, +m[3]!];
      break;
    case 'y/m/d':
      if (!(m = YMD_SLASH.exec(s))) return Number.NaN;
      [y, mo, d] = [+m[1]!, +m[2]!, +m[3]!];
      break;
    case 'm/d/y':
      if (!(m = SLASH.exec(s))) return Number.NaN;
      [mo, d, y] = [+m[1]!, +m[2]!, +m[3]!];
      break;
    case 'd/m/y':
      if (!(m = SLASH.exec(s))) return Number.NaN;
      [d, mo, y] = [+m[1]!, +m[2]!, +m[3]!];
      break;
    case 'd.m.y':
      if (!(m = DOTS.exec(s))) return Number.NaN;
      [d, mo, y] = [+m[1]!, +m[2]!, +m[3]!];
      break;
    case 'excel': {
      // Excel 1900 date system serial (as found in .xlsx cells): day 25569 is 1970-01-01.
      if (!EXCEL.test(s)) return Number.NaN;
      const v = Math.floor(Number(s));
      return v > 60 ? v - 25569 : Number.NaN;
    }
  }
  return valid(y, mo, d) ? daysFromCivil(y, mo, d) : Number.NaN;
}

/**
 * The format that parses every sample value. m/d/y and d/m/y are told apart by a first or second
 * component above 12; when the sample cannot tell, the result is 'ambiguous'.
 */
export function detectDateFormat(samples: readonly string[], allowExcel: boolean): DateFormat | 'ambiguous' | null {
  const values = samples.map((s) => s.trim()).filter((s) => s !== '');
  if (values.length === 0) return null;
  const candidates: DateFormat[] = ['iso', 'yyyymmdd', 'y/m/d', 'd.m.y', ...(allowExcel ? (['excel'] as const) : [])];
  for (const f of candidates) if (values.every((v) => !Number.isNaN(parseDay(v, f)))) return f;
  const md = values.every((v) => !Number.isNaN(parseDay(v, 'm/d/y')));
  const dm = values.every((v) => !Number.isNaN(parseDay(v, 'd/m/y')));
  if (md && dm) return 'ambiguous';
  if (md) return 'm/d/y';
  if (dm) return 'd/m/y';
  // Some sample values are bad: take the format most of them follow (ties between m/d and d/m
  // stay ambiguous), so that the bad row itself is reported when it is read.
  let best: DateFormat | null = null;
  let bestCount = 0;
  let tie = false;
  for (const f of [...candidates, 'm/d/y', 'd/m/y'] as DateFormat[]) {
    const k = values.filter((v) => !Number.isNaN(parseDay(v, f))).length;
    if (k > bestCount) {
      best = f;
      bestCount = k;
      tie = false;
    } else if (k === bestCount && k > 0) tie = true;
  }
  if (best === null || bestCount * 2 < values.length) return null;
  return tie ? 'ambiguous' : best;
}

/** Parses an --as-of / --calibration-end value (ISO or yyyymmdd). */
export function parseOptionDate(s: string): number {
  for (const f of ['iso', 'yyyymmdd', 'y/m/d'] as const) {
    const v = parseDay(s.trim(), f);
    if (!Number.isNaN(v)) return v;
  }
  return Number.NaN;
}
