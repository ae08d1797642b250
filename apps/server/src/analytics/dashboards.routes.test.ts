import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';
import { refreshDashboardRollups } from './dashboard-rollups.js';

let t: TestContext;
let admin: Session;
let repA: Session;
let repB: Session;
let managerA: Session;
let service: Session;
let deptA: number;
let deptC: number;
const ids: Record<string, number> = {};

const get = async (s: Session, path: string) => {
  const res = await t.request(s, { method: 'GET', url: `/api/v1/analytics/${path}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

interface Metric {
  owner: () => number;
  province: string;
  city: string;
  monetary: string;
  abc: 'A' | 'B' | 'C' | null;
  r: number | null;
  f: number | null;
  segment: string | null;
  quadrant: string | null;
  clv: string | null;
  stage: string;
  since: string;
  loyalty: string | null;
  first: string | null;
  ep?: number;
  es?: number;
}

beforeAll(async () => {
  t = await createTestContext(process.env.DEBUG_LOG ? { logLevel: 'error' } : {});
  admin = await t.login(ADMIN.email, ADMIN.password);
  // Department A has a sub-department B; C is elsewhere. A rep role that may read analytics over its own customers.
  const [a] = await t.database.rows<{ id: number }>(sql`insert into departments (name) values ('A') returning id`);
  deptA = Number(a!.id);
  const [b] = await t.database.rows<{ id: number }>(sql`insert into departments (name, parent_id) values ('B', ${deptA}) returning id`);
  const [c] = await t.database.rows<{ id: number }>(sql`insert into departments (name) values ('C') returning id`);
  deptC = Number(c!.id);
  await t.database.db.execute(sql`insert into roles (key, name, data_scope, permissions) values ('rep_analytics', 'Rep', 'own', array['customers.read', 'analytics.read'])`);
  repA = await t.userWithRole('rep_analytics', { departmentId: deptA });
  repB = await t.userWithRole('rep_analytics', { departmentId: Number(b!.id) });
  managerA = await t.userWithRole('manager', { departmentId: deptA });
  service = await t.userWithRole('service');
});
afterAll(async () => t.close());

describe('analytics dashboards before the first refresh', () => {
  it('answer empty dashboards that say the scores are missing', async () => {
    for (const path of ['pareto', 'rfm', 'value-matrix', 'clv', 'lifecycle', 'loyalty', 'cohorts']) {
      const r = await get(admin, path);
      expect(r.missing, path).toEqual(['metrics']);
    }
    const p = await get(admin, 'pareto');
    expect(p.curve).toEqual([{ customerShare: 0, valueShare: 0 }]);
    expect(p.abc.map((x: { customers: number }) => x.customers)).toEqual([0, 0, 0]);
  });

  it('refuses callers without analytics.read', async () => {
    const res = await t.request(service, { method: 'GET', url: '/api/v1/analytics/pareto' });
    expect(res.statusCode).toBe(403);
  });

  it('refuses bad filters with what and where', async () => {
    for (const qs of ['from=2025-13-01', 'from=2025-03-01&to=2025-02-01', 'filter[city]=深圳市', 'filter[ownerId]=abc', 'filter[colour]=red']) {
      const res = await t.request(admin, { method: 'GET', url: `/api/v1/analytics/rfm?${qs}` });
      expect(res.statusCode, qs).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
      expect(res.json().error.details.length, qs).toBeGreaterThan(0);
    }
  });
});

describe('analytics dashboards on a known dataset', () => {
  beforeAll(async () => {
    const userC = (await t.userWithRole('rep_analytics', { departmentId: deptC })).userId;
    const A = () => repA.userId;
    const B = () => repB.userId;
    const C = () => userC;
    // Values 1000, 500, 300, 100, 100 (total 2000) and one customer who never bought.
    const customers: Record<string, Metric> = {
      c1: { owner: A, province: '广东省', city: '深圳市', monetary: '1000.00', abc: 'A', r: 5, f: 5, segment: 'champions', quadrant: 'best', clv: '5000.00', stage: 'maturity', since: '2025-03-01', loyalty: 'true_friends', first: '2025-01-10', ep: 2, es: 100 },
      c2: { owner: A, province: '广东省', city: '广州市', monetary: '500.00', abc: 'B', r: 4, f: 3, segment: 'loyal_customers', quadrant: 'frequent', clv: '1500.00', stage: 'growth', since: '2025-03-22', loyalty: 'butterflies', first: '2025-01-20', ep: 1, es: 50 },
      c3: { owner: B, province: '浙江省', city: '杭州市', monetary: '300.00', abc: 'B', r: 2, f: 2, segment: 'at_risk', quadrant: 'spender', clv: '300.00', stage: 'decline', since: '2025-04-01', loyalty: 'barnacles', first: '2025-02-05' },
      c4: { owner: B, province: '浙江省', city: '杭州市', monetary: '100.00', abc: 'C', r: 1, f: 1, segment: 'hibernating', quadrant: 'uncertain', clv: null, stage: 'acquisition', since: '2025-03-10', loyalty: 'strangers', first: '2025-03-10' },
      c5: { owner: C, province: '广东省', city: '深圳市', monetary: '100.00', abc: 'C', r: 1, f: 1, segment: 'hibernating', quadrant: 'uncertain', clv: '50.00', stage: 'termination', since: '2024-04-01', loyalty: null, first: '2024-11-01' },
      c6: { owner: C, province: '广东省', city: '深圳市', monetary: '0', abc: null, r: null, f: null, segment: null, quadrant: null, clv: null, stage: 'acquisition', since: '2025-03-30', loyalty: null, first: null },
    };
    await t.database.db.execute(sql`insert into analytics_runs (mode, trigger, status, as_of, settings, parameters) values
      ('full', 'cli', 'succeeded', '2025-03-01', '{}', '{}'),
      ('full', 'cli', 'succeeded', '2025-04-01', '{}', ${JSON.stringify({ modelCheck: { from: '2025-01-01', to: '2025-03-31', expectedPurchases: 10.5, actualPurchases: 9, expectedRevenue: 1000, actualRevenue: 950 } })}::jsonb)`);
    const runs = await t.database.rows<{ id: number }>(sql`select id from analytics_runs order by id`);
    const [run1, run2] = runs.map((r) => Number(r.id));
    for (const [key, m] of Object.entries(customers)) {
      const [row] = await t.database.rows<{ id: number }>(sql`insert into customers (kind, relationship_type, name, owner_id, province, city)
        values ('organization', 'business', ${`客户${key}`}, ${m.owner()}, ${m.province}, ${m.city}) returning id`);
      ids[key] = Number(row!.id);
      await t.database.db.execute(sql`insert into customer_metrics (customer_id, run_id, as_of, first_purchase_on, frequency, monetary, rfm_r, rfm_f, rfm_segment, abc_class, value_quadrant,
          clv, lifecycle_stage, lifecycle_since, loyalty_class, expected_purchases, expected_spend, p_alive)
        values (${ids[key]}, ${run2}, '2025-04-01', ${m.first}, 1, ${m.monetary}, ${m.r}, ${m.f}, ${m.segment}, ${m.abc}, ${m.quadrant},
          ${m.clv}, ${m.stage}, ${m.since}, ${m.loyalty}, ${m.ep ?? null}, ${m.es ?? null}, 0.9)`);
    }
    // Class changes: run 1 moved c1 into maturity; run 2 moved segments and stages of c1–c3.
    const move = (key: string, run: number, metric: string, from: string | null, to: string) =>
      t.database.db.execute(sql`insert into customer_metric_history (customer_id, run_id, metric, from_value, to_value) values (${ids[key]}, ${run}, ${metric}, ${from}, ${to})`);
    await move('c1', run1!, 'lifecycle_stage', 'growth', 'maturity');
    await move('c1', run2!, 'rfm_segment', 'loyal_customers', 'champions');
    await move('c2', run2!, 'rfm_segment', 'new_customers', 'loyal_customers');
    await move('c3', run2!, 'rfm_segment', null, 'at_risk');
    await move('c2', run2!, 'lifecycle_stage', 'acquisition', 'growth');
    await move('c3', run2!, 'lifecycle_stage', 'maturity', 'decline');
    // Orders: c1 buys in Jan, Feb, Mar; c2 in Jan and Mar (a cancelled one in Feb); c3 twice in Feb; c4's Feb order was wholly returned, so it joins in March.
    let n = 0;
    const order = (key: string, date: string, total: string, status = 'confirmed', returned = '0') =>
      t.database.db.execute(sql`insert into orders (number, customer_id, owner_id, order_date, status, total, returned_amount)
        values (${`T${++n}`}, ${ids[key]}, ${customers[key]!.owner()}, ${date}, ${status}, ${total}, ${returned})`);
    await order('c1', '2025-01-10', '100.00');
    await order('c1', '2025-02-15', '200.00');
    await order('c1', '2025-03-01', '300.00', 'fulfilled');
    await order('c2', '2025-01-20', '250.00');
    await order('c2', '2025-02-01', '999.00', 'cancelled');
    await order('c2', '2025-03-05', '250.00', 'confirmed', '50.00');
    await order('c3', '2025-02-05', '100.00');
    await order('c3', '2025-02-20', '200.00');
    await order('c4', '2025-02-10', '80.00', 'confirmed', '80.00');
    await order('c4', '2025-03-10', '100.00');
    await refreshDashboardRollups(t.database, { runId: run2!, asOf: '2025-04-01' });
    // A second refresh of the same run must not count anything twice.
    await refreshDashboardRollups(t.database, { runId: run2!, asOf: '2025-04-01' });
  });

  it('draws the Pareto curve and the ABC table with the share of the top 20%', async () => {
    const p = await get(admin, 'pareto');
    expect(p.missing).toEqual([]);
    expect(p.asOf).toBe('2025-04-01');
    expect(p.customers).toBe(5);
    expect(p.customersWithoutValue).toBe(1);
    expect(p.totalValue).toBe('2000.00');
    expect(p.curve).toEqual([
      { customerShare: 0, valueShare: 0 },
      { customerShare: 0.2, valueShare: 0.5 },
      { customerShare: 0.4, valueShare: 0.75 },
      { customerShare: 0.6, valueShare: 0.9 },
      { customerShare: 1, valueShare: 1 },
    ]);
    expect(p.top20Share).toBe(0.5);
    expect(p.abc).toEqual([
      { key: 'A', customers: 1, value: '1000.00', customerShare: 0.2, valueShare: 0.5 },
      { key: 'B', customers: 2, value: '800.00', customerShare: 0.4, valueShare: 0.4 },
      { key: 'C', customers: 2, value: '200.00', customerShare: 0.4, valueShare: 0.1 },
    ]);
  });

  it('shows a rep only the numbers of their own customers', async () => {
    const p = await get(repA, 'pareto');
    expect(p.customers).toBe(2);
    expect(p.totalValue).toBe('1500.00');
    // The best 20% of two customers is 0.4 of a customer: 0.4 of the first band (one customer with 2/3 of the value) = 0.2667.
    expect(p.top20Share).toBe(0.2667);
    const other = await get(repA, `pareto?filter[ownerId]=${repB.userId}`);
    expect(other.customers).toBe(0);
    expect(other.missing).toEqual(['orders']);
  });

  it('filters by department with its sub-departments, by province and by city', async () => {
    expect((await get(admin, `pareto?filter[departmentId]=${deptA}`)).totalValue).toBe('1900.00');
    expect((await get(managerA, 'pareto')).totalValue).toBe('1900.00');
    expect((await get(admin, `pareto?filter[departmentId]=${deptC}`)).totalValue).toBe('100.00');
    expect((await get(admin, `pareto?filter[ownerId]=${repB.userId}`)).totalValue).toBe('400.00');
    // Province alone reads the province rollup; a city, or a province within a scope, reads live — the answers agree.
    expect((await get(admin, `pareto?filter[province]=${encodeURIComponent('广东省')}`)).totalValue).toBe('1600.00');
    const city = await get(admin, `pareto?filter[province]=${encodeURIComponent('广东省')}&filter[city]=${encodeURIComponent('深圳市')}`);
    expect(city.totalValue).toBe('1100.00');
    expect(city.customersWithoutValue).toBe(1);
    expect(city.abc.map((x: { customers: number }) => x.customers)).toEqual([1, 0, 1]);
    const scoped = await get(repA, `pareto?filter[province]=${encodeURIComponent('广东省')}`);
    expect(scoped.totalValue).toBe('1500.00');
    expect(scoped.curve).toEqual((await get(repA, 'pareto')).curve);
  });

  it('fills the RFM heat map and the segments with their movement in the latest run', async () => {
    const r = await get(admin, 'rfm');
    expect(r.cells).toEqual([
      { r: 1, f: 1, customers: 2, value: '200.00' },
      { r: 2, f: 2, customers: 1, value: '300.00' },
      { r: 4, f: 3, customers: 1, value: '500.00' },
      { r: 5, f: 5, customers: 1, value: '1000.00' },
    ]);
    const seg = Object.fromEntries(r.segments.map((s: { segment: string }) => [s.segment, s]));
    expect(seg.champions).toEqual({ segment: 'champions', customers: 1, value: '1000.00', movedIn: 1, movedOut: 0 });
    expect(seg.loyal_customers).toEqual({ segment: 'loyal_customers', customers: 1, value: '500.00', movedIn: 1, movedOut: 1 });
    expect(seg.new_customers).toEqual({ segment: 'new_customers', customers: 0, value: '0.00', movedIn: 0, movedOut: 1 });
    expect(seg.at_risk.movedIn).toBe(1);
    expect(r.moves).toHaveLength(3);
    const b = await get(repB, 'rfm');
    expect(b.cells).toEqual([
      { r: 1, f: 1, customers: 1, value: '100.00' },
      { r: 2, f: 2, customers: 1, value: '300.00' },
    ]);
    expect(b.moves).toEqual([{ from: null, to: 'at_risk', customers: 1 }]);
  });

  it('counts the value matrix quadrants', async () => {
    const v = await get(admin, 'value-matrix');
    expect(v.quadrants.map((q: { key: string; customers: number; value: string }) => [q.key, q.customers, q.value])).toEqual([
      ['best', 1, '1000.00'],
      ['frequent', 1, '500.00'],
      ['spender', 1, '300.00'],
      ['uncertain', 2, '200.00'],
    ]);
  });

  it('spreads predicted CLV over 1-2-5 bands, ranks the top customers and groups by segment and cohort', async () => {
    const c = await get(admin, 'clv');
    expect(c.customers).toBe(4);
    expect(c.totalClv).toBe('6850.00');
    expect(c.histogram[0]).toEqual({ from: '50', to: '100', customers: 1 });
    expect(c.histogram.map((h: { customers: number }) => h.customers)).toEqual([1, 0, 1, 0, 1, 0, 1]);
    expect(c.histogram[6]).toEqual({ from: '5000', to: '10000', customers: 1 });
    expect(c.top.map((x: { customerId: number }) => x.customerId)).toEqual([ids.c1, ids.c2, ids.c3, ids.c5]);
    expect(c.top[0]).toMatchObject({ name: '客户c1', clv: '5000.00', rfmSegment: 'champions' });
    expect(c.bySegment[0]).toEqual({ segment: 'champions', customers: 1, clv: '5000.00', averageClv: '5000.00' });
    expect(c.byCohort).toEqual([
      { cohort: '2024-Q4', customers: 1, clv: '50.00', averageClv: '50.00' },
      { cohort: '2025-Q1', customers: 3, clv: '6800.00', averageClv: '2266.67' },
    ]);
    expect(c.expectedNext).toEqual({ purchases: 3, revenue: '250.00' });
    expect(c.modelCheck).toEqual({ from: '2025-01-01', to: '2025-03-31', expectedPurchases: 10.5, actualPurchases: 9, expectedRevenue: 1000, actualRevenue: 950 });
    const rep = await get(repB, 'clv');
    expect(rep.top.map((x: { customerId: number }) => x.customerId)).toEqual([ids.c3]);
    expect(rep.modelCheck).toBeNull();
    expect(rep.missing).toContain('model_check_company_only');
  });

  it('counts customers per lifecycle stage with their time in stage, and the flows of the period', async () => {
    const l = await get(admin, 'lifecycle');
    const stage = Object.fromEntries(l.stages.map((s: { stage: string }) => [s.stage, s]));
    expect(stage.maturity).toEqual({ stage: 'maturity', customers: 1, value: '1000.00', averageDaysInStage: 31 });
    expect(stage.acquisition).toEqual({ stage: 'acquisition', customers: 2, value: '100.00', averageDaysInStage: 12 });
    expect(stage.termination.averageDaysInStage).toBe(365);
    expect(l.flows).toHaveLength(3);
    const march = await get(admin, 'lifecycle?from=2025-03-15&to=2025-04-30');
    expect(march.flows).toEqual([
      { from: 'acquisition', to: 'growth', customers: 1 },
      { from: 'maturity', to: 'decline', customers: 1 },
    ]);
    const live = await get(admin, `lifecycle?from=2025-03-15&to=2025-04-30&filter[province]=${encodeURIComponent('浙江省')}&filter[city]=${encodeURIComponent('杭州市')}`);
    expect(live.flows).toEqual([{ from: 'maturity', to: 'decline', customers: 1 }]);
  });

  it('fills Reinartz & Kumar and says Dick & Basu lacks satisfaction surveys', async () => {
    const l = await get(admin, 'loyalty');
    expect(l.reinartzKumar.map((x: { key: string; customers: number }) => [x.key, x.customers])).toEqual([
      ['true_friends', 1],
      ['butterflies', 1],
      ['barnacles', 1],
      ['strangers', 1],
    ]);
    expect(l.dickBasu).toEqual([]);
    expect(l.missing).toEqual(['satisfaction_surveys']);
  });

  it('computes cohort retention by first-purchase month from orders', async () => {
    const c = await get(admin, 'cohorts');
    expect(c.missing).toEqual([]);
    expect(c.cohorts).toEqual([
      {
        cohort: '2025-01',
        customers: 2,
        revenue: '1050.00',
        retention: [
          { month: 0, customers: 2, share: 1 },
          { month: 1, customers: 1, share: 0.5 },
          { month: 2, customers: 2, share: 1 },
        ],
      },
      { cohort: '2025-02', customers: 1, revenue: '300.00', retention: [{ month: 0, customers: 1, share: 1 }] },
      { cohort: '2025-03', customers: 1, revenue: '100.00', retention: [{ month: 0, customers: 1, share: 1 }] },
    ]);
    expect((await get(repB, 'cohorts')).cohorts.map((x: { cohort: string }) => x.cohort)).toEqual(['2025-02', '2025-03']);
    expect((await get(admin, 'cohorts?from=2025-02-01&to=2025-02-28')).cohorts.map((x: { cohort: string }) => x.cohort)).toEqual(['2025-02']);
    const city = await get(admin, `cohorts?filter[province]=${encodeURIComponent('广东省')}&filter[city]=${encodeURIComponent('广州市')}`);
    expect(city.cohorts).toEqual([
      { cohort: '2025-01', customers: 1, revenue: '450.00', retention: [{ month: 0, customers: 1, share: 1 }, { month: 2, customers: 1, share: 1 }] },
    ]);
  });
});
