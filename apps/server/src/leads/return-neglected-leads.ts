// The daily lead-pool job: owned leads still `new` or `contacted` with no follow-up for N days
// (counted from the later of the last follow-up and when the owner got the lead) go back to the
// lead pool. One set-based statement; a second run finds nothing more to return.
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { getLeadSettings } from './lead-settings.js';

export interface LeadReturnResult extends Record<string, unknown> {
  returnAfterDays: number;
  returned: number;
}

export async function returnNeglectedLeads(database: Database, options: { asOf?: Date } = {}): Promise<LeadReturnResult> {
  const asOf = (options.asOf ?? new Date()).toISOString();
  const { returnAfterDays } = await getLeadSettings(database.db);
  return database.db.transaction(async (tx) => {
    const result = (await tx.execute(sql`
      with due as (
        select l.id, l.owner_id from leads l
        where l.deleted_at is null and l.owner_id is not null and l.status in ('new', 'contacted')
          -- greatest() skips nulls: a lead never followed up counts from when its owner got it
          and greatest(coalesce(l.owner_since, l.created_at), l.last_activity_at) + ${returnAfterDays}::int * interval '1 day' <= ${asOf}::timestamptz
        for update of l skip locked
      ), returned as (
        update leads l set previous_owner_id = due.owner_id, owner_id = null, owner_since = null, pool_since = now(),
               version = l.version + 1, updated_at = now(), updated_by = null
        from due where l.id = due.id and l.owner_id = due.owner_id
        returning l.id, due.owner_id as previous_owner_id
      ), audited as (
        insert into audit_log (actor_id, entity, entity_id, action, changes)
        select null, 'lead', id::text, 'return', jsonb_build_object('ownerId', jsonb_build_object('old', previous_owner_id, 'new', null),
          'rule', jsonb_build_object('old', null, 'new', jsonb_build_object('returnAfterDays', ${returnAfterDays}::int)))
        from returned
      )
      select count(*)::int as n from returned`)) as unknown as { rows: Array<{ n: number }> };
    return { returnAfterDays, returned: Number(result.rows[0]?.n ?? 0) };
  });
}
