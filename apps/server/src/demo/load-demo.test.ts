import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestContext, type TestContext } from '../test/test-app.js';
import { chinesePerson, chineseCompany, mobile, place } from './generate.js';
import { loadDemo, type DemoResult } from './load-demo.js';
import { mulberry32 } from './random.js';

let t: TestContext;
let demo: DemoResult;
beforeAll(async () => {
  t = await createTestContext();
  demo = await loadDemo(t.database, { customers: 600, seed: 7 });
});
afterAll(() => t.close());

describe('demo company', () => {
  it('loads the expected numbers of users, customers, contacts, follow-ups and tasks', async () => {
    expect(demo.counts.customers).toBe(600);
    expect(demo.counts.users).toBe(14);
    expect(demo.counts.contacts).toBeGreaterThan(600);
    expect(demo.counts.followUps).toBeGreaterThan(600 * 4);
    expect(demo.counts.pool).toBeGreaterThan(30);
    const [depts] = await t.database.rows<{ n: number }>(sql`select count(*)::int as n from departments where name in ('总部', '华东销售部', '华南销售部', '客户服务部')`);
    expect(depts!.n).toBe(4);
    const [rules] = await t.database.rows<{ n: number }>(sql`select count(*)::int as n from pool_rules where active`);
    expect(rules!.n).toBe(2);
  });

  it('every owned customer’s last follow-up matches its follow-up records', async () => {
    const [bad] = await t.database.rows<{ n: number }>(sql`
      select count(*)::int as n from customers c
      where c.last_follow_up_at is distinct from (select max(occurred_at) from follow_ups f where f.customer_id = c.id)`);
    expect(bad!.n).toBe(0);
  });

  it('a demo login works and the rep has reminders due today and overdue', async () => {
    const rep = demo.users.find((u) => u.role === 'sales')!;
    const s = await t.login(rep.email, demo.password);
    const reminders = (await t.request(s, { method: 'GET', url: '/api/v1/home/reminders' })).json();
    expect(reminders.counts.dueToday).toBeGreaterThan(0);
    expect(reminders.counts.overdue).toBeGreaterThan(0);
    const pool = (await t.request(s, { method: 'GET', url: '/api/v1/pool?limit=5' })).json();
    expect(pool.total).toBe(demo.counts.pool);
  });

  it('loads the sales history: catalogue, orders, deals in every state, leads, receivables and targets', () => {
    const s = demo.counts.sales;
    expect(s.products).toBe(40);
    expect(s.orders).toBeGreaterThan(600);
    expect(s.orderLines).toBeGreaterThan(s.orders * 1.5);
    expect(s.returns).toBeGreaterThan(0);
    expect(s.leads).toBe(300);
    expect(s.paymentPlans).toBeGreaterThan(20);
    expect(s.instalments).toBeGreaterThan(s.paymentPlans);
    expect(s.payments).toBeGreaterThan(0);
    expect(s.targets).toBeGreaterThan(50);
  });

  it('keeps every amount consistent: lines, totals, returns, instalments, allocations, last deal dates', async () => {
    const checks = await t.database.rows<{ what: string; n: number }>(sql`
      select 'line amounts' as what, count(*)::int as n from order_lines
        where gross_amount <> round(quantity * unit_price, 2) or discount_amount <> round(gross_amount * discount_rate, 2)
           or amount <> gross_amount - discount_amount or cost <> round(quantity * unit_cost, 2)
      union all select 'order totals', count(*)::int from orders o
        left join lateral (select coalesce(sum(gross_amount), 0) as g, coalesce(sum(discount_amount), 0) as d, coalesce(sum(amount), 0) as a, coalesce(sum(cost), 0) as c
                           from order_lines l where l.order_id = o.id) s on true
        where o.subtotal <> s.g or o.discount_amount <> s.d or o.total <> s.a or o.cost <> s.c or o.gross_margin <> o.total - o.cost
      union all select 'orders without lines', count(*)::int from orders o where not exists (select 1 from order_lines l where l.order_id = o.id)
      union all select 'returned amounts', count(*)::int from orders o
        where o.returned_amount <> (select coalesce(sum(amount), 0) from order_returns r where r.order_id = o.id and r.deleted_at is null)
      union all select 'return totals', count(*)::int from order_returns r
        where r.amount <> (select sum(amount) from order_return_lines x where x.return_id = r.id) or r.cost <> (select sum(cost) from order_return_lines x where x.return_id = r.id)
      union all select 'returns on unreturnable orders', count(*)::int from order_returns r join orders o on o.id = r.order_id where o.status not in ('confirmed', 'fulfilled')
      union all select 'plan sums', count(*)::int from payment_plans p join orders o on o.id = p.order_id
        where o.total - o.returned_amount <> (select sum(amount) from payment_instalments i where i.plan_id = p.id and i.deleted_at is null)
      union all select 'paid = allocations', count(*)::int from payment_instalments i
        where i.paid_amount <> (select coalesce(sum(amount), 0) from payment_allocations a where a.instalment_id = i.id and a.reversed_at is null)
      union all select 'payments = allocations', count(*)::int from payments p
        where p.amount <> (select coalesce(sum(amount), 0) from payment_allocations a where a.payment_id = p.id and a.reversed_at is null)
      union all select 'payments on unowed orders', count(*)::int from payments p join orders o on o.id = p.order_id where o.status not in ('confirmed', 'fulfilled')
      union all select 'won deals = order totals', count(*)::int from orders o join opportunities x on x.id = o.opportunity_id
        where x.status <> 'won' or x.amount <> o.total or x.customer_id <> o.customer_id
      union all select 'last deal dates', count(*)::int from customers c
        where c.last_deal_at is distinct from greatest(
          (select max(greatest(o.confirmed_at, o.fulfilled_at)) from orders o where o.customer_id = c.id and o.status in ('confirmed', 'fulfilled')),
          (select max(x.closed_at) from opportunities x where x.customer_id = c.id and x.status = 'won'))
      union all select 'order numbers past their counter', count(*)::int from orders o
        where not exists (select 1 from order_number_counters k where o.number like replace(k.scope, '{seq:4}', '%') and k.last_value >= substring(o.number from '[0-9]+$')::int)
      union all select 'deal stage history', count(*)::int from opportunities x
        where x.stage_id <> (select h.to_stage_id from opportunity_stage_history h where h.opportunity_id = x.id order by h.at desc, h.id desc limit 1)
      union all select 'lost deals without reasons', count(*)::int from opportunities where status = 'lost' and coalesce(close_reason, '') = ''`);
    expect(Object.fromEntries(checks.map((c) => [c.what, c.n]))).toEqual(Object.fromEntries(checks.map((c) => [c.what, 0])));
    const [numbers] = await t.database.rows<{ n: number; distinct: number }>(sql`select count(*)::int as n, count(distinct number)::int as distinct from orders`);
    expect(numbers!.distinct).toBe(numbers!.n);
  });

  it('has seasons and a realistic spread of buying behaviour', async () => {
    // Q4 against Q3 over the complete years: the year-end push outsells the summer.
    const [season] = await t.database.rows<{ q3: string; q4: string; jul_aug: string; oct_dec: string }>(sql`
      select sum(o.total - o.returned_amount) filter (where extract(quarter from o.order_date) = 3)::text as q3,
             sum(o.total - o.returned_amount) filter (where extract(quarter from o.order_date) = 4)::text as q4,
             count(*) filter (where extract(month from o.order_date) in (7, 8))::text as jul_aug,
             count(*) filter (where extract(month from o.order_date) in (10, 11))::text as oct_dec
      from orders o where o.status in ('confirmed', 'fulfilled')
        and o.order_date >= date_trunc('year', now() - interval '3 years') + interval '1 year' and o.order_date < date_trunc('year', now())`);
    expect(Number(season!.q4)).toBeGreaterThan(Number(season!.q3) * 1.2);
    expect(Number(season!.oct_dec)).toBeGreaterThan(Number(season!.jul_aug));
    // Pareto-like concentration: the top fifth of buyers bring most of the revenue, not all of it.
    const [pareto] = await t.database.rows<{ share: string; buyers: number }>(sql`
      with c as (select customer_id, sum(total - returned_amount) as v from orders where status in ('confirmed', 'fulfilled') group by customer_id),
      r as (select v, ntile(5) over (order by v desc) as fifth from c)
      select (sum(v) filter (where fifth = 1) / sum(v))::text as share, count(*)::int as buyers from r`);
    expect(Number(pareto!.share)).toBeGreaterThan(0.55);
    expect(Number(pareto!.share)).toBeLessThan(0.9);
    expect(pareto!.buyers).toBeGreaterThan(150);
    // Regulars, one-timers, lapsed accounts and first purchases this quarter all exist.
    const [mix] = await t.database.rows<{ regulars: number; one_timers: number; lapsing: number; new_this_quarter: number; regular_gap: number }>(sql`
      with b as (select customer_id, count(*) as n, min(order_date) as first, max(order_date) as last,
                   (max(order_date) - min(order_date))::numeric / nullif(count(*) - 1, 0) as gap
                 from orders where status in ('confirmed', 'fulfilled', 'draft') group by customer_id)
      select count(*) filter (where n >= 12 and gap <= 75)::int as regulars,
             count(*) filter (where n = 1)::int as one_timers,
             count(*) filter (where n >= 3 and last between current_date - 550 and current_date - 180)::int as lapsing,
             count(*) filter (where first >= date_trunc('quarter', now() at time zone 'Asia/Shanghai'))::int as new_this_quarter,
             coalesce(percentile_cont(0.5) within group (order by gap) filter (where n >= 12), 0)::int as regular_gap
      from b`);
    expect(mix!.regulars).toBeGreaterThan(10);
    expect(mix!.one_timers).toBeGreaterThan(10);
    expect(mix!.lapsing).toBeGreaterThan(5);
    expect(mix!.regular_gap).toBeGreaterThanOrEqual(20);
    expect(mix!.regular_gap).toBeLessThanOrEqual(75);
    // Statuses: mostly fulfilled, some confirmed, a few cancelled and drafts, a few returns.
    const statuses = Object.fromEntries((await t.database.rows<{ status: string; n: number }>(sql`select status, count(*)::int as n from orders group by status`)).map((x) => [x.status, x.n]));
    const all = Object.values(statuses).reduce((a, b) => a + b, 0);
    expect(statuses.fulfilled! / all).toBeGreaterThan(0.75);
    expect(statuses.confirmed).toBeGreaterThan(0);
    expect(statuses.cancelled).toBeGreaterThan(0);
    expect(demo.counts.sales.returns / statuses.fulfilled!).toBeLessThan(0.06);
  });

  it('has leads in every status and source, some in the lead pool, converted ones tied to customers', async () => {
    const [leads] = await t.database.rows<{ statuses: number; sources: number; pool: number; converted_ok: number; converted: number }>(sql`
      select count(distinct status)::int as statuses, count(distinct source)::int as sources, count(*) filter (where owner_id is null)::int as pool,
        count(*) filter (where status = 'converted' and converted_customer_id in (select id from customers) and converted_at is not null)::int as converted_ok,
        count(*) filter (where status = 'converted')::int as converted
      from leads where deleted_at is null`);
    expect(leads!.statuses).toBe(5);
    expect(leads!.sources).toBe(7);
    expect(leads!.pool).toBeGreaterThan(10);
    expect(leads!.converted).toBeGreaterThan(10);
    expect(leads!.converted_ok).toBe(leads!.converted);
  });

  it('shows a rep a board with open deals, and the boss overdue instalments spread over owners and targets behind schedule', async () => {
    const rep = demo.users.find((u) => u.role === 'sales')!;
    const s = await t.login(rep.email, demo.password);
    const board = (await t.request(s, { method: 'GET', url: '/api/v1/opportunities/board' })).json();
    const open = board.columns.filter((c: { stage: { kind: string } }) => c.stage.kind === 'open');
    expect(open.reduce((n: number, c: { count: number }) => n + c.count, 0)).toBeGreaterThan(3);
    const future = open.flatMap((c: { cards: Array<{ expectedCloseDate: string | null }> }) => c.cards).filter((d: { expectedCloseDate: string | null }) => d.expectedCloseDate !== null && d.expectedCloseDate > new Date().toISOString().slice(0, 10));
    expect(future.length).toBeGreaterThan(0);

    const boss = demo.users.find((u) => u.role === 'admin')!;
    const admin = await t.login(boss.email, demo.password);
    const overdue = (await t.request(admin, { method: 'GET', url: '/api/v1/receivables/overdue/summary?groupBy=owner' })).json();
    expect(overdue.total.count).toBeGreaterThan(5);
    expect(overdue.groups.length).toBeGreaterThanOrEqual(4);
    const list = (await t.request(admin, { method: 'GET', url: '/api/v1/receivables/overdue?limit=5' })).json();
    expect(list.data[0].daysOverdue).toBeGreaterThan(0);

    // Last month is over, so its progress is final: the stretched reps missed, the others made it.
    const today = new Date();
    const last = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
    const progress = (await t.request(admin, { method: 'GET', url: `/api/v1/targets/progress?period=${last}&filter[subject]=user` })).json();
    const behind = progress.data.filter((p: { behind: boolean }) => p.behind).length;
    expect(progress.data.length).toBeGreaterThanOrEqual(7);
    expect(behind).toBeGreaterThan(0);
    expect(behind).toBeLessThan(progress.data.length);

    // The purchase summary reads the same orders.
    const [top] = await t.database.rows<{ customer_id: number; n: number; total: string }>(sql`
      select customer_id, count(*)::int as n, sum(total - returned_amount)::numeric(20, 2)::text as total from orders
      where status in ('confirmed', 'fulfilled') group by customer_id order by count(*) desc, customer_id limit 1`);
    const summary = (await t.request(admin, { method: 'GET', url: `/api/v1/customers/${top!.customer_id}/purchase-summary` })).json();
    expect(summary.orderCount).toBe(top!.n);
    expect(summary.totalAmount).toBe(top!.total);
  });

  it('refuses to load into a database that already has customers', async () => {
    await expect(loadDemo(t.database)).rejects.toThrow(/already has customers/);
  });

  it('is deterministic for a seed and produces mainland-looking data', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const one = Array.from({ length: 20 }, () => [chinesePerson(a).name, mobile(a)]);
    const two = Array.from({ length: 20 }, () => [chinesePerson(b).name, mobile(b)]);
    expect(one).toEqual(two);
    const r = mulberry32(1);
    for (let i = 0; i < 200; i++) {
      expect(mobile(r)).toMatch(/^1(3\d|5[0-35-9]|7[35-8]|8\d|9[13589])\d{8}$/);
      expect(chinesePerson(r).name).toMatch(/^[\u4e00-\u9fa5]{2,4}$/);
      expect(chineseCompany(r, place(r)).name).toMatch(/有限公司$/);
    }
  });
});
