import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addBusinessMinutes, businessMinutesBetween, type BusinessCalendar } from './business-time.js';
import { chinaPublicHolidays2026 } from './china-holidays.data.js';

const china: BusinessCalendar = {
  timeZone: 'Asia/Shanghai',
  workingDays: [1, 2, 3, 4, 5],
  hours: [
    { start: '09:00', end: '12:00' },
    { start: '13:30', end: '18:00' },
  ],
  holidays: new Set(chinaPublicHolidays2026.filter((d) => d.kind === 'holiday').map((d) => d.date)),
  workdays: new Set(chinaPublicHolidays2026.filter((d) => d.kind === 'workday').map((d) => d.date)),
};
const at = (s: string) => new Date(s);

describe('business time', () => {
  it('counts only working spans of working days', () => {
    // Wednesday 2026-03-04 10:00 + 120 min = 12:00 (end of the morning span, not the next span)
    expect(addBusinessMinutes(china, at('2026-03-04T10:00:00+08:00'), 120).toISOString()).toBe(at('2026-03-04T12:00:00+08:00').toISOString());
    // one minute more goes over lunch
    expect(addBusinessMinutes(china, at('2026-03-04T10:00:00+08:00'), 121).toISOString()).toBe(at('2026-03-04T13:31:00+08:00').toISOString());
    // outside hours starts at the next span
    expect(addBusinessMinutes(china, at('2026-03-04T20:00:00+08:00'), 30).toISOString()).toBe(at('2026-03-05T09:30:00+08:00').toISOString());
    expect(businessMinutesBetween(china, at('2026-03-04T08:00:00+08:00'), at('2026-03-04T20:00:00+08:00'))).toBe(450);
  });

  it('skips a weekend and a public holiday: Friday 17:30 before 清明 continues on Tuesday', () => {
    // 2026-04-03 is a Friday; 4–6 April are the 清明 holiday (Saturday to Monday)
    expect(addBusinessMinutes(china, at('2026-04-03T17:30:00+08:00'), 60).toISOString()).toBe(at('2026-04-07T09:30:00+08:00').toISOString());
    expect(businessMinutesBetween(china, at('2026-04-03T17:30:00+08:00'), at('2026-04-07T09:30:00+08:00'))).toBe(60);
  });

  it('works on a 调休 make-up Sunday and not through 春节', () => {
    // Sunday 2026-01-04 is a make-up working day after 元旦 (1–3 January)
    expect(addBusinessMinutes(china, at('2026-01-03T12:00:00+08:00'), 10).toISOString()).toBe(at('2026-01-04T09:10:00+08:00').toISOString());
    // Friday 13 February 17:00 + 120 min: 60 that day, then Saturday 14 (make-up) 09:00 + 60
    expect(addBusinessMinutes(china, at('2026-02-13T17:00:00+08:00'), 120).toISOString()).toBe(at('2026-02-14T10:00:00+08:00').toISOString());
    // Saturday 14 February 18:00 + 1 min: the 春节 holiday runs 15–23 February, so Tuesday 24th
    expect(addBusinessMinutes(china, at('2026-02-14T18:00:00+08:00'), 1).toISOString()).toBe(at('2026-02-24T09:01:00+08:00').toISOString());
  });

  it('takes pauses out like holidays', () => {
    const pauses = [{ from: at('2026-03-04T10:00:00+08:00'), to: at('2026-03-04T11:00:00+08:00') }];
    expect(businessMinutesBetween(china, at('2026-03-04T09:00:00+08:00'), at('2026-03-04T12:00:00+08:00'), pauses)).toBe(120);
    expect(addBusinessMinutes(china, at('2026-03-04T09:00:00+08:00'), 90, pauses).toISOString()).toBe(at('2026-03-04T11:30:00+08:00').toISOString());
  });

  it('honours the calendar time zone', () => {
    const london: BusinessCalendar = { ...china, timeZone: 'Europe/London', holidays: new Set(), workdays: new Set() };
    // 2026-07-01 is summer time (UTC+1): 09:00 local is 08:00 UTC
    expect(addBusinessMinutes(london, at('2026-07-01T00:00:00Z'), 1).toISOString()).toBe('2026-07-01T08:01:00.000Z');
    expect(addBusinessMinutes(london, at('2026-01-07T00:00:00Z'), 1).toISOString()).toBe('2026-01-07T09:01:00.000Z');
  });

  it('refuses a calendar without working time', () => {
    expect(() => addBusinessMinutes({ ...china, workingDays: [], workdays: new Set() }, at('2026-03-04T10:00:00+08:00'), 1)).toThrow(/no working time/);
  });

  const instant = fc.date({ min: new Date('2025-12-01T00:00:00Z'), max: new Date('2026-12-31T00:00:00Z'), noInvalidDate: true });
  const span = fc.integer({ min: 0, max: 5_000 });

  it('add(t, a + b) = add(add(t, a), b)', () => {
    fc.assert(
      fc.property(instant, span, span, (t, a, b) => {
        expect(addBusinessMinutes(china, t, a + b).getTime()).toBe(addBusinessMinutes(china, addBusinessMinutes(china, t, a), b).getTime());
      }),
      { numRuns: 200 },
    );
  });

  it('between(t, add(t, n)) = n', () => {
    fc.assert(
      fc.property(instant, span, (t, n) => {
        expect(businessMinutesBetween(china, t, addBusinessMinutes(china, t, n))).toBeCloseTo(n, 9);
      }),
      { numRuns: 200 },
    );
  });

  it('between is additive over a middle instant', () => {
    fc.assert(
      fc.property(instant, instant, instant, (x, y, z) => {
        const [a, b, c] = [x, y, z].sort((p, q) => p.getTime() - q.getTime()) as [Date, Date, Date];
        expect(businessMinutesBetween(china, a, c)).toBeCloseTo(businessMinutesBetween(china, a, b) + businessMinutesBetween(china, b, c), 6);
      }),
      { numRuns: 100 },
    );
  });
});
