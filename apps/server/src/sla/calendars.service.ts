// Business calendars: the working week, hours, holidays and make-up days that SLA clocks count
// in. One calendar is the default (seeded with mainland China's public holidays); a policy may
// name another (a team in another time zone, a 7×24 hotline).
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { BusinessCalendarDto, CalendarDay } from '@guanxi/contracts';
import type { Database, DbOrTx } from '../db/client.js';
import { businessCalendars, calendarDays } from '../db/schema.js';
import { diff, recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { conflict, invalid, msg, notFound } from '../platform/errors.js';
import { auditFields, updateVersioned } from '../platform/versioned.js';
import type { BusinessCalendar } from './business-time.js';
import { chinaPublicHolidays2026 } from './china-holidays.data.js';

type CalendarRow = typeof businessCalendars.$inferSelect;
const audited = ['name', 'timeZone', 'workingDays', 'workingHours', 'isDefault'] as const;

export function toCalendar(r: CalendarRow): BusinessCalendarDto {
  return { id: r.id, name: r.name, timeZone: r.timeZone, workingDays: r.workingDays, workingHours: r.workingHours, isDefault: r.isDefault, ...auditFields(r) };
}

/** The lock that makes seeding the default calendar safe when two requests race to do it. */
const SEED_LOCK = 7_361_401;

/**
 * Creates the default calendar (Mon–Fri 09:00–12:00 and 13:30–18:00 in the company's time zone,
 * with the seeded public holidays) when there is none; an existing default calendar is left as it
 * is, so no seed day is ever added to it later. Idempotent; runs at start and before the first SLA
 * computation.
 */
export async function seedDefaultCalendar(tx: DbOrTx, timeZone: string): Promise<number> {
  await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK})`);
  let [cal] = await tx.select().from(businessCalendars).where(and(eq(businessCalendars.isDefault, true), isNull(businessCalendars.deletedAt)));
  if (!cal) {
    [cal] = await tx
      .insert(businessCalendars)
      .values({
        name: '默认工作日历 Default calendar',
        timeZone,
        workingDays: [1, 2, 3, 4, 5],
        workingHours: [
          { start: '09:00', end: '12:00' },
          { start: '13:30', end: '18:00' },
        ],
        isDefault: true,
      })
      .returning();
    // the seed's days go in only with a new calendar; afterwards the admin's edits are the truth
    await tx
      .insert(calendarDays)
      .values(chinaPublicHolidays2026.map((d) => ({ calendarId: cal!.id, date: d.date, kind: d.kind, name: d.name })))
      .onConflictDoNothing();
  }
  return cal!.id;
}

export async function defaultCalendarId(tx: DbOrTx, timeZone: string): Promise<number> {
  const [cal] = await tx.select({ id: businessCalendars.id }).from(businessCalendars).where(and(eq(businessCalendars.isDefault, true), isNull(businessCalendars.deletedAt)));
  return cal ? cal.id : seedDefaultCalendar(tx, timeZone);
}

/** A calendar with all its exception days, ready for business-time arithmetic. */
export async function loadCalendar(tx: DbOrTx, id: number): Promise<BusinessCalendar> {
  const [cal] = await tx.select().from(businessCalendars).where(eq(businessCalendars.id, id));
  if (!cal) throw notFound();
  const days = await tx.select({ date: calendarDays.date, kind: calendarDays.kind }).from(calendarDays).where(eq(calendarDays.calendarId, id));
  return {
    timeZone: cal.timeZone,
    workingDays: cal.workingDays,
    hours: cal.workingHours,
    holidays: new Set(days.filter((d) => d.kind === 'holiday').map((d) => d.date)),
    workdays: new Set(days.filter((d) => d.kind === 'workday').map((d) => d.date)),
  };
}

export async function listCalendars(database: Database, timeZone: string): Promise<BusinessCalendarDto[]> {
  await database.db.transaction((tx) => defaultCalendarId(tx, timeZone));
  const rows = await database.db.select().from(businessCalendars).where(isNull(businessCalendars.deletedAt)).orderBy(asc(businessCalendars.id));
  return rows.map(toCalendar);
}

async function findCalendar(tx: DbOrTx, id: number): Promise<CalendarRow> {
  const [row] = await tx.select().from(businessCalendars).where(and(eq(businessCalendars.id, id), isNull(businessCalendars.deletedAt)));
  if (!row) throw notFound();
  return row;
}

export async function getCalendar(database: Database, id: number, year?: number): Promise<BusinessCalendarDto & { days: CalendarDay[] }> {
  const row = await findCalendar(database.db, id);
  const range = year === undefined ? sql`true` : sql`${calendarDays.date} between ${`${year}-01-01`} and ${`${year}-12-31`}`;
  const days = await database.db
    .select({ date: calendarDays.date, kind: calendarDays.kind, name: calendarDays.name })
    .from(calendarDays)
    .where(and(eq(calendarDays.calendarId, id), range))
    .orderBy(asc(calendarDays.date));
  return { ...toCalendar(row), days };
}

export interface CalendarInput {
  name: string;
  timeZone?: string | undefined;
  workingDays: number[];
  workingHours: Array<{ start: string; end: string }>;
  isDefault: boolean;
}

/** Only one default: making one the default unmarks the other in the same transaction. */
async function clearDefault(tx: DbOrTx, ctx: Ctx, exceptId: number | null): Promise<void> {
  const cleared = await tx
    .update(businessCalendars)
    .set({ isDefault: false, updatedAt: sql`now()`, updatedBy: ctx.actor.id, version: sql`${businessCalendars.version} + 1` })
    .where(and(eq(businessCalendars.isDefault, true), isNull(businessCalendars.deletedAt), exceptId === null ? sql`true` : sql`${businessCalendars.id} <> ${exceptId}`))
    .returning({ id: businessCalendars.id });
  for (const c of cleared) await recordAudit(tx, ctx, { entity: 'business_calendar', entityId: c.id, action: 'update', changes: { isDefault: { old: true, new: false } } });
}

export async function createCalendar(database: Database, ctx: Ctx, input: CalendarInput, timeZone: string): Promise<BusinessCalendarDto> {
  return database.db.transaction(async (tx) => {
    if (input.isDefault) await clearDefault(tx, ctx, null);
    const [row] = await tx
      .insert(businessCalendars)
      .values({ name: input.name, timeZone: input.timeZone ?? timeZone, workingDays: [...input.workingDays].sort(), workingHours: input.workingHours, isDefault: input.isDefault, createdBy: ctx.actor.id, updatedBy: ctx.actor.id })
      .returning();
    const dto = toCalendar(row!);
    await recordAudit(tx, ctx, { entity: 'business_calendar', entityId: row!.id, action: 'create', changes: diff(null, dto, audited) });
    return dto;
  });
}

export async function updateCalendar(
  database: Database,
  ctx: Ctx,
  id: number,
  input: Partial<Omit<CalendarInput, 'isDefault'>> & { isDefault?: true | undefined; version: number },
): Promise<BusinessCalendarDto> {
  return database.db.transaction(async (tx) => {
    const before = toCalendar(await findCalendar(tx, id));
    if (input.isDefault) await clearDefault(tx, ctx, id);
    const patch: Record<string, unknown> = {};
    if (input.name !== undefined) patch.name = input.name;
    if (input.timeZone !== undefined) patch.timeZone = input.timeZone;
    if (input.workingDays !== undefined) patch.workingDays = [...input.workingDays].sort();
    if (input.workingHours !== undefined) patch.workingHours = input.workingHours;
    if (input.isDefault) patch.isDefault = true;
    const row = await updateVersioned(tx, businessCalendars, { id, version: input.version, actorId: ctx.actor.id, patch, toApi: toCalendar });
    const after = toCalendar(row);
    await recordAudit(tx, ctx, { entity: 'business_calendar', entityId: id, action: 'update', changes: diff(before, after, audited) });
    return after;
  });
}

export async function deleteCalendar(database: Database, ctx: Ctx, id: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    const row = await findCalendar(tx, id);
    if (row.isDefault) throw conflict(msg('The default calendar cannot be deleted; make another one the default first.', '默认日历不能删除，请先将其他日历设为默认。'));
    const [used] = await database.rows<{ n: number }>(sql`select count(*)::int as n from sla_policies where calendar_id = ${id} and deleted_at is null`, tx);
    if ((used?.n ?? 0) > 0) throw conflict(msg('SLA policies use this calendar.', '有 SLA 策略正在使用该日历。'));
    await tx.update(businessCalendars).set({ deletedAt: sql`now()`, updatedBy: ctx.actor.id }).where(eq(businessCalendars.id, id));
    await recordAudit(tx, ctx, { entity: 'business_calendar', entityId: id, action: 'delete' });
  });
}

/** Marks one date a holiday or a make-up working day (调休), replacing what the date was. */
export async function putCalendarDay(database: Database, ctx: Ctx, id: number, date: string, input: { kind: 'holiday' | 'workday'; name?: string | null | undefined }): Promise<CalendarDay> {
  return database.db.transaction(async (tx) => {
    await findCalendar(tx, id);
    const [before] = await tx.select().from(calendarDays).where(and(eq(calendarDays.calendarId, id), eq(calendarDays.date, date)));
    const [row] = await tx
      .insert(calendarDays)
      .values({ calendarId: id, date, kind: input.kind, name: input.name ?? null, createdBy: ctx.actor.id })
      .onConflictDoUpdate({ target: [calendarDays.calendarId, calendarDays.date], set: { kind: input.kind, name: input.name ?? null } })
      .returning();
    await recordAudit(tx, ctx, {
      entity: 'business_calendar',
      entityId: id,
      action: 'set_day',
      changes: { [date]: { old: before ? { kind: before.kind, name: before.name } : null, new: { kind: row!.kind, name: row!.name } } },
    });
    return { date: row!.date, kind: row!.kind, name: row!.name };
  });
}

export async function deleteCalendarDay(database: Database, ctx: Ctx, id: number, date: string): Promise<void> {
  await database.db.transaction(async (tx) => {
    await findCalendar(tx, id);
    const removed = await tx.delete(calendarDays).where(and(eq(calendarDays.calendarId, id), eq(calendarDays.date, date))).returning();
    if (!removed[0]) throw invalid('date', 'not a holiday or make-up day of this calendar', 'not_found');
    await recordAudit(tx, ctx, { entity: 'business_calendar', entityId: id, action: 'unset_day', changes: { [date]: { old: { kind: removed[0].kind, name: removed[0].name }, new: null } } });
  });
}
