// Warnings that create work (预警 → 任务): a customer whose churn risk or overdue receivable crosses
// the thresholds of the analytics settings gets one open warning and one task for its owner, with
// the reasons and the win-back playbook of its tier; the warning closes when the task is done or
// the cause is gone. Set-based: a sync is a handful of statements over indexed sets, whatever the
// number of customers, and idempotent (the open-warning unique index and tasks.source_key).
// An incremental run re-evaluates churn only for the customers whose cause can have changed since
// the previous run's sync (`stageChurnCandidates`) and leaves overdue warnings to the daily job; a
// full run, the daily job, and any run without such a baseline re-evaluate everyone.
//
// Re-opening, decided here:
// - closed because the cause went away → a returning cause opens a NEW warning at the next sync;
// - closed because the owner finished the task → the owner has acted, and the cause (a high churn
//   score, an unpaid balance) usually outlives the action by weeks. So no new warning of that kind
//   for that customer for COOL_OFF_DAYS, unless it got worse in the meantime (churn level up, or
//   overdue balance above the amount last seen). Otherwise every task closed today would come back
//   tomorrow morning and warnings would become noise.
// - a change of owner closes the old owner's warning (cause_gone) and opens one for the new owner.
import { sql, type SQL } from 'drizzle-orm';
import type { AnalyticsSettings } from '@guanxi/contracts';
import type { Database, DbOrTx } from '../db/client.js';
import { recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';

/** Days after a task-done close during which the same warning is not raised again unless worse. */
export const COOL_OFF_DAYS = 30;
/** Overdue warnings at or past this many days are `high` (the 90+ bucket of receivables ageing). */
export const OVERDUE_HIGH_DAYS = 90;

export interface SyncOptions {
  /** The analytics run that produced the metrics (recorded in the warnings' reasons); null from the daily job. */
  runId: number | null;
  /** The run's as-of day, recorded with churn warnings. */
  asOf: string;
  settings: AnalyticsSettings;
  /** The company's time zone: days overdue count in it. */
  timeZone?: string;
  /** The moment of the sync (tasks' due times, cool-off); now by default. */
  now?: Date;
  /**
   * The customers whose metrics this run wrote (an incremental run's): the churn part then looks
   * only at the customers whose cause can have changed since the previous run's sync, when that
   * sync is a baseline (`churnBaseline`), and the overdue part is skipped (see syncCustomerWarnings).
   * Without them, every customer and both parts.
   */
  scoredIds?: number[];
}

export interface SyncResult extends Record<string, unknown> {
  opened: number;
  closed: number;
  /** Customers whose churn cause was re-evaluated; null when every customer's was. */
  churnCandidates?: number | null;
  /** False when the overdue warnings were left to the daily job (an incremental run). */
  overdueSynced?: boolean;
}

async function rowsOf<T>(tx: DbOrTx, query: SQL): Promise<T[]> {
  return ((await tx.execute(query)) as unknown as { rows: T[] }).rows;
}

async function count(tx: DbOrTx, query: SQL): Promise<number> {
  const [r] = await rowsOf<{ n: number }>(tx, query);
  return Number(r?.n ?? 0);
}

/**
 * A sync's transaction: its statements are index-driven over few rows, but their estimated costs
 * over a big population pass jit_above_cost, and compiling took longer than running (1.4 s for a
 * 1 s statement at 150k customers).
 */
async function inSyncTransaction<T>(database: Database, work: (tx: DbOrTx) => Promise<T>): Promise<T> {
  return database.db.transaction(async (tx) => {
    if (database.driver !== 'pglite') await tx.execute(sql`set local jit = off`);
    return work(tx);
  });
}

/**
 * `query` (with a customer_id column) computed once into a temp table of the transaction, which the
 * close, refresh and open statements then read: the causes are joins over the population, too dear
 * to evaluate three times, and re-run once per warning when customer_warnings' statistics are stale
 * (the first sync after many warnings opened: over 10 minutes at 150k customers). Indexed and analysed (no
 * autovacuum looks at a temp table), so every join against it stays cheap whatever plan is chosen.
 */
async function stage(tx: DbOrTx, table: string, query: SQL): Promise<SQL> {
  await tx.execute(sql`create temp table ${sql.identifier(table)} on commit drop as ${query}`);
  await tx.execute(sql`create index on ${sql.identifier(table)} (customer_id)`);
  await tx.execute(sql`analyze ${sql.identifier(table)}`);
  return sql`select * from ${sql.identifier(table)}`;
}

const defaultTimeZone = () => process.env.GUANXI_TIME_ZONE ?? 'Asia/Shanghai';

/** Churn levels at or above the setting; none when churn warnings are off. */
function churnLevelsFrom(settings: AnalyticsSettings): string[] {
  const from = settings.warnings.churnLevel;
  return from === null ? [] : from === 'medium' ? ['medium', 'high'] : ['high'];
}

const levelRank = (level: SQL) => sql`(case ${level} when 'high' then 2 when 'medium' then 1 else 0 end)`;

/**
 * The tier the playbook follows: a tier set by hand on the customer wins over the computed one
 * (the rule of the importance field), else the last run's tier.
 */
const tierExpr = sql`(case when c.importance_source = 'manual' then c.importance else coalesce(m.tier, c.importance) end)`;

/**
 * Win-back stance by tier — the rule of `recommendAction` (recommend-action.ts) in SQL, so the task
 * and the analysis card always agree: VIP 极力挽回, important 尽量挽回, ordinary 见机行事, and an
 * ordinary customer of low value (class C or no profit) whose relationship has ended (终止期) 放弃.
 * warnings.service.test.ts checks the two against each other.
 */
const stanceExpr = sql`(case when ${tierExpr} = 'vip' then 'win_back_hard' when ${tierExpr} = 'important' then 'win_back'
  when (m.abc_class = 'C' or m.margin <= 0) and m.lifecycle_stage = 'termination' then 'let_go' else 'opportunistic' end)`;

/** The churn signals as a metrics row stores them (customer_metrics.reasons is json), wherever the pipeline kept them. */
export const storedSignals = sql`(coalesce(m.reasons #> '{churn,signals}', m.reasons #> '{churn_level,signals}', m.reasons #> '{churnLevel,signals}'))::jsonb`;

/** The churn signals of a metrics row, tolerant of where the pipeline keeps them: [{signal, contribution}]. */
const signalsExpr = sql`coalesce((
    select jsonb_agg(jsonb_build_object('signal', coalesce(e->>'signal', e#>>'{}'), 'contribution', (e->>'contribution')::float8) order by o)
    from jsonb_array_elements(
      case when jsonb_typeof(${storedSignals}) = 'array' then ${storedSignals} else '[]'::jsonb end
    ) with ordinality s(e, o)
  ), '[]'::jsonb)`;

/** The customers (of `candidates`, or all) whose churn warning should be open now, with the owner it belongs to. */
function churnCauses(settings: AnalyticsSettings, candidates: SQL | null): SQL {
  const levels = churnLevelsFrom(settings);
  const tiers = settings.warnings.churnTiers;
  const levelCond = levels.length ? sql`m.churn_level in (${sql.join(levels.map((l) => sql`${l}`), sql`, `)})` : sql`false`;
  const tierCond = tiers.length ? sql`${tierExpr} in (${sql.join(tiers.map((t) => sql`${t}`), sql`, `)})` : sql`true`;
  return sql`select c.id as customer_id, c.owner_id, m.churn_level as level, m.churn_score as score, ${tierExpr} as tier, ${stanceExpr} as stance,
      ${signalsExpr} as signals, m.clv
    from customer_metrics m
    join customers c on c.id = m.customer_id and c.deleted_at is null
    join users u on u.id = c.owner_id and u.active and u.deleted_at is null
    where ${levelCond} and ${tierCond}${candidates ? sql` and m.customer_id in (select customer_id from (${candidates}) cc)` : sql``}`;
}

/**
 * The start of the previous run when its sync is a baseline for this one, else null (evaluate
 * everyone): that run succeeded, so the metrics it wrote were synced, and it had the same churn
 * thresholds. Its start, not its sync's moment: earlier, so changes made during it count too.
 */
async function churnBaseline(tx: DbOrTx, runId: number, settings: AnalyticsSettings): Promise<string | null> {
  const [prev] = await rowsOf<{ status: string; since: string; warnings: Partial<AnalyticsSettings['warnings']> | null }>(
    tx,
    sql`select status, started_at::text as since, settings -> 'warnings' as warnings from analytics_runs where id < ${runId} order by id desc limit 1`,
  );
  if (!prev || prev.status !== 'succeeded') return null;
  const same =
    (prev.warnings?.churnLevel ?? null) === settings.warnings.churnLevel && JSON.stringify(prev.warnings?.churnTiers ?? null) === JSON.stringify(settings.warnings.churnTiers);
  return same ? prev.since : null;
}

/**
 * The customers whose churn cause or warning can differ from the previous sync's outcome (the
 * baseline `since`), into a temp table. Everyone else had the same metrics, owner, tier and owner's
 * status then, so that sync's decision stands. The candidates are:
 * - the customers this run scored (new metrics);
 * - every customer with an open churn warning (it may have to close, move or refresh its score), so
 *   that closing can read the staged causes alone;
 * - customers whose warning was closed by a done task late enough that the cool-off could have
 *   ended since (it ends COOL_OFF_DAYS after the close);
 * - customers changed since (owner, importance, restored from the recycle bin: writes that set
 *   updated_at), and the customers of users changed since (reactivated).
 * A deleted customer or owner needs no entry: only an open warning could change, and those are in.
 */
async function stageChurnCandidates(tx: DbOrTx, scoredIds: number[], since: string): Promise<{ table: SQL; n: number }> {
  const ids = sql`${`{${scoredIds.join(',')}}`}::bigint[]`;
  const from = sql`${since}::timestamptz`;
  const table = await stage(
    tx,
    'warning_churn_candidates',
    sql`select unnest(${ids}) as customer_id
      union select customer_id from customer_warnings where kind = 'churn' and closed_at is null
      union select customer_id from customer_warnings
        where kind = 'churn' and closed_because = 'task_done' and closed_at > ${from} - ${COOL_OFF_DAYS}::int * interval '1 day'
      union select id from customers where deleted_at is null and updated_at >= ${from}
      union select c.id from users u join customers c on c.owner_id = u.id and c.deleted_at is null where u.updated_at >= ${from}`,
  );
  return { table, n: await count(tx, sql`select count(*)::int as n from warning_churn_candidates`) };
}

/**
 * Overdue balance per customer (外欠款): open amounts of plan instalments past their due date on
 * orders still owed (confirmed, fulfilled), as in receivables.service. The owner is the customer's,
 * else — a customer back in the pool — whoever owns its oldest overdue instalment.
 */
export function overdueByCustomer(timeZone: string): SQL {
  const today = sql`(now() at time zone ${timeZone})::date`;
  // The open instalments alone, as the receivables report reads them (receivables.service.ts
  // overdueFrom): a cancelled order's plan is withdrawn with it and only drafts and cancelled orders
  // can be deleted, so an open instalment is always owed, and it carries its order's customer and
  // owner. The range of payment_instalments_open_due_idx, index only; looking each instalment's
  // order up took 2–5 s of a full analytics run at 10M orders (150,000 overdue instalments).
  return sql`select i.customer_id, sum(i.amount - i.paid_amount)::numeric(20, 2) as amount, max(${today} - i.due_date)::int as days, count(*)::int as instalments,
      (array_agg(i.owner_id order by i.due_date, i.id))[1] as oldest_owner
    from payment_instalments i
    where i.deleted_at is null and i.paid_amount < i.amount and i.due_date < ${today}
    group by i.customer_id`;
}

/** The customers over both overdue thresholds, with their balance (none when the warning is off). */
function overdueBalances(settings: AnalyticsSettings, timeZone: string): SQL {
  const { overdueAmount, overdueDays } = settings.warnings;
  if (overdueAmount === null) return sql`select null::bigint as customer_id, null::numeric as amount, 0 as days, 0 as instalments, null::bigint as oldest_owner where false`;
  return sql`select od.* from (${overdueByCustomer(timeZone)}) od where od.amount >= ${String(overdueAmount)}::numeric and od.days >= ${overdueDays}::int`;
}

/** The customers (of the staged `balances`) whose overdue warning should be open now, with the owner it belongs to. */
function overdueCauses(balances: SQL): SQL {
  return sql`select c.id as customer_id, coalesce(c.owner_id, od.oldest_owner) as owner_id, od.amount, od.days, od.instalments, c.importance as tier
    from (${balances}) od
    join customers c on c.id = od.customer_id and c.deleted_at is null
    join users u on u.id = coalesce(c.owner_id, od.oldest_owner) and u.active and u.deleted_at is null`;
}

/**
 * Closes the open warnings of `kind` whose cause is not in `causes` any more (or whose customer has
 * another owner now), and marks their tasks done: nothing is left to do about them.
 */
async function closeGone(tx: DbOrTx, kind: 'churn' | 'overdue', causes: SQL): Promise<number> {
  return count(
    tx,
    sql`with gone as (
      update customer_warnings w set closed_at = now(), closed_because = 'cause_gone'
      where w.kind = ${kind} and w.closed_at is null
        and not exists (select 1 from (${causes}) k where k.customer_id = w.customer_id and k.owner_id is not distinct from w.owner_id)
      returning w.id, w.task_id
    ), tasks_done as (
      update tasks t set done_at = now(), updated_at = now(), version = t.version + 1
      from gone where t.id = gone.task_id and t.done_at is null and t.deleted_at is null
    ), audited as (
      insert into audit_log (actor_id, entity, entity_id, action, changes)
      select null, 'customer_warning', gone.id::text, 'close', jsonb_build_object('closedBecause', jsonb_build_object('old', null, 'new', 'cause_gone'))
      from gone
    )
    select count(*)::int as n from gone`,
  );
}

/** Opens a warning for every cause without an open one, unless cooling off after a done task (see the top). */
async function openNew(tx: DbOrTx, kind: 'churn' | 'overdue', causes: SQL, now: Date, reasons: SQL, worse: SQL): Promise<number> {
  const level = kind === 'churn' ? sql`k.level` : sql`(case when k.days >= ${OVERDUE_HIGH_DAYS}::int then 'high' else 'medium' end)`;
  const score = kind === 'churn' ? sql`k.score` : sql`null::float8`;
  const amount = kind === 'churn' ? sql`null::numeric` : sql`k.amount`;
  return count(
    tx,
    sql`with opened as (
      insert into customer_warnings (customer_id, kind, owner_id, level, score, amount, reasons, opened_at)
      select k.customer_id, ${kind}, k.owner_id, ${level}, ${score}, ${amount}, ${reasons}, ${now}::timestamptz
      from (${causes}) k
      where not exists (select 1 from customer_warnings w where w.customer_id = k.customer_id and w.kind = ${kind} and w.closed_at is null)
        and not exists (
          select 1 from customer_warnings w
          where w.customer_id = k.customer_id and w.kind = ${kind} and w.closed_because = 'task_done'
            and w.closed_at > ${now}::timestamptz - ${COOL_OFF_DAYS}::int * interval '1 day' and not (${worse}))
      on conflict (customer_id, kind) where closed_at is null do nothing
      returning id, customer_id, owner_id, level
    ), audited as (
      insert into audit_log (actor_id, entity, entity_id, action, changes)
      select null, 'customer_warning', id::text, 'open',
        jsonb_build_object('kind', jsonb_build_object('old', null, 'new', ${kind}::text), 'customerId', jsonb_build_object('old', null, 'new', customer_id),
          'ownerId', jsonb_build_object('old', null, 'new', owner_id), 'level', jsonb_build_object('old', null, 'new', level))
      from opened
    )
    select count(*)::int as n from opened`,
  );
}

/** Keeps the latest score, level and amount on open warnings (the task keeps what it said at opening). */
async function refreshOpen(tx: DbOrTx, kind: 'churn' | 'overdue', causes: SQL): Promise<void> {
  const set =
    kind === 'churn'
      ? sql`score = k.score, level = k.level`
      : sql`amount = k.amount, level = (case when k.days >= ${OVERDUE_HIGH_DAYS}::int then 'high' else 'medium' end)`;
  const current = kind === 'churn' ? sql`(w.score, w.level)` : sql`(w.amount, w.level)`;
  const latest =
    kind === 'churn' ? sql`(k.score, k.level)` : sql`(k.amount, (case when k.days >= ${OVERDUE_HIGH_DAYS}::int then 'high' else 'medium' end))`;
  // only rows that change: most open warnings are the same from one run to the next
  await tx.execute(
    sql`update customer_warnings w set ${set} from (${causes}) k where w.customer_id = k.customer_id and w.kind = ${kind} and w.closed_at is null and ${current} is distinct from ${latest}`,
  );
}

// Labels of the task text, in the owner's language (Chinese, the company default, when unset).
const signalLabels = sql`(values
  ('silence', '超出自身购买周期未再购买', 'silent beyond its own buying cycle'),
  ('falling_frequency', '购买频率下降', 'buying less often'),
  ('falling_spend', '消费金额下降', 'spending less'),
  ('low_p_alive', '存活概率低', 'low probability of being alive'),
  ('overdue_payments', '回款逾期', 'overdue payments'),
  ('poor_survey', '满意度低', 'poor survey scores'),
  ('open_complaints', '有未结投诉', 'open complaints')) as l(key, zh, en)`;
const stanceLabels = sql`(values
  ('win_back_hard', '关键客户：极力挽回——负责人亲自拜访，必要时请上级出面', 'key customer: win back at any cost — visit in person, bring in your manager if needed', 3, 'high'),
  ('win_back', '普通客户：尽量挽回——尽快电话或拜访，了解原因', 'ordinary customer: try to win back — call or visit soon and find out why', 7, 'normal'),
  ('opportunistic', '小客户：见机行事——有合适机会再联系', 'small customer: act on opportunity — get in touch when there is a reason', 14, 'low'),
  ('let_go', '不值得挽回：可以放弃——不再投入挽回资源', 'not worth winning back: let go — spend no more on winning back', 14, 'low')) as p(key, zh, en, days, priority)`;

/**
 * Creates the task of every open warning that has none yet (keyed `warning:<id>`, so never twice)
 * and links it. Title and notes are written in the owner's language.
 */
async function createTasks(tx: DbOrTx, now: Date): Promise<number> {
  const en = sql`(u.locale = 'en')`;
  // ¥1,234,567.80: grouped in SQL like the web's formatMoney, from the numeric itself
  const yuan = (v: SQL) => sql`('¥' || to_char(${v}, 'FM999,999,999,999,990.00'))`;
  const signalList = sql`(select string_agg(case when ${en} then coalesce(l.en, s.e->>'signal') else coalesce(l.zh, s.e->>'signal') end
        || coalesce(case when ${en} then ' (' else '（' end || round(((s.e->>'contribution')::float8 * 100)::numeric) || case when ${en} then '%)' else '%）' end, ''),
        case when ${en} then ', ' else '；' end order by s.o)
      from jsonb_array_elements(w.reasons->'signals') with ordinality s(e, o) left join ${signalLabels} on l.key = s.e->>'signal')`;
  const churnNotes = sql`case when ${en}
      then 'Churn risk ' || w.level || coalesce(' (score ' || round((w.score * 100)::numeric) || '/100)', '') || '. Signals: ' || coalesce(${signalList}, 'none recorded')
        || coalesce('. Predicted CLV at stake: ' || ${yuan(sql`(w.reasons->>'clv')::numeric`)}, '') || '. Playbook — ' || p.en || '.'
      else '流失风险' || case w.level when 'high' then '高' else '中' end || coalesce('（评分 ' || round((w.score * 100)::numeric) || '/100）', '') || '。流失信号：' || coalesce(${signalList}, '无记录')
        || coalesce('。预测客户终身价值 ' || ${yuan(sql`(w.reasons->>'clv')::numeric`)}, '') || '。挽回策略——' || p.zh || '。' end`;
  const overdueNotes = sql`case when ${en}
      then 'Overdue receivable ' || ${yuan(sql`w.amount`)} || ' over ' || (w.reasons->>'instalments') || ' instalment(s), the oldest ' || (w.reasons->>'days') || ' days late. Call the customer about payment and agree dates.'
      else '逾期应收 ' || ${yuan(sql`w.amount`)} || '，共 ' || (w.reasons->>'instalments') || ' 期，最早一期已逾期 ' || (w.reasons->>'days') || ' 天。请联系客户催收并约定回款日期。' end`;
  return count(
    tx,
    sql`with made as (
      insert into tasks (kind, title, notes, due_at, assignee_id, customer_id, source_key, priority)
      select case w.kind when 'churn' then 'churn_warning' else 'overdue_warning' end,
        case when w.kind = 'churn' then (case when ${en} then 'Churn risk: ' else '流失预警：' end) else (case when ${en} then 'Overdue receivable: ' else '外欠款预警：' end) end || c.name,
        case when w.kind = 'churn' then ${churnNotes} else ${overdueNotes} end,
        ${now}::timestamptz + (case when w.kind = 'churn' then p.days else 3 end) * interval '1 day',
        w.owner_id, w.customer_id, 'warning:' || w.id,
        case when w.kind = 'churn' then p.priority when w.level = 'high' then 'high' else 'normal' end
      from customer_warnings w
      join customers c on c.id = w.customer_id
      join users u on u.id = w.owner_id
      left join ${stanceLabels} on p.key = coalesce(w.reasons->>'stance', 'opportunistic')
      where w.closed_at is null and w.task_id is null and w.owner_id is not null
      on conflict (source_key) where source_key is not null and deleted_at is null do nothing
      returning id, source_key
    ), linked as (
      update customer_warnings w set task_id = made.id from made where made.source_key = 'warning:' || w.id
      returning w.id
    )
    select count(*)::int as n from linked`,
  );
}

function churnReasons(options: SyncOptions): SQL {
  return sql`jsonb_build_object('tier', k.tier, 'stance', k.stance, 'signals', k.signals, 'clv', k.clv::text, 'score', k.score, 'runId', ${options.runId}::bigint, 'asOf', ${options.asOf}::text)`;
}
const overdueReasons = sql`jsonb_build_object('days', k.days, 'instalments', k.instalments, 'amount', k.amount::text, 'tier', k.tier)`;
const churnWorse = sql`${levelRank(sql`k.level`)} > ${levelRank(sql`w.level`)}`;
const overdueWorse = sql`k.amount > coalesce(w.amount, 0)`;

async function syncOverdue(tx: DbOrTx, options: SyncOptions, now: Date): Promise<SyncResult> {
  // in two steps, so that the join to customers knows how few balances there are
  const balances = await stage(tx, 'warning_overdue_balances', overdueBalances(options.settings, options.timeZone ?? defaultTimeZone()));
  const causes = await stage(tx, 'warning_overdue_causes', overdueCauses(balances));
  const closed = await closeGone(tx, 'overdue', causes);
  await refreshOpen(tx, 'overdue', causes);
  const opened = await openNew(tx, 'overdue', causes, now, overdueReasons, overdueWorse);
  return { opened, closed };
}

/**
 * After an analytics run: churn warnings brought up to date with the new metrics, overdue warnings
 * with today's receivables, and a task for each new one. Called by the analytics pipeline.
 * An incremental run (`scoredIds`) leaves the overdue warnings to the daily `warnings-sync` job and
 * the nightly full run: they follow payments and the calendar, not scores, so such a run has
 * nothing new for them, and re-reading every overdue instalment would be most of its cost.
 */
export async function syncCustomerWarnings(database: Database, options: SyncOptions): Promise<SyncResult> {
  const now = options.now ?? new Date();
  return inSyncTransaction(database, async (tx) => {
    const since = options.scoredIds && options.runId !== null ? await churnBaseline(tx, options.runId, options.settings) : null;
    const candidates = options.scoredIds && since !== null ? await stageChurnCandidates(tx, options.scoredIds, since) : null;
    const causes = await stage(tx, 'warning_churn_causes', churnCauses(options.settings, candidates?.table ?? null));
    const closedChurn = await closeGone(tx, 'churn', causes);
    await refreshOpen(tx, 'churn', causes);
    const openedChurn = await openNew(tx, 'churn', causes, now, churnReasons(options), churnWorse);
    const overdue = options.scoredIds ? null : await syncOverdue(tx, options, now);
    await createTasks(tx, now);
    return {
      opened: openedChurn + (overdue?.opened ?? 0),
      closed: closedChurn + (overdue?.closed ?? 0),
      churnCandidates: candidates?.n ?? null,
      overdueSynced: overdue !== null,
    };
  });
}

/** The daily `warnings-sync` job: overdue warnings follow the receivables without waiting for an analytics run. */
export async function syncOverdueWarnings(database: Database, options: Omit<SyncOptions, 'runId' | 'asOf' | 'scoredIds'>): Promise<SyncResult> {
  const now = options.now ?? new Date();
  return inSyncTransaction(database, async (tx) => {
    const result = await syncOverdue(tx, { ...options, runId: null, asOf: now.toISOString().slice(0, 10) }, now);
    await createTasks(tx, now);
    return result;
  });
}

/** Finishing a warning's task closes the warning, in the task's transaction (tasks.service calls it). */
export async function closeWarningsOfDoneTask(tx: DbOrTx, ctx: Ctx, taskId: number): Promise<void> {
  const closed = (await tx.execute(
    sql`update customer_warnings set closed_at = now(), closed_because = 'task_done' where task_id = ${taskId} and closed_at is null returning id`,
  )) as unknown as { rows: Array<{ id: number | string }> };
  for (const row of closed.rows) {
    await recordAudit(tx, ctx, { entity: 'customer_warning', entityId: Number(row.id), action: 'close', changes: { closedBecause: { old: null, new: 'task_done' }, taskId: { old: null, new: taskId } } });
  }
}
