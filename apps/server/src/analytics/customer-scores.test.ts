import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';

let t: TestContext;
let admin: Session;
let rep: Session;
let other: Session;

interface Seed {
  id: number;
  owner: 'rep' | 'other';
  segment: string;
  abc: 'A' | 'B' | 'C';
  churn: 'low' | 'medium' | 'high';
  clv: string;
  pAlive: number;
  recency: number;
}
const scored: Seed[] = [];
const unscored: number[] = [];

const SEGMENTS = ['at_risk', 'champions', 'lost', 'need_attention'] as const;
const CHURN = ['low', 'medium', 'high'] as const;

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
  rep = await t.userWithRole('sales');
  other = await t.userWithRole('sales');
  // 36 scored customers (24 of the rep, 12 of another rep) and 5 never scored, seeded in SQL
  const rows = await t.database.rows<{ id: number; i: number }>(sql`
    insert into customers (kind, relationship_type, name, owner_id, owner_since, created_by)
    select 'organization', 'business', '评分客户' || lpad(i::text, 2, '0'), case when i % 3 = 2 then ${other.userId}::bigint else ${rep.userId}::bigint end, now(), ${rep.userId}
    from generate_series(0, 40) i
    returning id, (substring(name from 5))::int as i`);
  for (const r of rows) {
    const i = Number(r.i);
    const id = Number(r.id);
    if (i >= 36) {
      if (i % 3 !== 2) unscored.push(id);
      continue;
    }
    // CLV repeats every 9 customers, so ties must be broken by id across page boundaries
    scored.push({
      id,
      owner: i % 3 === 2 ? 'other' : 'rep',
      segment: SEGMENTS[i % 4]!,
      abc: i % 5 === 0 ? 'A' : i % 5 < 3 ? 'B' : 'C',
      churn: CHURN[i % 3 === 2 ? 2 : (i >> 1) % 3]!,
      clv: `${(i % 9) * 1250}.${String(i % 7).padStart(2, '0')}`,
      pAlive: Math.round(((i * 37) % 100) / 100 * 1000) / 1000,
      recency: (i * 13) % 400,
    });
  }
  for (const s of scored) {
    await t.database.db.execute(sql`
      insert into customer_metrics (customer_id, run_id, as_of, recency_days, frequency, monetary, margin, rfm_segment, abc_class, lifecycle_stage, tier, loyalty_class, p_alive, clv, churn_score, churn_level)
      values (${s.id}, 1, '2025-06-01', ${s.recency}, 3, ${s.clv}, '0', ${s.segment}, ${s.abc}, 'maturity', 'important', 'true_friends', ${s.pAlive}, ${s.clv}, ${s.pAlive / 2}, ${s.churn})`);
  }
});
afterAll(() => t.close());

type Item = { id: number; name: string; ownerId: number | null; scores: null | Record<string, unknown> };
const list = async (session: Session, qs: string) => {
  const res = await t.request(session, { method: 'GET', url: `/api/v1/customers?${qs}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { data: Item[]; nextCursor: string | null; total: number };
};
const ids = (xs: Array<{ id: number }>) => xs.map((x) => x.id).sort((a, b) => a - b);
const mine = () => scored.filter((s) => s.owner === 'rep');

async function pages(session: Session, qs: string, limit: number): Promise<Item[]> {
  const out: Item[] = [];
  let cursor: string | null = null;
  let n = 0;
  do {
    const page = await list(session, `${qs}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    out.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor && ++n < 50);
  return out;
}

describe('scores as customer list fields', () => {
  it('filters RFM segment = at_risk AND owner = me within the caller’s scope', async () => {
    const want = mine().filter((s) => s.segment === 'at_risk');
    expect(want.length).toBeGreaterThan(2);
    const got = await list(rep, 'filter[rfmSegment]=at_risk&filter[ownerId]=me&limit=100');
    expect(got.total).toBe(want.length);
    expect(ids(got.data)).toEqual(ids(want));
    expect(got.data.every((c) => c.scores?.rfmSegment === 'at_risk' && c.ownerId === rep.userId)).toBe(true);
    // the other rep's at-risk customers exist but are outside this scope, even when asked for by owner
    expect((await list(rep, `filter[rfmSegment]=at_risk&filter[ownerId]=${other.userId}`)).total).toBe(0);
    expect((await list(admin, 'filter[rfmSegment]=at_risk')).total).toBe(scored.filter((s) => s.segment === 'at_risk').length);
  });

  it('filters ABC = A and churn risk high, and several classes at once', async () => {
    const want = scored.filter((s) => s.abc === 'A' && s.churn === 'high');
    expect(want.length).toBeGreaterThan(0);
    const got = await list(admin, 'filter[abcClass]=A&filter[churnLevel]=high&limit=100');
    expect(ids(got.data)).toEqual(ids(want));
    const multi = await list(admin, 'filter[abcClass]=A,B&filter[churnLevel]=medium,high&limit=100');
    expect(ids(multi.data)).toEqual(ids(scored.filter((s) => s.abc !== 'C' && s.churn !== 'low')));
  });

  it('filters ranges on CLV, P(alive) and recency as exact numbers', async () => {
    const got = await list(admin, 'filter[clv][gte]=5000.03&filter[pAlive][lte]=0.5&filter[recencyDays][gte]=100&limit=100');
    const want = scored.filter((s) => Number(s.clv) >= 5000.03 && s.pAlive <= 0.5 && s.recency >= 100);
    expect(want.length).toBeGreaterThan(0);
    expect(ids(got.data)).toEqual(ids(want));
  });

  it('sorts by CLV descending across pages, ties by id, never-scored customers last', async () => {
    const all = await pages(rep, 'sort=-clv', 4);
    const want = [...mine()].sort((a, b) => Number(b.clv) - Number(a.clv) || b.id - a.id).map((s) => s.id);
    expect(all.map((c) => c.id)).toEqual([...want, ...[...unscored].sort((a, b) => b - a)]);
    expect(all.at(-1)!.scores).toBeNull();
    expect(all[0]!.scores).toMatchObject({ clv: mine().find((s) => s.id === want[0])!.clv, abcClass: expect.any(String), churnLevel: expect.any(String) });
    // ascending too: the unscored still come last
    const asc = await pages(rep, 'sort=clv', 5);
    expect(asc.map((c) => c.id)).toEqual([...[...want].reverse(), ...[...unscored].sort((a, b) => a - b)]);
  });

  it('sorts ordinal classes by rank: churn level high first when descending', async () => {
    const all = await pages(admin, 'sort=-churnLevel&filter[name]=评分客户', 6);
    const levels = all.map((c) => (c.scores?.churnLevel as string | undefined) ?? 'none');
    const rank = { high: 3, medium: 2, low: 1, none: 0 } as const;
    expect(levels.map((l) => rank[l as keyof typeof rank])).toEqual([...levels.map((l) => rank[l as keyof typeof rank])].sort((a, b) => b - a));
    expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
    expect(all).toHaveLength(41);
  });

  it('refuses an unknown class with 400 naming the parameter', async () => {
    const res = await t.request(admin, { method: 'GET', url: '/api/v1/customers?filter[rfmSegment]=vip' });
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json().error.details)).toContain('filter[rfmSegment]');
    expect((await t.request(admin, { method: 'GET', url: '/api/v1/customers?filter[clv][gte]=lots' })).statusCode).toBe(400);
  });

  it('keeps score filters and sort in a saved view that gives the same list when applied', async () => {
    const definition = { filters: { 'filter[rfmSegment]': 'at_risk,lost', 'filter[churnLevel]': 'high', 'filter[ownerId]': 'me' }, sort: '-clv', columns: ['rfmSegment', 'churnLevel', 'clv'] };
    const created = await t.request(rep, { method: 'POST', url: '/api/v1/saved-views', payload: { entity: 'customer', name: '高危挽回', definition } });
    expect(created.statusCode, created.body).toBe(201);
    const views = (await t.request(rep, { method: 'GET', url: '/api/v1/saved-views?filter[entity]=customer' })).json().data as Array<{ id: number; definition: typeof definition }>;
    const view = views.find((v) => v.id === created.json().id)!;
    expect(view.definition).toEqual(definition);
    const qs = new URLSearchParams({ ...view.definition.filters, sort: view.definition.sort, limit: '100' }).toString();
    const got = await list(rep, qs);
    const want = mine()
      .filter((s) => (s.segment === 'at_risk' || s.segment === 'lost') && s.churn === 'high')
      .sort((a, b) => Number(b.clv) - Number(a.clv) || b.id - a.id);
    expect(got.data.map((c) => c.id)).toEqual(want.map((s) => s.id));
  });
});
