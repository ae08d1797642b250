import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { DataScope } from '@guanxi/contracts';
import { createTestContext, type TestContext } from '../test/test-app.js';
import { insertDepartment } from '../departments/departments.service.js';
import { insertUser } from '../users/users.service.js';
import { ownedBy } from './data-scope.js';

// An organisation: 总部 → 华东 → 华东一组, and 总部 → 华西. The manager chain runs
// boss → mgr → (rep1, rep2 → rep3); west reports to nobody.
let t: TestContext;
const dept: Record<string, number> = {};
const user: Record<string, number> = {};

beforeAll(async () => {
  t = await createTestContext();
  const [role] = await t.database.rows<{ id: number }>(sql`select id from roles where key = 'sales'`);
  await t.database.db.transaction(async (tx) => {
    dept.hq = await insertDepartment(tx, null, { name: '总部' });
    dept.east = await insertDepartment(tx, null, { name: '华东', parentId: dept.hq });
    dept.east1 = await insertDepartment(tx, null, { name: '华东一组', parentId: dept.east });
    dept.west = await insertDepartment(tx, null, { name: '华西', parentId: dept.hq });
    const add = async (key: string, departmentId: number, managerId: number | null) => {
      user[key] = await insertUser(tx, null, { email: `${key}@scope.test`, name: key, password: 'Scope-Pass-123', roleId: Number(role!.id), departmentId, managerId });
    };
    await add('boss', dept.hq, null);
    await add('mgr', dept.east, user.boss!);
    await add('rep1', dept.east, user.mgr!);
    await add('rep2', dept.east1, user.mgr!);
    await add('rep3', dept.east1, user.rep2!);
    await add('west', dept.west, null);
    await add('nodept', null as unknown as number, null);
    await tx.execute(sql`create table scope_probe (id serial primary key, owner_id bigint)`);
    for (const id of Object.values(user)) await tx.execute(sql`insert into scope_probe (owner_id) values (${id}), (${id})`);
    await tx.execute(sql`insert into scope_probe (owner_id) values (null)`); // an unowned row
  });
});
afterAll(() => t.close());

async function visible(who: string, scope: DataScope): Promise<string[]> {
  const rows = await t.database.db.execute(sql`select id from users where id = ${user[who]!}`);
  expect((rows as unknown as { rows: unknown[] }).rows).toHaveLength(1);
  const depRows = await t.database.rows<{ department_id: number | null }>(sql`select department_id from users where id = ${user[who]!}`);
  const actor = { id: user[who]!, dataScope: scope, departmentId: depRows[0]!.department_id };
  const owners = await t.database.rows<{ owner_id: number }>(sql`select distinct owner_id from scope_probe p where ${ownedBy(actor, sql`p.owner_id`)}`);
  const byId = new Map(Object.entries(user).map(([k, v]) => [v, k]));
  return owners.map((o) => (o.owner_id === null ? '(none)' : byId.get(Number(o.owner_id))!)).sort();
}

describe('data scope', () => {
  it('own: only the actor’s rows', async () => {
    expect(await visible('mgr', 'own')).toEqual(['mgr']);
  });
  it('own + subordinates follows the manager chain down, not up or sideways', async () => {
    expect(await visible('mgr', 'own_subordinates')).toEqual(['mgr', 'rep1', 'rep2', 'rep3']);
    expect(await visible('rep2', 'own_subordinates')).toEqual(['rep2', 'rep3']);
    expect(await visible('boss', 'own_subordinates')).toEqual(['boss', 'mgr', 'rep1', 'rep2', 'rep3']);
  });
  it('department: the actor’s department only', async () => {
    expect(await visible('mgr', 'department')).toEqual(['mgr', 'rep1']);
    expect(await visible('rep3', 'department')).toEqual(['rep2', 'rep3']);
  });
  it('department tree: the department and everything below it', async () => {
    expect(await visible('mgr', 'department_tree')).toEqual(['mgr', 'rep1', 'rep2', 'rep3']);
    expect(await visible('boss', 'department_tree')).toEqual(['boss', 'mgr', 'rep1', 'rep2', 'rep3', 'west']);
    expect(await visible('west', 'department_tree')).toEqual(['west']);
  });
  it('a user without a department sees only their own rows under department scopes', async () => {
    expect(await visible('nodept', 'department')).toEqual(['nodept']);
    expect(await visible('nodept', 'department_tree')).toEqual(['nodept']);
  });
  it('all: every row, unowned ones included', async () => {
    expect(await visible('rep1', 'all')).toEqual(['(none)', 'boss', 'mgr', 'nodept', 'rep1', 'rep2', 'rep3', 'west']);
  });
});
