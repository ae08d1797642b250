// Service standards (服务标准与承诺): business calendars with their holidays and make-up days,
// SLA policies by customer tier and priority, and the service desk's settings.
import { sql } from 'drizzle-orm';
import { bigint, boolean, date, index, integer, jsonb, numeric, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { auditColumns } from '../db/schema-platform.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const businessCalendars = pgTable(
  'business_calendars',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    timeZone: text('time_zone').notNull(),
    /** ISO weekdays worked: 1 = Monday … 7 = Sunday. */
    workingDays: integer('working_days').array().notNull(),
    /** One or two spans per working day: [{ start: 'HH:MM', end: 'HH:MM' }]. */
    workingHours: jsonb('working_hours').$type<Array<{ start: string; end: string }>>().notNull(),
    isDefault: boolean('is_default').notNull().default(false),
    deletedAt: ts('deleted_at'),
    ...auditColumns(),
  },
  (t) => [uniqueIndex('business_calendars_default').on(t.isDefault).where(sql`is_default and deleted_at is null`)],
);

/** Exceptions to a calendar's weekly pattern: public holidays, and 调休 make-up working days. */
export const calendarDays = pgTable(
  'calendar_days',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    calendarId: bigint('calendar_id', { mode: 'number' }).notNull().references(() => businessCalendars.id),
    date: date('date', { mode: 'string' }).notNull(),
    kind: text('kind', { enum: ['holiday', 'workday'] }).notNull(),
    name: text('name'),
    createdAt: ts('created_at').notNull().defaultNow(),
    createdBy: bigint('created_by', { mode: 'number' }),
  },
  (t) => [uniqueIndex('calendar_days_calendar_date').on(t.calendarId, t.date)],
);

export const slaPolicies = pgTable(
  'sla_policies',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    /** customers.importance this applies to; null = any tier. */
    importance: text('importance', { enum: ['vip', 'important', 'ordinary'] }),
    /** Ticket priority this applies to; null = any priority. */
    priority: text('priority', { enum: ['low', 'normal', 'high', 'urgent'] }),
    firstResponseMinutes: integer('first_response_minutes').notNull(),
    resolutionMinutes: integer('resolution_minutes').notNull(),
    /** Share of a target (in business time) after which a ticket counts as about to breach. */
    nearBreachPercent: integer('near_breach_percent').notNull().default(80),
    /** null = the default calendar. */
    calendarId: bigint('calendar_id', { mode: 'number' }).references(() => businessCalendars.id),
    active: boolean('active').notNull().default(true),
    /** Breaks ties between equally specific policies: higher wins. */
    precedence: integer('precedence').notNull().default(0),
    deletedAt: ts('deleted_at'),
    ...auditColumns(),
  },
  (t) => [index('sla_policies_match_idx').on(t.importance, t.priority).where(sql`active and deleted_at is null`)],
);

/** One row (id 1): the service desk's settings. */
export const serviceSettings = pgTable('service_settings', {
  id: integer('id').primaryKey().default(1),
  /** A complaint solution with compensation above this needs a manager's approval. */
  compensationApprovalThreshold: numeric('compensation_approval_threshold', { precision: 14, scale: 2 }).notNull().default('500.00'),
  /** Days after a complaint's solution is carried out that its return visit (回访) is due when no rule says otherwise. */
  complaintVisitDelayDays: integer('complaint_visit_delay_days').notNull().default(1),
  ...auditColumns(),
});
