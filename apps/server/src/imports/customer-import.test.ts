import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { loadActor } from '../auth/actor.js';
import { createTestContext, ADMIN, type Session, type TestContext } from '../test/test-app.js';
import { ImportRunner } from './import-runner.js';
import { createImport, getImport } from './imports.service.js';
import { MatchKeyIndex } from './match-key-index.js';

let t: TestContext;
let admin: Session;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gx-import-keys-'));
  t = await createTestContext({ dataDir: dir });
  admin = await t.login(ADMIN.email, ADMIN.password);
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Two mainland mobiles whose match keys share a 32-bit hash in the run's key index. */
function collidingMobiles(): [string, string] {
  const index = new MatchKeyIndex();
  const mobile = (i: number) => `139${String(i).padStart(8, '0')}`;
  for (let i = 1; ; i++) {
    index.add(`m:+86${mobile(i)}`, i);
    const other = index.candidates(`m:+86${mobile(i)}`).find((id) => id !== i);
    if (other !== undefined) return [mobile(other), mobile(i)];
  }
}

describe('duplicate matching across the batches of one import run', () => {
  it('skips a row repeating an earlier batch, but never a row whose key only shares a hash with one', async () => {
    const [a, b] = collidingMobiles();
    const path = join(dir, 'collide.csv');
    // one row per batch: every match below goes through the run's key index, then the database
    writeFileSync(path, ['Name,Mobile', `哈希客户甲,${a}`, `哈希客户乙,${b}`, `哈希客户甲二,${a}`, `哈希客户乙二,+86 ${b.slice(0, 3)} ${b.slice(3, 7)} ${b.slice(7)}`].join('\n'));
    const runner = new ImportRunner(t.database, { batchSize: 1, timeZone: 'Asia/Shanghai' });
    const actor = (await loadActor(t.database.db, admin.userId, 'session'))!;
    const ctx = { actor, requestId: 'test', ip: '127.0.0.1' };
    const job = await createImport(t.database, ctx, runner, t.config, { path, name: 'collide.csv', bytes: 1, mapping: { Name: 'name', Mobile: 'mobile' }, options: { kind: 'customers', duplicates: 'skip', encoding: 'auto' } });
    await runner.idle();
    expect(await getImport(t.database, ctx, job.id)).toMatchObject({ status: 'completed', rowsRead: 4, imported: 2, skipped: 2, failed: 0 });
    const names = await t.database.rows<{ name: string }>(sql`select name from customers where name like '哈希客户%' and deleted_at is null order by id`);
    expect(names.map((n) => n.name)).toEqual(['哈希客户甲', '哈希客户乙']);
  });
});
