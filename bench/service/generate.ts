// Generates the service data set inside the database, set-based: customers (with their sales reps
// and an admin token) come from the customers benchmark's generator; on top of them a service
// centre of teams (departments) with a manager and agents each, the default business calendar,
// SLA policies per customer tier and priority, tickets over ~3 years, their replies, complaint
// workflow steps and return visits with ratings — one `insert … select … from generate_series`
// per table and batch. Every random choice is a hash of the row number (hashint8extended), so the
// data are the same on every run and engine.
//
// Tickets are numbered in creation order; the newest `open` of them came in over the last 22 days
// and are still being worked (new / open / pending_customer), the others are spread evenly over
// the ~3 years before and are closed (a few only resolved). SLA due times use a simplified business-time formula instead of the calendar: one
// business minute = 7 × 24 × 60 / (5 × 450) = 4.48 wall-clock minutes, the average ratio of the
// default calendar (Mon–Fri, 7.5 working hours a day), ignoring holidays and the hour of day. Due,
// warning (80 % of the target, the policies' nearBreachPercent) and the business minutes a closed
// ticket took all follow that one formula, so a ticket's SLA verdicts agree with its times. Open
// tickets are generated with pending clocks and no near-breach flag, as if the SLA job had never
// run: its first run has the whole backlog to judge.
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../apps/server/src/db/client.js';
import { sha256 } from '../../apps/server/src/auth/tokens.js';
import { seedDefaultCalendar } from '../../apps/server/src/sla/calendars.service.js';
import { rebuildTicketReportRollups } from '../../apps/server/src/service-reports/service-report-rollups.js';
import { generate as generateCustomers } from '../customers/generate.js';

export interface ServiceScale {
  customers: number;
  tickets: number;
  /** Tickets still open (the newest ones). */
  open: number;
  /** Replies per ticket, on average. */
  repliesPerTicket: number;
}

export interface GenerateOptions extends ServiceScale {
  teams: number;
  agentsPerTeam: number;
  /** Agents of team 1 that get an API token (the "mine" and "unassigned" scenarios' callers). */
  agentTokens: number;
  now: Date;
  timeZone: string;
  log: (line: string) => void;
}

export interface Generated {
  adminToken: string;
  managerToken: string;
  agentTokens: string[];
  managerId: number;
  agentIds: number[];
  teamIds: number[];
  counts: Record<string, number>;
  seconds: Record<string, number>;
}

const timed = async (fn: () => Promise<unknown>) => {
  const t = performance.now();
  await fn();
  return Math.round((performance.now() - t) / 100) / 10;
};

const serviceTables = ['tickets', 'ticket_replies', 'ticket_steps', 'return_visits'];

async function indexDefinitions(database: Database): Promise<Array<{ name: string; def: string }>> {
  const rows = await database.rows<{ indexname: string; indexdef: string }>(sql`
    select i.indexname, i.indexdef from pg_indexes i
    where i.schemaname = 'public' and i.tablename in (${sql.join(serviceTables.map((t) => sql`${t}`), sql`, `)})
      and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`);
  return rows.map((r) => ({ name: r.indexname, def: r.indexdef }));
}

/** h(k): a non-negative pseudo-random bigint from a row key and a salt k. */
const h = (k: number, col = 'g') => sql.raw(`(hashint8extended(${col}, ${k}) & 9223372036854775807)`);
/** u(k): a pseudo-random double in [0, 1). */
const u = (k: number, col = 'g') => sql.raw(`((hashint8extended(${col}, ${k}) & 9223372036854775807) % 1000000)::float8 / 1000000`);
const texts = (list: readonly string[]) => sql.raw(`array[${list.map((s) => `'${s.replace(/'/g, "''")}'`).join(', ')}]::text[]`);
const pickText = (list: readonly string[], k: number, col = 'g') => sql`(${texts(list)})[1 + ${h(k, col)} % ${list.length}::int]`;

/** One batch in its own transaction with triggers (foreign-key checks) off: the rows are consistent by construction. */
async function load(database: Database, statement: SQL): Promise<void> {
  await database.db.transaction(async (tx) => {
    await tx.execute(sql.raw('set local session_replication_role = replica'));
    await tx.execute(statement);
  });
}

const tiers = ['vip', 'important', 'ordinary', null] as const;
const priorities = ['urgent', 'high', 'normal', 'low'] as const;
/** Business minutes [first response, resolution] per tier (rows) and priority (columns); tier-less callers get the ordinary promise. */
const targets: Array<Array<[number, number]>> = [
  [[30, 480], [60, 960], [120, 1440], [240, 2880]],
  [[60, 960], [120, 1440], [240, 2880], [480, 4500]],
  [[120, 1440], [240, 2880], [480, 4500], [960, 9000]],
  [[120, 1440], [240, 2880], [480, 4500], [960, 9000]],
];
/** Wall-clock seconds per business minute: 60 × (7 × 24 × 60) / (5 × 450). */
const WALL_S_PER_BUSINESS_MIN = 268.8;

const subjects = [
  '设备无法开机', '发票抬头需要更改', '物流迟迟未到', '产品外观有划痕', '咨询保修政策', '安装预约', '退货申请', '配件缺失', '售后维修进度查询', '账单金额有误',
  '客服态度问题', '功能使用咨询', '换货申请', '建议增加新功能', '软件升级后报错', '上门服务时间确认', '合同条款咨询', '产品质量投诉', '包装破损', '积分未到账',
];
const categories = ['product', 'logistics', 'billing', 'installation', 'warranty', 'account', 'other'];
const rootCauses = ['product_quality', 'delivery', 'service_attitude', 'billing', 'installation', 'documentation'];
const replyBodies = [
  '您好，已收到您的问题，我们正在处理，请稍候。', '请提供订单号和设备序列号，方便我们核实。', '已安排工程师上门，预计明天下午到达。', '问题已解决，如有其他疑问请随时联系我们。',
  '客户来电补充说明了故障现象。', '已与仓库确认，今天补发配件。', '已为您申请退款，3-5个工作日到账。', '内部备注：需要二线技术支持协助。',
];

export async function generate(database: Database, opts: GenerateOptions): Promise<Generated> {
  const now = opts.now.toISOString();
  const N = opts.customers;
  const T = opts.tickets;
  const O = Math.min(opts.open, T);
  const closedN = T - O;
  const seconds: Record<string, number> = {};
  const log = opts.log;
  const spanS = 3 * 365 * 86400;
  // The open tickets came in over the last 22 days (2 % of 3 years: the issue's 100k of 5M at an
  // even rate), whatever the scale, so their due times fall around now as they would at full scale.
  const openS = 22 * 86400;

  // Customers (importance spread vip / important / ordinary) with their reps; no follow-ups.
  const base = await generateCustomers(database, { customers: N, followUps: 0, reps: 50, now: opts.now, log });
  Object.assign(seconds, Object.fromEntries(Object.entries(base.seconds).map(([k, v]) => [`customers.${k}`, v])));
  const adminId = base.adminId;
  const newToken = () => `gx_bench_${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
  const managerToken = newToken();
  const agentTokens = Array.from({ length: opts.agentTokens }, newToken);
  let managerId = 0;
  let agentIds: number[] = [];
  let teamIds: number[] = [];
  let agentBase = 0;
  let teamBase = 0;

  seconds.organisation = await timed(async () => {
    await database.db.transaction(async (tx) => {
      await seedDefaultCalendar(tx, opts.timeZone);
      const [root] = await database.rows<{ id: number }>(sql`insert into departments (name) values ('客服中心') returning id`, tx);
      const rootId = Number(root!.id);
      await tx.execute(sql`insert into departments (name, parent_id) select '客服' || d || '组', ${rootId}::bigint from generate_series(1, ${opts.teams}::int) d order by d`);
      const teams = await database.rows<{ id: number }>(sql`select id from departments where parent_id = ${rootId}::bigint order by id`, tx);
      teamIds = teams.map((r) => Number(r.id));
      teamBase = teamIds[0]!;
      if (teamIds.some((id, i) => id !== teamBase + i)) throw new Error('team ids are not contiguous');
      const hash = sql`(select password_hash from users where id = ${adminId}::bigint)`;
      await tx.execute(sql`
        insert into users (email, name, password_hash, role_id, department_id, manager_id)
        select 'svc-manager' || d || '@bench.local', '客服主管' || d, ${hash}, (select id from roles where key = 'manager'), ${teamBase}::bigint + d - 1, ${adminId}::bigint
        from generate_series(1, ${opts.teams}::int) d order by d`);
      await tx.execute(sql`update departments d set manager_id = u.id from users u where u.email = 'svc-manager' || (d.id - ${teamBase}::bigint + 1) || '@bench.local' and d.parent_id = ${rootId}::bigint`);
      // Agent (team d, k), both 0-based, gets id agentBase + d × agentsPerTeam + k.
      await tx.execute(sql`
        insert into users (email, name, password_hash, role_id, department_id, manager_id)
        select 'agent' || g || '@bench.local', '客服' || g, ${hash}, (select id from roles where key = 'service'), ${teamBase}::bigint + g / ${opts.agentsPerTeam}::int,
               (select id from users where email = 'svc-manager' || (1 + g / ${opts.agentsPerTeam}::int) || '@bench.local')
        from generate_series(0, ${opts.teams * opts.agentsPerTeam - 1}::int) g order by g`);
      const agents = await database.rows<{ id: number; email: string }>(sql`select id, email from users where email like 'agent%@bench.local' order by id`, tx);
      agentBase = Number(agents[0]!.id);
      if (agents.some((a, i) => Number(a.id) !== agentBase + i || a.email !== `agent${i}@bench.local`)) throw new Error('agent ids are not contiguous');
      agentIds = agents.slice(0, opts.agentTokens).map((a) => Number(a.id));
      const [m] = await database.rows<{ id: number }>(sql`select id from users where email = 'svc-manager1@bench.local'`, tx);
      managerId = Number(m!.id);
      await tx.execute(sql`insert into api_tokens (user_id, name, prefix, token_hash, scopes) values (${managerId}, 'bench team lead', ${managerToken.slice(0, 10)}, ${sha256(managerToken)}, array['read', 'write']::text[])`);
      for (const [i, t] of agentTokens.entries()) {
        await tx.execute(sql`insert into api_tokens (user_id, name, prefix, token_hash, scopes) values (${agentIds[i]!}, 'bench agent', ${t.slice(0, 10)}, ${sha256(t)}, array['read', 'write']::text[])`);
      }
      // SLA policies: id 1 + tier × 4 + priority, every pair named, so matching is unambiguous.
      const rows = tiers.flatMap((tier, ti) => priorities.map((p, pi) => ({ id: 1 + ti * 4 + pi, tier, p, fr: targets[ti]![pi]![0], res: targets[ti]![pi]![1] })));
      await tx.execute(sql`
        insert into sla_policies (id, name, importance, priority, first_response_minutes, resolution_minutes, near_breach_percent) overriding system value
        select x.id, coalesce(x.tier, '无等级') || ' / ' || x.p, x.tier, x.p, x.fr, x.res, 80
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(id bigint, tier text, p text, fr int, res int)`);
      await tx.execute(sql.raw(`select setval(pg_get_serial_sequence('sla_policies', 'id'), ${rows.length})`));
    });
  });

  const indexes = await indexDefinitions(database);
  for (const ix of indexes) await database.db.execute(sql.raw(`drop index if exists "${ix.name}"`));

  const fr = sql.raw(`(array[${targets.flat().map((x) => x[0]).join(',')}])`);
  const res = sql.raw(`(array[${targets.flat().map((x) => x[1]).join(',')}])`);
  const wall = (minutes: SQL) => sql`((${minutes}) * ${WALL_S_PER_BUSINESS_MIN}::float8 * interval '1 second')`;
  const tb = 500_000;
  seconds.tickets = await timed(async () => {
    for (let lo = 1; lo <= T; lo += tb) {
      const hi = Math.min(T, lo + tb - 1);
      // Stage 1 (k): the ticket's draws; stage 2 (x): its times; the select writes the row.
      await load(
        database,
        sql`
        insert into tickets (id, number, type, subtype, customer_id, caller_name, caller_phone, channel, subject, description, category, root_cause, priority,
          team_id, assignee_id, assigned_at, status, complaint_stage, customer_tier, sla_policy_id,
          first_response_due_at, first_response_warn_at, resolution_due_at, resolution_warn_at, first_responded_at, resolved_at, closed_at, paused_since,
          response_business_minutes, resolution_business_minutes, sla_first_response, sla_resolution, created_at, updated_at, created_by, updated_by)
        overriding system value
        select g, 'T' || to_char(created at time zone ${opts.timeZone}, 'YYYYMMDD') || lpad(g::text, greatest(6, length(g::text)), '0'), type,
          case when type = 'after_sales' then (array['repair', 'return', 'replacement'])[1 + ${h(9)} % 3] end,
          customer_id, case when customer_id is null then '来电客户' || g % 1000 end, case when customer_id is null then '139' || lpad((${h(10)} % 100000000)::text, 8, '0') end,
          (array['phone', 'email', 'wechat', 'web_form', 'chat', 'phone', 'wechat'])[1 + ${h(11)} % 7], ${pickText(subjects, 12)}, null, ${pickText(categories, 13)},
          case when type = 'complaint' and not open then ${pickText(rootCauses, 14)} end,
          priority, team_id, assignee_id, case when assignee_id is not null then created + interval '3 minutes' end,
          status, case when type = 'complaint' then case when open then 'recorded' else 'closed' end end,
          tier, policy, fr_due, fr_warn, res_due, res_warn, responded, resolved,
          case when status = 'closed' then resolved + (${h(15)} % 86400) * interval '1 second' end,
          case when status = 'pending_customer' then greatest(coalesce(responded, created), ${now}::timestamptz - (${h(16)} % (3 * 86400)) * interval '1 second') end,
          case when responded is not null then round(fr_min * fr_f)::int end, case when resolved is not null then round(res_min * res_f)::int end,
          case when status = 'new' then 'pending' when fr_f <= 1 then 'achieved' else 'breached' end,
          case when open then 'pending' when res_f <= 1 then 'achieved' else 'breached' end,
          created, coalesce(resolved, responded, created), assignee_id, assignee_id
        from (
          select x.*, created + ${wall(sql`fr_min`)} as fr_due, created + ${wall(sql`floor(fr_min * 0.8)`)} as fr_warn,
            created + ${wall(sql`res_min`)} as res_due, created + ${wall(sql`floor(res_min * 0.8)`)} as res_warn,
            case when status = 'new' then null else least(created + ${wall(sql`fr_min * fr_f`)}, ${now}::timestamptz) end as responded,
            case when open then null else greatest(created + ${wall(sql`res_min * res_f`)}, created + ${wall(sql`fr_min * fr_f`)}) end as resolved
          from (
            select k.*, ${fr}[policy] as fr_min, ${res}[policy] as res_min,
              case when open and created > ${now}::timestamptz - interval '2 days' and ${h(17)} % 10 < 6 then 'new'
                   when open and ${h(17)} % 10 < 2 then 'pending_customer' when open then 'open'
                   when ${h(17)} % 100 < 3 then 'resolved' else 'closed' end as status
            from (
              select g, open, created, c.id as customer_id, c.importance as tier,
                case when ${h(3)} % 100 < 5 then 'urgent' when ${h(3)} % 100 < 25 then 'high' when ${h(3)} % 100 < 80 then 'normal' else 'low' end as priority,
                1 + (case c.importance when 'vip' then 0 when 'important' then 1 when 'ordinary' then 2 else 3 end) * 4
                  + (case when ${h(3)} % 100 < 5 then 0 when ${h(3)} % 100 < 25 then 1 when ${h(3)} % 100 < 80 then 2 else 3 end) as policy,
                case when ${h(8)} % 100 < 10 then 'complaint' when ${h(8)} % 100 < 60 then 'inquiry' when ${h(8)} % 100 < 75 then 'suggestion' else 'after_sales' end as type,
                ${teamBase}::bigint + ${h(5)} % ${opts.teams}::int as team_id,
                case when open and ${h(6)} % 100 < 15 then null
                     else ${agentBase}::bigint + (${h(5)} % ${opts.teams}::int) * ${opts.agentsPerTeam}::int + ${h(7)} % ${opts.agentsPerTeam}::int end as assignee_id,
                -- 80 % answered within the target, 85 % resolved within it
                ${u(18)} * 1.25 as fr_f, ${u(19)} * 1.18 as res_f
              from (
                select g, g > ${closedN}::bigint as open,
                  case when g > ${closedN}::bigint then ${now}::timestamptz - ((${T}::bigint - g)::float8 + ${u(1)}) / ${Math.max(O, 1)}::float8 * ${openS}::float8 * interval '1 second'
                       else ${now}::timestamptz - ${openS}::float8 * interval '1 second' - ((${closedN}::bigint - g)::float8 + ${u(1)}) / ${Math.max(closedN, 1)}::float8 * ${spanS - openS}::float8 * interval '1 second' end as created,
                  case when ${h(2)} % 100 < 5 then null else 1 + ${h(4)} % ${N}::bigint end as cust
                from generate_series(${lo}::bigint, ${hi}::bigint) g
              ) s left join customers c on c.id = s.cust
            ) k
          ) x
        ) y`,
      );
      log(`  tickets ${hi.toLocaleString('en')} / ${T.toLocaleString('en')}`);
    }
    await database.db.execute(sql.raw(`select setval(pg_get_serial_sequence('tickets', 'id'), ${T})`));
  });

  // Reply k belongs to ticket 1 + (k-1) % T; round 0 is the customer's message when the ticket
  // came in, round 1 the first response (an internal note on a ticket not yet answered), later
  // rounds fall between the first response and the resolution (or now).
  const R = Math.round(T * opts.repliesPerTicket);
  const rb = 500_000;
  seconds.replies = await timed(async () => {
    for (let lo = 1; lo <= R; lo += rb) {
      const hi = Math.min(R, lo + rb - 1);
      await load(
        database,
        sql`
        insert into ticket_replies (ticket_id, direction, channel, body, author_id, at, created_at)
        select t.id, dir, t.channel, ${pickText(replyBodies, 20)}, case when dir = 'inbound' then null else t.assignee_id end, at, at
        from (
          select g, t.id, t.channel, t.assignee_id,
            case when r.round = 0 then 'inbound' when r.round = 1 and t.first_responded_at is null then 'internal' when r.round = 1 then 'outbound'
                 when ${h(21)} % 3 = 0 then 'inbound' else 'outbound' end as dir,
            case when r.round = 0 then t.created_at when r.round = 1 then coalesce(t.first_responded_at, t.created_at + interval '1 minute')
                 else coalesce(t.first_responded_at, t.created_at) + ${u(22)} * (coalesce(t.resolved_at, ${now}::timestamptz) - coalesce(t.first_responded_at, t.created_at)) end as at
          from (select g, 1 + (g - 1) % ${T}::bigint as tid, (g - 1) / ${T}::bigint as round from generate_series(${lo}::bigint, ${hi}::bigint) g) r
          join tickets t on t.id = r.tid
        ) t`,
      );
      log(`  replies ${hi.toLocaleString('en')} / ${R.toLocaleString('en')}`);
    }
  });

  // Complaints: the workflow's steps in order, spread between intake and closing; open ones have been received and recorded.
  const closedSteps = ['received', 'recorded', 'judged', 'solution_proposed', 'carried_out', 'visited', 'closed'];
  seconds.complaintSteps = await timed(async () => {
    for (let lo = 1; lo <= T; lo += 1_000_000) {
      const hi = Math.min(T, lo + 1_000_000 - 1);
      await load(
        database,
        sql`
        insert into ticket_steps (ticket_id, step, actor_id, at, note, data)
        select t.id, (${texts(closedSteps)})[s], t.assignee_id,
          t.created_at + (s - 1) * (coalesce(t.closed_at, t.resolved_at, ${now}::timestamptz) - t.created_at) / 7,
          null,
          case (${texts(closedSteps)})[s]
            when 'received' then jsonb_build_object('channel', t.channel)
            when 'judged' then jsonb_build_object('validity', 'valid', 'reason', '经核实投诉成立', 'rootCause', t.root_cause)
            when 'solution_proposed' then jsonb_build_object('solution', '更换产品并致歉', 'compensation', '100.00', 'threshold', '500.00', 'needsApproval', false)
            when 'visited' then jsonb_build_object('satisfaction', 1 + t.id % 5, 'wouldRecommend', t.id % 11, 'comment', null)
            else '{}'::jsonb end
        from tickets t cross join lateral generate_series(1, case when t.status in ('closed', 'resolved') then 7 else 2 end) s
        where t.type = 'complaint' and t.id between ${lo}::bigint and ${hi}::bigint
        order by t.id, s`,
      );
    }
  });

  // Return visits (回访) with ratings for a fifth of the closed tickets with a customer, three days after closing.
  seconds.returnVisits = await timed(async () => {
    for (let lo = 1; lo <= T; lo += 1_000_000) {
      const hi = Math.min(T, lo + 1_000_000 - 1);
      await load(
        database,
        sql`
        insert into return_visits (customer_id, ticket_id, scheduled_on, assignee_id, status, satisfaction, would_recommend, comment, done_at, done_by, created_at, updated_at)
        select t.customer_id, t.id, ((t.closed_at + interval '3 days') at time zone ${opts.timeZone})::date, t.assignee_id, 'done',
          case when ${h(31, 't.id')} % 100 < 4 then 1 when ${h(31, 't.id')} % 100 < 9 then 2 when ${h(31, 't.id')} % 100 < 22 then 3 when ${h(31, 't.id')} % 100 < 58 then 4 else 5 end,
          case when ${h(32, 't.id')} % 100 < 10 then (${h(33, 't.id')} % 7)::int when ${h(32, 't.id')} % 100 < 40 then 7 + (${h(33, 't.id')} % 2)::int else 9 + (${h(33, 't.id')} % 2)::int end,
          null, t.closed_at + interval '3 days' + (${h(34, 't.id')} % 28800) * interval '1 second', t.assignee_id, t.closed_at, t.closed_at + interval '3 days'
        from tickets t
        where t.status = 'closed' and t.customer_id is not null and ${h(30, 't.id')} % 100 < 20 and t.id between ${lo}::bigint and ${hi}::bigint
          and t.closed_at + interval '3 days' < ${now}::timestamptz`,
      );
    }
  });

  seconds.indexes = await timed(async () => {
    await database.db.execute(sql.raw(`set maintenance_work_mem = '512MB'`)).catch(() => undefined);
    for (const ix of indexes) {
      const t = performance.now();
      await database.db.execute(sql.raw(ix.def));
      log(`  index ${ix.name} ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
  });
  // The tickets went in with triggers off: the reports' daily rollups are built from them here, as
  // the server would at its first start.
  seconds.reportRollups = await timed(() => rebuildTicketReportRollups(database, opts.timeZone));
  seconds.analyze = await timed(async () => {
    const tables = [...serviceTables, 'users', 'departments', 'sla_policies', 'ticket_report_cells', 'ticket_report_minutes', 'ticket_report_flow'].join(', ');
    await database.db.execute(sql.raw(database.driver === 'postgres' ? `vacuum analyze ${tables}` : `analyze ${tables}`));
  });

  const [c] = await database.rows<Record<string, number>>(sql`
    select (select count(*) from customers)::int as customers,
      (select count(*) from tickets)::int as tickets,
      (select count(*) from tickets where status in ('new', 'open', 'pending_customer'))::int as "openTickets",
      (select count(*) from tickets where status in ('new', 'open', 'pending_customer') and assignee_id is null)::int as "unassignedOpen",
      (select count(*) from tickets where type = 'complaint')::int as complaints,
      (select count(*) from ticket_replies)::int as replies,
      (select count(*) from ticket_steps)::int as "complaintSteps",
      (select count(*) from return_visits)::int as "returnVisits",
      (select count(*) from users where email like 'agent%@bench.local')::int as agents`);
  const counts = Object.fromEntries(Object.entries(c!).map(([k, v]) => [k, Number(v)]));
  return { adminToken: base.token, managerToken, agentTokens, managerId, agentIds, teamIds, counts, seconds };
}
