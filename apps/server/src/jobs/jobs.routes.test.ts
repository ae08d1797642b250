import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';

let t: TestContext;
let admin: Session;
beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
});
afterAll(() => t.close());

describe('jobs', () => {
  it('an admin runs the pool-return job now, judged as of a later moment, and sees the run', async () => {
    const rep = await t.userWithRole('sales');
    const rule = await t.request(admin, { method: 'POST', url: '/api/v1/pool-rules', payload: { name: '一天未跟进', kind: 'no_follow_up', days: { default: 1 }, warnDays: 0 } });
    expect(rule.statusCode).toBe(201);
    const c = await t.request(admin, { method: 'POST', url: '/api/v1/customers', payload: { kind: 'individual', relationshipType: 'consumer', name: '被冷落的客户', ownerId: rep.userId } });
    expect(c.statusCode).toBe(201);

    const now = await t.request(admin, { method: 'POST', url: '/api/v1/jobs/pool-return/run', payload: {} });
    expect(now.json()).toMatchObject({ status: 'succeeded', result: { returned: 0 } });
    const later = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const run = await t.request(admin, { method: 'POST', url: '/api/v1/jobs/pool-return/run', payload: { asOf: later } });
    expect(run.json()).toMatchObject({ status: 'succeeded', result: { returned: 1 } });
    const pool = (await t.request(rep, { method: 'GET', url: '/api/v1/pool' })).json();
    expect(pool.data.map((p: { name: string }) => p.name)).toContain('被冷落的客户');

    const list = (await t.request(admin, { method: 'GET', url: '/api/v1/jobs' })).json();
    expect(list.data[0].name).toBe('pool-return');
    expect(list.data[0].runs.map((r: { status: string }) => r.status)).toEqual(['succeeded', 'succeeded']);
  });

  it('is for admins only, and an unknown job is 404', async () => {
    const rep = await t.userWithRole('sales');
    expect((await t.request(rep, { method: 'POST', url: '/api/v1/jobs/pool-return/run', payload: {} })).statusCode).toBe(403);
    expect((await t.request(admin, { method: 'POST', url: '/api/v1/jobs/nope/run', payload: {} })).statusCode).toBe(404);
    expect((await t.request(admin, { method: 'POST', url: '/api/v1/jobs/pool-return/run', payload: { asOf: 'tomorrow' } })).statusCode).toBe(400);
    // no body at all is "run it now"
    const bare = await t.request(admin, { method: 'POST', url: '/api/v1/jobs/pool-return/run' });
    expect(bare.statusCode, bare.body).toBe(200);
  });

  it('keeps a month of runs: older ones of the job go when it next succeeds, and the list shows the last ten', async () => {
    await t.database.db.execute(sql`insert into job_runs (job, status, started_at, finished_at) select 'pool-return', 'succeeded', now() - (g || ' days')::interval, now() - (g || ' days')::interval from generate_series(1, 40) g`);
    const run = await t.request(admin, { method: 'POST', url: '/api/v1/jobs/pool-return/run', payload: {} });
    expect(run.json()).toMatchObject({ status: 'succeeded' });
    const [left] = await t.database.rows<{ n: number; oldest_days: number }>(
      sql`select count(*)::int as n, extract(day from now() - min(started_at))::int as oldest_days from job_runs where job = 'pool-return'`,
    );
    expect(left!.oldest_days).toBeLessThanOrEqual(30);
    const list = (await t.request(admin, { method: 'GET', url: '/api/v1/jobs' })).json();
    expect(list.data.find((j: { name: string }) => j.name === 'pool-return').runs).toHaveLength(10);
  });

  it('db-statistics gives the embedded database planner statistics (PostgreSQL keeps its own by autovacuum)', async () => {
    const run = (await t.request(admin, { method: 'POST', url: '/api/v1/jobs/db-statistics/run', payload: {} })).json();
    expect(run.status).toBe('succeeded');
    if (t.database.driver === 'pglite') {
      expect(run.result).toMatchObject({ analyzed: true });
      const [c] = await t.database.rows<{ analyzed: number }>(sql`select count(*)::int as analyzed from pg_stat_user_tables where relname = 'customers' and last_analyze is not null`);
      expect(c!.analyzed).toBe(1);
    } else {
      expect(run.result).toEqual({ analyzed: false, reason: 'autovacuum' });
    }
  });
});
