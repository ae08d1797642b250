// The daily pool job: applies every active pool rule — warns owners D days before a customer
// would go back, then returns the customers whose time is up. Set-based SQL, one statement per
// step, so it is idempotent (a second run finds nothing more) and cheap on a million customers.
import { and, asc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.js';
import { poolRules } from '../db/schema.js';

type RuleRow = typeof poolRules.$inferSelect;

export interface PoolReturnResult extends Record<string, unknown> {
  rules: number;
  returned: number;
  warned: number;
  warningsClosed: number;
  byRule: Array<{ ruleId: number; name: string; returned: number; warned: number }>;
}

/** Days allowed for a customer of each importance level; a level without its own number uses `default`. */
function daysExpr(rule: RuleRow): SQL {
  const d = rule.days;
  const level = (v: number | null | undefined) => sql`${v ?? d.default}::int`;
  return sql`(case c.importance when 'vip' then ${level(d.vip)} when 'important' then ${level(d.important)} when 'ordinary' then ${level(d.ordinary)} else ${d.default}::int end)`;
}

/** The moment the rule would return customer `c`, and any extra condition for the rule to apply. */
function deadline(rule: RuleRow): { at: SQL; applies: SQL } {
  const receipt = sql`coalesce(c.owner_since, c.created_at)`;
  const span = sql`(${daysExpr(rule)} * interval '1 day')`;
  if (rule.kind === 'no_follow_up') {
    // greatest() skips nulls: a customer never followed up counts from its receipt.
    return { at: sql`(greatest(${receipt}, c.last_follow_up_at) + ${span})`, applies: sql`true` };
  }
  // no_deal: N days after receipt without a deal since then (won orders/opportunities set last_deal_at).
  return { at: sql`(${receipt} + ${span})`, applies: sql`(c.last_deal_at is null or c.last_deal_at < ${receipt})` };
}

function notExempt(rule: RuleRow): SQL {
  const parts: SQL[] = [sql`c.owner_id is not null`, sql`c.deleted_at is null`];
  const importance = rule.exempt.importance ?? [];
  if (importance.length) parts.push(sql`not (${JSON.stringify(importance)}::jsonb ? coalesce(c.importance, ''))`);
  const tagIds = rule.exempt.tagIds ?? [];
  if (tagIds.length) {
    parts.push(sql`not exists (select 1 from customer_tags ct where ct.customer_id = c.id and ct.tag_id in (select (jsonb_array_elements_text(${JSON.stringify(tagIds)}::jsonb))::bigint))`);
  }
  // A customer with a deal still in the pipeline is being worked, whatever the follow-up dates say.
  if (rule.exempt.withOpenDeals) parts.push(sql`not exists (select 1 from opportunities o where o.customer_id = c.id and o.deleted_at is null and o.closed_at is null)`);
  return sql.join(parts, sql` and `);
}

async function count(db: DbOrTx, query: SQL): Promise<number> {
  const result = (await db.execute(query)) as unknown as { rows: Array<{ n: number }> };
  return Number(result.rows[0]?.n ?? 0);
}

async function warnOwners(tx: DbOrTx, rule: RuleRow, asOf: Date): Promise<{ warned: number; closed: number }> {
  const d = deadline(rule);
  const scope = notExempt(rule);
  const keyPrefix = `pool_warning:${rule.id}:`;
  // A warning whose reason went away (followed up, changed hands) is closed rather than left to nag.
  const closed = await count(
    tx,
    sql`with closed as (
      update tasks t set done_at = now(), updated_at = now(), version = t.version + 1
      from customers c
      where t.customer_id = c.id and t.kind = 'pool_warning' and t.done_at is null and t.deleted_at is null
        and t.source_key like ${`${keyPrefix}%`}
        and (c.owner_id is distinct from t.assignee_id or c.deleted_at is not null or ${d.at} > t.due_at)
      returning t.id) select count(*)::int as n from closed`,
  );
  if (rule.warnDays <= 0) return { warned: 0, closed };
  // The source key names the rule, the customer and the deadline: one warning per looming return.
  const warned = await count(
    tx,
    sql`with warned as (
      insert into tasks (kind, title, notes, due_at, assignee_id, customer_id, source_key, priority)
      select 'pool_warning', '即将退回公海：' || c.name,
             ${rule.name} || ' — 请在到期前跟进，否则客户将退回公海。Follow up before the due date or the customer returns to the pool.',
             ${d.at}, c.owner_id, c.id,
             ${keyPrefix} || c.id || ':' || to_char(${d.at} at time zone 'UTC', 'YYYYMMDD'), 'high'
      from customers c
      where ${scope} and ${d.applies}
        and ${asOf}::timestamptz >= ${d.at} - ${rule.warnDays}::int * interval '1 day' and ${asOf}::timestamptz < ${d.at}
      on conflict (source_key) where source_key is not null and deleted_at is null do nothing
      returning id) select count(*)::int as n from warned`,
  );
  return { warned, closed };
}

async function returnCustomers(tx: DbOrTx, rule: RuleRow, asOf: Date): Promise<number> {
  const d = deadline(rule);
  const data = sql`jsonb_build_object('ruleId', ${rule.id}::bigint, 'ruleName', ${rule.name}::text, 'ruleKind', ${rule.kind}::text, 'days', ${daysExpr(rule)})`;
  return count(
    tx,
    sql`with due as (
      select c.id, c.owner_id, ${data} as data from customers c
      where ${notExempt(rule)} and ${d.applies} and ${asOf}::timestamptz >= ${d.at}
      for update of c skip locked
    ), returned as (
      update customers c set previous_owner_id = due.owner_id, owner_id = null, owner_since = null, pool_since = now(),
             released_at = now(), version = c.version + 1, updated_at = now(), updated_by = null
      from due where c.id = due.id and c.owner_id = due.owner_id
      returning c.id, due.owner_id as previous_owner_id, due.data
    ), events as (
      insert into customer_events (customer_id, kind, actor_id, from_user_id, to_user_id, data)
      select id, 'returned', null, previous_owner_id, null, data from returned
    ), audited as (
      insert into audit_log (actor_id, entity, entity_id, action, changes)
      select null, 'customer', id::text, 'return', jsonb_build_object('ownerId', jsonb_build_object('old', previous_owner_id, 'new', null), 'rule', jsonb_build_object('old', null, 'new', data))
      from returned
    ), warnings as (
      update tasks set done_at = now(), updated_at = now(), version = tasks.version + 1
      where kind = 'pool_warning' and done_at is null and deleted_at is null and customer_id in (select id from returned)
    )
    select count(*)::int as n from returned`,
  );
}

/**
 * Applies every active rule once: warnings first, then returns. Safe to run any number of times.
 * `asOf` is the moment the rules are judged at (now, unless an admin checks the rules ahead).
 */
export async function returnNeglectedCustomers(database: Database, options: { asOf?: Date } = {}): Promise<PoolReturnResult> {
  const asOf = options.asOf ?? new Date();
  const rules = await database.db.select().from(poolRules).where(and(eq(poolRules.active, true), isNull(poolRules.deletedAt))).orderBy(asc(poolRules.id));
  const result: PoolReturnResult = { rules: rules.length, returned: 0, warned: 0, warningsClosed: 0, byRule: [] };
  for (const rule of rules) {
    const { warned, closed, returned } = await database.db.transaction(async (tx) => {
      const w = await warnOwners(tx, rule, asOf);
      return { ...w, returned: await returnCustomers(tx, rule, asOf) };
    });
    result.returned += returned;
    result.warned += warned;
    result.warningsClosed += closed;
    result.byRule.push({ ruleId: rule.id, name: rule.name, returned, warned });
  }
  return result;
}
