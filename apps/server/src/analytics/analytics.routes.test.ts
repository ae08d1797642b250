import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { defaultAnalyticsSettings, type AnalyticsRun, type AnalyticsSettingsRecord } from '@guanxi/contracts';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';
import { ANALYTICS_LOCK, failInterruptedRuns } from './refresh-analytics.js';

let t: TestContext;
let admin: Session;
let manager: Session;
let sales: Session;

async function waitForRun(id: number): Promise<AnalyticsRun> {
  for (let k = 0; k < 200; k++) {
    const res = await t.request(admin, { method: 'GET', url: `/api/v1/analytics/runs/${id}` });
    const run = res.json() as AnalyticsRun;
    if (run.status !== 'running') return run;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('run did not finish');
}

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
  manager = await t.userWithRole('manager');
  sales = await t.userWithRole('sales');
  const [c] = await t.database.rows<{ id: number }>(sql`insert into customers (kind, relationship_type, name, owner_id) values ('organization', 'business', '杭州云帆', ${admin.userId}) returning id`);
  for (const [n, d, total] of [['R-1', '2025-01-05', '100.00'], ['R-2', '2025-03-05', '250.00']] as const) {
    await t.database.db.execute(sql`insert into orders (number, customer_id, owner_id, order_date, status, subtotal, total) values (${n}, ${Number(c!.id)}, ${admin.userId}, ${d}::date, 'confirmed', ${total}::numeric, ${total}::numeric)`);
  }
});

afterAll(async () => {
  await t?.close();
});

describe('analytics settings', () => {
  it('answers the defaults at version 1 before any change', async () => {
    const res = await t.request(manager, { method: 'GET', url: '/api/v1/analytics-settings' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ settings: defaultAnalyticsSettings, version: 1, updatedBy: null });
  });

  it('saves a change with the version, audits it, and refuses a stale version with 409 and the current record', async () => {
    const settings = { ...defaultAnalyticsSettings, abc: { a: 0.7, b: 0.9 } };
    const ok = await t.request(admin, { method: 'PUT', url: '/api/v1/analytics-settings', payload: { settings, version: 1 } });
    expect(ok.statusCode, ok.body).toBe(200);
    const saved = ok.json() as AnalyticsSettingsRecord;
    expect(saved).toMatchObject({ version: 2, settings: { abc: { a: 0.7, b: 0.9 } }, updatedBy: admin.userId });
    const stale = await t.request(admin, { method: 'PUT', url: '/api/v1/analytics-settings', payload: { settings, version: 1 } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.current).toMatchObject({ version: 2 });
    const audit = await t.database.rows<{ changes: Record<string, unknown> }>(sql`select changes from audit_log where entity = 'analytics_settings' order by id desc limit 1`);
    expect(Object.keys(audit[0]!.changes)).toEqual(['abc']);
  });

  it('refuses invalid settings with 400 naming the field', async () => {
    const settings = { ...defaultAnalyticsSettings, abc: { a: 0.9, b: 0.8 } };
    const res = await t.request(admin, { method: 'PUT', url: '/api/v1/analytics-settings', payload: { settings, version: 2 } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.map((d: { path: string }) => d.path)).toContain('settings.abc.b');
    const time = await t.request(admin, { method: 'PUT', url: '/api/v1/analytics-settings', payload: { settings: { ...defaultAnalyticsSettings, schedule: { enabled: true, time: '25:00' } }, version: 2 } });
    expect(time.statusCode).toBe(400);
    expect(time.json().error.details.map((d: { path: string }) => d.path)).toContain('settings.schedule.time');
  });

  it('lets only analytics.manage change or preview, and analytics.read read', async () => {
    expect((await t.request(sales, { method: 'GET', url: '/api/v1/analytics-settings' })).statusCode).toBe(403);
    expect((await t.request(manager, { method: 'PUT', url: '/api/v1/analytics-settings', payload: { settings: defaultAnalyticsSettings, version: 2 } })).statusCode).toBe(403);
    expect((await t.request(manager, { method: 'POST', url: '/api/v1/analytics-settings/preview', payload: { settings: defaultAnalyticsSettings } })).statusCode).toBe(403);
    expect((await t.request(manager, { method: 'POST', url: '/api/v1/analytics/refresh', payload: {} })).statusCode).toBe(403);
    expect((await t.request(sales, { method: 'GET', url: '/api/v1/analytics/runs' })).statusCode).toBe(403);
  });

  it('previews the class counts under the current and the proposed settings without writing', async () => {
    const res = await t.request(admin, { method: 'POST', url: '/api/v1/analytics-settings/preview', payload: { settings: { ...defaultAnalyticsSettings, tier: { ...defaultAnalyticsSettings.tier, cutoffs: { vip: 0.99, important: 0.98 } } } } });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { customers: number; current: Record<string, Record<string, number>>; proposed: Record<string, Record<string, number>> };
    expect(body.customers).toBe(1);
    expect(body.current.abcClass).toMatchObject({ A: 1 });
    expect(body.proposed.tier).toMatchObject({ vip: 1 });
    const written = await t.database.rows(sql`select 1 from customer_metrics`);
    expect(written).toHaveLength(0);
  });
});

describe('refresh and runs', () => {
  it('starts a refresh in the background (202 with the run) and lists it newest first', async () => {
    const res = await t.request(admin, { method: 'POST', url: '/api/v1/analytics/refresh', payload: { mode: 'full' } });
    expect(res.statusCode, res.body).toBe(202);
    const run = res.json() as AnalyticsRun;
    expect(run).toMatchObject({ mode: 'full', trigger: 'manual', requestedBy: admin.userId, settings: { abc: { a: 0.7 } } });
    const done = await waitForRun(run.id);
    expect(done.status, done.error ?? '').toBe('succeeded');
    expect(done.counts).toMatchObject({ customers: 1, scored: 1 });
    expect(done.parameters).not.toHaveProperty('frozen');
    const list = await t.request(manager, { method: 'GET', url: '/api/v1/analytics/runs?limit=1' });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ data: [{ id: run.id }], total: 1, nextCursor: null });
  });

  it('answers 409 with the running run while another refresh holds the lock', async () => {
    const [running] = await t.database.rows<{ id: number }>(sql`
      insert into analytics_runs (mode, trigger, status, as_of, settings) values ('full', 'schedule', 'running', current_date, ${JSON.stringify(defaultAnalyticsSettings)}::jsonb) returning id`);
    await t.database.withAdvisoryLock(ANALYTICS_LOCK, true, async () => {
      const res = await t.request(admin, { method: 'POST', url: '/api/v1/analytics/refresh', payload: {} });
      expect(res.statusCode).toBe(409);
      expect(res.json().error).toMatchObject({ code: 'CONFLICT', current: { id: Number(running!.id), status: 'running' } });
      // while it runs elsewhere, a restart must not fail it
      expect(await failInterruptedRuns(t.database)).toBe(0);
    });
    // once nobody holds the lock, a run still 'running' was cut short: failed at start
    expect(await failInterruptedRuns(t.database)).toBe(1);
    const after = await t.request(admin, { method: 'GET', url: `/api/v1/analytics/runs/${Number(running!.id)}` });
    expect(after.json()).toMatchObject({ status: 'failed' });
  });

  it('refuses unknown fields in the refresh body with 400', async () => {
    const res = await t.request(admin, { method: 'POST', url: '/api/v1/analytics/refresh', payload: { mode: 'sometimes' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe('mode');
  });

  it('runs as the analytics-refresh job like the other jobs', async () => {
    const res = await t.request(admin, { method: 'POST', url: '/api/v1/jobs/analytics-refresh/run' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'succeeded', result: { customers: 1 } });
    const [last] = await t.database.rows<{ trigger: string; status: string }>(sql`select trigger, status from analytics_runs order by id desc limit 1`);
    expect(last).toEqual({ trigger: 'schedule', status: 'succeeded' });
  });
});
