import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';

let t: TestContext;
let admin: Session;
let agentA: Session;
let agentB: Session;
let teamA: number;
let customer: number;

/** A ticket as the workflow would have left it, with known business minutes and SLA verdicts. */
async function ticket(v: { n: number; type?: string; team: number; response?: number | null; resolution?: number | null; fr?: string; res?: string; cause?: string | null; tier?: string }) {
  const created = '2026-03-02T10:00:00+08:00';
  const resolved = v.resolution ? '2026-03-03T11:00:00+08:00' : null;
  await t.database.db.execute(sql`insert into tickets (number, type, customer_id, channel, subject, priority, team_id, status, customer_tier, sla_policy_id,
      response_business_minutes, resolution_business_minutes, sla_first_response, sla_resolution, root_cause, created_at, resolved_at)
    values (${`R${v.n}`}, ${v.type ?? 'inquiry'}, ${customer}, 'phone', 'x', 'normal', ${v.team}, ${resolved ? 'resolved' : 'open'}, ${v.tier ?? 'vip'}, 1,
      ${v.response ?? null}, ${v.resolution ?? null}, ${v.fr ?? 'pending'}, ${v.res ?? 'pending'}, ${v.cause ?? null}, ${created}::timestamptz, ${resolved}::timestamptz)`);
}

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
  const [a] = await t.database.rows<{ id: number }>(sql`insert into departments (name) values ('A') returning id`);
  const [b] = await t.database.rows<{ id: number }>(sql`insert into departments (name) values ('B') returning id`);
  teamA = Number(a!.id);
  agentA = await t.userWithRole('service', { departmentId: teamA });
  agentB = await t.userWithRole('service', { departmentId: Number(b!.id) });
  const [c] = await t.database.rows<{ id: number }>(sql`insert into customers (kind, relationship_type, name, importance, owner_id) values ('individual', 'consumer', '李雷', 'vip', ${agentA.userId}) returning id`);
  customer = Number(c!.id);
  await ticket({ n: 1, team: teamA, response: 10, resolution: 100, fr: 'achieved', res: 'achieved' });
  await ticket({ n: 2, team: teamA, response: 20, resolution: 200, fr: 'breached', res: 'achieved' });
  await ticket({ n: 3, team: teamA, response: 30, type: 'complaint', cause: 'delivery', fr: 'achieved', tier: 'ordinary' });
  await ticket({ n: 4, team: teamA, response: 40, type: 'complaint', cause: 'delivery', fr: 'achieved', res: 'breached' });
  await ticket({ n: 5, team: teamA, response: 100, type: 'complaint', cause: 'product_quality' });
  // satisfaction 5,4,3,2 and would-recommend 10,9,7,3: CSAT 3.5, NPS (2 − 1) / 4 = 25
  for (const [s, r] of [[5, 10], [4, 9], [3, 7], [2, 3]] as const) {
    await t.database.db.execute(sql`insert into return_visits (customer_id, ticket_id, scheduled_on, assignee_id, status, satisfaction, would_recommend, done_at)
      values (${customer}, (select id from tickets where number = 'R1'), '2026-03-03', ${agentA.userId}, 'done', ${s}, ${r}, '2026-03-03T12:00:00+08:00')`);
  }
  for (let i = 0; i < 6; i++) {
    await t.database.db.execute(sql`insert into orders (number, customer_id, owner_id, order_date, status) values (${`O${i}`}, ${customer}, ${agentA.userId}, '2026-03-02', ${i === 5 ? 'cancelled' : 'confirmed'})`);
  }
});
afterAll(async () => t.close());

describe('service reports', () => {
  it('computes medians, p90, attainment, rates, CSAT, NPS, causes and backlog on a known dataset', async () => {
    const res = await t.request(agentA, { method: 'GET', url: '/api/v1/service-reports/summary?from=2026-03-01&to=2026-03-03' });
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json();
    expect(r.tickets).toBe(5);
    // percentile_cont: p90 of 10,20,30,40,100 = 40 + 0.6 × 60
    expect(r.responseMinutes).toEqual({ count: 5, median: 30, p90: 76 });
    expect(r.resolutionMinutes).toEqual({ count: 2, median: 150, p90: 190 });
    expect(r.resolutionRate).toBe(0.4);
    expect(r.complaints).toBe(3);
    expect(r.orders).toBe(5);
    expect(r.complaintsPer100Orders).toBe(60);
    expect(r.visits).toBe(4);
    expect(r.csat).toBe(3.5);
    expect(r.nps).toBe(25);
    expect(r.topComplaintCauses).toEqual([{ cause: 'delivery', count: 2 }, { cause: 'product_quality', count: 1 }]);
    expect(r.slaByTier).toEqual([
      { tier: 'ordinary', firstResponse: { achieved: 1, breached: 0, rate: 1 }, resolution: { achieved: 0, breached: 0, rate: null } },
      { tier: 'vip', firstResponse: { achieved: 2, breached: 1, rate: 0.6667 }, resolution: { achieved: 2, breached: 1, rate: 0.6667 } },
    ]);
    expect(r.slaByTeam).toHaveLength(1);
    expect(r.backlog).toEqual([
      { date: '2026-03-01', open: 0 },
      { date: '2026-03-02', open: 5 },
      { date: '2026-03-03', open: 3 },
    ]);
  });

  it('filters by tier and by the caller’s scope', async () => {
    const ordinary = (await t.request(admin, { method: 'GET', url: '/api/v1/service-reports/summary?from=2026-03-01&to=2026-03-03&filter[importance]=ordinary' })).json();
    expect(ordinary.tickets).toBe(1);
    const other = (await t.request(agentB, { method: 'GET', url: '/api/v1/service-reports/summary?from=2026-03-01&to=2026-03-03' })).json();
    expect(other.tickets).toBe(0);
    expect(other.visits).toBe(0);
    expect(other.nps).toBeNull();
    const bad = await t.request(admin, { method: 'GET', url: '/api/v1/service-reports/summary?from=2026-03-05&to=2026-03-01' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('to');
  });
});
