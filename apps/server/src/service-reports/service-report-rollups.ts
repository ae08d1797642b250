// Building the service-report rollups (service-reports.table.ts). Triggers keep them current once
// built; building is needed once after the migration and again when the company's time zone changes
// (the rollups' days are its local days). The build reads every ticket — about a minute at 5M — with
// ticket writes waiting (reads go on), so that no change falls between the read and the state flip.
import { sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.js';

/** The time zone the rollups are built in, or null when they are not built. */
export async function rollupTimeZone(database: Pick<Database, 'rows'>, tx?: DbOrTx): Promise<string | null> {
  const [state] = await database.rows<{ time_zone: string | null }>(sql`select time_zone from ticket_report_state where id = 1`, tx);
  return state?.time_zone ?? null;
}

/**
 * Builds the rollups unless they are already in `timeZone`; true when it built them. Checked again
 * under the lock, so that instances starting together build once.
 */
export async function ensureTicketReportRollups(database: Database, timeZone: string): Promise<boolean> {
  if ((await rollupTimeZone(database)) === timeZone) return false;
  return build(database, timeZone, false);
}

/** Builds the rollups in `timeZone` from every ticket, whatever they are in now. */
export async function rebuildTicketReportRollups(database: Database, timeZone: string): Promise<void> {
  await build(database, timeZone, true);
}

async function build(database: Database, timeZone: string, force: boolean): Promise<boolean> {
  return database.db.transaction(async (tx) => {
    await tx.execute(sql`lock table tickets in share row exclusive mode`);
    const [state] = await database.rows<{ time_zone: string | null }>(sql`select time_zone from ticket_report_state where id = 1 for update`, tx);
    if (!force && state?.time_zone === timeZone) return false;
    if (database.driver === 'postgres') await tx.execute(sql`set local work_mem = '256MB'`);
    await tx.execute(sql`truncate ticket_report_cells, ticket_report_minutes, ticket_report_flow`);
    const [statement] = await database.rows<{ text: string }>(sql`select ticket_report_apply_sql('select 1 as s, t.* from tickets t', ${timeZone}) as text`, tx);
    await tx.execute(sql.raw(statement!.text));
    await tx.execute(sql`update ticket_report_state set time_zone = ${timeZone}, built_at = now() where id = 1`);
    return true;
  });
}
