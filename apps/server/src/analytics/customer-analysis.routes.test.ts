import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { defaultAnalyticsSettings } from '@guanxi/contracts';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';

let t: TestContext;
let admin: Session;
let rep: Session;
let other: Session;

const createCustomer = async (s: Session, name: string, extra: Record<string, unknown> = {}) =>
  (await t.request(s, { method: 'POST', url: '/api/v1/customers', payload: { kind: 'organization', relationshipType: 'business', name, ...extra } })).json().id as number;

/** A metrics row as the pipeline writes it; the card must show what is stored, nothing recomputed. */
async function score(customerId: number, m: { tier: string | null; churnLevel: string | null; lifecycle: string; abc: string | null; margin: string; clv: string | null }) {
  await t.database.db.execute(sql`
    insert into customer_metrics (customer_id, run_id, as_of, first_purchase_on, last_purchase_on, recency_days, frequency, monetary, margin, average_order_value,
      rfm_r, rfm_f, rfm_m, rfm_segment, rf_segment, abc_class, value_share, value_quadrant, p_alive, expected_purchases, expected_spend, clv, historical_value,
      lifecycle_stage, lifecycle_since, tier, tier_score, loyalty_class, attitude_class, churn_score, churn_level, reasons)
    values (${customerId}, 7, '2025-06-01', '2023-02-10', '2025-01-15', 137, 9, '48200.50', ${m.margin}, '5355.61',
      2, 4, 5, 'at_risk', 'at_risk', ${m.abc}, 0.41, 'best', 0.3712, 0.8821, 5120.3, ${m.clv}, '48200.50',
      ${m.lifecycle}, '2025-03-01', ${m.tier}, 0.83, 'butterflies', null, 0.64, ${m.churnLevel},
      ${JSON.stringify({
        rfm: { recencyDays: 137, frequency: 9, monetary: 48200.5, scores: [2, 4, 5], method: 'ntile' },
        churn: { score: 0.64, level: 'high', signals: [{ signal: 'silence', strength: 0.9, contribution: 0.27 }], levels: { medium: 0.3, high: 0.6 } },
      })}::jsonb)`);
}

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
  rep = await t.userWithRole('sales');
  other = await t.userWithRole('sales');
});
afterAll(() => t.close());

const analysis = (s: Session, id: number | string) => t.request(s, { method: 'GET', url: `/api/v1/customers/${id}/analysis` });

describe('GET /customers/:id/analysis', () => {
  it('answers scored: false for a customer no run has scored yet', async () => {
    const id = await createCustomer(rep, '从未评分公司');
    const res = await analysis(rep, id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ scored: false, customerId: id });
  });

  it('shows every stored score with its reasons, the run, and the class history newest first', async () => {
    const id = await createCustomer(rep, '华东精密');
    await score(id, { tier: 'vip', churnLevel: 'high', lifecycle: 'decline', abc: 'A', margin: '12050.10', clv: '98765432101.23' });
    await t.database.db.execute(sql`
      insert into customer_metric_history (customer_id, run_id, metric, from_value, to_value, changed_at) values
        (${id}, 3, 'lifecycle_stage', 'growth', 'maturity', '2025-02-01T02:30:00Z'),
        (${id}, 7, 'lifecycle_stage', 'maturity', 'decline', '2025-06-01T02:30:00Z'),
        (${id}, 5, 'rfm_segment', 'champions', 'at_risk', '2025-04-01T02:30:00Z')`);
    const res = await analysis(rep, id);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ scored: true, customerId: id, runId: 7, asOf: '2025-06-01' });
    expect(body.scores).toMatchObject({
      rfmSegment: 'at_risk',
      rfmR: 2,
      rfmF: 4,
      rfmM: 5,
      abcClass: 'A',
      lifecycleStage: 'decline',
      lifecycleSince: '2025-03-01',
      tier: 'vip',
      loyaltyClass: 'butterflies',
      attitudeClass: null,
      churnLevel: 'high',
      churnScore: 0.64,
      pAlive: 0.3712,
      recencyDays: 137,
      frequency: 9,
      firstPurchaseOn: '2023-02-10',
      lastPurchaseOn: '2025-01-15',
      margin: '12050.10',
      monetary: '48200.50',
    });
    // money stays an exact decimal string end to end
    expect(body.scores.clv).toBe('98765432101.23');
    expect(body.reasons.churn.signals[0]).toEqual({ signal: 'silence', strength: 0.9, contribution: 0.27 });
    expect(body.history.map((h: { runId: number }) => h.runId)).toEqual([7, 5, 3]);
    expect(body.history[0]).toEqual({ metric: 'lifecycle_stage', fromValue: 'maturity', toValue: 'decline', runId: 7, changedAt: '2025-06-01T02:30:00.000Z' });
    expect(body.recommendation).toEqual({ stance: 'win_back_hard', urgency: 'act_now', tier: 'vip', tierSource: 'computed' });
  });

  it('completes the compact reasons a refresh stores from the columns and the settings and parameters of its run', async () => {
    const id = await createCustomer(rep, '紧凑理由公司');
    const [run] = await t.database.rows<{ id: number }>(sql`
      insert into analytics_runs (mode, trigger, status, as_of, settings, parameters)
      values ('full', 'manual', 'succeeded', '2025-06-01', ${JSON.stringify(defaultAnalyticsSettings)}::jsonb,
        ${JSON.stringify({ model: 'bgnbd', referenceIntervalDays: 35, medians: { frequency: 3, averageOrderValue: 800, margin: 2000 } })}::jsonb)
      returning id`);
    await score(id, { tier: 'vip', churnLevel: 'high', lifecycle: 'decline', abc: 'A', margin: '12050.10', clv: '5000.00' });
    const compact = {
      clv: { unit: 'week', x: 4, tx: 60, T: 100 },
      lifecycle: { rule: 'decline_silence', purchases: 5, trend: -0.5 },
      tier: { overdueDays: 12 },
      churn: { signals: [{ signal: 'silence', strength: 0.9, contribution: 0.27 }] },
    };
    await t.database.db.execute(sql`update customer_metrics set run_id = ${Number(run!.id)}, reasons = ${JSON.stringify(compact)}::jsonb where customer_id = ${id}`);
    const r = (await analysis(rep, id)).json().reasons;
    const s = defaultAnalyticsSettings;
    expect(r.rfm).toEqual({ recencyDays: 137, frequency: 9, monetary: 48200.5, scores: [2, 4, 5], method: s.rfm.method });
    expect(r.abc).toMatchObject({ valueShare: 0.41, cutoffs: [s.abc.a, s.abc.b], basis: s.clv.basis });
    expect(r.valueMatrix).toMatchObject({ frequency: 9, medianFrequency: 3, medianAverageOrderValue: 800 });
    expect(r.clv).toMatchObject({ model: 'bgnbd', unit: 'week', x: 4, tx: 60, T: 100, pAlive: 0.3712, expectedPurchases: 0.8821, nextPeriodDays: s.clv.nextPeriodDays });
    // weeks back into days: 100 weeks old, silent for 40, a purchase every 15 weeks
    expect(r.lifecycle).toEqual({ rule: 'decline_silence', purchases: 5, trend: -0.5, ageDays: 700, silenceDays: 280, cycleDays: 105, ownCycle: true, pAlive: 0.3712, thresholds: s.lifecycle });
    expect(r.tier).toMatchObject({ score: 0.83, weights: s.tier.weights, volume: 48200.5, prospects: 5000, profit: 12050.1, overdueDays: 12 });
    expect(r.loyalty).toEqual({ pAlive: 0.3712, margin: 12050.1, marginMedian: 2000 });
    expect(r.churn).toEqual({ score: 0.64, level: 'high', levels: s.churn.levels, signals: compact.churn.signals });
  });

  it('recommends by the tier set by hand when there is one', async () => {
    const id = await createCustomer(rep, '手工定级公司', { importance: 'ordinary' });
    await score(id, { tier: 'vip', churnLevel: 'medium', lifecycle: 'termination', abc: 'C', margin: '0.00', clv: null });
    expect((await analysis(rep, id)).json().recommendation).toEqual({ stance: 'let_go', urgency: 'watch', tier: 'ordinary', tierSource: 'manual' });
    // without the manual tier the computed VIP tier is followed
    await t.database.db.execute(sql`update customers set importance_source = 'computed', importance = 'vip' where id = ${id}`);
    expect((await analysis(rep, id)).json().recommendation).toEqual({ stance: 'win_back_hard', urgency: 'watch', tier: 'vip', tierSource: 'computed' });
  });

  it('answers 404 outside the data scope or for a deleted customer, like the customer page', async () => {
    const id = await createCustomer(rep, '别人的客户');
    await score(id, { tier: 'important', churnLevel: 'low', lifecycle: 'maturity', abc: 'B', margin: '10.00', clv: '100.00' });
    expect((await analysis(other, id)).statusCode).toBe(404);
    expect((await analysis(admin, id)).statusCode).toBe(200);
    expect((await t.request(admin, { method: 'DELETE', url: `/api/v1/customers/${id}` })).statusCode).toBe(204);
    expect((await analysis(rep, id)).statusCode).toBe(404);
    expect((await analysis(rep, 987654321)).statusCode).toBe(404);
  });

  it('refuses a malformed id with 400 and a caller without customers.read with 403', async () => {
    const bad = await analysis(rep, 'abc');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].field ?? bad.json().error.details[0].path).toBeDefined();
    const role = await t.request(admin, { method: 'POST', url: '/api/v1/roles', payload: { key: 'dashboards_only', name: '只看报表', dataScope: 'all', permissions: ['analytics.read'] } });
    expect(role.statusCode, role.body).toBe(201);
    const viewer = await t.userWithRole('dashboards_only');
    const id = await createCustomer(admin, '无权查看');
    expect((await analysis(viewer, id)).statusCode).toBe(403);
  });
});
