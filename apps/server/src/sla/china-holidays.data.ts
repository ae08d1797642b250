// Mainland China's public holidays (法定节假日) and make-up working days (调休上班) — seed data
// for the default business calendar. Source: the State Council General Office's notice on the
// 2026 holiday arrangements (国务院办公厅关于2026年部分节假日安排的通知, dated 2025-11-04, published by
// Xinhua the same day); every date below was checked against its seven items.
//
// These are data, not rules: the State Council publishes each year's arrangement in the autumn
// before, and an admin adds or corrects days through `PUT /api/v1/business-calendars/:id/days/:date`.
// The seed goes only into a newly created default calendar (calendars.service.ts), so an admin's
// corrections survive a restart — and a later year added here reaches existing installations only
// through an admin (or a migration), never by itself.
export interface CalendarDaySeed {
  date: string;
  kind: 'holiday' | 'workday';
  name: string;
}

const holidays = (name: string, from: string, to: string): CalendarDaySeed[] => {
  const out: CalendarDaySeed[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    out.push({ date: new Date(t).toISOString().slice(0, 10), kind: 'holiday', name });
  }
  return out;
};
const workday = (name: string, date: string): CalendarDaySeed => ({ date, kind: 'workday', name: `${name}调休上班` });

export const chinaPublicHolidays2026: readonly CalendarDaySeed[] = [
  ...holidays('元旦', '2026-01-01', '2026-01-03'),
  workday('元旦', '2026-01-04'),
  ...holidays('春节', '2026-02-15', '2026-02-23'),
  workday('春节', '2026-02-14'),
  workday('春节', '2026-02-28'),
  ...holidays('清明节', '2026-04-04', '2026-04-06'),
  ...holidays('劳动节', '2026-05-01', '2026-05-05'),
  workday('劳动节', '2026-05-09'),
  ...holidays('端午节', '2026-06-19', '2026-06-21'),
  ...holidays('中秋节', '2026-09-25', '2026-09-27'),
  ...holidays('国庆节', '2026-10-01', '2026-10-07'),
  workday('国庆节', '2026-09-20'),
  workday('国庆节', '2026-10-10'),
];
