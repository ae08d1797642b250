import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';
import { seedDefaultPipeline } from './pipelines.service.js';

let t: TestContext;
let admin: Session;
let manager: Session;
let rep: Session;

const stages = (extra: Array<Record<string, unknown>> = []) => [
  { name: '初步接触', probability: 20, kind: 'open' },
  ...extra,
  { name: '成交', probability: 100, kind: 'won' },
  { name: '丢单', probability: 0, kind: 'lost' },
];

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
  manager = await t.userWithRole('manager');
  rep = await t.userWithRole('sales');
});
afterAll(() => t.close());

describe('pipelines', () => {
  it('seeds the default pipeline with the relationship stages once, however often startup runs', async () => {
    await t.database.db.transaction((tx) => seedDefaultPipeline(tx));
    const res = await t.request(rep, { method: 'GET', url: '/api/v1/pipelines' });
    expect(res.statusCode).toBe(200);
    const defaults = res.json().data.filter((p: { isDefault: boolean }) => p.isDefault);
    expect(defaults).toHaveLength(1);
    expect(defaults[0].staleAfterDays).toBe(14);
    expect(defaults[0].stages.map((s: { key: string; name: string; probability: number; kind: string }) => [s.key, s.name, s.probability, s.kind])).toEqual([
      ['awareness', '认知', 10, 'open'],
      ['exploration', '考察', 30, 'open'],
      ['expansion', '扩展', 60, 'open'],
      ['commitment', '承诺', 80, 'open'],
      ['won', '赢单', 100, 'won'],
      ['lost', '输单', 0, 'lost'],
    ]);
  });

  it('lets sales.manage create and change pipelines, not a rep', async () => {
    expect((await t.request(rep, { method: 'POST', url: '/api/v1/pipelines', payload: { name: 'X', stages: stages() } })).statusCode).toBe(403);
    const res = await t.request(manager, { method: 'POST', url: '/api/v1/pipelines', payload: { name: '渠道漏斗', staleAfterDays: 7, stages: stages() } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ name: '渠道漏斗', isDefault: false, active: true, staleAfterDays: 7, version: 1 });
    expect(res.json().stages.map((s: { position: number }) => s.position)).toEqual([1, 2, 3]);
  });

  it('requires exactly one won, one lost and at least one open stage, naming the field', async () => {
    const cases: Array<[unknown[], string, string]> = [
      [[...stages(), { name: '又成交', probability: 100, kind: 'won' }], 'stages', 'won_stage_count'],
      [stages().filter((s) => s.kind !== 'lost').concat([{ name: 'x', probability: 1, kind: 'open' }]), 'stages', 'lost_stage_count'],
      [[{ name: 'a', probability: 100, kind: 'won' }, { name: 'b', probability: 0, kind: 'lost' }, { name: 'c', probability: 0, kind: 'lost' }], 'stages', 'lost_stage_count'],
      [stages([{ name: '初步接触', probability: 30, kind: 'open' }]), 'stages.1.name', 'duplicate'],
      [stages([{ name: '方案', probability: 130, kind: 'open' }]), 'stages.1.probability', 'too_big'],
    ];
    for (const [list, path, code] of cases) {
      const res = await t.request(admin, { method: 'POST', url: '/api/v1/pipelines', payload: { name: 'Bad', stages: list } });
      expect(res.statusCode, path).toBe(400);
      expect(res.json().error.details[0]).toMatchObject({ path, code });
    }
    const noOpen = await t.request(admin, { method: 'POST', url: '/api/v1/pipelines', payload: { name: 'Bad', stages: [{ name: 'w', probability: 100, kind: 'won' }, { name: 'l', probability: 0, kind: 'lost' }, { name: 'l2', probability: 0, kind: 'won' }] } });
    expect(noOpen.statusCode).toBe(400);
  });

  it('renames, re-weights, reorders and adds stages in one versioned edit; a stale version is 409 with the current pipeline', async () => {
    const p = (await t.request(admin, { method: 'POST', url: '/api/v1/pipelines', payload: { name: 'Edit me', stages: stages([{ name: '方案', probability: 40, kind: 'open' }]) } })).json();
    const [first, second, won, lost] = p.stages;
    const res = await t.request(admin, {
      method: 'PATCH',
      url: `/api/v1/pipelines/${p.id}`,
      payload: {
        version: 1,
        stages: [
          { id: second.id, name: '方案沟通', probability: 45, kind: 'open' },
          { id: first.id, name: '初步接触', probability: 15, kind: 'open' },
          { name: '谈判', probability: 70, kind: 'open' },
          { id: won.id, name: '成交', probability: 100, kind: 'won' },
          { id: lost.id, name: '丢单', probability: 0, kind: 'lost' },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().version).toBe(2);
    expect(res.json().stages.map((s: { id: number; name: string; probability: number }) => [s.name, s.probability])).toEqual([
      ['方案沟通', 45], ['初步接触', 15], ['谈判', 70], ['成交', 100], ['丢单', 0],
    ]);
    expect(res.json().stages[0].id).toBe(second.id);
    const stale = await t.request(admin, { method: 'PATCH', url: `/api/v1/pipelines/${p.id}`, payload: { version: 1, name: 'x' } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'VERSION_CONFLICT', current: { id: p.id, version: 2 } });
    const [audit] = await t.database.rows<{ changes: Record<string, unknown> }>(sql`select changes from audit_log where entity = 'pipeline' and entity_id = ${String(p.id)} and action = 'update'`);
    expect(Object.keys(audit!.changes)).toContain('stages');
  });

  it('refuses to remove a stage that still has deals (409 naming it), and removes it once empty', async () => {
    const p = (await t.request(admin, { method: 'POST', url: '/api/v1/pipelines', payload: { name: 'With deals', stages: stages([{ name: '报价', probability: 50, kind: 'open' }]) } })).json();
    const quote = p.stages[1];
    const [c] = await t.database.rows<{ id: number }>(sql`insert into customers (kind, relationship_type, name, owner_id) values ('organization', 'business', '报价客户', ${admin.userId}) returning id`);
    const deal = await t.request(admin, { method: 'POST', url: '/api/v1/opportunities', payload: { name: '报价中的商机', customerId: c!.id, pipelineId: p.id, stageId: quote.id } });
    expect(deal.statusCode).toBe(201);
    const without = p.stages.filter((s: { id: number }) => s.id !== quote.id).map((s: { id: number; name: string; probability: number; kind: string }) => ({ id: s.id, name: s.name, probability: s.probability, kind: s.kind }));
    const refused = await t.request(admin, { method: 'PATCH', url: `/api/v1/pipelines/${p.id}`, payload: { version: 1, stages: without }, headers: { 'accept-language': 'zh-CN' } });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toContain('报价');
    expect(refused.json().error.details[0]).toMatchObject({ path: 'stages', code: 'stage_in_use' });
    // changing the kind of a stage with deals is refused the same way
    const kind = await t.request(admin, { method: 'PATCH', url: `/api/v1/pipelines/${p.id}`, payload: { version: 1, stages: p.stages.map((s: { id: number; name: string; probability: number; kind: string }) => ({ id: s.id, name: s.name, probability: s.probability, kind: s.id === quote.id ? 'won' : s.kind === 'won' ? 'open' : s.kind })) } });
    expect(kind.statusCode).toBe(409);
    expect(kind.json().error.details[0]).toMatchObject({ path: 'stages.1.kind', code: 'stage_in_use' });
    expect((await t.request(admin, { method: 'DELETE', url: `/api/v1/pipelines/${p.id}` })).statusCode).toBe(409);

    expect((await t.request(admin, { method: 'DELETE', url: `/api/v1/opportunities/${deal.json().id}` })).statusCode).toBe(204);
    const ok = await t.request(admin, { method: 'PATCH', url: `/api/v1/pipelines/${p.id}`, payload: { version: 1, stages: without } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().stages.map((s: { name: string }) => s.name)).toEqual(['初步接触', '成交', '丢单']);
    expect((await t.request(admin, { method: 'DELETE', url: `/api/v1/pipelines/${p.id}` })).statusCode).toBe(204);
    expect((await t.request(admin, { method: 'GET', url: `/api/v1/pipelines/${p.id}` })).statusCode).toBe(404);
  });

  it('keeps exactly one default: making another the default moves it; the default cannot be deleted or deactivated', async () => {
    const list = (await t.request(admin, { method: 'GET', url: '/api/v1/pipelines' })).json().data;
    const old = list.find((p: { isDefault: boolean }) => p.isDefault);
    expect((await t.request(admin, { method: 'DELETE', url: `/api/v1/pipelines/${old.id}` })).statusCode).toBe(409);
    const off = await t.request(admin, { method: 'PATCH', url: `/api/v1/pipelines/${old.id}`, payload: { version: old.version, active: false } });
    expect(off.statusCode).toBe(400);
    expect(off.json().error.details[0].path).toBe('active');
    const other = list.find((p: { isDefault: boolean; active: boolean }) => !p.isDefault && p.active);
    const res = await t.request(admin, { method: 'PATCH', url: `/api/v1/pipelines/${other.id}`, payload: { version: other.version, isDefault: true } });
    expect(res.statusCode).toBe(200);
    const after = (await t.request(admin, { method: 'GET', url: '/api/v1/pipelines' })).json().data;
    expect(after.filter((p: { isDefault: boolean }) => p.isDefault).map((p: { id: number }) => p.id)).toEqual([other.id]);
    // back, so nothing else depends on this order
    const back = after.find((p: { id: number }) => p.id === old.id);
    expect((await t.request(admin, { method: 'PATCH', url: `/api/v1/pipelines/${old.id}`, payload: { version: back.version, isDefault: true } })).statusCode).toBe(200);
  });
});
