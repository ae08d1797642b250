import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestContext, type TestContext } from '../test/test-app.js';
import { seedBuiltInRoles } from './roles.service.js';

let t: TestContext;
const permissionsOf = async (key: string) => (await t.database.rows<{ permissions: string[] }>(sql`select permissions from roles where key = ${key}`))[0]!.permissions;

beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

describe('built-in roles on upgrade', () => {
  it('an installation seeded by an older version gets the permissions added since', async () => {
    // as an older version left it: no sales.manage, no record of what was seeded
    await t.database.db.execute(sql`update roles set permissions = array_remove(permissions, 'sales.manage'), seeded_permissions = null where key = 'manager'`);
    await seedBuiltInRoles(t.database.db);
    expect(await permissionsOf('manager')).toContain('sales.manage');
  });

  it('a permission an admin removed from a built-in role is not given back by the next start', async () => {
    await t.database.db.execute(sql`update roles set permissions = array_remove(permissions, 'customers.delete') where key = 'manager'`);
    await seedBuiltInRoles(t.database.db);
    await seedBuiltInRoles(t.database.db);
    const now = await permissionsOf('manager');
    expect(now).not.toContain('customers.delete');
    expect(now).toContain('sales.manage');
  });

  it('renames the manager role from its first name, but not a name an admin gave it', async () => {
    const nameOf = async () => (await t.database.rows<{ name: string }>(sql`select name from roles where key = 'manager'`))[0]!.name;
    await t.database.db.execute(sql`update roles set name = '销售经理' where key = 'manager'`);
    await seedBuiltInRoles(t.database.db);
    expect(await nameOf()).toBe('部门经理');
    await t.database.db.execute(sql`update roles set name = '区域经理' where key = 'manager'`);
    await seedBuiltInRoles(t.database.db);
    expect(await nameOf()).toBe('区域经理');
  });
});
