// `guanxi demo`: loads a small demo company into an empty database — departments, a dozen users,
// a few thousand customers with contacts, follow-ups over the years, tags, pool customers, the
// default pool rules and tasks due today and overdue, and the sales history on top of them
// (products, orders, deals, leads, receivables, targets: demo-sales.ts) — then runs the pool job once.
import { sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.js';
import { insertDepartment } from '../departments/departments.service.js';
import { insertPoolRule, defaultPoolRules } from '../pool/pool-rules.service.js';
import { returnNeglectedCustomers } from '../pool/return-neglected-customers.js';
import { insertUser } from '../users/users.service.js';
import { insertJsonRows, syncIdentity } from './bulk-insert.js';
import { loadDemoSales, type SalesCounts, type SalesCustomer } from './demo-sales.js';
import * as gen from './generate.js';
import { mulberry32, type Random } from './random.js';
import * as w from './zh-cn-words.js';

export const DEMO_PASSWORD = 'Guanxi-Demo-2025';
const DAY = 86_400_000;

export interface DemoOptions {
  seed?: number;
  customers?: number;
  password?: string;
  /** The company's time zone, for tasks due "today", order dates and target periods. */
  timeZone?: string;
  /** The order number pattern (GUANXI_ORDER_NUMBER_PATTERN); the default one otherwise. */
  orderNumberPattern?: string | undefined;
}

export interface DemoUser {
  email: string;
  name: string;
  role: string;
  department: string;
}

export interface DemoResult {
  users: DemoUser[];
  password: string;
  counts: { users: number; customers: number; pool: number; contacts: number; followUps: number; tasks: number; returnedByRules: number; poolWarnings: number; sales: SalesCounts };
}

type Dept = 'hq' | 'east' | 'south' | 'service';
const people: ReadonlyArray<{ key: string; name: string; latin: string; role: string; dept: Dept; manager?: string }> = [
  { key: 'boss', name: '王建国', latin: 'wang.jianguo', role: 'admin', dept: 'hq' },
  { key: 'eastMgr', name: '陈志强', latin: 'chen.zhiqiang', role: 'manager', dept: 'east', manager: 'boss' },
  { key: 'e1', name: '李娜', latin: 'li.na', role: 'sales', dept: 'east', manager: 'eastMgr' },
  { key: 'e2', name: '张伟', latin: 'zhang.wei', role: 'sales', dept: 'east', manager: 'eastMgr' },
  { key: 'e3', name: '刘洋', latin: 'liu.yang', role: 'sales', dept: 'east', manager: 'eastMgr' },
  { key: 'e4', name: '赵敏', latin: 'zhao.min', role: 'sales', dept: 'east', manager: 'eastMgr' },
  { key: 'southMgr', name: '林晓燕', latin: 'lin.xiaoyan', role: 'manager', dept: 'south', manager: 'boss' },
  { key: 's1', name: '黄俊杰', latin: 'huang.junjie', role: 'sales', dept: 'south', manager: 'southMgr' },
  { key: 's2', name: '吴婷', latin: 'wu.ting', role: 'sales', dept: 'south', manager: 'southMgr' },
  { key: 's3', name: '周鹏', latin: 'zhou.peng', role: 'sales', dept: 'south', manager: 'southMgr' },
  { key: 'svc1', name: '徐静', latin: 'xu.jing', role: 'service', dept: 'service', manager: 'boss' },
  { key: 'svc2', name: '孙丽', latin: 'sun.li', role: 'service', dept: 'service', manager: 'svc1' },
  { key: 'mkt', name: '何欣', latin: 'he.xin', role: 'marketing', dept: 'hq', manager: 'boss' },
  { key: 'analyst', name: 'Grace Miller', latin: 'grace.miller', role: 'analyst', dept: 'hq', manager: 'boss' },
];
const deptNames: Record<Dept, string> = { hq: '总部', east: '华东销售部', south: '华南销售部', service: '客户服务部' };

const customerColumns = [
  ['id', 'bigint'], ['kind', 'text'], ['relationship_type', 'text'], ['name', 'text'], ['mobile', 'text'], ['phone', 'text'], ['email', 'text'],
  ['wechat', 'text'], ['province', 'text'], ['city', 'text'], ['district', 'text'], ['address', 'text'], ['industry', 'text'], ['company_size', 'text'],
  ['credit_code', 'text'], ['legal_representative', 'text'], ['registered_capital', 'bigint'], ['website', 'text'], ['gender', 'text'],
  ['occupation', 'text'], ['source', 'text'], ['importance', 'text'], ['importance_source', 'text'], ['owner_id', 'bigint'],
  ['owner_since', 'timestamptz'], ['pool_since', 'timestamptz'], ['previous_owner_id', 'bigint'], ['released_at', 'timestamptz'],
  ['last_follow_up_at', 'timestamptz'], ['next_follow_up_at', 'timestamptz'], ['last_deal_at', 'timestamptz'], ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'], ['created_by', 'bigint'], ['updated_by', 'bigint'],
] as const;
const contactColumns = [['id', 'bigint'], ['name', 'text'], ['mobile', 'text'], ['email', 'text'], ['gender', 'text'], ['department', 'text'], ['owner_id', 'bigint'], ['created_at', 'timestamptz']] as const;
const linkColumns = [['customer_id', 'bigint'], ['contact_id', 'bigint'], ['title', 'text'], ['is_primary', 'boolean']] as const;
const followUpColumns = [
  ['customer_id', 'bigint'], ['contact_id', 'bigint'], ['channel', 'text'], ['direction', 'text'], ['occurred_at', 'timestamptz'], ['summary', 'text'],
  ['outcome', 'text'], ['author_id', 'bigint'], ['created_at', 'timestamptz'], ['created_by', 'bigint'],
] as const;
const eventColumns = [['customer_id', 'bigint'], ['at', 'timestamptz'], ['kind', 'text'], ['actor_id', 'bigint'], ['from_user_id', 'bigint'], ['to_user_id', 'bigint'], ['data', 'jsonb']] as const;
const taskColumns = [['kind', 'text'], ['title', 'text'], ['due_at', 'timestamptz'], ['assignee_id', 'bigint'], ['customer_id', 'bigint'], ['source_key', 'text'], ['priority', 'text'], ['created_by', 'bigint']] as const;

interface Built {
  customers: Array<Record<string, unknown>>;
  contacts: Array<Record<string, unknown>>;
  links: Array<Record<string, unknown>>;
  followUps: Array<Record<string, unknown>>;
  events: Array<Record<string, unknown>>;
  tasks: Array<Record<string, unknown>>;
  tagLinks: Array<{ customer_id: number; tag: number }>;
}

/** Builds every row in memory from the seed; ids are assigned here so rows can refer to each other. */
function build(r: Random, count: number, owners: { reps: number[] }, now: number): Built {
  const out: Built = { customers: [], contacts: [], links: [], followUps: [], events: [], tasks: [], tagLinks: [] };
  let contactId = 0;
  const iso = (t: number) => new Date(t).toISOString();
  for (let id = 1; id <= count; id++) {
    const english = r.chance(0.05);
    const organization = r.chance(0.8);
    const where = gen.place(r);
    const person = english ? gen.englishPerson(r) : gen.chinesePerson(r);
    const company = organization ? (english ? gen.englishCompany(r, where) : gen.chineseCompany(r, where)) : null;
    const createdAt = now - r.int(1, 4 * 365) * DAY - r.int(0, DAY);
    const importance = r.weighted(gen.importanceSpread);
    const inPool = r.chance(0.1);
    const owner = inPool ? null : r.pick(owners.reps);
    // A customer with a deal may have been owned for years; one without is a recent receipt still being worked.
    const hasDeal = !inPool && r.chance(0.6);
    const neglected = !inPool && r.chance(0.02);
    const ownerSince = inPool ? null : neglected ? now - r.int(100, 200) * DAY : hasDeal ? r.int(createdAt, now - 5 * DAY) : Math.max(createdAt, now - r.int(3, 80) * DAY);
    const lastDeal = hasDeal && ownerSince !== null ? r.int(ownerSince, now - DAY) : null;
    // Follow-ups over the customer's life; owned customers have a recent one unless neglected.
    const fuCount = r.weighted([[0, 5], [1, 10], [2, 12], [4, 20], [6, 20], [10, 15], [16, 12], [24, 6]] as const);
    const times: number[] = [];
    for (let k = 0; k < fuCount; k++) times.push(r.int(createdAt, now - DAY));
    if (owner !== null) {
      const recent = neglected ? now - r.int(40, 90) * DAY : r.chance(0.03) ? now - r.int(27, 29) * DAY - 3_600_000 : now - r.int(0, 24) * DAY - r.int(0, DAY / 2);
      const cutoff = Math.max(recent, createdAt);
      for (let k = 0; k < times.length; k++) if (times[k]! > cutoff) times[k] = r.int(createdAt, cutoff);
      times.push(cutoff);
    }
    const lastFollowUp = times.length ? Math.max(...times) : null;
    const poolSince = inPool ? now - r.int(0, 120) * DAY : null;
    const previousOwner = inPool && r.chance(0.6) ? r.pick(owners.reps) : null;
    out.customers.push({
      id,
      kind: organization ? 'organization' : 'individual',
      relationship_type: organization ? r.weighted([['business', 80], ['channel', 12], ['partner', 5], ['supplier', 3]] as const) : 'consumer',
      name: company?.name ?? person.name,
      mobile: organization ? null : gen.mobile(r),
      phone: organization ? `0${r.int(10, 999)}-${r.int(2_000_0000, 8_999_9999)}` : null,
      email: organization ? (r.chance(0.6) ? `info@${company!.domain}` : null) : r.chance(0.7) ? gen.personalEmail(r, person) : null,
      wechat: !organization && r.chance(0.5) ? `wx_${person.latin.replace('.', '_')}${r.int(1, 999)}` : null,
      province: where.province,
      city: where.city,
      district: where.district,
      address: where.address,
      industry: company?.industry ?? null,
      company_size: company?.size ?? null,
      credit_code: organization && !english ? gen.creditCode(r) : null,
      legal_representative: organization && !english ? gen.chinesePerson(r).name : null,
      registered_capital: organization ? r.pick([50, 100, 200, 500, 1000, 5000]) * 10_000 : null,
      website: organization && r.chance(0.5) ? `https://www.${company!.domain}` : null,
      gender: organization ? null : person.gender,
      occupation: organization ? null : r.pick(w.occupations),
      source: r.pick(w.sources),
      importance,
      importance_source: 'manual',
      owner_id: owner,
      owner_since: ownerSince === null ? null : iso(ownerSince),
      pool_since: poolSince === null ? null : iso(poolSince),
      previous_owner_id: previousOwner,
      released_at: previousOwner && poolSince ? iso(poolSince) : null,
      last_follow_up_at: lastFollowUp === null ? null : iso(lastFollowUp),
      next_follow_up_at: owner !== null && r.chance(0.4) ? iso(now + r.int(1, 30) * DAY) : null,
      last_deal_at: lastDeal === null ? null : iso(lastDeal),
      created_at: iso(createdAt),
      updated_at: iso(Math.max(createdAt, lastFollowUp ?? createdAt)),
      created_by: owner,
      updated_by: owner,
    });
    // Contacts: organisations have one to three people.
    const contactIds: number[] = [];
    const contactCount = organization ? r.weighted([[1, 50], [2, 35], [3, 15]] as const) : 0;
    for (let k = 0; k < contactCount; k++) {
      const p = english ? gen.englishPerson(r) : gen.chinesePerson(r);
      contactId++;
      contactIds.push(contactId);
      out.contacts.push({
        id: contactId,
        name: p.name,
        mobile: gen.mobile(r),
        email: r.chance(0.6) ? `${p.latin}@${company!.domain}` : null,
        gender: p.gender,
        department: r.pick(['采购部', '技术部', '财务部', '总经办', '行政部']),
        owner_id: owner,
        created_at: iso(createdAt),
      });
      out.links.push({ customer_id: id, contact_id: contactId, title: r.pick(w.contactTitles), is_primary: k === 0 });
    }
    for (const t of times) {
      const text = gen.followUpText(r, english);
      const author = owner ?? previousOwner ?? r.pick(owners.reps);
      out.followUps.push({
        customer_id: id,
        contact_id: contactIds.length ? r.pick(contactIds) : null,
        channel: text.channel,
        direction: text.direction,
        occurred_at: iso(t),
        summary: text.summary,
        outcome: text.outcome,
        author_id: author,
        created_at: iso(t),
        created_by: author,
      });
    }
    if (owner !== null && ownerSince !== null) {
      out.events.push({ customer_id: id, at: iso(ownerSince), kind: 'assigned', actor_id: null, from_user_id: null, to_user_id: owner, data: { demo: true } });
    }
    if (previousOwner !== null && poolSince !== null) {
      out.events.push({ customer_id: id, at: iso(poolSince), kind: 'released', actor_id: previousOwner, from_user_id: previousOwner, to_user_id: null, data: { reason: r.pick(['客户暂无需求', '联系不上', '已转给同事跟进', '客户已选择其他供应商']) } });
    }
    if (r.chance(0.15)) out.tagLinks.push({ customer_id: id, tag: r.int(0, 3) });
  }
  return out;
}

/** 12:00 today in `timeZone`, as an instant. */
function localNoon(now: number, timeZone: string): Date {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(now));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const localAsUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
  const offset = localAsUtc - Math.floor(now / 60_000) * 60_000;
  return new Date(Date.UTC(get('year'), get('month') - 1, get('day'), 12) - offset);
}

function demoTasks(r: Random, built: Built, reps: number[], now: number, timeZone: string): Array<Record<string, unknown>> {
  const byOwner = new Map<number, Array<{ id: number; name: string }>>();
  for (const c of built.customers) {
    if (typeof c.owner_id === 'number') byOwner.set(c.owner_id, [...(byOwner.get(c.owner_id) ?? []), { id: c.id as number, name: c.name as string }]);
  }
  const tasks: Array<Record<string, unknown>> = [];
  let n = 0;
  const todayNoon = localNoon(now, timeZone);
  for (const rep of reps) {
    const mine = byOwner.get(rep) ?? [];
    if (!mine.length) continue;
    const plan: Array<[number, string]> = [
      ...Array.from({ length: r.int(2, 4) }, () => [todayNoon.getTime() + r.int(-3, 6) * 3_600_000, 'today'] as [number, string]),
      ...Array.from({ length: r.int(1, 3) }, () => [todayNoon.getTime() - r.int(1, 10) * DAY, 'overdue'] as [number, string]),
      ...Array.from({ length: r.int(2, 5) }, () => [todayNoon.getTime() + r.int(1, 14) * DAY, 'upcoming'] as [number, string]),
    ];
    for (const [due] of plan) {
      const c = r.pick(mine);
      const kind = r.chance(0.7) ? 'follow_up' : 'manual';
      tasks.push({
        kind,
        title: kind === 'follow_up' ? `跟进：${c.name}` : r.pick([`给${c.name}发送报价`, `准备${c.name}的合同`, `回访${c.name}`, `确认${c.name}的发货`]),
        due_at: new Date(due).toISOString(),
        assignee_id: rep,
        customer_id: c.id,
        source_key: kind === 'follow_up' ? `demo:follow_up:${++n}` : null,
        priority: r.weighted([['normal', 70], ['high', 20], ['low', 10]] as const),
        created_by: rep,
      });
    }
  }
  return tasks;
}

async function count(db: DbOrTx, table: string): Promise<number> {
  const result = (await db.execute(sql.raw(`select count(*)::int as n from ${table}`))) as unknown as { rows: Array<{ n: number }> };
  return Number(result.rows[0]?.n ?? 0);
}

export async function loadDemo(database: Database, opts: DemoOptions = {}): Promise<DemoResult> {
  if ((await count(database.db, 'customers')) > 0) throw new Error('the database already has customers; the demo loads only into an empty database');
  const r = mulberry32(opts.seed ?? 20_250_101);
  const password = opts.password ?? DEMO_PASSWORD;
  const customerCount = opts.customers ?? 3000;
  const now = Date.now();
  const users: DemoUser[] = [];
  let sales: SalesCounts | null = null;

  await database.db.transaction(async (tx) => {
    const roles = (await tx.execute(sql`select id, key from roles where deleted_at is null`)) as unknown as { rows: Array<{ id: number; key: string }> };
    const roleId = new Map(roles.rows.map((x) => [x.key, Number(x.id)]));
    const hq = await insertDepartment(tx, null, { name: deptNames.hq });
    const deptId: Record<Dept, number> = {
      hq,
      east: await insertDepartment(tx, null, { name: deptNames.east, parentId: hq }),
      south: await insertDepartment(tx, null, { name: deptNames.south, parentId: hq }),
      service: await insertDepartment(tx, null, { name: deptNames.service, parentId: hq }),
    };
    const userId = new Map<string, number>();
    for (const p of people) {
      const email = `${p.latin}@guanxi-demo.cn`;
      const id = await insertUser(tx, null, {
        email,
        name: p.name,
        password,
        roleId: roleId.get(p.role)!,
        departmentId: deptId[p.dept],
        managerId: p.manager ? (userId.get(p.manager) ?? null) : null,
        mustChangePassword: false,
      });
      userId.set(p.key, id);
      users.push({ email, name: p.name, role: p.role, department: deptNames[p.dept] });
    }
    for (const [dept, key] of [['hq', 'boss'], ['east', 'eastMgr'], ['south', 'southMgr'], ['service', 'svc1']] as const) {
      await tx.execute(sql`update departments set manager_id = ${userId.get(key)!} where id = ${deptId[dept]}`);
    }
    for (const rule of defaultPoolRules) await insertPoolRule(tx, null, rule);
    const tagIds: number[] = [];
    for (const [name, color] of [['重点跟进', '#f5222d'], ['老客户转介绍', '#52c41a'], ['展会线索', '#1677ff'], ['价格敏感', '#fa8c16']] as const) {
      const res = (await tx.execute(sql`insert into tags (name, color) values (${name}, ${color}) returning id`)) as unknown as { rows: Array<{ id: number }> };
      tagIds.push(Number(res.rows[0]!.id));
    }

    const reps = people.filter((p) => p.role === 'sales' || p.role === 'manager').map((p) => userId.get(p.key)!);
    const salesReps = people.filter((p) => p.role === 'sales').map((p) => userId.get(p.key)!);
    const built = build(r, customerCount, { reps }, now);
    await insertJsonRows(tx, 'customers', customerColumns, built.customers, { explicitIds: true });
    await insertJsonRows(tx, 'contacts', contactColumns, built.contacts, { explicitIds: true });
    await insertJsonRows(tx, 'customer_contacts', linkColumns, built.links);
    await insertJsonRows(tx, 'follow_ups', followUpColumns, built.followUps, { batchSize: 2000 });
    await insertJsonRows(tx, 'customer_events', eventColumns, built.events);
    await insertJsonRows(tx, 'customer_tags', [['customer_id', 'bigint'], ['tag_id', 'bigint']], built.tagLinks.map((l) => ({ customer_id: l.customer_id, tag_id: tagIds[l.tag] })));
    await insertJsonRows(tx, 'tasks', taskColumns, demoTasks(r, built, salesReps, now, opts.timeZone ?? 'Asia/Shanghai'));
    await syncIdentity(tx, 'customers');
    await syncIdentity(tx, 'contacts');

    // The sales history draws from its own stream, so adding to it leaves the customers above unchanged.
    const primary = new Map(built.links.filter((l) => l.is_primary).map((l) => [l.customer_id as number, l.contact_id as number]));
    const salesCustomers: SalesCustomer[] = built.customers.map((c) => ({
      id: c.id as number,
      name: c.name as string,
      organization: c.kind === 'organization',
      importance: c.importance as string,
      ownerId: c.owner_id as number | null,
      previousOwnerId: c.previous_owner_id as number | null,
      createdAt: Date.parse(c.created_at as string),
      ownerSince: c.owner_since === null ? null : Date.parse(c.owner_since as string),
      poolSince: c.pool_since === null ? null : Date.parse(c.pool_since as string),
      hasDeal: c.last_deal_at !== null,
      primaryContactId: primary.get(c.id as number) ?? null,
    }));
    const members = (dept: Dept) => people.filter((p) => p.dept === dept && p.role === 'sales').map((p) => userId.get(p.key)!);
    sales = await loadDemoSales(
      tx,
      mulberry32((opts.seed ?? 20_250_101) ^ 0x5a1e5),
      salesCustomers,
      { reps, salesReps, adminId: userId.get('boss')!, departments: [{ id: deptId.east, members: members('east') }, { id: deptId.south, members: members('south') }] },
      { now, timeZone: opts.timeZone ?? 'Asia/Shanghai', ...(opts.orderNumberPattern ? { orderNumberPattern: opts.orderNumberPattern } : {}) },
    );
  });

  const job = await returnNeglectedCustomers(database);
  const [pool] = await database.rows<{ n: number }>(sql`select count(*)::int as n from customers where owner_id is null and deleted_at is null`);
  return {
    users,
    password,
    counts: {
      users: users.length,
      customers: await count(database.db, 'customers'),
      pool: Number(pool?.n ?? 0),
      contacts: await count(database.db, 'contacts'),
      followUps: await count(database.db, 'follow_ups'),
      tasks: await count(database.db, 'tasks'),
      returnedByRules: job.returned,
      poolWarnings: job.warned,
      sales: sales!,
    },
  };
}
