// Generates the benchmark data set inside the database with `insert … select … from generate_series`:
// word lists from the demo generator travel as one JSON parameter, and every random choice is a
// hash of the row number (hashint8extended), so the data are the same on every run and engine and
// follow-ups can recompute their customer's dates without a join.
import { sql } from 'drizzle-orm';
import type { Database } from '../../apps/server/src/db/client.js';
import { sha256 } from '../../apps/server/src/auth/tokens.js';
import { hashPassword } from '../../apps/server/src/auth/password.js';
import * as w from '../../apps/server/src/demo/zh-cn-words.js';

export interface GenerateOptions {
  customers: number;
  followUps: number;
  reps: number;
  /** Fixed "now", so derived dates are reproducible. */
  now: Date;
  log: (line: string) => void;
}

export interface Generated {
  token: string;
  adminId: number;
  seconds: { users: number; customers: number; followUps: number; indexes: number; analyze: number };
}

function words() {
  const surnames = w.surnames.flatMap(([s, , weight]) => Array<string>(Math.max(1, Math.round(weight))).fill(s));
  const given = [...w.givenMale, ...w.givenFemale].map(([c]) => c);
  const places = w.regions.flatMap((g) =>
    g.cities.flatMap((c) =>
      c.districts.flatMap((d) => Array<{ p: string; c: string; s: string; d: string }>(['广东省', '浙江省', '江苏省', '上海市', '北京市'].includes(g.province) ? 3 : 1).fill({ p: g.province, c: c.city, s: c.short, d })),
    ),
  );
  const sentences = Object.entries(w.followUpSentences).flatMap(([channel, list]) => list.map((s) => ({ channel, s })));
  return {
    surnames,
    given,
    province: places.map((x) => x.p),
    city: places.map((x) => x.c),
    short: places.map((x) => x.s),
    district: places.map((x) => x.d),
    trade: w.tradeNames.map(([t]) => t),
    tradeLatin: w.tradeNames.map(([, l]) => l),
    line: w.businessLines.map(([l]) => l),
    industry: w.businessLines.map(([, i]) => i),
    source: [...w.sources],
    prefix: [...w.mobilePrefixes],
    channel: sentences.map((x) => x.channel),
    summary: sentences.map((x) => x.s),
    outcome: [...w.outcomes],
  };
}

const timed = async (fn: () => Promise<unknown>) => {
  const t = performance.now();
  await fn();
  return Math.round((performance.now() - t) / 100) / 10;
};

/** Secondary indexes are dropped during the load and built afterwards: one sort beats millions of inserts. */
async function indexDefinitions(database: Database): Promise<Array<{ name: string; def: string }>> {
  const rows = await database.rows<{ indexname: string; indexdef: string }>(sql`
    select i.indexname, i.indexdef from pg_indexes i
    where i.schemaname = 'public' and i.tablename in ('customers', 'follow_ups')
      and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`);
  return rows.map((r) => ({ name: r.indexname, def: r.indexdef }));
}

export async function generate(database: Database, opts: GenerateOptions): Promise<Generated> {
  const lists = words();
  const j = JSON.stringify(lists);
  const now = opts.now.toISOString();
  const N = opts.customers;
  const seconds = { users: 0, customers: 0, followUps: 0, indexes: 0, analyze: 0 };
  const token = `gx_bench_${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
  let adminId = 0;

  seconds.users = await timed(async () => {
    const hash = await hashPassword('Bench-Pass-123');
    const [admin] = await database.rows<{ id: number }>(sql`
      insert into users (email, name, password_hash, role_id) select 'bench-admin@bench.local', '压测管理员', ${hash}, id from roles where key = 'admin' returning id`);
    adminId = Number(admin!.id);
    await database.db.execute(sql`
      insert into users (email, name, password_hash, role_id)
      select 'rep' || g || '@bench.local', '销售' || g, ${hash}, (select id from roles where key = 'sales') from generate_series(1, ${opts.reps}::int) g`);
    await database.db.execute(sql`insert into api_tokens (user_id, name, prefix, token_hash, scopes) values (${adminId}, 'bench', ${token.slice(0, 10)}, ${sha256(token)}, array['read', 'write']::text[])`);
  });

  const indexes = await indexDefinitions(database);
  for (const ix of indexes) await database.db.execute(sql.raw(`drop index if exists "${ix.name}"`));

  // h(k): a non-negative pseudo-random bigint from the row number and a salt k.
  const h = (k: number, col = 'g') => sql.raw(`(hashint8extended(${col}, ${k}) & 9223372036854775807)`);
  const at = (arr: string, k: number, col = 'g') => sql.raw(`(w."${arr}")[1 + (hashint8extended(${col}, ${k}) & 9223372036854775807) % array_length(w."${arr}", 1)]`);
  const arrays = sql`(select ${sql.raw(
    ['surnames', 'given', 'province', 'city', 'short', 'district', 'trade', 'tradeLatin', 'line', 'industry', 'source', 'prefix', 'channel', 'summary', 'outcome']
      .map((k) => `array(select jsonb_array_elements_text(j.v->'${k}')) as "${k}"`)
      .join(', '),
  )} from (select ${j}::jsonb as v) j) w`;
  // Dates a follow-up can recompute from the customer number c: created, last follow-up, owner.
  const created = (col: string) => sql`(${now}::timestamptz - (${h(11, col)} % (4 * 365 * 86400)) * interval '1 second')`;
  const lastFollowUp = (col: string) => sql`greatest(${created(col)}, ${now}::timestamptz - (${h(12, col)} % (400 * 86400)) * interval '1 second')`;
  const owner = (col: string) => sql`(case when ${h(13, col)} % 10 = 0 then null else ${adminId}::bigint + 1 + ${h(14, col)} % ${opts.reps}::int end)`;

  const batch = 100_000;
  seconds.customers = await timed(async () => {
    for (let lo = 1; lo <= N; lo += batch) {
      const hi = Math.min(N, lo + batch - 1);
      await database.db.execute(sql`
        insert into customers (id, kind, relationship_type, name, mobile, phone, email, province, city, district, industry, source, importance,
                               owner_id, owner_since, pool_since, last_follow_up_at, created_at, updated_at)
        overriding system value
        select g, case when org then 'organization' else 'individual' end, case when org then 'business' else 'consumer' end,
          case when org then ${at('short', 2)} || ${at('trade', 3)} || ${at('line', 4)} || case when ${h(5)} % 8 = 0 then '股份有限公司' else '有限公司' end
               else ${at('surnames', 3)} || ${at('given', 4)} || case when ${h(5)} % 3 > 0 then ${at('given', 6)} else '' end end,
          case when org then null else ${at('prefix', 6)} || lpad((${h(7)} % 100000000)::text, 8, '0') end,
          case when org then '0' || (10 + ${h(6)} % 990) || '-' || (20000000 + ${h(7)} % 70000000) else null end,
          case when ${h(8)} % 10 < 6 then 'c' || g || '@' || ${at('tradeLatin', 3)} || '.com.cn' else null end,
          ${at('province', 2)}, ${at('city', 2)}, ${at('district', 2)},
          case when org then ${at('industry', 4)} else null end, ${at('source', 9)},
          case when ${h(10)} % 100 < 8 then 'vip' when ${h(10)} % 100 < 33 then 'important' else 'ordinary' end,
          ${owner('g')},
          case when ${owner('g')} is null then null else ${created('g')} end,
          case when ${owner('g')} is null then ${now}::timestamptz - (${h(15)} % 120) * interval '1 day' else null end,
          ${lastFollowUp('g')}, ${created('g')}, ${lastFollowUp('g')}
        from (select g, ${h(1)} % 10 < 8 as org from generate_series(${lo}::bigint, ${hi}::bigint) g) s, ${arrays}`);
      opts.log(`  customers ${hi.toLocaleString('en')} / ${N.toLocaleString('en')}`);
    }
    await database.db.execute(sql.raw(`select setval(pg_get_serial_sequence('customers', 'id'), ${N})`));
  });

  // Follow-up k belongs to customer 1 + (k-1) % N; the first round lands exactly on the customer's
  // last_follow_up_at, later rounds before it, so the customer's summary column stays true.
  const fb = 500_000;
  seconds.followUps = await timed(async () => {
    for (let lo = 1; lo <= opts.followUps; lo += fb) {
      const hi = Math.min(opts.followUps, lo + fb - 1);
      await database.db.execute(sql`
        insert into follow_ups (customer_id, channel, direction, occurred_at, summary, outcome, author_id, created_at)
        select c, (w.channel)[si], case when ${h(21)} % 5 = 0 then 'inbound' else 'outbound' end,
               occurred, (w.summary)[si], ${at('outcome', 22)}, coalesce(${owner('c')}, ${adminId}::bigint), occurred
        from (
          select g, c, 1 + ${h(23)} % ${lists.summary.length}::int as si,
                 case when (g - 1) / ${N}::bigint = 0 then ${lastFollowUp('c')}
                      else greatest(${created('c')}, ${lastFollowUp('c')} - (${h(24)} % (3 * 365 * 86400)) * interval '1 second') end as occurred
          from (select g, 1 + (g - 1) % ${N}::bigint as c from generate_series(${lo}::bigint, ${hi}::bigint) g) k
        ) f, ${arrays}`);
      opts.log(`  follow-ups ${hi.toLocaleString('en')} / ${opts.followUps.toLocaleString('en')}`);
    }
  });

  seconds.indexes = await timed(async () => {
    await database.db.execute(sql.raw(`set maintenance_work_mem = '512MB'`)).catch(() => undefined);
    for (const ix of indexes) {
      const t = performance.now();
      await database.db.execute(sql.raw(ix.def));
      opts.log(`  index ${ix.name} ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
  });
  seconds.analyze = await timed(async () => {
    await database.db.execute(sql.raw(database.driver === 'postgres' ? 'vacuum analyze customers, follow_ups' : 'analyze customers, follow_ups'));
  });
  return { token, adminId, seconds };
}
