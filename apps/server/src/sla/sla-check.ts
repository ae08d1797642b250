// The SLA job (every few minutes): flags tickets about to miss a limit, marks the ones that missed
// it, and escalates each newly missed limit to the team's manager with a task and an on-screen
// notice. Detection is set-based — one UPDATE per clock and kind, over the partial indexes of
// pending clocks — so 100k open tickets cost a few statements, not 100k round trips.
//
// Idempotent: a clock flips from pending to breached once, and only the rows that flipped in this
// statement are escalated; tasks and notices are keyed by source_key besides, so a run that died
// half-way and is repeated makes nothing twice. The job writes no `version` bump: these are
// derived fields, and bumping would make an agent's open edit fail for no change of theirs.
import { sql, type SQL } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.js';

export interface SlaCheckResult extends Record<string, unknown> {
  nearBreach: number;
  nearBreachCleared: number;
  firstResponseBreached: number;
  resolutionBreached: number;
}

const active = sql`t.status in ('new', 'open', 'pending_customer') and t.deleted_at is null`;

interface Clock {
  key: 'first_response' | 'resolution';
  state: SQL;
  due: SQL;
  warn: SQL;
  done: SQL;
  zh: string;
  en: string;
  /** The limit's name in the escalation task's notes. */
  limit: string;
}

const clocks: Clock[] = [
  { key: 'first_response', state: sql`sla_first_response`, due: sql`t.first_response_due_at`, warn: sql`t.first_response_warn_at`, done: sql`t.first_responded_at`, zh: '首次响应超时', en: 'first response overdue', limit: 'first response' },
  { key: 'resolution', state: sql`sla_resolution`, due: sql`t.resolution_due_at`, warn: sql`t.resolution_warn_at`, done: sql`t.resolved_at`, zh: '解决超时', en: 'resolution overdue', limit: 'resolution' },
];

async function count(tx: DbOrTx, query: SQL): Promise<number> {
  const r = (await tx.execute(query)) as unknown as { rows: Array<{ n: number }> };
  return Number(r.rows[0]?.n ?? 0);
}

/** A clock still running at `asOf`: pending, not yet done, and not paused (waiting on the customer). */
function running(c: Clock): SQL {
  return sql`t.${c.state} = 'pending' and ${c.done} is null and t.paused_since is null`;
}

async function breach(tx: DbOrTx, c: Clock, asOf: Date): Promise<number> {
  const key = sql`${`sla:`}::text || b.id || ${`:${c.key}`}::text`;
  return count(
    tx,
    sql`with breached as (
      update tickets t set ${c.state} = 'breached', near_breach = false, escalated_at = coalesce(t.escalated_at, ${asOf}::timestamptz)
      where ${active} and t.${c.state} = 'pending' and ${c.done} is null and ${c.due} <= ${asOf}::timestamptz
        -- a pause stops the clock: a limit passed only while waiting on the customer is not missed
        and (t.paused_since is null or ${c.due} <= t.paused_since)
      returning t.id, t.number, t.subject, t.team_id, t.assignee_id, t.customer_id
    ), targets as (
      select b.*, coalesce(d.manager_id, am.manager_id) as manager_id
      from breached b left join departments d on d.id = b.team_id left join users am on am.id = b.assignee_id
    ), tasks_made as (
      insert into tasks (kind, title, notes, due_at, assignee_id, customer_id, related_type, related_id, source_key, priority)
      select 'sla_escalation', ${`SLA ${c.zh}：`}::text || b.number || ' ' || b.subject,
        ${`The ticket missed its ${c.limit} limit; see that it is handled. 工单已${c.zh}，请督办。`}::text,
        ${asOf}::timestamptz, b.manager_id, b.customer_id, 'ticket', b.id, ${key}, 'high'
      from targets b where b.manager_id is not null
      on conflict (source_key) where source_key is not null and deleted_at is null do nothing
    ), notices as (
      insert into notifications (user_id, kind, text_zh, text_en, link, source_key)
      select b.manager_id, 'sla_breach', ${`工单 `}::text || b.number || ${` ${c.zh}：`}::text || b.subject,
        ${`Ticket `}::text || b.number || ${` ${c.en}: `}::text || b.subject, '/tickets/' || b.id, ${key}
      from targets b where b.manager_id is not null
      on conflict (user_id, source_key) where source_key is not null do nothing
    ), audited as (
      insert into audit_log (actor_id, entity, entity_id, action, changes)
      select null, 'ticket', b.id::text, 'sla_breach', jsonb_build_object(${c.key}::text, jsonb_build_object('old', 'pending', 'new', 'breached'), 'escalatedTo', jsonb_build_object('old', null, 'new', b.manager_id))
      from targets b
    )
    select count(*)::int as n from breached`,
  );
}

export async function checkSla(database: Database, options: { asOf?: Date } = {}): Promise<SlaCheckResult> {
  const asOf = options.asOf ?? new Date();
  return database.db.transaction(async (tx) => {
    const firstResponseBreached = await breach(tx, clocks[0]!, asOf);
    const resolutionBreached = await breach(tx, clocks[1]!, asOf);
    // near breach: past the warning share of a running clock (one statement per clock)
    let nearBreach = 0;
    for (const c of clocks) {
      nearBreach += await count(
        tx,
        sql`with flagged as (update tickets t set near_breach = true
          where ${active} and not t.near_breach and ${running(c)} and ${c.warn} <= ${asOf}::timestamptz and ${c.due} > ${asOf}::timestamptz
          returning 1) select count(*)::int as n from flagged`,
      );
    }
    // a flag whose reason went away (answered, resumed with a later due time, paused) is cleared
    const near = clocks.map((c) => sql`(${running(c)} and ${c.warn} <= ${asOf}::timestamptz)`);
    const nearBreachCleared = await count(
      tx,
      sql`with cleared as (update tickets t set near_breach = false
        where t.near_breach and (not (${active}) or not (${sql.join(near, sql` or `)}))
        returning 1) select count(*)::int as n from cleared`,
    );
    return { nearBreach, nearBreachCleared, firstResponseBreached, resolutionBreached };
  });
}
