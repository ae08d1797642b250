// Daily rollups of the tickets behind the service reports, so that a month or a quarter is read
// from a few tens of thousands of rows instead of every ticket of the period (issue #8: a quarter
// is ~420k tickets at 5M). Kept current in the same transaction as every ticket write by statement
// triggers on tickets (migration 0020): they subtract the old rows' contribution and add the new
// rows'. Days are local days of the company's time zone, the one in ticket_report_state; the server
// rebuilds the rollups at start when its configured time zone differs (service-report-rollups.ts).
// Key columns are never null, so upserts can find their row: team 0 is "no team", cause '' "not a
// complaint", tier 'none' "no tier", resolved_day 'infinity' "not resolved".
import { sql } from 'drizzle-orm';
import { bigint, boolean, check, date, integer, pgTable, primaryKey, smallint, text, timestamp } from 'drizzle-orm/pg-core';

/** One row: the time zone the rollups' days are in; null until they are built (then triggers do nothing). */
export const ticketReportState = pgTable(
  'ticket_report_state',
  {
    id: smallint('id').primaryKey().default(1),
    timeZone: text('time_zone'),
    builtAt: timestamp('built_at', { withTimezone: true, mode: 'date' }),
  },
  () => [check('ticket_report_state_single', sql`id = 1`)],
);

/** Tickets per creation day and (team, tier, complaint cause, SLA policy and verdicts, resolved). */
export const ticketReportCells = pgTable(
  'ticket_report_cells',
  {
    day: date('day', { mode: 'string' }).notNull(),
    team: bigint('team', { mode: 'number' }).notNull(),
    tier: text('tier').notNull(),
    cause: text('cause').notNull(),
    hasPolicy: boolean('has_policy').notNull(),
    fr: text('fr').notNull(),
    res: text('res').notNull(),
    resolved: boolean('resolved').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.team, t.tier, t.cause, t.hasPolicy, t.fr, t.res, t.resolved] })],
);

/**
 * Histograms of business minutes to first response and to resolution per creation day, at four
 * grains so that each filter reads only its own rows: 0 every ticket, 1 per team, 2 per tier, 3 per
 * team and tier (team -1 and tier '*' where the grain does not split). A histogram is two arrays in
 * one row — the values ascending and the tickets at each — not a row per value: a day's tickets take
 * a thousand or more distinct values, and a row each made this table as large as tickets itself.
 * Values below 1,000 are kept exactly; larger ones by their first three digits (1,234 → 1,230), so
 * a percentile is off by at most half a step, under 0.5 %.
 */
export const ticketReportMinutes = pgTable(
  'ticket_report_minutes',
  {
    grain: smallint('grain').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    team: bigint('team', { mode: 'number' }).notNull(),
    tier: text('tier').notNull(),
    kind: text('kind', { enum: ['response', 'resolution'] }).notNull(),
    minutes: integer('minutes').array().notNull(),
    tickets: integer('tickets').array().notNull(),
  },
  (t) => [primaryKey({ columns: [t.grain, t.day, t.team, t.tier, t.kind] })],
);

/**
 * The backlog's moves: tickets per creation day and resolution day (team, tier), with whether the
 * ticket was ever open (not resolved before it was created, as imported data can be).
 */
export const ticketReportFlow = pgTable(
  'ticket_report_flow',
  {
    day: date('day', { mode: 'string' }).notNull(),
    resolvedDay: date('resolved_day', { mode: 'string' }).notNull(),
    team: bigint('team', { mode: 'number' }).notNull(),
    tier: text('tier').notNull(),
    opens: boolean('opens').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.team, t.tier, t.resolvedDay, t.opens] })],
);
