// The demo company's sales history on top of its customers: a product catalogue, about three
// years of orders with seasonality and per-customer buying behaviour, returns, opportunities in
// the default pipeline with their stage history, leads (some in the lead pool, some converted),
// payment plans with payments (some instalments overdue) and this year's targets.
//
// Who buys what is decided here, in JavaScript, from the seeded random source; every amount is
// computed by the database in numeric with the services' own formulas (order lines as
// orders.service.ts `writeLines`, returns as order-returns.service.ts, instalments summing exactly
// to total − returned_amount, paid_amount = the sum of allocations), so no money passes through a
// JavaScript float.
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { defaultOrderNumberPattern, renderDateTokens } from '../orders/order-number.js';
import { seedDefaultPipeline } from '../pipelines/pipelines.service.js';
import { insertJsonRows, syncIdentity } from './bulk-insert.js';
import { catalogue, type CatalogueProduct } from './catalogue.js';
import * as gen from './generate.js';
import type { Random } from './random.js';
import * as w from './zh-cn-words.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** What the sales history needs to know of a demo customer (the rows `load-demo.ts` built). */
export interface SalesCustomer {
  id: number;
  name: string;
  organization: boolean;
  importance: string;
  ownerId: number | null;
  previousOwnerId: number | null;
  createdAt: number;
  ownerSince: number | null;
  poolSince: number | null;
  /** load-demo.ts decided this owned customer has bought before. */
  hasDeal: boolean;
  primaryContactId: number | null;
}

export interface SalesPeople {
  /** Sales reps and managers who own customers and deals. */
  reps: number[];
  /** Sales reps only (the ones with targets). */
  salesReps: number[];
  /** Department id → its member reps, for department targets. */
  departments: Array<{ id: number; members: number[] }>;
  adminId: number;
}

export interface SalesOptions {
  now: number;
  timeZone: string;
  orderNumberPattern?: string;
}

export interface SalesCounts {
  products: number;
  orders: number;
  orderLines: number;
  returns: number;
  opportunities: number;
  leads: number;
  paymentPlans: number;
  instalments: number;
  payments: number;
  targets: number;
}

type Profile = 'none' | 'regular' | 'occasional' | 'one_timer' | 'lapsing' | 'new';

// ---- dates in the company's time zone ----

function localDates(timeZone: string) {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const cache = new Map<number, string>();
  /** YYYY-MM-DD of an instant, where the company is. */
  return (t: number): string => {
    const key = Math.floor(t / HOUR);
    let d = cache.get(key);
    if (d === undefined) {
      d = f.format(new Date(t));
      cache.set(key, d);
    }
    return d;
  };
}
const addDays = (date: string, days: number) => new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)) + days)).toISOString().slice(0, 10);
const dayNumber = (date: string) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY;

// ---- seasonality ----

/** 春节 (Lunar New Year's Day) of the years the demo spans. */
const springFestival: Record<number, string> = { 2022: '2022-02-01', 2023: '2023-01-22', 2024: '2024-02-10', 2025: '2025-01-29', 2026: '2026-02-17', 2027: '2027-02-06', 2028: '2028-01-26', 2029: '2029-02-13', 2030: '2030-02-03' };

/**
 * How busy a day is relative to an average one: the year-end push (Q4, budgets spent before the
 * books close), stocking up in the four weeks before 春节, the holiday week itself nearly dead, and
 * the summer lull of July and August.
 */
export function seasonWeight(date: string): number {
  const month = Number(date.slice(5, 7));
  const byMonth = [0, 1.0, 0.85, 1.0, 1.0, 1.0, 1.05, 0.7, 0.7, 1.0, 1.25, 1.4, 1.55][month]!;
  const year = Number(date.slice(0, 4));
  const day = dayNumber(date);
  for (const y of [year, year + 1]) {
    const sf = springFestival[y];
    if (!sf) continue;
    const d = dayNumber(sf) - day;
    if (d > 0 && d <= 28) return byMonth * 1.5;
    if (d <= 0 && d > -8) return 0.25;
  }
  return byMonth;
}
const maxSeason = 1.55 * 1.5;

// ---- random helpers ----

/** Standard normal (Box–Muller). */
function normal(r: Random): number {
  const u = Math.max(r.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.next());
}
/** Gamma-distributed gap with the given mean; shape k: large k is regular, 1 is memoryless. */
function gammaGap(r: Random, mean: number, k: number): number {
  // Sum of k exponentials (k integer) is Erlang-k.
  let s = 0;
  for (let i = 0; i < k; i++) s -= Math.log(Math.max(r.next(), 1e-12));
  return (s / k) * mean;
}

/**
 * Purchase instants between `from` and `to`: a renewal process with the profile's mean gap, thinned
 * by the season (a candidate day is kept with probability weight / max weight), so busy months get
 * more orders while the customer's own rhythm stays.
 */
function purchaseTimes(r: Random, from: number, to: number, meanGapDays: number, shape: number, date: (t: number) => string): number[] {
  const out: number[] = [];
  if (to <= from) return out;
  // Candidates come faster by the average thinning ratio, so the kept ones keep the mean gap.
  const mean = meanGapDays * DAY * (1 / maxSeason) * 1.05;
  let t = from + r.next() * mean;
  while (t < to) {
    if (r.next() < seasonWeight(date(t)) / maxSeason) out.push(t);
    t += gammaGap(r, mean, shape);
  }
  return out;
}

// ---- the plan, built in memory ----

interface PlannedOrder {
  id: number;
  customer: SalesCustomer;
  ownerId: number;
  at: number;
  date: string;
  status: 'draft' | 'confirmed' | 'fulfilled' | 'cancelled';
  confirmedAt: number | null;
  fulfilledAt: number | null;
  cancelledAt: number | null;
  lines: Array<{ product: number; quantity: number; rate: string; price: string | null }>;
  /** A rough value in yuan, only to pick which orders get deals and payment plans (never stored). */
  estimate: number;
  opportunityId: number | null;
}

const rates: ReadonlyArray<readonly [string, number]> = [['0', 62], ['0.05', 16], ['0.08', 10], ['0.1', 8], ['0.15', 4]];

function productWeights(profile: Profile): number[] {
  // Regulars come back for consumables and service renewals; others buy equipment.
  return catalogue.map((p) => p.weight * (profile === 'regular' ? (p.category === '耗材' ? 3 : p.category === '软件与服务' ? 1.5 : 0.6) : p.category === '耗材' ? 0.7 : 1));
}

function planLines(r: Random, size: number, weights: number[]): PlannedOrder['lines'] {
  const n = r.weighted([[1, 30], [2, 30], [3, 20], [4, 12], [5, 8]] as const);
  const picked = new Set<number>();
  const lines: PlannedOrder['lines'] = [];
  const items = catalogue.map((_, i) => [i, weights[i]!] as const);
  for (let k = 0; k < n; k++) {
    const i = r.weighted(items);
    if (picked.has(i)) continue;
    picked.add(i);
    const p = catalogue[i]!;
    const quantity = Math.min(500, Math.max(1, Math.round(p.typicalQuantity * size * (0.5 + r.next()))));
    const rate = r.weighted(rates);
    // A negotiated unit price on some lines: 3–8 % under list, whole yuan.
    const price = r.chance(0.1) ? `${Math.round(Number(p.listPrice) * (0.92 + r.next() * 0.05))}.00` : null;
    lines.push({ product: i, quantity, rate, price });
  }
  return lines;
}

const estimate = (lines: PlannedOrder['lines']) => lines.reduce((s, l) => s + l.quantity * Number(l.price ?? catalogue[l.product]!.listPrice) * (1 - Number(l.rate)), 0);

function profileOf(r: Random, c: SalesCustomer): Profile {
  if (c.ownerId === null) {
    if (c.previousOwnerId === null) return 'none';
    return r.weighted([['lapsing', 50], ['one_timer', 20], ['none', 30]] as const);
  }
  if (c.hasDeal) return r.weighted([['regular', 24], ['occasional', 36], ['one_timer', 16], ['lapsing', 24]] as const);
  return r.chance(0.17) ? 'new' : 'none';
}

/** Orders of one customer, per its profile, in time order. */
function customerOrders(r: Random, c: SalesCustomer, profile: Profile, now: number, quarterStart: number, date: (t: number) => string): Array<{ at: number; size: number; weights: number[] }> {
  const start = Math.max(c.createdAt + DAY, now - 3 * 365 * DAY);
  // Heavy-tailed account size: a few accounts buy far more per order than the rest.
  let size = Math.exp(0.95 * normal(r)) * (c.organization ? 1 : 0.35) * (c.importance === 'vip' ? 2.2 : c.importance === 'important' ? 1.4 : 1);
  let times: number[] = [];
  switch (profile) {
    case 'none':
      return [];
    case 'regular':
      times = purchaseTimes(r, start, now - 2 * HOUR, 30 + r.next() * 30, 4, date);
      break;
    case 'occasional':
      size *= 1.5;
      times = purchaseTimes(r, start, now - 2 * HOUR, 90 + r.next() * 150, 2, date);
      break;
    case 'one_timer':
      size *= 1.3;
      times = [start + r.next() * Math.max(DAY, (c.poolSince ?? now) - start - 30 * DAY)];
      break;
    case 'lapsing': {
      // Stopped buying 6–18 months ago, before the pool took them back if it did.
      const stop = Math.min(now - (180 + r.next() * 360) * DAY, (c.poolSince ?? now) - 20 * DAY);
      times = purchaseTimes(r, start, stop, r.chance(0.5) ? 35 + r.next() * 30 : 90 + r.next() * 90, 3, date);
      if (!times.length && stop > start) times = [start + r.next() * (stop - start)];
      break;
    }
    case 'new': {
      const from = Math.max(quarterStart, c.ownerSince ?? quarterStart, c.createdAt) + DAY;
      if (from < now - DAY) times = [from + r.next() * (now - DAY - from)];
      if (times.length && r.chance(0.3) && times[0]! < now - 10 * DAY) times.push(times[0]! + r.next() * (now - DAY - times[0]!));
      break;
    }
  }
  const weights = productWeights(profile);
  return times.filter((t) => t > c.createdAt && t < now - HOUR).map((at) => ({ at, size, weights }));
}

/** Status and milestones of an order placed at `at`: old orders are fulfilled, recent ones in flight. */
function lifecycle(r: Random, at: number, now: number): Pick<PlannedOrder, 'status' | 'confirmedAt' | 'fulfilledAt' | 'cancelledAt'> {
  const age = (now - at) / DAY;
  const status =
    age > 45
      ? r.weighted([['fulfilled', 93], ['cancelled', 4], ['confirmed', 3]] as const)
      : age > 14
        ? r.weighted([['fulfilled', 55], ['confirmed', 38], ['cancelled', 5], ['draft', 2]] as const)
        : r.weighted([['confirmed', 52], ['fulfilled', 24], ['draft', 18], ['cancelled', 6]] as const);
  const confirmedAt = status === 'draft' || (status === 'cancelled' && r.chance(0.6)) ? null : Math.min(at + r.int(1, 30) * HOUR, now - HOUR);
  let fulfilledAt = status === 'fulfilled' && confirmedAt !== null ? confirmedAt + r.int(2, 14) * DAY : null;
  let s: PlannedOrder['status'] = status;
  if (fulfilledAt !== null && fulfilledAt > now - HOUR) {
    fulfilledAt = null;
    s = 'confirmed';
  }
  const cancelledAt = status === 'cancelled' ? Math.min((confirmedAt ?? at) + r.int(1, 10) * DAY, now - HOUR) : null;
  return { status: s, confirmedAt, fulfilledAt, cancelledAt };
}

// ---- loading ----

async function rowsOf<T>(tx: DbOrTx, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await tx.execute(query)) as unknown as { rows: T[] }).rows;
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

export async function loadDemoSales(tx: DbOrTx, r: Random, customers: SalesCustomer[], people: SalesPeople, opts: SalesOptions): Promise<SalesCounts> {
  const { now, timeZone } = opts;
  const date = localDates(timeZone);
  const today = date(now);
  const month = Number(today.slice(5, 7));
  const quarterStartDate = `${today.slice(0, 4)}-${String(month - ((month - 1) % 3)).padStart(2, '0')}-01`;
  const quarterStart = now - (dayNumber(today) - dayNumber(quarterStartDate)) * DAY;

  // Products
  await insertJsonRows(
    tx,
    'products',
    [['sku', 'text'], ['name', 'text'], ['category', 'text'], ['unit', 'text'], ['list_price', 'numeric'], ['cost', 'numeric'], ['created_by', 'bigint'], ['updated_by', 'bigint']],
    catalogue.map((p: CatalogueProduct) => ({ sku: p.sku, name: p.name, category: p.category, unit: p.unit, list_price: p.listPrice, cost: p.cost, created_by: people.adminId, updated_by: people.adminId })),
  );
  const productRows = await rowsOf<{ id: number; sku: string }>(tx, sql`select id, sku from products where deleted_at is null`);
  const productId = new Map(productRows.map((p) => [p.sku, Number(p.id)]));
  const pid = (i: number) => productId.get(catalogue[i]!.sku)!;

  // Orders, in time order so ids and numbers follow the calendar.
  const planned: Array<Omit<PlannedOrder, 'id' | 'opportunityId'>> = [];
  for (const c of customers) {
    const profile = profileOf(r, c);
    for (const o of customerOrders(r, c, profile, now, quarterStart, date)) {
      const lines = planLines(r, o.size, o.weights);
      if (!lines.length) continue;
      const ownerId = c.ownerId ?? c.previousOwnerId ?? r.pick(people.reps);
      // Business hours where the company is: 09:00–18:00 Beijing time is 01:00–10:00 UTC.
      const at = Math.floor(o.at / DAY) * DAY + r.int(1, 9) * HOUR + r.int(0, 59) * 60_000;
      if (at >= now - HOUR || at <= c.createdAt) continue;
      planned.push({ customer: c, ownerId, at, date: date(at), ...lifecycle(r, at, now), lines, estimate: estimate(lines) });
    }
  }
  planned.sort((a, b) => a.at - b.at);
  const orders: PlannedOrder[] = planned.map((o, i) => ({ ...o, id: i + 1, opportunityId: null }));

  // Deals: about a third of the larger confirmed or fulfilled orders were won through an opportunity.
  const stages = await stagesOfDefault(tx);
  const deals: Array<Record<string, unknown>> = [];
  const history: Array<Record<string, unknown>> = [];
  const dealProducts: Array<Record<string, unknown>> = [];
  const openStages = stages.filter((s) => s.kind === 'open');
  const won = stages.find((s) => s.kind === 'won')!;
  const lost = stages.find((s) => s.kind === 'lost')!;
  const stageName = (p: number) => catalogue[p]!.name;
  /** History of a deal from creation through `path` (open stages) to `last`, evenly spread over its life. */
  const walk = (dealId: number, actor: number, created: number, path: typeof stages, last: (typeof stages)[number], enteredLast: number, reason: string | null) => {
    const steps = [...path, last];
    let prev: (typeof stages)[number] | null = null;
    let prevAt = created;
    steps.forEach((s, k) => {
      const at = k === 0 ? created : k === steps.length - 1 ? enteredLast : created + ((enteredLast - created) * k) / (steps.length - 1);
      history.push({
        opportunity_id: dealId,
        from_stage_id: prev?.id ?? null,
        to_stage_id: s.id,
        at: iso(Math.round(at)),
        actor_id: actor,
        seconds_in_previous: prev === null ? null : Math.max(0, Math.floor((at - prevAt) / 1000)),
        reason: k === steps.length - 1 && s.kind !== 'open' ? reason : null,
      });
      prev = s;
      prevAt = at;
    });
  };
  const pipelineId = stages[0]!.pipelineId;
  const addDeal = (d: { customer: SalesCustomer; owner: number; created: number; stage: (typeof stages)[number]; entered: number; amount: string | null; product: number; expected: string | null; reason: string | null; leadId?: number | null; override?: number | null }) => {
    const id = deals.length + 1;
    const closed = d.stage.kind === 'open' ? null : d.entered;
    // A deal still in the first stage entered it when it was created.
    if (d.stage === openStages[0]) d.created = d.entered;
    // One open deal in twelve is an export deal quoted in US dollars (about ¥7 to the dollar),
    // picked by id so the random sequence of everything after stays the same.
    const usd = d.stage.kind === 'open' && d.amount !== null && id % 12 === 0;
    deals.push({
      id,
      name: `${d.customer.name.length > 12 ? d.customer.name.slice(0, 12) : d.customer.name} · ${stageName(d.product)}`,
      customer_id: d.customer.id,
      contact_id: d.customer.primaryContactId,
      owner_id: d.owner,
      pipeline_id: pipelineId,
      stage_id: d.stage.id,
      status: d.stage.kind,
      amount: usd ? `${Math.max(1, Math.round(Number(d.amount) / 700)) * 100}.00` : (d.amount ?? '0'),
      currency: usd ? 'USD' : 'CNY',
      probability_override: d.override ?? null,
      expected_close_date: d.expected ?? (closed === null ? null : date(closed)),
      competitors: r.chance(0.4) ? [r.pick(['华鼎科技', '东信办公', '中航智控', '蓝海网络', '众合设备'])] : [],
      close_reason: d.reason,
      closed_at: iso(closed),
      lead_id: d.leadId ?? null,
      stage_entered_at: iso(d.entered),
      last_activity_at: iso(d.stage.kind === 'open' ? Math.max(d.entered, now - r.int(0, 30) * DAY - r.int(0, 23) * HOUR) : d.entered),
      created_at: iso(d.created),
      updated_at: iso(d.entered),
      created_by: d.owner,
      updated_by: d.owner,
    });
    dealProducts.push({ opportunity_id: id, product_id: pid(d.product), quantity: String(catalogue[d.product]!.typicalQuantity) });
    const path = d.stage.kind === 'open' ? openStages.slice(0, openStages.indexOf(d.stage)) : openStages.slice(0, r.int(1, openStages.length));
    walk(id, d.owner, d.created, path, d.stage, d.entered, d.reason);
    return id;
  };
  for (const o of orders) {
    if ((o.status === 'confirmed' || o.status === 'fulfilled') && o.estimate >= 8000 && r.chance(0.35)) {
      const created = Math.max(o.customer.createdAt, o.at - r.int(15, 90) * DAY);
      // The amount becomes the order's total when it is confirmed (winOpportunity); filled in SQL below.
      o.opportunityId = addDeal({ customer: o.customer, owner: o.ownerId, created, stage: won, entered: o.confirmedAt!, amount: null, product: o.lines[0]!.product, expected: o.date, reason: null });
    }
  }
  const wonDeals = deals.length;
  const lostReasons = ['价格高于竞品', '客户预算取消', '选择了竞争对手', '需求变更，项目暂停', '决策人变动', '交期无法满足'];
  const workable = customers.filter((c) => c.ownerId !== null || c.previousOwnerId !== null);
  for (let k = 0; k < Math.round(wonDeals * 0.45); k++) {
    const c = r.pick(workable);
    const created = Math.max(c.createdAt + DAY, now - r.int(20, 3 * 365) * DAY);
    const closed = Math.min(now - HOUR, created + r.int(10, 120) * DAY);
    const product = r.int(0, catalogue.length - 1);
    addDeal({ customer: c, owner: c.ownerId ?? c.previousOwnerId!, created, stage: lost, entered: closed, amount: `${r.int(20, 900) * 100}.00`, product, expected: date(closed), reason: r.pick(lostReasons) });
  }
  // Open deals: a handful per rep, across the open stages, most expected to close over the next
  // months, a few already past their date (slipping), some without activity for weeks (stale).
  const byOwner = new Map<number, SalesCustomer[]>();
  for (const c of customers) if (c.ownerId !== null) byOwner.set(c.ownerId, [...(byOwner.get(c.ownerId) ?? []), c]);
  for (const rep of people.reps) {
    const mine = byOwner.get(rep) ?? [];
    if (!mine.length) continue;
    for (let k = r.int(8, 16); k > 0; k--) {
      const c = r.pick(mine);
      const stage = r.weighted(openStages.map((s, i) => [s, [35, 28, 22, 15][i] ?? 10] as const));
      const entered = Math.max(now - r.int(1, 50) * DAY - r.int(0, 23) * HOUR, c.createdAt + 2 * HOUR);
      const created = Math.max(c.createdAt + HOUR, entered - r.int(0, 60) * DAY);
      const product = r.int(0, catalogue.length - 1);
      addDeal({
        customer: c, owner: rep, created, stage, entered, amount: `${r.int(30, 1500) * 100}.00`, product,
        expected: addDays(today, r.chance(0.1) ? -r.int(1, 20) : r.int(7, 180)), reason: null, override: r.chance(0.1) ? r.pick([20, 40, 50, 70, 90]) : null,
      });
    }
  }

  // Leads, some converted into the customers above (a customer received in the last two years).
  const leadRows: Array<Record<string, unknown>> = [];
  const leadFollowUps: Array<Record<string, unknown>> = [];
  const [form] = await rowsOf<{ id: number }>(tx, sql`insert into lead_forms (name, public_key, fields, default_owner_id, thank_you_text, created_by, updated_by)
    values ('官网产品咨询表单', ${`demo-${Math.floor(r.next() * 1e12).toString(36)}`}, ${sql.raw(`array['companyName', 'mobile', 'email', 'notes']::text[]`)}, null, '感谢您的咨询，我们会在一个工作日内联系您。', ${people.adminId}, ${people.adminId}) returning id`);
  const convertible = customers.filter((c) => c.ownerId !== null && c.createdAt > now - 2 * 365 * DAY && c.createdAt < now - 10 * DAY);
  const converted = new Set<number>();
  const leadSources = ['web_form', 'import', 'trade_show', 'referral', 'campaign', 'cold_call', 'other'] as const;
  const disqualifyReasons = ['无采购预算', '联系方式无效', '个人咨询，非企业需求', '已有长期供应商', '重复线索'];
  const leadCount = 300;
  for (let i = 0; i < leadCount; i++) {
    const status = r.weighted([['new', 60], ['contacted', 85], ['qualified', 45], ['disqualified', 50], ['converted', 60]] as const);
    const source = r.weighted(leadSources.map((s, k) => [s, [25, 8, 16, 15, 15, 15, 6][k]!] as const));
    const person = gen.chinesePerson(r);
    const where = gen.place(r);
    const company = r.chance(0.8) ? gen.chineseCompany(r, where) : null;
    let customer: SalesCustomer | null = null;
    if (status === 'converted') {
      customer = r.pick(convertible);
      if (converted.has(customer.id)) customer = convertible.find((c) => !converted.has(c.id)) ?? null;
      if (customer) converted.add(customer.id);
    }
    const finalStatus = status === 'converted' && !customer ? 'qualified' : status;
    // New and contacted leads are recent: older ones would have gone back to the lead pool.
    const convertedAt = customer ? customer.createdAt : null;
    const created = convertedAt !== null ? convertedAt - r.int(3, 45) * DAY : finalStatus === 'new' ? now - r.int(0, 20) * DAY - r.int(0, 23) * HOUR : now - r.int(5, 300) * DAY;
    const inPool = (finalStatus === 'new' && r.chance(0.3)) || (finalStatus === 'contacted' && r.chance(0.15));
    const owner = customer ? customer.ownerId! : inPool ? null : r.pick(people.salesReps);
    const poolSince = inPool ? Math.max(created, now - r.int(0, 40) * DAY) : null;
    const id = i + 1;
    const fuCount = finalStatus === 'new' ? 0 : r.int(1, 3);
    const times: number[] = [];
    for (let k = 0; k < fuCount; k++) {
      const end = convertedAt ?? (finalStatus === 'contacted' && !inPool ? now - HOUR : now - HOUR);
      const begin = finalStatus === 'contacted' && !inPool ? Math.max(created, now - 20 * DAY) : created;
      times.push(begin + r.next() * Math.max(HOUR, end - begin));
    }
    times.sort((a, b) => a - b);
    const author = owner ?? r.pick(people.salesReps);
    for (const t of times) {
      const text = gen.followUpText(r, false);
      leadFollowUps.push({
        lead_id: id, customer_id: customer?.id ?? null, channel: text.channel, direction: text.direction, occurred_at: iso(t), summary: text.summary, outcome: text.outcome,
        author_id: author, created_at: iso(t), created_by: author,
      });
    }
    let opportunityId: number | null = null;
    if (customer && r.chance(0.6)) {
      const openish = r.chance(0.5);
      opportunityId = addDeal({
        customer, owner: customer.ownerId!, created: convertedAt!, stage: openish ? openStages[r.int(0, 1)]! : lost, entered: openish ? Math.max(convertedAt!, now - r.int(1, 40) * DAY) : Math.min(now - HOUR, convertedAt! + r.int(10, 60) * DAY),
        amount: `${r.int(20, 600) * 100}.00`, product: r.int(0, catalogue.length - 1), expected: openish ? addDays(today, r.int(10, 150)) : null, reason: openish ? null : r.pick(lostReasons), leadId: id,
      });
    }
    leadRows.push({
      id,
      name: person.name,
      company_name: company?.name ?? null,
      title: company ? r.pick(w.contactTitles) : null,
      mobile: gen.mobile(r),
      phone: null,
      email: r.chance(0.5) ? (company ? `${person.latin}@${company.domain}` : gen.personalEmail(r, person)) : null,
      wechat: r.chance(0.3) ? `wx_${person.latin.replace('.', '_')}${r.int(1, 99)}` : null,
      province: where.province,
      city: where.city,
      source,
      status: finalStatus,
      disqualify_reason: finalStatus === 'disqualified' ? r.pick(disqualifyReasons) : null,
      notes: r.chance(0.3) ? r.pick(['对网络设备改造感兴趣', '询问打印机租赁方案', '展会上留下名片', '需要工业传感器报价', '老客户推荐']) : null,
      owner_id: owner,
      owner_since: owner === null ? null : iso(Math.min(created + r.int(0, 48) * HOUR, now - HOUR)),
      pool_since: iso(poolSince),
      previous_owner_id: inPool && r.chance(0.5) ? r.pick(people.salesReps) : null,
      last_activity_at: iso(times.length ? times[times.length - 1]! : null),
      form_id: source === 'web_form' ? Number(form!.id) : null,
      converted_customer_id: customer?.id ?? null,
      converted_contact_id: customer?.primaryContactId ?? null,
      converted_opportunity_id: opportunityId,
      converted_at: iso(convertedAt),
      converted_by: customer ? customer.ownerId : null,
      created_at: iso(created),
      updated_at: iso(times.length ? Math.max(created, times[times.length - 1]!) : created),
      created_by: owner,
      updated_by: owner,
    });
  }

  // ---- write it ----
  // Numbers as nextOrderNumber renders them, counted per day in time order; the counters carry on from there.
  const pattern = opts.orderNumberPattern ?? defaultOrderNumberPattern;
  const seqToken = /\{seq(?::(\d{1,2}))?\}/;
  const counters = new Map<string, number>();
  const orderRows = orders.map((o) => {
    const scope = renderDateTokens(pattern, new Date(o.at), timeZone);
    const seq = (counters.get(scope) ?? 0) + 1;
    counters.set(scope, seq);
    return {
      id: o.id,
      number: scope.replace(seqToken, (_m, width: string | undefined) => String(seq).padStart(width ? Number(width) : 1, '0')),
      customer_id: o.customer.id,
      owner_id: o.ownerId,
      order_date: o.date,
      status: o.status,
      opportunity_id: o.opportunityId,
      confirmed_at: iso(o.confirmedAt),
      fulfilled_at: iso(o.fulfilledAt),
      cancelled_at: iso(o.cancelledAt),
      created_at: iso(o.at),
      updated_at: iso(o.fulfilledAt ?? o.cancelledAt ?? o.confirmedAt ?? o.at),
      created_by: o.ownerId,
      updated_by: o.ownerId,
    };
  });
  await insertJsonRows(
    tx,
    'orders',
    [['id', 'bigint'], ['number', 'text'], ['customer_id', 'bigint'], ['owner_id', 'bigint'], ['order_date', 'date'], ['status', 'text'], ['opportunity_id', 'bigint'],
      ['confirmed_at', 'timestamptz'], ['fulfilled_at', 'timestamptz'], ['cancelled_at', 'timestamptz'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'], ['created_by', 'bigint'], ['updated_by', 'bigint']],
    orderRows,
    { explicitIds: true, batchSize: 2000 },
  );
  await syncIdentity(tx, 'orders');
  await insertJsonRows(tx, 'order_number_counters', [['scope', 'text'], ['last_value', 'int']], [...counters].map(([scope, last]) => ({ scope, last_value: last })));

  // Lines with the service's formulas (orders.service.ts writeLines): a null price or cost takes the product's.
  const lineRows = orders.flatMap((o) => o.lines.map((l, k) => ({ order_id: o.id, pos: k + 1, product_id: pid(l.product), qty: String(l.quantity), price: l.price, rate: l.rate })));
  for (let i = 0; i < lineRows.length; i += 4000) {
    await tx.execute(sql`
      insert into order_lines (order_id, position, product_id, quantity, unit_price, discount_rate, gross_amount, discount_amount, amount, unit_cost, cost)
      select v.order_id, v.pos, p.id, v.qty, g.price, v.rate, g.gross, g.discount, g.gross - g.discount, g.unit_cost, round(v.qty * g.unit_cost, 2)
      from jsonb_to_recordset(${JSON.stringify(lineRows.slice(i, i + 4000))}::jsonb) as v (order_id bigint, pos int, product_id bigint, qty numeric, price numeric, rate numeric)
      join products p on p.id = v.product_id
      cross join lateral (select coalesce(v.price, p.list_price) as price, coalesce(p.cost, 0) as unit_cost) c
      cross join lateral (select c.price, c.unit_cost, round(v.qty * c.price, 2) as gross, round(round(v.qty * c.price, 2) * v.rate, 2) as discount) g`);
  }
  await tx.execute(sql`
    update orders o set subtotal = s.subtotal, discount_amount = s.discount, total = s.total, cost = s.cost, gross_margin = s.total - s.cost
    from (select order_id, coalesce(sum(gross_amount), 0) as subtotal, coalesce(sum(discount_amount), 0) as discount,
                 coalesce(sum(amount), 0) as total, coalesce(sum(cost), 0) as cost
          from order_lines group by order_id) s
    where o.id = s.order_id`);

  // Returns: part of one line of about 3 % of fulfilled orders, priced as order-returns.service.ts does.
  const returns: Array<Record<string, unknown>> = [];
  for (const o of orders) {
    if (o.status !== 'fulfilled' || !r.chance(0.03)) continue;
    const k = r.int(0, o.lines.length - 1);
    const line = o.lines[k]!;
    const on = Math.min(now - HOUR, o.fulfilledAt! + r.int(3, 30) * DAY);
    returns.push({
      id: returns.length + 1, order_id: o.id, pos: k + 1, qty: String(line.quantity === 1 ? 1 : r.int(1, Math.max(1, Math.floor(line.quantity / 2)))),
      returned_on: date(on), reason: r.pick(['质量问题，客户退回', '型号订错', '运输途中破损', '客户多订，协商退货']), at: iso(on), by: o.ownerId,
    });
  }
  await insertJsonRows(
    tx,
    'order_returns',
    [['id', 'bigint'], ['order_id', 'bigint'], ['returned_on', 'date'], ['reason', 'text'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'], ['created_by', 'bigint'], ['updated_by', 'bigint']],
    returns.map((x) => ({ id: x.id, order_id: x.order_id, returned_on: x.returned_on, reason: x.reason, created_at: x.at, updated_at: x.at, created_by: x.by, updated_by: x.by })),
    { explicitIds: true },
  );
  await syncIdentity(tx, 'order_returns');
  if (returns.length) {
    // Nothing was returned before on these lines (earlier = 0), so the cumulative-share formula is round(amount × q / qty, 2).
    await tx.execute(sql`
      insert into order_return_lines (return_id, order_line_id, quantity, amount, cost)
      select v.id, l.id, v.qty, round(l.amount * v.qty / l.quantity, 2) - round(l.amount * 0 / l.quantity, 2), round(l.cost * v.qty / l.quantity, 2) - round(l.cost * 0 / l.quantity, 2)
      from jsonb_to_recordset(${JSON.stringify(returns.map((x) => ({ id: x.id, order_id: x.order_id, pos: x.pos, qty: x.qty })))}::jsonb) as v (id bigint, order_id bigint, pos int, qty numeric)
      join order_lines l on l.order_id = v.order_id and l.position = v.pos`);
    await tx.execute(sql`
      update order_returns r set amount = s.amount, cost = s.cost
      from (select return_id, sum(amount) as amount, sum(cost) as cost from order_return_lines group by return_id) s where r.id = s.return_id`);
    await tx.execute(sql`
      update orders o set returned_amount = s.amount, returned_cost = s.cost
      from (select order_id, sum(amount) as amount, sum(cost) as cost from order_returns where deleted_at is null group by order_id) s where o.id = s.order_id`);
  }

  // Deals: a won deal's amount is its order's total, as winOpportunity sets it.
  await insertJsonRows(
    tx,
    'opportunities',
    [['id', 'bigint'], ['name', 'text'], ['customer_id', 'bigint'], ['contact_id', 'bigint'], ['owner_id', 'bigint'], ['pipeline_id', 'bigint'], ['stage_id', 'bigint'], ['status', 'text'],
      ['amount', 'numeric'], ['currency', 'text'], ['probability_override', 'int'], ['expected_close_date', 'date'], ['competitors', 'jsonb'], ['close_reason', 'text'], ['closed_at', 'timestamptz'], ['lead_id', 'bigint'],
      ['stage_entered_at', 'timestamptz'], ['last_activity_at', 'timestamptz'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'], ['created_by', 'bigint'], ['updated_by', 'bigint']],
    deals,
    { explicitIds: true },
  );
  await syncIdentity(tx, 'opportunities');
  await tx.execute(sql`update opportunities o set amount = x.total from orders x where x.opportunity_id = o.id and o.status = 'won'`);
  // An owned customer's orders are its owner's: the owner has had it since its first order at the latest.
  await tx.execute(sql`
    update customers c set owner_since = f.first
    from (select customer_id, owner_id, min(created_at) as first from orders group by customer_id, owner_id) f
    where c.id = f.customer_id and c.owner_id = f.owner_id and c.owner_since > f.first`);
  await tx.execute(sql`
    update customer_events e set at = c.owner_since from customers c
    where e.customer_id = c.id and e.kind = 'assigned' and e.to_user_id = c.owner_id and e.at > c.owner_since`);
  await insertJsonRows(tx, 'opportunity_products', [['opportunity_id', 'bigint'], ['product_id', 'bigint'], ['quantity', 'numeric']], dealProducts);
  await insertJsonRows(
    tx,
    'opportunity_stage_history',
    [['opportunity_id', 'bigint'], ['from_stage_id', 'bigint'], ['to_stage_id', 'bigint'], ['at', 'timestamptz'], ['actor_id', 'bigint'], ['seconds_in_previous', 'int'], ['reason', 'text']],
    history,
    { batchSize: 2000 },
  );

  await insertJsonRows(
    tx,
    'leads',
    [['id', 'bigint'], ['name', 'text'], ['company_name', 'text'], ['title', 'text'], ['mobile', 'text'], ['phone', 'text'], ['email', 'text'], ['wechat', 'text'], ['province', 'text'], ['city', 'text'],
      ['source', 'text'], ['status', 'text'], ['disqualify_reason', 'text'], ['notes', 'text'], ['owner_id', 'bigint'], ['owner_since', 'timestamptz'], ['pool_since', 'timestamptz'],
      ['previous_owner_id', 'bigint'], ['last_activity_at', 'timestamptz'], ['form_id', 'bigint'], ['converted_customer_id', 'bigint'], ['converted_contact_id', 'bigint'],
      ['converted_opportunity_id', 'bigint'], ['converted_at', 'timestamptz'], ['converted_by', 'bigint'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'], ['created_by', 'bigint'], ['updated_by', 'bigint']],
    leadRows,
    { explicitIds: true },
  );
  await syncIdentity(tx, 'leads');
  await insertJsonRows(
    tx,
    'follow_ups',
    [['lead_id', 'bigint'], ['customer_id', 'bigint'], ['channel', 'text'], ['direction', 'text'], ['occurred_at', 'timestamptz'], ['summary', 'text'], ['outcome', 'text'], ['author_id', 'bigint'], ['created_at', 'timestamptz'], ['created_by', 'bigint']],
    leadFollowUps,
  );

  // Payment plans for the larger owed orders of the last eight months: 1–4 instalments a month
  // apart summing exactly to what is owed. Each paid (or half-paid) instalment got one payment,
  // allocated to it; older instalments are mostly paid, recent ones often not yet — overdue.
  const plans: Array<Record<string, unknown>> = [];
  const instalments: Array<Record<string, unknown>> = [];
  const payments: Array<Record<string, unknown>> = [];
  // An order with a return is left without a plan: what is owed on it may be little or nothing.
  const withReturns = new Set(returns.map((x) => x.order_id as number));
  for (const o of orders) {
    if ((o.status !== 'confirmed' && o.status !== 'fulfilled') || o.at < now - 240 * DAY || o.estimate < 3000 || withReturns.has(o.id) || !r.chance(0.65)) continue;
    const planId = plans.length + 1;
    plans.push({ id: planId, order_id: o.id, notes: r.chance(0.2) ? r.pick(['按合同约定分期付款', '首付款到账后发货', '月结 30 天']) : null, created_at: iso(o.confirmedAt), created_by: o.ownerId });
    const n = r.weighted([[1, 35], [2, 35], [3, 20], [4, 10]] as const);
    for (let seq = 1; seq <= n; seq++) {
      const due = addDays(o.date, 30 * seq - (seq === 1 && r.chance(0.3) ? 20 : 0));
      const late = dayNumber(today) - dayNumber(due);
      // The customer's habit: most pay on time; a few rarely do.
      const pay = late > 60 ? r.weighted([['full', 90], ['half', 3], ['none', 7]] as const) : late > 0 ? r.weighted([['full', 70], ['half', 8], ['none', 22]] as const) : r.weighted([['full', 8], ['none', 92]] as const);
      const id = instalments.length + 1;
      instalments.push({ id, plan_id: planId, order_id: o.id, seq, n, due_date: due });
      if (pay !== 'none') {
        const receivedOn = late > 0 ? addDays(due, r.int(-10, Math.min(20, late))) : addDays(today, -r.int(0, Math.min(20, Math.max(0, dayNumber(today) - dayNumber(o.date)))));
        payments.push({
          id: payments.length + 1, instalment_id: id, order_id: o.id, half: pay === 'half', received_on: receivedOn < o.date ? o.date : receivedOn,
          method: r.weighted([['bank_transfer', 70], ['wechat_pay', 10], ['alipay', 8], ['cheque', 7], ['cash', 5]] as const), reference: `HD${o.date.replace(/-/g, '')}${String(id).padStart(5, '0')}`, by: o.ownerId,
        });
      }
    }
  }
  await insertJsonRows(tx, 'payment_plans', [['id', 'bigint'], ['order_id', 'bigint'], ['notes', 'text'], ['created_at', 'timestamptz'], ['created_by', 'bigint']], plans, { explicitIds: true });
  await syncIdentity(tx, 'payment_plans');
  for (let i = 0; i < instalments.length; i += 4000) {
    // Equal parts rounded to the cent, the last taking the remainder: the sum is exactly total − returned.
    await tx.execute(sql`
      insert into payment_instalments (id, plan_id, order_id, owner_id, customer_id, seq, due_date, amount) overriding system value
      select v.id, v.plan_id, v.order_id, o.owner_id, o.customer_id, v.seq, v.due_date,
        case when v.seq < v.n then round((o.total - o.returned_amount) / v.n, 2) else (o.total - o.returned_amount) - (v.n - 1) * round((o.total - o.returned_amount) / v.n, 2) end
      from jsonb_to_recordset(${JSON.stringify(instalments.slice(i, i + 4000))}::jsonb) as v (id bigint, plan_id bigint, order_id bigint, seq int, n int, due_date date)
      join orders o on o.id = v.order_id`);
  }
  await syncIdentity(tx, 'payment_instalments');
  for (let i = 0; i < payments.length; i += 4000) {
    await tx.execute(sql`
      insert into payments (id, order_id, customer_id, amount, received_on, method, reference, created_at, updated_at, created_by, updated_by) overriding system value
      select v.id, o.id, o.customer_id, case when v.half then round(i.amount / 2, 2) else i.amount end, v.received_on, v.method, v.reference,
        v.received_on + time '10:00', v.received_on + time '10:00', v.by, v.by
      from jsonb_to_recordset(${JSON.stringify(payments.slice(i, i + 4000))}::jsonb) as v (id bigint, instalment_id bigint, order_id bigint, half boolean, received_on date, method text, reference text, by bigint)
      join payment_instalments i on i.id = v.instalment_id join orders o on o.id = v.order_id`);
    await tx.execute(sql`
      insert into payment_allocations (payment_id, instalment_id, amount, created_at)
      select p.id, v.instalment_id, p.amount, p.created_at
      from jsonb_to_recordset(${JSON.stringify(payments.slice(i, i + 4000).map((p) => ({ id: p.id, instalment_id: p.instalment_id })))}::jsonb) as v (id bigint, instalment_id bigint)
      join payments p on p.id = v.id`);
  }
  await syncIdentity(tx, 'payments');
  // paid_amount is the sum of the instalment's live allocations, as receivables.service.ts keeps it.
  await tx.execute(sql`
    update payment_instalments i set paid_amount = s.paid
    from (select instalment_id, sum(amount) as paid from payment_allocations where reversed_at is null group by instalment_id) s
    where i.id = s.instalment_id`);

  // The customers' last deal: the latest confirmation, fulfilment or won deal, as the services stamp it.
  await tx.execute(sql`
    update customers c set last_deal_at = d.at
    from (select c2.id, greatest(
            (select max(greatest(o.confirmed_at, o.fulfilled_at)) from orders o where o.customer_id = c2.id and o.deleted_at is null and o.status in ('confirmed', 'fulfilled')),
            (select max(x.closed_at) from opportunities x where x.customer_id = c2.id and x.deleted_at is null and x.status = 'won')) as at
          from customers c2) d
    where c.id = d.id and c.last_deal_at is distinct from d.at`);
  // Converted leads brought their follow-ups to the customer.
  await tx.execute(sql`
    update customers c set last_follow_up_at = f.at
    from (select customer_id, max(occurred_at) as at from follow_ups where deleted_at is null and customer_id is not null group by customer_id) f
    where c.id = f.customer_id and c.last_follow_up_at is distinct from f.at`);

  const targets = await loadTargets(tx, r, people, today);
  return {
    products: catalogue.length,
    orders: orders.length,
    orderLines: lineRows.length,
    returns: returns.length,
    opportunities: deals.length,
    leads: leadRows.length,
    paymentPlans: plans.length,
    instalments: instalments.length,
    payments: payments.length,
    targets,
  };
}

interface StageRow {
  id: number;
  pipelineId: number;
  kind: 'open' | 'won' | 'lost';
  position: number;
}

async function stagesOfDefault(tx: DbOrTx): Promise<StageRow[]> {
  await seedDefaultPipeline(tx);
  const rows = await rowsOf<{ id: number; pipeline_id: number; kind: StageRow['kind']; position: number }>(
    tx,
    sql`select s.id, s.pipeline_id, s.kind, s.position from pipeline_stages s join pipelines p on p.id = s.pipeline_id
        where p.is_default and p.deleted_at is null and s.deleted_at is null order by s.position, s.id`,
  );
  return rows.map((s) => ({ id: Number(s.id), pipelineId: Number(s.pipeline_id), kind: s.kind, position: s.position }));
}

/**
 * This year's monthly and quarterly targets, and last year's fourth quarter for comparison: each
 * rep's is their average month of the twelve before the target's year (net of returns) times a
 * stretch factor of their own — the ambitious ones fall behind schedule — shaped by the season;
 * a department's is the sum of its members', counting orders; one rep is measured on payments.
 */
async function loadTargets(tx: DbOrTx, r: Random, people: SalesPeople, today: string): Promise<number> {
  const year = Number(today.slice(0, 4));
  const stretch = [0.85, 1.0, 1.1, 1.25, 1.45, 1.7, 2.0];
  const factors = people.salesReps.map((id, i) => ({ id, factor: stretch[i % stretch.length]!, basis: i === 2 ? 'payments' : 'orders', count: r.chance(0.5) }));
  const json = JSON.stringify(factors);
  // Seasonal shape of a month's target, so December asks more than August (seasonWeight's months).
  const shape = JSON.stringify([1.0, 0.85, 1.0, 1.0, 1.0, 1.05, 0.7, 0.7, 1.0, 1.25, 1.4, 1.55]);
  for (const [y, firstQuarter] of [[year - 1, 4], [year, 1]] as const) {
    const yearStart = `${y}-01-01`;
    await tx.execute(sql`
      with f as (select * from jsonb_to_recordset(${json}::jsonb) as x (id bigint, factor numeric, basis text, count boolean)),
      base as (
        select f.id, f.factor, f.basis, f.count,
          coalesce((select sum(o.total - o.returned_amount) from orders o where o.owner_id = f.id and o.deleted_at is null and o.status in ('confirmed', 'fulfilled')
                     and o.order_date >= ${yearStart}::date - interval '12 months' and o.order_date < ${yearStart}::date), 0) / 12 as monthly,
          (select count(*) from orders o where o.owner_id = f.id and o.deleted_at is null and o.status in ('confirmed', 'fulfilled')
             and o.order_date >= ${yearStart}::date - interval '12 months' and o.order_date < ${yearStart}::date) / 12.0 as monthly_n
        from f
      ), m as (select g as m, (${shape}::jsonb ->> (g - 1))::numeric as w from generate_series(1, 12) g)
      insert into sales_targets (subject, user_id, period, period_start, amount_target, count_target, basis, notes, created_by, updated_by)
      select 'user', b.id, 'month', make_date(${y}::int, m.m, 1), greatest(round(b.monthly * b.factor * m.w / 1000) * 1000, 10000),
        case when b.count then greatest(round(b.monthly_n * b.factor * m.w), 1)::int else null end, b.basis, null, ${people.adminId}::bigint, ${people.adminId}::bigint
      from base b cross join m where m.m >= ${firstQuarter * 3 - 2}::int
      union all
      select 'user', b.id, 'quarter', make_date(${y}::int, q * 3 - 2, 1),
        greatest(round(b.monthly * b.factor * (select sum(w) from m where m.m between q * 3 - 2 and q * 3) / 1000) * 1000, 30000),
        case when b.count then greatest(round(b.monthly_n * b.factor * (select sum(w) from m where m.m between q * 3 - 2 and q * 3)), 1)::int else null end, b.basis,
        case when b.factor >= 1.45 then '冲刺目标' else null end, ${people.adminId}::bigint, ${people.adminId}::bigint
      from base b cross join generate_series(${firstQuarter}::int, 4) q`);
  }
  for (const d of people.departments) {
    if (!d.members.length) continue;
    await tx.execute(sql`
      insert into sales_targets (subject, department_id, period, period_start, amount_target, basis, created_by, updated_by)
      select 'department', ${d.id}::bigint, t.period, t.period_start, sum(t.amount_target), 'orders', ${people.adminId}::bigint, ${people.adminId}::bigint
      from sales_targets t
      where t.subject = 'user' and t.deleted_at is null and t.user_id in (select (jsonb_array_elements_text(${JSON.stringify(d.members)}::jsonb))::bigint)
      group by t.period, t.period_start`);
  }
  const [n] = await rowsOf<{ n: number }>(tx, sql`select count(*)::int as n from sales_targets where deleted_at is null`);
  return Number(n?.n ?? 0);
}
