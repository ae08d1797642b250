// Generates the sales data set inside the database, set-based: customers (and their reps) come
// from the customers benchmark's generator; on top of them, departments with managers, the
// product catalogue, opportunities across the default pipeline, orders with lines, returns,
// payment plans with instalments, payments and their allocations — one `insert … select … from
// generate_series` per table and batch. Every random choice is a hash of the row number
// (hashint8extended), so an order's totals can be computed from the same formulas as its lines
// without reading them back, and the data are the same on every run and engine.
//
// Line amounts use the orders service's formulas (orders.service.ts `writeLines`): gross =
// round(qty × price, 2), discount = round(gross × rate, 2), amount = gross − discount,
// cost = round(qty × unit cost, 2); the order sums its lines and margin = total − cost. Returns
// use order-returns.service.ts's share formula; instalments sum exactly to total − returned;
// paid_amount equals the allocation of the one payment that paid it.
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../apps/server/src/db/client.js';
import { sha256 } from '../../apps/server/src/auth/tokens.js';
import { catalogue } from '../../apps/server/src/demo/catalogue.js';
import { seedDefaultPipeline } from '../../apps/server/src/pipelines/pipelines.service.js';
import { generate as generateCustomers } from '../customers/generate.js';

export interface SalesScale {
  customers: number;
  opportunities: number;
  orders: number;
}

export interface GenerateOptions extends SalesScale {
  reps: number;
  /** Reps per department: the board scenario's team is the first department. */
  teamSize: number;
  now: Date;
  log: (line: string) => void;
}

export interface Generated {
  adminToken: string;
  managerToken: string;
  managerId: number;
  teamRepIds: number[];
  productIds: number[];
  counts: Record<string, number>;
  seconds: Record<string, number>;
}

const timed = async (fn: () => Promise<unknown>) => {
  const t = performance.now();
  await fn();
  return Math.round((performance.now() - t) / 100) / 10;
};

/** The sales tables whose secondary indexes are dropped for the load and built afterwards. */
const salesTables = ['products', 'opportunities', 'opportunity_stage_history', 'orders', 'order_lines', 'order_returns', 'order_return_lines', 'payment_plans', 'payment_instalments', 'payments', 'payment_allocations'];

async function indexDefinitions(database: Database): Promise<Array<{ name: string; def: string }>> {
  const rows = await database.rows<{ indexname: string; indexdef: string }>(sql`
    select i.indexname, i.indexdef from pg_indexes i
    where i.schemaname = 'public' and i.tablename in (${sql.join(salesTables.map((t) => sql`${t}`), sql`, `)})
      and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`);
  return rows.map((r) => ({ name: r.indexname, def: r.indexdef }));
}

/** h(k): a non-negative pseudo-random bigint from a row key and a salt k. */
const h = (k: number, col: string) => sql.raw(`(hashint8extended(${col}, ${k}) & 9223372036854775807)`);

/**
 * One batch in its own transaction with triggers off: the rows are consistent by construction,
 * and per-row foreign-key checks would cost more than the inserts (30M lines → 30M lookups).
 */
async function load(database: Database, statement: SQL): Promise<void> {
  await database.db.transaction(async (tx) => {
    await tx.execute(sql.raw('set local session_replication_role = replica'));
    await tx.execute(statement);
  });
}

export async function generate(database: Database, opts: GenerateOptions): Promise<Generated> {
  const now = opts.now.toISOString();
  const N = opts.customers;
  const seconds: Record<string, number> = {};
  const log = opts.log;

  // Customers with their reps (users adminId+1 … adminId+reps), one follow-up each.
  const base = await generateCustomers(database, { customers: N, followUps: N, reps: opts.reps, now: opts.now, log });
  Object.assign(seconds, Object.fromEntries(Object.entries(base.seconds).map(([k, v]) => [`customers.${k}`, v])));
  const adminId = base.adminId;
  const firstRep = adminId + 1;
  const managerToken = `gx_bench_${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
  let managerId = 0;

  seconds.organisation = await timed(async () => {
    await database.db.transaction(async (tx) => {
      await seedDefaultPipeline(tx);
      const departments = Math.ceil(opts.reps / opts.teamSize);
      const [root] = await database.rows<{ id: number }>(sql`insert into departments (name) values ('销售中心') returning id`, tx);
      const rootId = Number(root!.id);
      // Department d (1-based) holds reps firstRep + (d-1)·teamSize …, managed by its own manager.
      await tx.execute(sql`
        insert into departments (name, parent_id) select '销售' || d || '部', ${rootId}::bigint from generate_series(1, ${departments}::int) d`);
      await tx.execute(sql`
        insert into users (email, name, password_hash, role_id, department_id, manager_id)
        select 'manager' || d || '@bench.local', '经理' || d, u.password_hash, (select id from roles where key = 'manager'),
               (select id from departments where name = '销售' || d || '部'), ${adminId}::bigint
        from generate_series(1, ${departments}::int) d, (select password_hash from users where id = ${adminId}::bigint) u`);
      await tx.execute(sql`
        update departments d set manager_id = u.id from users u where u.email = 'manager' || substring(d.name from '[0-9]+') || '@bench.local' and d.parent_id = ${rootId}::bigint`);
      await tx.execute(sql`
        update users r set department_id = m.department_id, manager_id = m.id
        from users m
        where r.id between ${firstRep}::bigint and ${firstRep + opts.reps - 1}::bigint
          and m.email = 'manager' || (1 + (r.id - ${firstRep}::bigint) / ${opts.teamSize}::int) || '@bench.local'`);
      const [manager] = await database.rows<{ id: number }>(sql`select id from users where email = 'manager1@bench.local'`, tx);
      managerId = Number(manager!.id);
      await tx.execute(sql`insert into api_tokens (user_id, name, prefix, token_hash, scopes) values (${managerId}, 'bench manager', ${managerToken.slice(0, 10)}, ${sha256(managerToken)}, array['read', 'write']::text[])`);
    });
  });

  const indexes = await indexDefinitions(database);
  for (const ix of indexes) await database.db.execute(sql.raw(`drop index if exists "${ix.name}"`));

  // The catalogue, with ids 1…P, and the arrays the row formulas index into.
  const P = catalogue.length;
  const pick = catalogue.flatMap((p, i) => Array<number>(p.weight).fill(i + 1));
  const lists = {
    price: catalogue.map((p) => p.listPrice),
    cost: catalogue.map((p) => p.cost),
    tq: catalogue.map((p) => p.typicalQuantity),
    pname: catalogue.map((p) => p.name),
    pick,
  };
  seconds.products = await timed(async () => {
    await database.db.execute(sql`
      insert into products (id, sku, name, category, unit, list_price, cost) overriding system value
      select (x.i)::bigint, x.sku, x.name, x.category, x.unit, x.list_price, x.cost
      from jsonb_to_recordset(${JSON.stringify(catalogue.map((p, i) => ({ i: i + 1, sku: p.sku, name: p.name, category: p.category, unit: p.unit, list_price: p.listPrice, cost: p.cost })))}::jsonb)
        as x(i int, sku text, name text, category text, unit text, list_price numeric, cost numeric)`);
    await database.db.execute(sql.raw(`select setval(pg_get_serial_sequence('products', 'id'), ${P})`));
  });
  // offset 0 keeps the planner from pulling the subquery up, which would rebuild the arrays per row.
  const w = sql`(select array(select jsonb_array_elements_text(j.v->'price'))::numeric[] as price,
      array(select jsonb_array_elements_text(j.v->'cost'))::numeric[] as cost,
      array(select jsonb_array_elements_text(j.v->'tq'))::int[] as tq,
      array(select jsonb_array_elements_text(j.v->'pname')) as pname,
      array(select jsonb_array_elements_text(j.v->'pick'))::int[] as pick
    from (select ${JSON.stringify(lists)}::jsonb as v) j offset 0) w`;
  const stages = await database.rows<{ id: number; key: string }>(sql`
    select s.id, s.key from pipeline_stages s join pipelines p on p.id = s.pipeline_id where p.is_default and s.deleted_at is null order by s.position`);
  const stage = (key: string) => Number(stages.find((s) => s.key === key)!.id);
  const [pipeline] = await database.rows<{ id: number }>(sql`select id from pipelines where is_default`);
  const repOf = (salt: number, col: string) => sql`(${firstRep}::bigint + ${h(salt, col)} % ${opts.reps}::int)`;

  // Opportunities: a customer's owner works its deals (a pool customer's by some rep). 57 % open
  // across the four open stages, 23 % won, 20 % lost; open deals expect to close from a month ago
  // (slipping) to six months ahead.
  const O = opts.opportunities;
  seconds.opportunities = await timed(async () => {
    const batch = 250_000;
    for (let lo = 1; lo <= O; lo += batch) {
      const hi = Math.min(O, lo + batch - 1);
      await load(
        database,
        sql`
        insert into opportunities (id, name, customer_id, owner_id, pipeline_id, stage_id, status, amount, probability_override, expected_close_date,
                                   close_reason, closed_at, stage_entered_at, last_activity_at, created_at, updated_at, created_by, updated_by)
        overriding system value
        select g, (w.pname)[1 + ${h(41, 'g')} % ${P}::int] || '采购项目', c.id, coalesce(c.owner_id, ${repOf(42, 'g')}), ${pipeline!.id}::bigint,
          case when s.r < 20 then ${stage('awareness')}::bigint when s.r < 35 then ${stage('exploration')}::bigint when s.r < 47 then ${stage('expansion')}::bigint
               when s.r < 57 then ${stage('commitment')}::bigint when s.r < 80 then ${stage('won')}::bigint else ${stage('lost')}::bigint end,
          case when s.r < 57 then 'open' when s.r < 80 then 'won' else 'lost' end,
          (5000 + ${h(43, 'g')} % 500000)::numeric(14, 2),
          case when ${h(44, 'g')} % 10 = 0 then (10 + ${h(45, 'g')} % 80)::int else null end,
          case when s.r < 57 then (${now}::timestamptz)::date - 30 + (${h(46, 'g')} % 210)::int else (s.entered)::date end,
          case when s.r >= 80 then (array['价格高于竞品', '预算取消', '选择了竞争对手', '需求变更', '决策人变动'])[1 + ${h(47, 'g')} % 5] else null end,
          case when s.r < 57 then null else s.entered end,
          s.entered, s.entered, s.created, s.entered, coalesce(c.owner_id, ${repOf(42, 'g')}), coalesce(c.owner_id, ${repOf(42, 'g')})
        from (
          select g, ${h(40, 'g')} % 100 as r, 1 + ${h(48, 'g')} % ${N}::int as customer,
            ${now}::timestamptz - (${h(49, 'g')} % (3 * 365 * 86400)) * interval '1 second' as created,
            least(${now}::timestamptz, ${now}::timestamptz - (${h(49, 'g')} % (3 * 365 * 86400)) * interval '1 second' + (${h(50, 'g')} % (120 * 86400)) * interval '1 second') as entered
          from generate_series(${lo}::bigint, ${hi}::bigint) g
        ) s join customers c on c.id = s.customer, ${w}`,
      );
      log(`  opportunities ${hi.toLocaleString('en')} / ${O.toLocaleString('en')}`);
    }
    await database.db.execute(sql.raw(`select setval(pg_get_serial_sequence('opportunities', 'id'), ${Math.max(1, O)})`));
    // The load ran with triggers off, so the board's maintained totals are built from the deals here.
    await database.db.execute(sql`select gx_board_totals_rebuild()`);
    // Creation into the first stage, and the move to where the deal is now for the others.
    for (let lo = 1; lo <= O; lo += 500_000) {
      const hi = Math.min(O, lo + 500_000 - 1);
      await load(
        database,
        sql`
        insert into opportunity_stage_history (opportunity_id, from_stage_id, to_stage_id, at, actor_id, seconds_in_previous, reason)
        select o.id, case when k = 1 then null else ${stage('awareness')}::bigint end, case when k = 1 then ${stage('awareness')}::bigint else o.stage_id end,
          case when k = 1 then o.created_at else o.stage_entered_at end, o.owner_id,
          case when k = 1 then null else greatest(0, floor(extract(epoch from o.stage_entered_at - o.created_at)))::int end,
          case when k = 2 then o.close_reason else null end
        from opportunities o cross join generate_series(1, 2) k
        where o.id between ${lo}::bigint and ${hi}::bigint and (k = 1 or o.stage_id <> ${stage('awareness')}::bigint)`,
      );
    }
  });

  // Orders: three years up to now, customers chosen with a heavy tail (a few buy very often),
  // 1–5 lines (3 on average). Recent orders are more often confirmed or draft; 1 % of fulfilled
  // orders had one unit of their first line returned.
  const M = opts.orders;
  const nLines = (col: string) => sql`(1 + ${h(30, col)} % 5)::int`;
  /** The line at (order g, position k): product, quantity, price, rate and the service's amounts. */
  const line = (g: string, k: string) => {
    const key = `(${g} * 8 + ${k})`;
    return sql`(select pi, qty, w.price[pi] as price, rate, round(qty * w.price[pi], 2) as gross,
          round(round(qty * w.price[pi], 2) * rate, 2) as discount, w.cost[pi] as unit_cost, round(qty * w.cost[pi], 2) as cost
        from (select pi, (1 + ${h(32, key)} % (2 * w.tq[pi]))::numeric(14, 3) as qty,
                (array[0, 0, 0, 0, 0, 0, 0.05, 0.05, 0.10, 0.15])[1 + ${h(33, key)} % 10]::numeric(5, 4) as rate
              from (select w.pick[1 + ${h(31, key)} % ${pick.length}::int] as pi) p0) p1)`;
  };
  const returned = (g: string, status: SQL) => sql`(${status} = 'fulfilled' and ${h(34, g)} % 100 = 0)`;
  seconds.orders = await timed(async () => {
    const batch = 250_000;
    for (let lo = 1; lo <= M; lo += batch) {
      const hi = Math.min(M, lo + batch - 1);
      await load(
        database,
        sql`
        insert into orders (id, number, customer_id, owner_id, order_date, status, subtotal, discount_amount, total, cost, gross_margin, returned_amount,
                            confirmed_at, fulfilled_at, cancelled_at, created_at, updated_at, created_by, updated_by)
        overriding system value
        select s.g, 'BO' || lpad(s.g::text, 10, '0'), c.id, coalesce(c.owner_id, ${repOf(38, 's.g')}), s.day, s.status,
          t.subtotal, t.discount, t.total, t.cost, t.total - t.cost, t.returned,
          case when s.status in ('confirmed', 'fulfilled') then s.day + interval '10 hours' else null end,
          case when s.status = 'fulfilled' then s.day + interval '3 days 15 hours' else null end,
          case when s.status = 'cancelled' then s.day + interval '1 day 11 hours' else null end,
          -- never after the generation: an order stamped later than now is taken as changed by every incremental refresh until then
          least(s.day + interval '9 hours', ${now}::timestamptz), least(s.day + interval '9 hours', ${now}::timestamptz),
          coalesce(c.owner_id, ${repOf(38, 's.g')}), coalesce(c.owner_id, ${repOf(38, 's.g')})
        from (
          select g, customer, day,
            case when day > (${now}::timestamptz)::date - 30 then (case when r < 10 then 'draft' when r < 70 then 'confirmed' when r < 95 then 'fulfilled' else 'cancelled' end)
                 else (case when r < 1 then 'draft' when r < 6 then 'confirmed' when r < 95 then 'fulfilled' else 'cancelled' end) end as status
          from (
            select g, 1 + floor(${N}::int * power((${h(35, 'g')} % 1000000007)::float8 / 1000000007, 1.6))::bigint as customer,
              (${now}::timestamptz)::date - (${h(36, 'g')} % 1095)::int as day, ${h(37, 'g')} % 100 as r
            from generate_series(${lo}::bigint, ${hi}::bigint) g
          ) s0
        ) s
        join customers c on c.id = s.customer
        cross join ${w}
        cross join lateral (
          select sum(l.gross) as subtotal, sum(l.discount) as discount, sum(l.gross - l.discount) as total, sum(l.cost) as cost,
            coalesce(sum(round((l.gross - l.discount) * 1 / l.qty, 2)) filter (where k = 1 and ${returned('s.g', sql`s.status`)}), 0) as returned
          from generate_series(1, ${nLines('s.g')}) k cross join lateral ${line('s.g', 'k')} l
        ) t`,
      );
      log(`  orders ${hi.toLocaleString('en')} / ${M.toLocaleString('en')}`);
    }
    await database.db.execute(sql.raw(`select setval(pg_get_serial_sequence('orders', 'id'), ${Math.max(1, M)})`));
  });

  seconds.orderLines = await timed(async () => {
    const batch = 250_000;
    for (let lo = 1; lo <= M; lo += batch) {
      const hi = Math.min(M, lo + batch - 1);
      await load(
        database,
        sql`
        insert into order_lines (order_id, position, product_id, quantity, unit_price, discount_rate, gross_amount, discount_amount, amount, unit_cost, cost)
        select g, k, l.pi, l.qty, l.price, l.rate, l.gross, l.discount, l.gross - l.discount, l.unit_cost, l.cost
        from ${w}
        cross join generate_series(${lo}::bigint, ${hi}::bigint) g
        cross join lateral generate_series(1, ${nLines('g')}) k
        cross join lateral ${line('g', 'k')} l`,
      );
      log(`  order lines of orders ${hi.toLocaleString('en')} / ${M.toLocaleString('en')}`);
    }
  });

  seconds.returns = await timed(async () => {
    await load(
      database,
      sql`
      insert into order_returns (order_id, returned_on, reason, amount, cost, created_at, updated_at, created_by, updated_by)
      select o.id, o.order_date + 12, (array['质量问题', '型号不符', '客户多订', '运输破损'])[1 + ${h(39, 'o.id')} % 4], o.returned_amount,
        round(l.cost * 1 / l.quantity, 2), least(o.order_date + interval '12 days 10 hours', ${now}::timestamptz),
        least(o.order_date + interval '12 days 10 hours', ${now}::timestamptz), o.owner_id, o.owner_id
      from orders o join order_lines l on l.order_id = o.id and l.position = 1
      where o.returned_amount > 0`,
    );
    await load(
      database,
      sql`
      insert into order_return_lines (return_id, order_line_id, quantity, amount, cost)
      select r.id, l.id, 1, r.amount, r.cost from order_returns r join order_lines l on l.order_id = r.order_id and l.position = 1`,
    );
    // as recording a return does: the order holds its returns' amount (set above) and cost
    await load(database, sql`update orders o set returned_cost = r.cost from order_returns r where r.order_id = o.id and r.deleted_at is null`);
  });

  // Payment plans for one in five owed orders of the last 18 months: 1–4 monthly instalments that
  // sum exactly to total − returned. Instalments due more than 120 days ago are nearly all paid;
  // recently due ones 80 % paid, 5 % partly; a few not yet due are paid early. Each paid amount is
  // one payment with one allocation (payment id = instalment id).
  seconds.receivables = await timed(async () => {
    await load(
      database,
      sql`
      insert into payment_plans (id, order_id, created_at, updated_at, created_by, updated_by) overriding system value
      select o.id, o.id, o.created_at, o.created_at, o.owner_id, o.owner_id from orders o
      where o.status in ('confirmed', 'fulfilled') and o.order_date >= (${now}::timestamptz)::date - 540
        and ${h(51, 'o.id')} % 5 = 0 and o.total - o.returned_amount >= 1`,
    );
    await database.db.execute(sql.raw(`select setval(pg_get_serial_sequence('payment_plans', 'id'), greatest((select max(id) from payment_plans), 1))`));
    await load(
      database,
      sql`
      insert into payment_instalments (plan_id, order_id, owner_id, customer_id, seq, due_date, amount, paid_amount)
      select x.plan_id, x.order_id, x.owner_id, x.customer_id, x.seq, x.due, x.amount,
        case when x.due < x.today - 120 then (case when x.r < 97 then x.amount else 0 end)
             when x.due < x.today then (case when x.r < 80 then x.amount when x.r < 85 then round(x.amount / 2, 2) else 0 end)
             else (case when x.r < 10 then x.amount else 0 end) end
      from (
        select p.id as plan_id, o.id as order_id, o.owner_id, o.customer_id, k as seq, o.order_date + 30 * k as due, (${now}::timestamptz)::date as today,
          ${h(53, 'p.id * 8 + k')} % 100 as r,
          case when k < n then round((o.total - o.returned_amount) / n, 2) else (o.total - o.returned_amount) - (n - 1) * round((o.total - o.returned_amount) / n, 2) end as amount
        from payment_plans p join orders o on o.id = p.order_id
        cross join lateral (select (1 + ${h(52, 'p.id')} % 4)::int as n) c
        cross join lateral generate_series(1, c.n) k
      ) x`,
    );
    await load(
      database,
      sql`
      insert into payments (id, order_id, customer_id, amount, received_on, method, reference, created_at, updated_at, created_by, updated_by) overriding system value
      select i.id, o.id, o.customer_id, i.paid_amount, least(i.due_date - 5 + (${h(54, 'i.id')} % 20)::int, (${now}::timestamptz)::date),
        (array['bank_transfer', 'bank_transfer', 'bank_transfer', 'wechat_pay', 'alipay', 'cheque'])[1 + ${h(55, 'i.id')} % 6],
        'BANK-' || i.id, o.created_at, o.created_at, o.owner_id, o.owner_id
      from payment_instalments i join orders o on o.id = i.order_id where i.paid_amount > 0`,
    );
    await database.db.execute(sql.raw(`select setval(pg_get_serial_sequence('payments', 'id'), greatest((select max(id) from payments), 1))`));
    await load(
      database,
      sql`insert into payment_allocations (payment_id, instalment_id, amount, created_at) select p.id, p.id, p.amount, p.created_at from payments p`,
    );
  });

  seconds.indexes = await timed(async () => {
    await database.db.execute(sql.raw(`set maintenance_work_mem = '512MB'`)).catch(() => undefined);
    for (const ix of indexes) {
      const t = performance.now();
      await database.db.execute(sql.raw(ix.def));
      log(`  index ${ix.name} ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
  });
  // Vacuum sets the visibility map: the board's column totals are index-only scans.
  seconds.analyze = await timed(async () => {
    const list = ['users', 'departments', ...salesTables].join(', ');
    await database.db.execute(sql.raw(database.driver === 'postgres' ? `vacuum analyze ${list}` : `analyze ${list}`));
  });

  const counts: Record<string, number> = {};
  for (const t of ['customers', 'opportunities', 'opportunity_stage_history', 'orders', 'order_lines', 'order_returns', 'payment_plans', 'payment_instalments', 'payments']) {
    const [row] = await database.rows<{ n: number }>(sql.raw(`select count(*)::bigint as n from ${t}`));
    counts[t] = Number(row!.n);
  }
  const [overdue] = await database.rows<{ n: number }>(sql`
    select count(*)::bigint as n from payment_instalments i join orders o on o.id = i.order_id
    where i.paid_amount < i.amount and i.due_date < (${now}::timestamptz)::date and o.status in ('confirmed', 'fulfilled')`);
  counts.overdueInstalments = Number(overdue!.n);
  const team = await database.rows<{ id: number }>(sql`select id from users where manager_id = ${managerId} order by id`);
  return {
    adminToken: base.token,
    managerToken,
    managerId,
    teamRepIds: team.map((r) => Number(r.id)),
    productIds: catalogue.map((_, i) => i + 1),
    counts,
    seconds,
  };
}
