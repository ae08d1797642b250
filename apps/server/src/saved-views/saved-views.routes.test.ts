import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Session, type TestContext } from '../test/test-app.js';

let t: TestContext;
let manager: Session;
let rep: Session;
let otherRep: Session;
beforeAll(async () => {
  t = await createTestContext();
  manager = await t.userWithRole('manager');
  rep = await t.userWithRole('sales');
  otherRep = await t.userWithRole('sales');
});
afterAll(() => t.close());

const definition = { filters: { 'filter[importance]': 'vip', 'filter[ownerId]': 'me' }, sort: '-updatedAt', columns: ['name', 'importance'] };

describe('saved views', () => {
  it('are private to their author unless a manager shares them', async () => {
    const mine = await t.request(rep, { method: 'POST', url: '/api/v1/saved-views', payload: { entity: 'customer', name: '我的VIP', definition } });
    expect(mine.statusCode, mine.body).toBe(201);
    expect((await t.request(rep, { method: 'POST', url: '/api/v1/saved-views', payload: { entity: 'customer', name: '共享', shared: true, definition } })).statusCode).toBe(403);
    const shared = await t.request(manager, { method: 'POST', url: '/api/v1/saved-views', payload: { entity: 'customer', name: '团队VIP', shared: true, definition } });
    expect(shared.statusCode).toBe(201);
    const seen = (await t.request(otherRep, { method: 'GET', url: '/api/v1/saved-views?filter[entity]=customer' })).json().data.map((v: { name: string }) => v.name);
    expect(seen).toEqual(['团队VIP']);
    expect((await t.request(otherRep, { method: 'DELETE', url: `/api/v1/saved-views/${shared.json().id}` })).statusCode).toBe(403);
    expect((await t.request(otherRep, { method: 'DELETE', url: `/api/v1/saved-views/${mine.json().id}` })).statusCode).toBe(404);
    const renamed = await t.request(rep, { method: 'PATCH', url: `/api/v1/saved-views/${mine.json().id}`, payload: { name: '重点客户', version: 1 } });
    expect(renamed.json()).toMatchObject({ name: '重点客户', version: 2, definition });
  });
});
