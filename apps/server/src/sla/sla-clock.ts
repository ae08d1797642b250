// The SLA clock of one ticket: due times when it starts, moving them when a pause (waiting on the
// customer) ends, and the business minutes a response or a resolution took — all in the business
// time of the policy's calendar (or the default calendar when no policy applies).
import type { DbOrTx } from '../db/client.js';
import type { slaPolicies } from '../db/schema.js';
import { addBusinessMinutes, businessMinutesBetween, type BusinessCalendar } from './business-time.js';
import { defaultCalendarId, loadCalendar } from './calendars.service.js';
import { matchPolicy } from './sla-policies.service.js';

type PolicyRow = typeof slaPolicies.$inferSelect;

export interface SlaTimes {
  slaPolicyId: number | null;
  firstResponseDueAt: Date | null;
  firstResponseWarnAt: Date | null;
  resolutionDueAt: Date | null;
  resolutionWarnAt: Date | null;
}

export async function calendarFor(tx: DbOrTx, policy: Pick<PolicyRow, 'calendarId'> | null, timeZone: string): Promise<BusinessCalendar> {
  return loadCalendar(tx, policy?.calendarId ?? (await defaultCalendarId(tx, timeZone)));
}

/**
 * Due and warning times counted from `start`: the targets plus the business minutes already spent
 * paused, so a recomputation (priority changed) keeps the time the customer made us wait.
 */
export function dueTimes(cal: BusinessCalendar, policy: PolicyRow, start: Date, pausedMinutes: number): Omit<SlaTimes, 'slaPolicyId'> {
  const at = (m: number) => addBusinessMinutes(cal, start, m + pausedMinutes);
  const warn = (m: number) => Math.floor((m * policy.nearBreachPercent) / 100);
  return {
    firstResponseDueAt: at(policy.firstResponseMinutes),
    firstResponseWarnAt: at(warn(policy.firstResponseMinutes)),
    resolutionDueAt: at(policy.resolutionMinutes),
    resolutionWarnAt: at(warn(policy.resolutionMinutes)),
  };
}

export async function startClock(
  tx: DbOrTx,
  input: { importance: PolicyRow['importance']; priority: NonNullable<PolicyRow['priority']>; start: Date; pausedMinutes: number },
  timeZone: string,
): Promise<SlaTimes> {
  const policy = await matchPolicy(tx, input.importance, input.priority);
  if (!policy) return { slaPolicyId: null, firstResponseDueAt: null, firstResponseWarnAt: null, resolutionDueAt: null, resolutionWarnAt: null };
  const cal = await calendarFor(tx, policy, timeZone);
  return { slaPolicyId: policy.id, ...dueTimes(cal, policy, input.start, input.pausedMinutes) };
}

interface ClockState {
  slaPolicyId: number | null;
  pausedSince: Date | null;
  pausedMinutes: number;
  firstResponseDueAt: Date | null;
  firstResponseWarnAt: Date | null;
  resolutionDueAt: Date | null;
  resolutionWarnAt: Date | null;
}

/**
 * The clock restarts after waiting on the customer: each due time still ahead when the pause began
 * keeps the business minutes it had left, counted from now. A due time already past when the
 * pause began stays where it is (that limit was missed before the customer was asked).
 */
export async function resumeClock(tx: DbOrTx, t: ClockState, policy: Pick<PolicyRow, 'calendarId'> | null, now: Date, timeZone: string) {
  if (!t.pausedSince) return {};
  const cal = await calendarFor(tx, policy, timeZone);
  const since = t.pausedSince;
  const move = (due: Date | null) => (due && due > since ? addBusinessMinutes(cal, now, businessMinutesBetween(cal, since, due)) : due);
  return {
    pausedSince: null,
    pausedMinutes: t.pausedMinutes + Math.round(businessMinutesBetween(cal, since, now)),
    firstResponseDueAt: move(t.firstResponseDueAt),
    firstResponseWarnAt: move(t.firstResponseWarnAt),
    resolutionDueAt: move(t.resolutionDueAt),
    resolutionWarnAt: move(t.resolutionWarnAt),
  };
}

/** Business minutes from `from` to `to` less the minutes paused: what reports call the time taken. */
export async function businessMinutesTaken(tx: DbOrTx, policy: Pick<PolicyRow, 'calendarId'> | null, from: Date, to: Date, pausedMinutes: number, timeZone: string): Promise<number> {
  const cal = await calendarFor(tx, policy, timeZone);
  return Math.max(0, Math.round(businessMinutesBetween(cal, from, to)) - pausedMinutes);
}
