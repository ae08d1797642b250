import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { loadActor } from '../auth/actor.js';
import type { Ctx } from '../platform/context.js';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';
import { createOpportunityInTx, winOpportunityInTx } from './opportunities.service.js';

let t: TestContext;
let admin: Session;
let manager: Session;
let repA: Session;
let repA2: Session;
let repB: Session;
let salesDept: number;
let subDept: number;
let otherDept: number;
let customerA: number;
let customerA2: number;
let customerB: number;
let product: number;
let stages: Record<string, number>;

interface Card { id: number; amount: string; weightedAmount: string; ownerId: number }
interface Amounts { currency: string; count: number; amount: string; weightedAmount: string }
interface Column { stage: { id: number; key: string | null; name: string }; count: number; amounts: Amounts[]; cards: Card[]; nextCursor: string | null }
/** A column (or home-summary stage) of CNY deals only, with its CNY amount and weighted amount beside the count. */
function inCny<T extends { count: number; amounts: Amounts[] }>(c: T): T & { amount: string; weightedAmount: string } {
  expect(c.amounts.map((a) => a.currency).filter((x) => x !== 'CNY')).toEqual([]);
  return { ...c, amount: c.amounts[0]?.amount ?? '0.00', weightedAmount: c.amounts[0]?.weightedAmount ?? '0.00' };
}

const post = (s: Session, url: string, payload: Record<string, unknown>) => t.request(s, { method: 'POST', url, payload });
const get = (s: Session, url: string) => t.request(s, { method: 'GET', url });

async function customer(name: string, ownerId: number): Promise<number> {
  const [c] = await t.database.rows<{ id: number }>(sql`insert into customers (kind, relationship_type, name, owner_id) values ('organization', 'business', ${name}, ${ownerId}) returning id`);
  return Number(c!.id);
}
async function department(name: string, parentId: number | null = null): Promise<number> {
  const [d] = await t.database.rows<{ id: number }>(sql`insert into departments (name, parent_id) values (${name}, ${parentId}) returning id`);
  return Number(d!.id);
}
async function ctxFor(s: Session): Promise<Ctx> {
  const actor = await loadActor(t.database.db, s.userId, 'session');
  return { actor: actor!, requestId: 'test', ip: '127.0.0.1' };
}
/** Cent sums in integers, to check the server's numeric totals against its own cards. */
const cents = (amounts: string[]) => amounts.reduce((sum, a) => sum + BigInt(a.replace('.', '')), 0n);
const fromCents = (c: bigint) => `${c / 100n}.${String(c % 100n).padStart(2, '0')}`;

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
  salesDept = await department('华东销售部');
  subDept = await department('杭州组', salesDept);
  otherDept = await department('华南销售部');
  manager = await t.userWithRole('manager', { departmentId: salesDept });
  repA = await t.userWithRole('sales', { departmentId: salesDept, managerId: manager.userId });
  repA2 = await t.userWithRole('sales', { departmentId: subDept, managerId: manager.userId });
  repB = await t.userWithRole('sales', { departmentId: otherDept });
  customerA = await customer('杭州云帆科技有限公司', repA.userId);
  customerA2 = await customer('宁波海川贸易', repA2.userId);
  customerB = await customer('深圳启明贸易有限公司', repB.userId);
  product = (await post(admin, '/api/v1/products', { sku: 'ERP-1', name: 'ERP 套件', listPrice: '9999.00' })).json().id;
  const pipeline = (await get(admin, '/api/v1/pipelines')).json().data.find((p: { isDefault: boolean }) => p.isDefault);
  stages = Object.fromEntries(pipeline.stages.map((s: { key: string; id: number }) => [s.key, s.id]));
});
afterAll(() => t.close());

describe('opportunities', () => {
  it('creates a deal at the first open stage with products, the weighted amount in numeric and a creation history row', async () => {
    const res = await post(repA, '/api/v1/opportunities', {
      name: 'ERP 一期',
      customerId: customerA,
      amount: '333.33',
      expectedCloseDate: '2031-03-15',
      competitors: ['用友', '金蝶'],
      products: [{ productId: product, quantity: '2' }],
    });
    expect(res.statusCode).toBe(201);
    const o = res.json();
    expect(o).toMatchObject({
      stageId: stages.awareness, stageKey: 'awareness', status: 'open', amount: '333.33', currency: 'CNY', probability: 10, probabilityOverride: null,
      weightedAmount: '33.33', ownerId: repA.userId, customerName: '杭州云帆科技有限公司', competitors: ['用友', '金蝶'], closedAt: null, stale: false, daysInStage: 0, version: 1,
    });
    expect(o.products).toEqual([{ productId: product, productSku: 'ERP-1', productName: 'ERP 套件', quantity: '2.000' }]);
    expect(o.history).toHaveLength(1);
    expect(o.history[0]).toMatchObject({ fromStageId: null, toStageId: stages.awareness, secondsInPrevious: null, actorId: repA.userId });
    // 333.33 × 33 % = 109.9989 → 110.00, rounded in SQL, never a float
    const over = await t.request(repA, { method: 'PATCH', url: `/api/v1/opportunities/${o.id}`, payload: { version: 1, probabilityOverride: 33 } });
    expect(over.json()).toMatchObject({ probability: 33, weightedAmount: '110.00', version: 2 });
  });

  it('refuses bad input naming the field, and customers, owners and stages outside reach', async () => {
    const other = (await get(admin, '/api/v1/pipelines')).json().data.find((p: { isDefault: boolean }) => !p.isDefault);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: 'x', customerId: customerA, amount: '1.234' }, 'amount'],
      [{ name: 'x', customerId: customerA, amount: '-5' }, 'amount'],
      [{ name: 'x', customerId: customerA, currency: 'rmb' }, 'currency'],
      [{ name: 'x', customerId: customerA, probabilityOverride: 101 }, 'probabilityOverride'],
      [{ name: 'x', customerId: customerA, expectedCloseDate: '2031-02-30' }, 'expectedCloseDate'],
      [{ name: '', customerId: customerA }, 'name'],
      [{ name: 'x', customerId: customerB }, 'customerId'],
      [{ name: 'x', customerId: customerA, ownerId: repB.userId }, 'ownerId'],
      [{ name: 'x', customerId: customerA, stageId: 999999 }, 'stageId'],
      [{ name: 'x', customerId: customerA, stageId: stages.lost }, 'closeReason'],
      [{ name: 'x', customerId: customerA, products: [{ productId: 999999 }] }, 'products.0.productId'],
    ];
    if (other) cases.push([{ name: 'x', customerId: customerA, stageId: other.stages[0].id }, 'stageId']);
    for (const [body, path] of cases) {
      const res = await post(repA, '/api/v1/opportunities', body);
      expect(res.statusCode, path).toBe(400);
      expect(res.json().error.details[0].path, path).toBe(path);
    }
  });

  it('moves with history and time in stage; lost needs a reason; won stamps closed_at; back to open reopens', async () => {
    const o = (await post(repA, '/api/v1/opportunities', { name: '年度维保', customerId: customerA, amount: '1200.00' })).json();
    await t.database.rows(sql`update opportunities set stage_entered_at = now() - interval '3 days 2 hours' where id = ${o.id}`);
    const moved = await post(repA, `/api/v1/opportunities/${o.id}/move`, { stageId: stages.exploration, version: 1 });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ stageId: stages.exploration, status: 'open', probability: 30, weightedAmount: '360.00', version: 2, daysInStage: 0 });
    const [latest] = moved.json().history;
    expect(latest).toMatchObject({ fromStageId: stages.awareness, toStageId: stages.exploration, fromStageKey: 'awareness', toStageKey: 'exploration' });
    expect(latest.secondsInPrevious).toBeGreaterThanOrEqual(3 * 86400 + 7200);
    expect(latest.secondsInPrevious).toBeLessThan(3 * 86400 + 7200 + 120);

    const noReason = await post(repA, `/api/v1/opportunities/${o.id}/move`, { stageId: stages.lost, version: 2 });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.details[0]).toMatchObject({ path: 'reason', code: 'required' });
    const blank = await post(repA, `/api/v1/opportunities/${o.id}/move`, { stageId: stages.lost, version: 2, reason: '   ' });
    expect(blank.statusCode).toBe(400);

    const lost = await post(repA, `/api/v1/opportunities/${o.id}/move`, { stageId: stages.lost, version: 2, reason: '预算取消' });
    expect(lost.json()).toMatchObject({ status: 'lost', closeReason: '预算取消', weightedAmount: '0.00', version: 3 });
    expect(lost.json().closedAt).not.toBeNull();
    expect(lost.json().history[0].reason).toBe('预算取消');

    const reopened = await post(repA, `/api/v1/opportunities/${o.id}/move`, { stageId: stages.expansion, version: 3 });
    expect(reopened.json()).toMatchObject({ status: 'open', closedAt: null, closeReason: null, stageKey: 'expansion', version: 4 });

    const won = await post(repA, `/api/v1/opportunities/${o.id}/move`, { stageId: stages.won, version: 4 });
    expect(won.json()).toMatchObject({ status: 'won', probability: 100, weightedAmount: '1200.00', version: 5 });
    expect(won.json().closedAt).not.toBeNull();
    expect(won.json().history.map((h: { toStageKey: string }) => h.toStageKey)).toEqual(['won', 'expansion', 'lost', 'exploration', 'awareness']);
    const [c] = await t.database.rows<{ last_deal_at: Date | null }>(sql`select last_deal_at from customers where id = ${customerA}`);
    expect(c!.last_deal_at).not.toBeNull();
    const audits = await t.database.rows<{ action: string }>(sql`select action from audit_log where entity = 'opportunity' and entity_id = ${String(o.id)} order by id`);
    expect(audits.map((a) => a.action)).toEqual(['create', 'move', 'move', 'move', 'move']);

    const stale = await post(repA, `/api/v1/opportunities/${o.id}/move`, { stageId: stages.awareness, version: 4 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'VERSION_CONFLICT', current: { id: o.id, version: 5, status: 'won' } });
  });

  it('answers 404 for deals outside the data scope, on every route', async () => {
    const o = (await post(repA, '/api/v1/opportunities', { name: '保密商机', customerId: customerA })).json();
    expect((await get(repB, `/api/v1/opportunities/${o.id}`)).statusCode).toBe(404);
    expect((await t.request(repB, { method: 'PATCH', url: `/api/v1/opportunities/${o.id}`, payload: { version: 1, name: 'x' } })).statusCode).toBe(404);
    expect((await post(repB, `/api/v1/opportunities/${o.id}/move`, { stageId: stages.exploration, version: 1 })).statusCode).toBe(404);
    expect((await t.request(repB, { method: 'DELETE', url: `/api/v1/opportunities/${o.id}` })).statusCode).toBe(404);
    expect((await get(repB, '/api/v1/opportunities?limit=500')).json().data.map((d: { id: number }) => d.id)).not.toContain(o.id);
    expect((await get(manager, `/api/v1/opportunities/${o.id}`)).statusCode).toBe(200);
  });

  it('stores a hostile name as data and returns it verbatim', async () => {
    const name = `<img src=x onerror="alert(1)">'; drop table opportunities; --`;
    const res = await post(repA, '/api/v1/opportunities', { name, customerId: customerA, competitors: ['<script>x</script>'] });
    expect(res.statusCode).toBe(201);
    const back = (await get(repA, `/api/v1/opportunities/${res.json().id}`)).json();
    expect(back.name).toBe(name);
    expect(back.competitors).toEqual(['<script>x</script>']);
    expect((await get(repA, `/api/v1/opportunities?q=${encodeURIComponent('onerror')}`)).json().data.map((d: { id: number }) => d.id)).toContain(res.json().id);
  });

  it('lists with filters and keyset pages', async () => {
    const mine = (await get(repA, '/api/v1/opportunities?filter[status]=open&sort=amount&limit=2')).json();
    expect(mine.data.length).toBeLessThanOrEqual(2);
    expect(mine.data.every((d: { status: string; ownerId: number }) => d.status === 'open' && d.ownerId === repA.userId)).toBe(true);
    const all = (await get(repA, '/api/v1/opportunities?filter[status]=open&sort=amount&limit=500')).json();
    const paged: number[] = [];
    let cursor: string | null = null;
    do {
      const page = (await get(repA, `/api/v1/opportunities?filter[status]=open&sort=amount&limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json();
      paged.push(...page.data.map((d: { id: number }) => d.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all.data.map((d: { id: number }) => d.id));
    expect(all.total).toBe(paged.length);
    const bad = await get(repA, '/api/v1/opportunities?filter[closeFrom]=2031-13-01');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('filter[closeFrom]');
  });
});

describe('board, summary and forecast', () => {
  let pipeline: { id: number; stages: Array<{ id: number; kind: string; name: string }> };
  let first: number;
  let second: number;
  let wonStage: number;

  beforeAll(async () => {
    pipeline = (
      await post(admin, '/api/v1/pipelines', {
        name: '看板测试',
        staleAfterDays: 10,
        stages: [
          { name: '线索确认', probability: 25, kind: 'open' },
          { name: '方案报价', probability: 55, kind: 'open' },
          { name: '成交', probability: 100, kind: 'won' },
          { name: '丢单', probability: 0, kind: 'lost' },
        ],
      })
    ).json();
    [first, second, wonStage] = pipeline.stages.map((s) => s.id) as [number, number, number];
    const deal = async (s: Session, customerId: number, amount: string, stageId: number, extra: Record<string, unknown> = {}) => {
      const res = await post(s, '/api/v1/opportunities', { name: `商机 ${amount}`, customerId, amount, pipelineId: pipeline.id, stageId, ...extra });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as number;
    };
    // repA: 0.10 @25% → 0.03 (0.025 rounds half up), 1000.01 @25% → 250.00, 99.99 override 33 @ second → 33.00
    await deal(repA, customerA, '0.10', first, { expectedCloseDate: '2031-01-10' });
    await deal(repA, customerA, '1000.01', first, { expectedCloseDate: '2031-02-28' });
    await deal(repA, customerA, '99.99', second, { probabilityOverride: 33, expectedCloseDate: '2031-02-01' });
    // repA2 (sub-department, same manager): 200.00 @25% → 50.00
    await deal(repA2, customerA2, '200.00', first, { expectedCloseDate: '2031-01-31' });
    // repB (other department): 7777.77 @25%
    await deal(repB, customerB, '7777.77', first, { expectedCloseDate: '2031-01-15' });
  });

  const boardOf = async (s: Session, query = '') => {
    const res = await get(s, `/api/v1/opportunities/board?pipelineId=${pipeline.id}${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().columns as Column[];
  };

  it('gives every column its count, amount and weighted sum exactly, only over deals the caller may see', async () => {
    const rep = await boardOf(repA);
    expect(rep.map((c) => c.stage.id)).toEqual(pipeline.stages.map((s) => s.id));
    expect(inCny(rep[0]!)).toMatchObject({ count: 2, amount: '1000.11', weightedAmount: '250.03' });
    expect(inCny(rep[1]!)).toMatchObject({ count: 1, amount: '99.99', weightedAmount: '33.00' });
    expect(inCny(rep[2]!)).toMatchObject({ count: 0, amount: '0.00', weightedAmount: '0.00', cards: [] });
    for (const col of rep) {
      expect(col.cards.every((c) => c.ownerId === repA.userId)).toBe(true);
      expect(fromCents(cents(col.cards.map((c) => c.amount)))).toBe(inCny(col).amount);
      expect(fromCents(cents(col.cards.map((c) => c.weightedAmount)))).toBe(inCny(col).weightedAmount);
    }
    const team = await boardOf(manager);
    expect(inCny(team[0]!)).toMatchObject({ count: 3, amount: '1200.11', weightedAmount: '300.03' });
    expect(team[0]!.cards.map((c) => c.ownerId)).not.toContain(repB.userId);
    const everyone = await boardOf(admin);
    expect(inCny(everyone[0]!)).toMatchObject({ count: 4, amount: '8977.88', weightedAmount: '2244.47' });
    // filters narrow inside the scope, never beyond it
    expect(inCny((await boardOf(manager, `&filter[departmentId]=${subDept}`))[0]!)).toMatchObject({ count: 1, amount: '200.00' });
    expect((await boardOf(admin, `&filter[departmentId]=${salesDept}`))[0]).toMatchObject({ count: 3 });
    expect((await boardOf(repA, `&filter[ownerId]=${repB.userId}`))[0]).toMatchObject({ count: 0, cards: [] });
    expect(inCny((await boardOf(admin, '&filter[closeFrom]=2031-01-01&filter[closeTo]=2031-01-31'))[0]!)).toMatchObject({ count: 3, amount: '7977.87' });
  });

  it('pages a column with "load more" without repeats, with the board filters', async () => {
    const cols = await boardOf(admin, '&perStage=1');
    const col = cols[0]!;
    expect(col.cards).toHaveLength(1);
    expect(col.nextCursor).not.toBeNull();
    const seen = col.cards.map((c) => c.id);
    let cursor = col.nextCursor;
    while (cursor) {
      const page = (await get(admin, `/api/v1/opportunities/board/stages/${first}?limit=1&cursor=${cursor}`)).json();
      seen.push(...page.data.map((c: Card) => c.id));
      cursor = page.nextCursor;
    }
    expect(new Set(seen).size).toBe(4);
    expect(seen).toHaveLength(4);
    const scoped = (await get(manager, `/api/v1/opportunities/board/stages/${first}?limit=50`)).json();
    expect(scoped.data).toHaveLength(3);
    expect((await get(admin, '/api/v1/opportunities/board/stages/999999')).statusCode).toBe(404);
  });

  it('flags stale open deals from a back-dated last activity; a follow-up on the customer counts as activity', async () => {
    const id = (await post(repA2, '/api/v1/opportunities', { name: '沉睡商机', customerId: customerA2, pipelineId: pipeline.id, amount: '1.00' })).json().id;
    await t.database.rows(sql`update opportunities set last_activity_at = now() - interval '11 days' where id = ${id}`);
    const board = await boardOf(repA2);
    expect(board[0]!.cards.find((c) => c.id === id)).toMatchObject({ stale: true });
    expect((await get(repA2, '/api/v1/opportunities?filter[stale]=true')).json().data.map((d: Card) => d.id)).toEqual([id]);
    await t.database.rows(sql`update opportunities set last_activity_at = now() - interval '9 days' where id = ${id}`);
    expect((await get(repA2, `/api/v1/opportunities/${id}`)).json().stale).toBe(false);
    await t.database.rows(sql`update opportunities set last_activity_at = now() - interval '30 days' where id = ${id}`);
    expect((await get(repA2, `/api/v1/opportunities/${id}`)).json().stale).toBe(true);
    const fu = await post(repA2, '/api/v1/follow-ups', { customerId: customerA2, channel: 'phone', summary: '电话回访' });
    expect(fu.statusCode).toBe(201);
    expect((await get(repA2, `/api/v1/opportunities/${id}`)).json().stale).toBe(false);
    expect((await get(repA2, '/api/v1/opportunities?filter[stale]=true')).json().data).toEqual([]);
    expect((await t.request(repA2, { method: 'DELETE', url: `/api/v1/opportunities/${id}` })).statusCode).toBe(204);
  });

  it('sums the home-page summary for me and for the team', async () => {
    const me = (await get(manager, `/api/v1/opportunities/summary?scope=me&pipelineId=${pipeline.id}`)).json();
    expect(inCny(me.stages[0]!)).toMatchObject({ count: 0, amount: '0.00' });
    const team = (await get(manager, `/api/v1/opportunities/summary?scope=team&pipelineId=${pipeline.id}`)).json();
    expect(team.stages.map((s: { count: number }) => s.count)).toEqual([3, 1, 0, 0]);
    expect(inCny(team.stages[0]!)).toMatchObject({ amount: '1200.11', weightedAmount: '300.03' });
    expect(inCny((await get(repA, `/api/v1/opportunities/summary?scope=me&pipelineId=${pipeline.id}`)).json().stages[0])).toMatchObject({ count: 2, amount: '1000.11' });
  });

  it('forecasts open amounts by expected-close month and owner, and won amounts by month', async () => {
    const f = (await get(manager, `/api/v1/opportunities/forecast?from=2031-01&to=2031-03&pipelineId=${pipeline.id}`)).json();
    expect(f.months).toEqual(['2031-01', '2031-02', '2031-03']);
    const row = (month: string, owner: number) => f.rows.find((r: { month: string; ownerId: number }) => r.month === month && r.ownerId === owner);
    expect(row('2031-01', repA.userId)).toMatchObject({ openCount: 1, openAmount: '0.10', weightedAmount: '0.03', wonAmount: '0.00' });
    expect(row('2031-02', repA.userId)).toMatchObject({ openCount: 2, openAmount: '1100.00', weightedAmount: '283.00' });
    expect(row('2031-01', repA2.userId)).toMatchObject({ openCount: 1, openAmount: '200.00', weightedAmount: '50.00' });
    expect(f.rows.some((r: { ownerId: number }) => r.ownerId === repB.userId)).toBe(false);
    expect(f.totals).toEqual({ openAmount: '1300.10', weightedAmount: '333.03', wonAmount: '0.00' });

    // a deal won now shows as closed in this month, not as open
    const now = new Intl.DateTimeFormat('en-CA', { timeZone: t.config.timeZone, year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);
    const id = (await post(repA, '/api/v1/opportunities', { name: '本月成交', customerId: customerA, pipelineId: pipeline.id, amount: '500.50', expectedCloseDate: `${now}-01` })).json().id;
    expect((await post(repA, `/api/v1/opportunities/${id}/move`, { stageId: wonStage, version: 1 })).statusCode).toBe(200);
    const w = (await get(repA, `/api/v1/opportunities/forecast?from=${now}&to=${now}&pipelineId=${pipeline.id}`)).json();
    expect(w.rows).toEqual([expect.objectContaining({ month: now, ownerId: repA.userId, openCount: 0, openAmount: '0.00', wonCount: 1, wonAmount: '500.50' })]);
    const bad = await get(repA, '/api/v1/opportunities/forecast?from=2031-05&to=2031-01');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('to');
    expect((await get(repA, '/api/v1/opportunities/forecast?from=2031-5&to=2031-06')).json().error.details[0].path).toBe('from');
    void second;
  });

  it('totals the won and lost columns over deals closed this quarter (or in the expected-close filter), open columns over open deals only', async () => {
    const lostStage = pipeline.stages[3]!.id;
    const won = async (s: Session, customerId: number, amount: string) => {
      const id = (await post(s, '/api/v1/opportunities', { name: `成交 ${amount}`, customerId, pipelineId: pipeline.id, amount, stageId: first })).json().id as number;
      expect((await post(s, `/api/v1/opportunities/${id}/move`, { stageId: wonStage, version: 1 })).statusCode).toBe(200);
      return id;
    };
    const lastYear = await won(repA, customerA, '300.00');
    await t.database.rows(sql`update opportunities set closed_at = now() - interval '1 year' where id = ${lastYear}`);
    const thisQuarter = await won(repA2, customerA2, '40.04');
    const lost = (await post(repA, '/api/v1/opportunities', { name: '丢单', customerId: customerA, pipelineId: pipeline.id, amount: '7.00', stageId: lostStage, closeReason: '价格' })).json().id;

    const res = await get(manager, `/api/v1/opportunities/board?pipelineId=${pipeline.id}`);
    const cols = res.json().columns as Array<Column & { closedFrom?: string | null; closedTo?: string | null }>;
    // the forecast test's 500.50 (repA, won this month) and repA2's 40.04; not last year's 300.00
    expect(inCny(cols[2]!)).toMatchObject({ count: 2, amount: '540.54', weightedAmount: '540.54' });
    expect(cols[2]!.cards.map((c) => c.id)).toEqual(expect.arrayContaining([thisQuarter]));
    expect(cols[2]!.cards.map((c) => c.id)).not.toContain(lastYear);
    expect(inCny(cols[3]!)).toMatchObject({ count: 1, amount: '7.00', weightedAmount: '0.00' });
    expect(cols[3]!.cards.map((c) => c.id)).toEqual([lost]);
    // the period is the current quarter in the company's time zone, and the response says so
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: t.config.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
    const { closedFrom, closedTo } = cols[2]!;
    expect(closedFrom).toMatch(/^\d{4}-(01|04|07|10)-01$/);
    expect(closedFrom! <= today && today <= closedTo!).toBe(true);
    expect(cols[3]).toMatchObject({ closedFrom, closedTo });
    expect(cols[0]).not.toHaveProperty('closedFrom');
    // open columns still count open deals only (the won deals left the first stage)
    expect(inCny(cols[0]!)).toMatchObject({ count: 3, amount: '1200.11', weightedAmount: '300.03' });
    for (const col of cols) {
      expect(fromCents(cents(col.cards.map((c) => c.amount)))).toBe(inCny(col).amount);
      expect(fromCents(cents(col.cards.map((c) => c.weightedAmount)))).toBe(inCny(col).weightedAmount);
    }
    // scope still applies: repA2 sees only their own won deal
    expect(inCny((await get(repA2, `/api/v1/opportunities/board?pipelineId=${pipeline.id}`)).json().columns[2])).toMatchObject({ count: 1, amount: '40.04' });
    expect((await get(repB, `/api/v1/opportunities/board?pipelineId=${pipeline.id}`)).json().columns[2]).toMatchObject({ count: 0, cards: [] });

    // with an expected-close filter, the won column shows deals closed in that period instead
    const ly = new Date(Date.now() - 365 * 86400_000);
    const lastYearOnly = `${ly.getUTCFullYear()}`;
    const f = (await get(repA, `/api/v1/opportunities/board?pipelineId=${pipeline.id}&filter[closeFrom]=${lastYearOnly}-01-01&filter[closeTo]=${lastYearOnly}-12-31`)).json();
    expect(inCny(f.columns[2])).toMatchObject({ count: 1, amount: '300.00', closedFrom: `${lastYearOnly}-01-01`, closedTo: `${lastYearOnly}-12-31` });
    expect(f.columns[2].cards.map((c: Card) => c.id)).toEqual([lastYear]);
    // "load more" of a closed column follows the same period
    const more = (await get(repA, `/api/v1/opportunities/board/stages/${wonStage}?limit=50`)).json();
    expect(more.data.map((c: Card) => c.id)).not.toContain(lastYear);
    expect(more.data).toHaveLength(1);
    const moreLast = (await get(repA, `/api/v1/opportunities/board/stages/${wonStage}?limit=50&filter[closeFrom]=${lastYearOnly}-01-01&filter[closeTo]=${lastYearOnly}-12-31`)).json();
    expect(moreLast.data.map((c: Card) => c.id)).toEqual([lastYear]);
    // the home-page summary still totals every deal
    const team = (await get(manager, `/api/v1/opportunities/summary?scope=team&pipelineId=${pipeline.id}`)).json();
    expect(team.stages.map((s: { count: number }) => s.count)).toEqual([3, 1, 3, 1]);
  });
});

describe('deals in several currencies', () => {
  it('totals each currency apart on the board, the home summary and the forecast, never as one sum', async () => {
    const pipeline = (
      await post(admin, '/api/v1/pipelines', {
        name: '多币种',
        stages: [
          { name: '接洽', probability: 50, kind: 'open' },
          { name: '成交', probability: 100, kind: 'won' },
          { name: '丢单', probability: 0, kind: 'lost' },
        ],
      })
    ).json() as { id: number; stages: Array<{ id: number }> };
    const [open, won] = pipeline.stages.map((s) => s.id) as [number, number];
    const deal = async (amount: string, currency: string, stageId = open) => {
      const res = await post(repA, '/api/v1/opportunities', { name: `${currency} ${amount}`, customerId: customerA, amount, currency, pipelineId: pipeline.id, stageId, expectedCloseDate: '2032-03-15' });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { id: number; version: number };
    };
    await deal('100.01', 'CNY');
    await deal('200.00', 'CNY');
    await deal('10.00', 'USD');
    await deal('0.03', 'EUR');
    await deal('0.05', 'EUR');
    await deal('0.07', 'EUR');
    await deal('99.00', 'USD', won);

    const board = (await get(repA, `/api/v1/opportunities/board?pipelineId=${pipeline.id}`)).json().columns as Column[];
    expect(board[0]).toMatchObject({
      count: 6,
      // the company's CNY first, then by number of deals
      amounts: [
        { currency: 'CNY', count: 2, amount: '300.01', weightedAmount: '150.01' },
        { currency: 'EUR', count: 3, amount: '0.15', weightedAmount: '0.09' },
        { currency: 'USD', count: 1, amount: '10.00', weightedAmount: '5.00' },
      ],
    });
    expect(board[1]).toMatchObject({ count: 1, amounts: [{ currency: 'USD', count: 1, amount: '99.00', weightedAmount: '99.00' }] });
    expect(board[2]).toMatchObject({ count: 0, amounts: [] });
    // the live path (an expected-close filter) splits the same way
    const filtered = (await get(repA, `/api/v1/opportunities/board?pipelineId=${pipeline.id}&filter[closeFrom]=2032-03-01&filter[closeTo]=2032-03-31`)).json().columns as Column[];
    expect(filtered[0]!.amounts).toEqual(board[0]!.amounts);
    const summary = (await get(repA, `/api/v1/opportunities/summary?scope=me&pipelineId=${pipeline.id}`)).json();
    expect(summary.stages[0].amounts).toEqual(board[0]!.amounts);

    // the forecast adds up one currency: by default CNY (though EUR has more deals), or the one asked for
    const f = (await get(repA, `/api/v1/opportunities/forecast?from=2032-03&to=2032-03&pipelineId=${pipeline.id}`)).json();
    expect(f).toMatchObject({ currency: 'CNY', currencies: ['CNY', 'EUR', 'USD'], totals: { openAmount: '300.01', weightedAmount: '150.01', wonAmount: '0.00' } });
    const usd = (await get(repA, `/api/v1/opportunities/forecast?from=2032-03&to=2032-03&pipelineId=${pipeline.id}&currency=USD`)).json();
    expect(usd).toMatchObject({ currency: 'USD', totals: { openAmount: '10.00', weightedAmount: '5.00' } });
    expect(usd.rows).toEqual([expect.objectContaining({ month: '2032-03', ownerId: repA.userId, openCount: 1, openAmount: '10.00' })]);
    const none = (await get(repA, `/api/v1/opportunities/forecast?from=2032-03&to=2032-03&pipelineId=${pipeline.id}&currency=JPY`)).json();
    expect(none).toMatchObject({ currency: 'JPY', rows: [], totals: { openAmount: '0.00' } });
    const bad = await get(repA, '/api/v1/opportunities/forecast?from=2032-03&to=2032-03&currency=rmb');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('currency');
  });
});

describe('for other slices', () => {
  it('createOpportunityInTx starts at the default pipeline first open stage, audited; winOpportunityInTx wins it', async () => {
    const ctx = await ctxFor(repA);
    const { id } = await t.database.db.transaction((tx) =>
      createOpportunityInTx(tx, ctx, { name: '线索转化商机', customerId: customerA, ownerId: repA.userId, amount: '88.80', expectedCloseDate: '2031-06-30', leadId: 42 }),
    );
    const o = (await get(repA, `/api/v1/opportunities/${id}`)).json();
    expect(o).toMatchObject({ stageKey: 'awareness', status: 'open', amount: '88.80', leadId: 42, ownerId: repA.userId });
    const [audit] = await t.database.rows<{ action: string }>(sql`select action from audit_log where entity = 'opportunity' and entity_id = ${String(id)}`);
    expect(audit!.action).toBe('create');
    await expect(t.database.db.transaction((tx) => createOpportunityInTx(tx, ctx, { name: 'x', customerId: customerB, ownerId: repA.userId }))).rejects.toMatchObject({
      details: [{ path: 'customerId' }],
    });

    await t.database.db.transaction((tx) => winOpportunityInTx(tx, ctx, id, { orderId: 7, amount: '90.00' }));
    const won = (await get(repA, `/api/v1/opportunities/${id}`)).json();
    expect(won).toMatchObject({ status: 'won', stageKey: 'won', amount: '90.00' });
    expect(won.closedAt).not.toBeNull();
    expect(won.history[0]).toMatchObject({ fromStageKey: 'awareness', toStageKey: 'won' });
    const [moveAudit] = await t.database.rows<{ changes: Record<string, { new: unknown }> }>(sql`select changes from audit_log where entity = 'opportunity' and entity_id = ${String(id)} and action = 'move'`);
    expect(moveAudit!.changes.orderId!.new).toBe(7);
    // winning again is a no-op
    await t.database.db.transaction((tx) => winOpportunityInTx(tx, ctx, id, { orderId: 7 }));

    const lost = (await post(repA, '/api/v1/opportunities', { name: '已输', customerId: customerA, stageId: stages.lost, closeReason: '价格' })).json();
    await expect(t.database.db.transaction((tx) => winOpportunityInTx(tx, ctx, lost.id, { orderId: 8 }))).rejects.toMatchObject({ details: [{ path: 'opportunityId', code: 'lost' }] });
    const otherCtx = await ctxFor(repB);
    await expect(t.database.db.transaction((tx) => winOpportunityInTx(tx, otherCtx, id, { orderId: 9 }))).rejects.toMatchObject({ details: [{ path: 'opportunityId', code: 'not_found' }] });
  });

  it("shows the stage changes of a customer's deals on its timeline, in scope", async () => {
    const c = await customer('时间线客户', repA.userId);
    const o = (await post(repA, '/api/v1/opportunities', { name: '时间线商机', customerId: c, amount: '10.00' })).json();
    await post(repA, `/api/v1/opportunities/${o.id}/move`, { stageId: stages.commitment, version: 1 });
    const res = await get(repA, `/api/v1/customers/${c}/timeline?filter[type]=opportunity`);
    expect(res.statusCode).toBe(200);
    expect(res.json().data.map((i: { data: { fromStageKey: string | null; toStageKey: string } }) => [i.data.fromStageKey, i.data.toStageKey])).toEqual([
      ['awareness', 'commitment'],
      [null, 'awareness'],
    ]);
    expect(res.json().data[0].data).toMatchObject({ opportunityId: o.id, name: '时间线商机', amount: '10.00' });
    // a collaborator's view of the customer would still not show deals outside their scope
    const all = (await get(repA, `/api/v1/customers/${c}/timeline`)).json();
    expect(all.data.filter((i: { type: string }) => i.type === 'opportunity')).toHaveLength(2);
  });
});
