// The service desk's settings (one row): the compensation above which a complaint's solution needs
// a manager's approval, and the default delay of a complaint's return visit.
import { eq, sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.js';
import { serviceSettings } from '../db/schema.js';
import { diff, recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { updateVersioned } from '../platform/versioned.js';

type Row = typeof serviceSettings.$inferSelect;
const toSettings = (r: Row) => ({ compensationApprovalThreshold: r.compensationApprovalThreshold, complaintVisitDelayDays: r.complaintVisitDelayDays, version: r.version });

async function ensureRow(tx: DbOrTx): Promise<Row> {
  await tx.insert(serviceSettings).values({ id: 1 }).onConflictDoNothing();
  const [row] = await tx.select().from(serviceSettings).where(eq(serviceSettings.id, 1));
  return row!;
}

export const getServiceSettings = async (database: Database) => toSettings(await ensureRow(database.db));

export async function updateServiceSettings(database: Database, ctx: Ctx, input: { compensationApprovalThreshold?: string | undefined; complaintVisitDelayDays?: number | undefined; version: number }) {
  return database.db.transaction(async (tx) => {
    const before = await ensureRow(tx);
    const { version, ...patch } = input;
    const row = await updateVersioned(tx, serviceSettings, { id: 1, version, actorId: ctx.actor.id, patch, toApi: toSettings });
    // numeric comes back normalised ("500" → "500.00"); compare the normalised values
    const [norm] = await database.rows<{ v: string }>(sql`select compensation_approval_threshold::text as v from service_settings where id = 1`, tx);
    const after = { ...row, compensationApprovalThreshold: norm?.v ?? row.compensationApprovalThreshold };
    await recordAudit(tx, ctx, { entity: 'service_settings', entityId: 1, action: 'update', changes: diff(before, after, ['compensationApprovalThreshold', 'complaintVisitDelayDays']) });
    return toSettings(after);
  });
}
