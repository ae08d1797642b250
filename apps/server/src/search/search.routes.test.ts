import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';

let t: TestContext;
let admin: Session;
let rep: Session;
const ids: Record<string, number> = {};
beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
  rep = await t.userWithRole('sales');
  const add = async (key: string, body: Record<string, unknown>) => {
    const res = await t.request(rep, { method: 'POST', url: '/api/v1/customers', payload: { relationshipType: 'business', ...body } });
    if (res.statusCode !== 201) throw new Error(res.body);
    ids[key] = res.json().id;
  };
  await add('zhangwei', { kind: 'individual', name: '张伟', mobile: '13800005678', employer: '远航物流' });
  await add('zhangweiming', { kind: 'individual', name: '张伟明', email: 'weiming@example.com' });
  await add('tech', { kind: 'organization', name: '深圳市腾飞科技有限公司', phone: '0755-86001234' });
  await add('liwei', { kind: 'individual', name: '李伟', mobile: '+447911123456' });
  await add('other', { kind: 'individual', name: '王芳', email: 'fang@zhangwei.cn' });
  const contact = await t.request(rep, { method: 'POST', url: '/api/v1/contacts', payload: { name: '陈小伟', mobile: '13600001111', customers: [{ customerId: ids.tech, title: '采购经理', isPrimary: true }] } });
  ids.contact = contact.json().id;
  const plain = await t.request(rep, { method: 'POST', url: '/api/v1/contacts', payload: { name: '刘洋', customers: [{ customerId: ids.tech, title: '工程师' }] } });
  ids.plainContact = plain.json().id;
});
afterAll(() => t.close());

const search = async (q: string, s: Session = rep) => {
  const res = await t.request(s, { method: 'GET', url: `/api/v1/search?q=${encodeURIComponent(q)}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data as Array<{ type: string; id: number; name: string; matchedField: string; rank: number; subtitle: string | null }>;
};
const key = (h: { type: string; id: number }) => `${h.type}:${h.id}`;

describe('search', () => {
  it('finds by a two-character Chinese name, exact match first, then prefix', async () => {
    const hits = await search('张伟');
    expect(hits.slice(0, 2).map(key)).toEqual([`customer:${ids.zhangwei}`, `customer:${ids.zhangweiming}`]);
    expect(hits[0]).toMatchObject({ rank: 0, matchedField: 'name', subtitle: expect.stringContaining('远航物流') });
    expect(hits[1]!.rank).toBe(1);
  });

  it('finds by a single Chinese character anywhere in a name', async () => {
    const hits = (await search('伟')).map(key);
    expect(hits).toEqual(expect.arrayContaining([`customer:${ids.zhangwei}`, `customer:${ids.zhangweiming}`, `customer:${ids.liwei}`, `contact:${ids.contact}`]));
    expect(hits).not.toContain(`customer:${ids.other}`);
  });

  it('finds a company by a fragment in the middle of its name, and the people who work there', async () => {
    const hits = await search('科技有限');
    expect(hits[0]).toMatchObject({ type: 'customer', id: ids.tech, rank: 2 });
    expect(hits.map(key)).toEqual(expect.arrayContaining([`contact:${ids.contact}`, `contact:${ids.plainContact}`]));
    expect(hits.find((h) => h.id === ids.plainContact && h.type === 'contact')).toMatchObject({ matchedField: 'company', subtitle: expect.stringContaining('腾飞科技') });
  });

  it('finds by the last four digits of a phone, and by email', async () => {
    expect((await search('5678')).map(key)).toEqual([`customer:${ids.zhangwei}`]);
    expect((await search('1234')).find((h) => h.id === ids.tech)).toMatchObject({ matchedField: 'phone' });
    expect((await search('1111'))[0]).toMatchObject({ type: 'contact', id: ids.contact, matchedField: 'mobile' });
    expect((await search('zhangwei.cn'))[0]).toMatchObject({ id: ids.other, matchedField: 'email' });
    expect((await search('7911123'))[0]).toMatchObject({ id: ids.liwei });
  });

  it('asks for more than one Latin letter', async () => {
    const res = await t.request(rep, { method: 'GET', url: '/api/v1/search?q=a' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0]).toMatchObject({ path: 'q', code: 'too_short' });
  });

  it('the same condition serves the list’s q parameter', async () => {
    const res = (await t.request(admin, { method: 'GET', url: '/api/v1/customers?q=伟' })).json();
    expect(res.total).toBe(3);
  });
});
