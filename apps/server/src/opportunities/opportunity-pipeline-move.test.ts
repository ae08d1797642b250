// Moving a deal to a stage of another pipeline (e.g. 新客户销售 → 续约/增购): the deal's pipeline and
// stage change together under its version, with history, audit, won/lost handling and the board's
// kept totals as a move within one pipeline has them; refusals name the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';

let t: TestContext;
let admin: Session;
let repA: Session;
let repB: Session;
let customerA: number;
let main: { id: number; name: string; stages: Record<string, number> };
let renewal: Pipeline;
let inactive: Pipeline;
let deleted: Pipeline;

interface Pipeline { id: number; name: string; stages: Array<{ id: number; name: string; kind: string; probability: number }> }
interface Deal { id: number; version: number }
interface Row { pipeline_id: number; owner_id: number; stage_id: number; deals: number; amount: string; weighted_amount: string }

const post = (s: Session, url: string, payload: Record<string, unknown>) => t.request(s, { method: 'POST', url, payload });
const get = (s: Session, url: string) => t.request(s, { method: 'GET', url });
const stageOf = (p: Pipeline, name: string) => p.stages.find((s) => s.name === name)!.id;

async function deal(s: Session, amount: string, extra: Record<string, unknown> = {}): Promise<Deal> {
  const res = await post(s, '/api/v1/opportunities', { name: `商机 ${amount}`, customerId: customerA, amount, ...extra });
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().id, version: res.json().version };
}
const move = (s: Session, d: Deal, body: Record<string, unknown>) => post(s, `/api/v1/opportunities/${d.id}/move`, { version: d.version, ...body });
async function moved(s: Session, d: Deal, body: Record<string, unknown>) {
  const res = await move(s, d, body);
  expect(res.statusCode, res.body).toBe(200);
  d.version = res.json().version;
  return res.json();
}
async function pipeline(body: Record<string, unknown>): Promise<Pipeline> {
  const res = await post(admin, '/api/v1/pipelines', {
    stages: [
      { name: '续约沟通', probability: 40, kind: 'open' },
      { name: '报价确认', probability: 70, kind: 'open' },
      { name: '续约成交', probability: 100, kind: 'won' },
      { name: '未续约', probability: 0, kind: 'lost' },
    ],
    ...body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}
const moveAudits = (id: number) =>
  t.database.rows<{ changes: Record<string, { old: unknown; new: unknown }> }>(
    sql`select changes from audit_log where entity = 'opportunity' and entity_id = ${String(id)} and action = 'move' order by id desc`,
  );

// The kept totals against a fresh group-by (as opportunity-board-totals.test.ts does), summed over any
// further key of the kept rows (such as the currency) so the check only asks about pipeline, owner and stage.
const maintained = () =>
  t.database.rows<Row>(sql`
    select pipeline_id, owner_id, stage_id, sum(deals)::int as deals, sum(amount)::numeric(20, 2)::text as amount,
      sum(weighted_amount)::numeric(20, 2)::text as weighted_amount
    from opportunity_board_totals group by 1, 2, 3
    having not (sum(deals) = 0 and sum(amount) = 0 and sum(weighted_amount) = 0) order by 1, 2, 3`);
const recomputed = () =>
  t.database.rows<Row>(sql`
    select o.pipeline_id, o.owner_id, o.stage_id, count(*)::int as deals, sum(o.amount)::numeric(20, 2)::text as amount,
      sum(round(o.amount * coalesce(o.probability_override, s.probability) / 100, 2))::numeric(20, 2)::text as weighted_amount
    from opportunities o join pipeline_stages s on s.id = o.stage_id
    where o.closed_at is null and o.deleted_at is null
    group by 1, 2, 3 order by 1, 2, 3`);
async function expectKept(): Promise<void> {
  expect(await maintained()).toEqual(await recomputed());
}

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
  const dept = async (name: string) => Number((await t.database.rows<{ id: number }>(sql`insert into departments (name) values (${name}) returning id`))[0]!.id);
  repA = await t.userWithRole('sales', { departmentId: await dept('华东销售部') });
  repB = await t.userWithRole('sales', { departmentId: await dept('华南销售部') });
  customerA = Number(
    (await t.database.rows<{ id: number }>(sql`insert into customers (kind, relationship_type, name, owner_id) values ('organization', 'business', '杭州云帆科技', ${repA.userId}) returning id`))[0]!.id,
  );
  const d = (await get(admin, '/api/v1/pipelines')).json().data.find((p: { isDefault: boolean }) => p.isDefault);
  main = { id: d.id, name: d.name, stages: Object.fromEntries(d.stages.map((s: { key: string; id: number }) => [s.key, s.id])) };
  renewal = await pipeline({ name: '续约/增购' });
  inactive = await pipeline({ name: '停用漏斗', active: false });
  deleted = await pipeline({ name: '已删漏斗' });
  expect((await t.request(admin, { method: 'DELETE', url: `/api/v1/pipelines/${deleted.id}` })).statusCode).toBe(204);
});
afterAll(() => t.close());

describe('moving a deal to another pipeline', () => {
  it('sets pipeline and stage together: history from the old pipeline to the new, audit of both, the new stage probability, kept board totals', async () => {
    const d = await deal(repA, '1000.00');
    await t.database.rows(sql`update opportunities set stage_entered_at = now() - interval '2 days' where id = ${d.id}`);
    const o = await moved(repA, d, { pipelineId: renewal.id, stageId: stageOf(renewal, '报价确认') });
    expect(o).toMatchObject({ pipelineId: renewal.id, stageId: stageOf(renewal, '报价确认'), stageName: '报价确认', status: 'open', probability: 70, weightedAmount: '700.00', daysInStage: 0, version: 2 });
    expect(o.history[0]).toMatchObject({
      fromStageId: main.stages.awareness, fromStageKey: 'awareness', fromPipelineId: main.id, fromPipelineName: main.name,
      toStageId: stageOf(renewal, '报价确认'), toStageName: '报价确认', toPipelineId: renewal.id, toPipelineName: '续约/增购', actorId: repA.userId,
    });
    expect(o.history[0].secondsInPrevious).toBeGreaterThanOrEqual(2 * 86400);
    expect(o.history[1]).toMatchObject({ fromStageId: null, fromPipelineId: null, fromPipelineName: null, toPipelineId: main.id });
    const [audit] = await moveAudits(d.id);
    expect(audit!.changes).toMatchObject({ pipelineId: { old: main.id, new: renewal.id }, stageId: { old: main.stages.awareness, new: stageOf(renewal, '报价确认') } });
    await expectKept();

    // the board of each pipeline shows the deal where it now is
    const board = async (p: number) => (await get(repA, `/api/v1/opportunities/board?pipelineId=${p}`)).json().columns.flatMap((c: { cards: Deal[] }) => c.cards.map((x) => x.id));
    expect(await board(renewal.id)).toContain(d.id);
    expect(await board(main.id)).not.toContain(d.id);
    expect((await get(repA, `/api/v1/opportunities?filter[pipelineId]=${renewal.id}`)).json().data.map((x: Deal) => x.id)).toContain(d.id);

    // a move within the new pipeline afterwards records no pipeline change
    await moved(repA, d, { stageId: stageOf(renewal, '续约沟通') });
    expect(Object.keys((await moveAudits(d.id))[0]!.changes)).not.toContain('pipelineId');
    await expectKept();

    // the customer timeline shows the move with both pipelines
    const timeline = (await get(repA, `/api/v1/customers/${customerA}/timeline?filter[type]=opportunity`)).json().data;
    const item = timeline.find((i: { data: { opportunityId: number; toStageName: string } }) => i.data.opportunityId === d.id && i.data.toStageName === '报价确认');
    expect(item.data).toMatchObject({ fromStageKey: 'awareness', fromPipelineName: main.name, toPipelineName: '续约/增购', toStageKind: 'open' });
  });

  it("keeps the deal's probability override across the move", async () => {
    const d = await deal(repA, '200.00', { probabilityOverride: 15 });
    const o = await moved(repA, d, { pipelineId: renewal.id, stageId: stageOf(renewal, '报价确认') });
    expect(o).toMatchObject({ probability: 15, probabilityOverride: 15, weightedAmount: '30.00' });
    await expectKept();
  });

  it('closes and reopens across pipelines as a move within one does: lost needs a reason, won stamps closed_at', async () => {
    const d = await deal(repA, '55.55');
    const noReason = await move(repA, d, { pipelineId: renewal.id, stageId: stageOf(renewal, '未续约') });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.details[0]).toMatchObject({ path: 'reason', code: 'required' });

    const lost = await moved(repA, d, { pipelineId: renewal.id, stageId: stageOf(renewal, '未续约'), reason: '客户不续约' });
    expect(lost).toMatchObject({ pipelineId: renewal.id, status: 'lost', closeReason: '客户不续约', weightedAmount: '0.00' });
    expect(lost.closedAt).not.toBeNull();
    expect(lost.history[0]).toMatchObject({ fromPipelineId: main.id, toPipelineId: renewal.id, reason: '客户不续约' });
    await expectKept();

    // back to an open stage of the first pipeline reopens it
    const reopened = await moved(repA, d, { pipelineId: main.id, stageId: main.stages.exploration });
    expect(reopened).toMatchObject({ pipelineId: main.id, stageKey: 'exploration', status: 'open', closedAt: null, closeReason: null, probability: 30 });
    await expectKept();

    await t.database.rows(sql`update customers set last_deal_at = null where id = ${customerA}`);
    const won = await moved(repA, d, { pipelineId: renewal.id, stageId: stageOf(renewal, '续约成交') });
    expect(won).toMatchObject({ pipelineId: renewal.id, status: 'won', probability: 100, weightedAmount: '55.55' });
    expect(won.closedAt).not.toBeNull();
    const [c] = await t.database.rows<{ last_deal_at: Date | null }>(sql`select last_deal_at from customers where id = ${customerA}`);
    expect(c!.last_deal_at).not.toBeNull();
    const [audit] = await moveAudits(d.id);
    expect(audit!.changes).toMatchObject({ pipelineId: { old: main.id, new: renewal.id }, status: { old: 'open', new: 'won' } });
    await expectKept();
  });

  it('refuses an inactive, deleted or unknown pipeline, a stage not in the named pipeline, and a stage of another pipeline without pipelineId', async () => {
    const d = await deal(repA, '10.00');
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ pipelineId: inactive.id, stageId: stageOf(inactive, '续约沟通') }, 'pipelineId', 'inactive'],
      [{ pipelineId: deleted.id, stageId: stageOf(deleted, '续约沟通') }, 'pipelineId', 'not_found'],
      [{ pipelineId: 999999, stageId: stageOf(renewal, '续约沟通') }, 'pipelineId', 'not_found'],
      [{ pipelineId: renewal.id, stageId: main.stages.exploration! }, 'stageId', 'not_found'],
      [{ pipelineId: main.id, stageId: stageOf(renewal, '续约沟通') }, 'stageId', 'not_found'],
      [{ stageId: stageOf(renewal, '续约沟通') }, 'stageId', 'other_pipeline'],
      [{ stageId: stageOf(deleted, '续约沟通') }, 'stageId', 'not_found'],
    ];
    for (const [body, path, code] of cases) {
      const res = await move(repA, d, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.details[0], JSON.stringify(body)).toMatchObject({ path, code });
    }
    // the message says how to move the deal there
    const other = await move(repA, d, { stageId: stageOf(renewal, '续约沟通') });
    expect(other.json().error.details[0].message).toContain(`pipelineId ${renewal.id}`);
    const after = (await get(repA, `/api/v1/opportunities/${d.id}`)).json();
    expect(after).toMatchObject({ pipelineId: main.id, stageId: main.stages.awareness, version: 1 });
    expect(after.history).toHaveLength(1);
  });

  it('naming its own pipeline is a plain move', async () => {
    const d = await deal(repA, '20.00');
    const o = await moved(repA, d, { pipelineId: main.id, stageId: main.stages.commitment });
    expect(o).toMatchObject({ pipelineId: main.id, stageKey: 'commitment', version: 2 });
    expect(Object.keys((await moveAudits(d.id))[0]!.changes)).not.toContain('pipelineId');
  });

  it('a stale version is 409 and a deal outside the data scope 404, and neither moves the deal', async () => {
    const d = await deal(repA, '30.00');
    await moved(repA, d, { stageId: main.stages.exploration });
    const stale = await post(repA, `/api/v1/opportunities/${d.id}/move`, { version: 1, pipelineId: renewal.id, stageId: stageOf(renewal, '续约沟通') });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'VERSION_CONFLICT', current: { id: d.id, version: 2, pipelineId: main.id } });
    const outside = await move(repB, d, { pipelineId: renewal.id, stageId: stageOf(renewal, '续约沟通') });
    expect(outside.statusCode).toBe(404);
    expect((await get(repA, `/api/v1/opportunities/${d.id}`)).json()).toMatchObject({ pipelineId: main.id, stageKey: 'exploration', version: 2 });
    await expectKept();
  });

  it.runIf(process.env.GUANXI_TEST_DB === 'postgres')('holds the target pipeline until the move commits: it cannot be deleted under the deal', async () => {
    const target = await pipeline({ name: '并发漏斗' });
    const d = await deal(repA, '40.00');
    // a delete that locked the pipeline first wins, and the move then finds no pipeline
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const holding = t.database.db.transaction(async (tx) => {
      await tx.execute(sql`select id from pipelines where id = ${target.id} for update`);
      await tx.execute(sql`update pipelines set deleted_at = now() where id = ${target.id}`);
      await gate;
    });
    await new Promise((r) => setTimeout(r, 50));
    const moving = move(repA, d, { pipelineId: target.id, stageId: stageOf(target, '续约沟通') });
    // the move waits on the pipeline row (without the lock it would read the old row and go ahead)
    let waited = false;
    for (let i = 0; i < 100 && !waited; i++) {
      const [row] = await t.database.rows<{ n: number }>(sql`
        select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and state = 'active'`);
      waited = Number(row!.n) > 0;
      if (!waited) await new Promise((r) => setTimeout(r, 20));
    }
    expect(waited).toBe(true);
    release();
    await holding;
    const res = await moving;
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.details[0]).toMatchObject({ path: 'pipelineId', code: 'not_found' });
  });
});
