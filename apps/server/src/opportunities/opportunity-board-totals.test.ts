// The board's maintained totals (opportunity_board_totals, kept by triggers) against a fresh
// group-by of the deals after every kind of write, and the board and summary that read them
// against the live sums they replace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';
import { seededRandom } from '../test/seeded-random.js';

let t: TestContext;
let admin: Session;
let manager: Session;
let repA: Session;
let repB: Session;
let repC: Session;
let customers: Record<'A' | 'B' | 'C', number>;
let pipeline: { id: number; version: number; stages: Array<{ id: number; name: string; probability: number; kind: string }> };
let open1: number;
let open2: number;
let wonStage: number;
let lostStage: number;

interface Amounts { currency: string; count: number; amount: string; weightedAmount: string }
interface Column { stage: { id: number; kind: string }; count: number; amounts: Amounts[] }
interface Row { pipeline_id: number; owner_id: number; stage_id: number; currency: string; deals: number; amount: string; weighted_amount: string }

const post = (s: Session, url: string, payload: Record<string, unknown>) => t.request(s, { method: 'POST', url, payload });
const patch = (s: Session, url: string, payload: Record<string, unknown>) => t.request(s, { method: 'PATCH', url, payload });
const get = (s: Session, url: string) => t.request(s, { method: 'GET', url });

/** The maintained rows that say anything (rows that went back to zero stay, and must be all zero). */
const maintained = () =>
  t.database.rows<Row>(sql`
    select pipeline_id, owner_id, stage_id, currency, deals, amount::text as amount, weighted_amount::text as weighted_amount
    from opportunity_board_totals where not (deals = 0 and amount = 0 and weighted_amount = 0) order by 1, 2, 3, 4`);
/** The same totals from scratch, with the board's formula (opportunity-scope.ts weightedExpr). */
const recomputed = () =>
  t.database.rows<Row>(sql`
    select o.pipeline_id, o.owner_id, o.stage_id, o.currency, count(*)::int as deals, sum(o.amount)::numeric(20, 2)::text as amount,
      sum(round(o.amount * coalesce(o.probability_override, s.probability) / 100, 2))::numeric(20, 2)::text as weighted_amount
    from opportunities o join pipeline_stages s on s.id = o.stage_id
    where o.closed_at is null and o.deleted_at is null
    group by 1, 2, 3, 4 order by 1, 2, 3, 4`);
async function expectKept(): Promise<void> {
  expect(await maintained()).toEqual(await recomputed());
}

/** The open columns summed live from every open deal of the owners, per currency (CNY first, then most deals, then by code). */
async function liveOpen(owners: number[] | null): Promise<Map<number, { count: number; amounts: Amounts[] }>> {
  const ownerCond = owners === null ? sql`true` : sql`o.owner_id in (${sql.join(owners.map((o) => sql`${o}::bigint`), sql`, `)})`;
  const rows = await t.database.rows<{ stage_id: number; currency: string; n: number; amount: string; weighted: string }>(sql`
    select o.stage_id, o.currency, count(*)::int as n, coalesce(sum(o.amount), 0)::numeric(20, 2)::text as amount,
      coalesce(sum(round(o.amount * coalesce(o.probability_override, s.probability) / 100, 2)), 0)::numeric(20, 2)::text as weighted
    from opportunities o join pipeline_stages s on s.id = o.stage_id
    where o.pipeline_id = ${pipeline.id} and o.closed_at is null and o.deleted_at is null and ${ownerCond}
    group by o.stage_id, o.currency order by o.stage_id, o.currency = 'CNY' desc, count(*) desc, o.currency`);
  const out = new Map<number, { count: number; amounts: Amounts[] }>();
  for (const r of rows) {
    const stage = out.get(Number(r.stage_id)) ?? { count: 0, amounts: [] };
    stage.count += Number(r.n);
    stage.amounts.push({ currency: r.currency, count: Number(r.n), amount: r.amount, weightedAmount: r.weighted });
    out.set(Number(r.stage_id), stage);
  }
  return out;
}

async function expectBoardLive(): Promise<void> {
  const cases: Array<[Session, number[] | null]> = [
    [admin, null],
    [manager, [manager.userId, repA.userId, repB.userId]],
    [repA, [repA.userId]],
    [repC, [repC.userId]],
  ];
  for (const [s, owners] of cases) {
    const res = await get(s, `/api/v1/opportunities/board?pipelineId=${pipeline.id}`);
    expect(res.statusCode, res.body).toBe(200);
    const live = await liveOpen(owners);
    for (const col of res.json().columns as Column[]) {
      if (col.stage.kind !== 'open') continue;
      expect({ stage: col.stage.id, count: col.count, amounts: col.amounts }).toEqual({ stage: col.stage.id, ...(live.get(col.stage.id) ?? { count: 0, amounts: [] }) });
    }
  }
  const summary = (await get(manager, `/api/v1/opportunities/summary?scope=team&pipelineId=${pipeline.id}`)).json();
  const live = await liveOpen([manager.userId, repA.userId, repB.userId]);
  for (const s of summary.stages as Column[]) {
    if (s.stage.kind === 'open') expect({ count: s.count, amounts: s.amounts }).toEqual(live.get(s.stage.id) ?? { count: 0, amounts: [] });
  }
}

async function deal(s: Session, customerId: number, amount: string, stageId: number, extra: Record<string, unknown> = {}): Promise<{ id: number; version: number }> {
  const res = await post(s, '/api/v1/opportunities', { name: `商机 ${amount}`, customerId, amount, pipelineId: pipeline.id, stageId, ...extra });
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().id, version: res.json().version };
}
async function move(s: Session, d: { id: number; version: number }, stageId: number, reason?: string) {
  const res = await post(s, `/api/v1/opportunities/${d.id}/move`, { stageId, version: d.version, ...(reason ? { reason } : {}) });
  expect(res.statusCode, res.body).toBe(200);
  d.version = res.json().version;
}
async function change(s: Session, d: { id: number; version: number }, payload: Record<string, unknown>) {
  const res = await patch(s, `/api/v1/opportunities/${d.id}`, { ...payload, version: d.version });
  expect(res.statusCode, res.body).toBe(200);
  d.version = res.json().version;
}
async function setProbability(stageId: number, probability: number) {
  const stages = pipeline.stages.map((s) => ({ id: s.id, name: s.name, kind: s.kind, probability: s.id === stageId ? probability : s.probability }));
  const res = await patch(admin, `/api/v1/pipelines/${pipeline.id}`, { stages, version: pipeline.version });
  expect(res.statusCode, res.body).toBe(200);
  pipeline = res.json();
}

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
  const dept = async (name: string) => Number((await t.database.rows<{ id: number }>(sql`insert into departments (name) values (${name}) returning id`))[0]!.id);
  const sales = await dept('华东销售部');
  const other = await dept('华南销售部');
  manager = await t.userWithRole('manager', { departmentId: sales });
  repA = await t.userWithRole('sales', { departmentId: sales, managerId: manager.userId });
  repB = await t.userWithRole('sales', { departmentId: sales, managerId: manager.userId });
  repC = await t.userWithRole('sales', { departmentId: other });
  const customer = async (name: string, ownerId: number) =>
    Number((await t.database.rows<{ id: number }>(sql`insert into customers (kind, relationship_type, name, owner_id) values ('organization', 'business', ${name}, ${ownerId}) returning id`))[0]!.id);
  customers = { A: await customer('杭州云帆科技', repA.userId), B: await customer('宁波海川贸易', repB.userId), C: await customer('深圳启明贸易', repC.userId) };
  const res = await post(admin, '/api/v1/pipelines', {
    name: '合计测试',
    stages: [
      { name: '初步接触', probability: 25, kind: 'open' },
      { name: '方案报价', probability: 55, kind: 'open' },
      { name: '成交', probability: 100, kind: 'won' },
      { name: '丢单', probability: 0, kind: 'lost' },
    ],
  });
  expect(res.statusCode, res.body).toBe(201);
  pipeline = res.json();
  [open1, open2, wonStage, lostStage] = pipeline.stages.map((s) => s.id) as [number, number, number, number];
});
afterAll(() => t.close());

describe('maintained board totals', () => {
  it('equal a fresh group-by after creates, moves, edits, owner and currency changes, deletes, restores, closes, reopens, probability changes and bulk SQL', async () => {
    // 0.10 @ 25 % → 0.03 (half up), 0.02 @ 25 % → 0.01: the weighted sum rounds per deal, not once
    const a1 = await deal(repA, customers.A, '0.10', open1);
    const a2 = await deal(repA, customers.A, '1000.01', open1);
    const a3 = await deal(repA, customers.A, '99.99', open2, { probabilityOverride: 33 });
    const a4 = await deal(repA, customers.A, '0.02', open1);
    const b1 = await deal(repB, customers.B, '200.00', open1);
    const b2 = await deal(repB, customers.B, '0.30', open2);
    const c1 = await deal(repC, customers.C, '7777.77', open1);
    await expectKept();
    expect(await maintained()).toContainEqual({ pipeline_id: pipeline.id, owner_id: repA.userId, stage_id: open1, currency: 'CNY', deals: 3, amount: '1000.13', weighted_amount: '250.04' });
    // another currency is another row, never added to the CNY one
    const a5 = await deal(repA, customers.A, '500.00', open1, { currency: 'USD' });
    expect(await maintained()).toContainEqual({ pipeline_id: pipeline.id, owner_id: repA.userId, stage_id: open1, currency: 'USD', deals: 1, amount: '500.00', weighted_amount: '125.00' });
    await expectKept();

    await move(repA, a2, open2); // stage move
    await change(repA, a1, { amount: '12.34' }); // amount
    await change(repA, a4, { probabilityOverride: 90 }); // override set …
    await change(repA, a3, { probabilityOverride: null }); // … and cleared
    await change(admin, b1, { ownerId: repA.userId }); // owner change
    await change(repB, b2, { name: '改名不改合计' }); // no board field: nothing to add
    await change(repA, a5, { currency: 'EUR' }); // currency: from one key to another
    await change(admin, b1, { currency: 'USD', amount: '201.00' });
    await expectKept();

    expect((await t.request(repC, { method: 'DELETE', url: `/api/v1/opportunities/${c1.id}` })).statusCode).toBe(204); // soft delete
    await expectKept();
    await t.database.rows(sql`update opportunities set deleted_at = null, deleted_by = null where id = ${c1.id}`); // restore
    await expectKept();

    await move(repA, a2, wonStage); // won
    await move(repB, b2, lostStage, '价格'); // lost
    await expectKept();
    await move(repB, b2, open1); // reopened
    await expectKept();

    await setProbability(open1, 35); // admin changes the stage's probability: its rows are rebuilt
    await expectKept();
    await setProbability(open2, 55); // unchanged probability: nothing rebuilt, still right
    await expectKept();

    // bulk: deals swap open stages and change amounts in one statement; then a multi-row insert with
    // open, closed and deleted rows; a touch that changes nothing; a hard delete of several rows
    await t.database.rows(sql`
      update opportunities set stage_id = case when stage_id = ${open1}::bigint then ${open2}::bigint else ${open1}::bigint end, amount = amount * 3 + 0.01,
        currency = case when id % 4 = 0 then 'HKD' else currency end
      where pipeline_id = ${pipeline.id} and closed_at is null`);
    await expectKept();
    const rand = seededRandom(42);
    const values = Array.from({ length: 60 }, (_, i) => {
      const r = rand();
      const owner = [repA, repB, repC][i % 3]!.userId;
      const stage = r < 0.35 ? open1 : r < 0.7 ? open2 : r < 0.85 ? wonStage : lostStage;
      const amount = (Math.floor(rand() * 10_000_00) / 100).toFixed(2);
      const override = rand() < 0.3 ? Math.floor(rand() * 101) : null;
      return sql`(${`批量 ${i}`}, ${owner === repC.userId ? customers.C : owner === repB.userId ? customers.B : customers.A}::bigint, ${owner}::bigint, ${pipeline.id}::bigint, ${stage}::bigint,
        ${stage === wonStage ? 'won' : stage === lostStage ? 'lost' : 'open'}, ${amount}::numeric, ${override}::int,
        ${stage === wonStage || stage === lostStage ? sql`now()` : sql`null`}, ${i % 10 === 0 ? sql`now()` : sql`null`})`;
    });
    await t.database.rows(sql`
      insert into opportunities (name, customer_id, owner_id, pipeline_id, stage_id, status, amount, probability_override, closed_at, deleted_at)
      values ${sql.join(values, sql`, `)}`);
    await expectKept();
    await t.database.rows(sql`update opportunities set last_activity_at = now() where pipeline_id = ${pipeline.id}`);
    await t.database.rows(sql`update opportunities set owner_id = ${repB.userId}::bigint where owner_id = ${repC.userId}::bigint and pipeline_id = ${pipeline.id} and id % 2 = 0`);
    await expectKept();
    await t.database.rows(sql`delete from opportunity_stage_history where opportunity_id in (select id from opportunities where name like '批量 1%')`);
    await t.database.rows(sql`delete from opportunity_products where opportunity_id in (select id from opportunities where name like '批量 1%')`);
    await t.database.rows(sql`delete from opportunities where name like '批量 1%'`);
    await expectKept();

    // a probability change and deal writes in one transaction, in both orders
    await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`update opportunities set amount = amount + 1 where stage_id = ${open2}::bigint and owner_id = ${repA.userId}::bigint`);
      await tx.execute(sql`update pipeline_stages set probability = 45 where id = ${open2}::bigint`);
      await tx.execute(sql`update opportunities set probability_override = null where stage_id = ${open2}::bigint and owner_id = ${repB.userId}::bigint`);
    });
    await expectKept();
    await expectBoardLive();
    expect((await maintained()).length).toBeGreaterThan(4);
  });

  it('the board and the home summary read them and total exactly what the live sums give, per scope', async () => {
    await expectBoardLive();
    // with an expected-close filter the open columns are summed live, over the filtered deals only
    await t.database.rows(sql`update opportunities set expected_close_date = '2031-01-15' where pipeline_id = ${pipeline.id} and id % 3 = 0`);
    const filtered = (await get(admin, `/api/v1/opportunities/board?pipelineId=${pipeline.id}&filter[closeFrom]=2031-01-01&filter[closeTo]=2031-01-31`)).json().columns as Column[];
    const [expected] = await t.database.rows<{ n: number }>(sql`
      select count(*)::int as n from opportunities where pipeline_id = ${pipeline.id} and stage_id = ${open1}::bigint and closed_at is null and deleted_at is null
        and expected_close_date = '2031-01-15'`);
    expect(filtered[0]!.count).toBe(Number(expected!.n));
    expect(filtered[0]!.count).toBeLessThan((await liveOpen(null)).get(open1)!.count);
  });

  it('rebuilds from scratch to the same rows, and a truncate empties them', async () => {
    const before = await maintained();
    await t.database.rows(sql`update opportunity_board_totals set deals = deals + 5`);
    await t.database.rows(sql`select gx_board_totals_rebuild()`);
    expect(await maintained()).toEqual(before);
    await expectKept();
    await t.database.rows(sql`truncate opportunities cascade`);
    expect(await maintained()).toEqual([]);
    await expectKept();
  });

  it.runIf(process.env.GUANXI_TEST_DB === 'postgres')(
    'loses no update when two transactions write deals of the same owner and stage, or race a probability change',
    async () => {
      const waiting = async () => {
        for (let i = 0; i < 100; i++) {
          const [row] = await t.database.rows<{ n: number }>(sql`
            select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type in ('Lock', 'LWLock') and state = 'active'`);
          if (Number(row!.n) > 0) return true;
          await new Promise((r) => setTimeout(r, 20));
        }
        return false;
      };
      const insert = (amount: string) => sql`
        insert into opportunities (name, customer_id, owner_id, pipeline_id, stage_id, amount)
        values ('并发', ${customers.A}::bigint, ${repA.userId}::bigint, ${pipeline.id}::bigint, ${open1}::bigint, ${amount}::numeric)`;
      // the first holds the (repA, open1) row until it commits; the second waits for it, then adds to it
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const first = t.database.db.transaction(async (tx) => {
        await tx.execute(insert('10.00'));
        await gate;
      });
      await new Promise((r) => setTimeout(r, 50));
      const second = t.database.db.transaction(async (tx) => {
        await tx.execute(insert('20.00'));
      });
      expect(await waiting()).toBe(true);
      release();
      await Promise.all([first, second]);
      await expectKept();

      // a probability change open across a deal write: the write waits and then uses the new probability
      let releaseStage!: () => void;
      const stageGate = new Promise<void>((r) => (releaseStage = r));
      const stage = t.database.db.transaction(async (tx) => {
        await tx.execute(sql`update pipeline_stages set probability = 15 where id = ${open1}::bigint`);
        await stageGate;
      });
      await new Promise((r) => setTimeout(r, 50));
      const writer = t.database.db.transaction(async (tx) => {
        await tx.execute(insert('33.33'));
        await tx.execute(sql`update opportunities set amount = amount + 0.05 where stage_id = ${open1}::bigint and owner_id = ${repB.userId}::bigint`);
      });
      expect(await waiting()).toBe(true);
      releaseStage();
      await Promise.all([stage, writer]);
      await expectKept();
    },
  );
});
