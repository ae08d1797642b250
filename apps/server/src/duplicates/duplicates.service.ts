// Duplicate pairs as users see them (both records within their data scope), dismissing a pair,
// and the check the customer form runs while the user types.
import { sql, type SQL } from 'drizzle-orm';
import { toE164, type CheckDuplicatesResult, type CustomerBrief, type DuplicateListQuery, type DuplicatePair } from '@guanxi/contracts';
import type { Actor } from '../auth/actor.js';
import type { Database, DbOrTx } from '../db/client.js';
import { customerVisible, liveVisibleCustomer } from '../customers/customer-scope.js';
import { maskPersonal } from '../customers/customer-view.js';
import { recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { invalid, notFound } from '../platform/errors.js';
import { encodeCursor } from '../platform/pagination.js';
import { isoNN } from '../platform/versioned.js';
import { confidenceOf, minConfidence, nameSimilarityThreshold } from './duplicates-scan.js';
import type { DuplicateEvidence } from './duplicates.table.js';
import { creditCodeKeySql, nameKeySql } from './normalise.js';
import { pinyinKey } from './pinyin-key.js';

export interface BriefRow {
  id: number | string;
  kind: 'individual' | 'organization';
  name: string;
  mobile: string | null;
  phone: string | null;
  email: string | null;
  credit_code: string | null;
  province: string | null;
  city: string | null;
  owner_id: number | string | null;
  owner_name: string | null;
  updated_at: Date | string;
  version: number;
}

/** The columns of a brief from customers aliased `c` (and its owner `u`). */
export const briefColumns = (c: string, u: string, prefix = '') =>
  sql.raw(
    ['id', 'kind', 'name', 'mobile', 'phone', 'email', 'credit_code', 'province', 'city', 'owner_id', 'updated_at', 'version']
      .map((col) => `${c}.${col} as ${prefix}${col}`)
      .concat(`${u}.name as ${prefix}owner_name`)
      .join(', '),
  );

export function toBrief(actor: Actor, r: BriefRow): CustomerBrief {
  return maskPersonal(actor, {
    id: Number(r.id),
    kind: r.kind,
    name: r.name,
    mobile: r.mobile,
    phone: r.phone,
    email: r.email,
    creditCode: r.credit_code,
    province: r.province,
    city: r.city,
    ownerId: r.owner_id === null ? null : Number(r.owner_id),
    ownerName: r.owner_name,
    updatedAt: isoNN(r.updated_at),
    version: r.version,
  });
}

const prefixed = (row: Record<string, unknown>, p: string): BriefRow =>
  Object.fromEntries(Object.entries(row).filter(([k]) => k.startsWith(p)).map(([k, v]) => [k.slice(p.length), v])) as unknown as BriefRow;

function ownerIds(actor: Actor, v: string): number[] {
  return [...new Set(v.split(',').map((x) => (x === 'me' ? actor.id : Number(x))))];
}

function decodeCursor(cursor: string): [number, number] {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && typeof v[0] === 'string' && Number.isSafeInteger(v[1]) && Number.isFinite(Number(v[0]))) return [Number(v[0]), v[1] as number];
  } catch {
    // fall through
  }
  throw invalid('cursor', 'not a cursor returned by this list');
}

/** Pairs where the caller can see both records, most confident first. */
export async function listDuplicates(database: Database, ctx: Ctx, q: DuplicateListQuery): Promise<{ data: DuplicatePair[]; nextCursor: string | null; total: number }> {
  const { actor } = ctx;
  const conds: SQL[] = [
    sql`d.status = ${q['filter[status]']}`,
    // a merged pair's records are deleted; it stays listable under filter[status]=merged
    q['filter[status]'] === 'merged' ? sql`${customerVisible(actor, 'ca', true)} and ${customerVisible(actor, 'cb', true)}` : sql`${liveVisibleCustomer(actor, 'ca')} and ${liveVisibleCustomer(actor, 'cb')}`,
  ];
  if (q['filter[minConfidence]'] !== undefined) conds.push(sql`d.confidence >= ${q['filter[minConfidence]']}`);
  if (q['filter[kind]']) conds.push(sql`d.evidence->'keys' ? ${q['filter[kind]']}`);
  if (q['filter[customerId]']) conds.push(sql`(d.customer_a_id = ${q['filter[customerId]']} or d.customer_b_id = ${q['filter[customerId]']})`);
  if (q['filter[ownerId]']) {
    const ids = sql.join(ownerIds(actor, q['filter[ownerId]']).map((i) => sql`${i}`), sql`, `);
    conds.push(sql`(ca.owner_id in (${ids}) or cb.owner_id in (${ids}))`);
  }
  const where = sql.join(conds, sql` and `);
  let after = sql`true`;
  if (q.cursor) {
    const [conf, id] = decodeCursor(q.cursor);
    after = sql`(d.confidence, d.id) < (${conf}::real, ${id}::bigint)`;
  }
  const from = sql`duplicate_candidates d join customers ca on ca.id = d.customer_a_id join customers cb on cb.id = d.customer_b_id
    left join users ua on ua.id = ca.owner_id left join users ub on ub.id = cb.owner_id`;
  const rows = await database.rows<Record<string, unknown> & { id: number; confidence: number; conf_text: string; evidence: DuplicateEvidence; status: DuplicatePair['status']; detected_at: Date }>(sql`
    select d.id, d.confidence, d.confidence::text as conf_text, d.evidence, d.status, d.detected_at, ${briefColumns('ca', 'ua', 'a_')}, ${briefColumns('cb', 'ub', 'b_')}
    from ${from} where ${where} and ${after}
    order by d.confidence desc, d.id desc limit ${q.limit + 1}`);
  const [count] = await database.rows<{ n: number }>(sql`select count(*)::int as n from (select 1 from ${from} where ${where} limit 10000) x`);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    data: page.map((r) => ({
      id: Number(r.id),
      confidence: Number(r.confidence),
      evidence: r.evidence,
      status: r.status,
      detectedAt: isoNN(r.detected_at),
      a: toBrief(actor, prefixed(r, 'a_')),
      b: toBrief(actor, prefixed(r, 'b_')),
    })),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.conf_text, Number(last.id)) : null,
    total: Number(count?.n ?? 0),
  };
}

/** "Not the same customer": the pair stays dismissed however often the scan finds it again. */
export async function dismissDuplicate(database: Database, ctx: Ctx, id: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    const [row] = await tx.execute(sql`
      select d.id, d.status from duplicate_candidates d join customers ca on ca.id = d.customer_a_id join customers cb on cb.id = d.customer_b_id
      where d.id = ${id} and ${liveVisibleCustomer(ctx.actor, 'ca')} and ${liveVisibleCustomer(ctx.actor, 'cb')} for update of d`).then((r) => (r as unknown as { rows: Array<{ id: number; status: string }> }).rows);
    if (!row) throw notFound();
    if (row.status === 'dismissed') return;
    if (row.status !== 'open') throw invalid('id', 'only an open pair can be dismissed', 'not_open');
    await tx.execute(sql`update duplicate_candidates set status = 'dismissed', decided_at = now(), decided_by = ${ctx.actor.id} where id = ${id}`);
    await recordAudit(tx, ctx, { entity: 'duplicate_candidate', entityId: id, action: 'dismiss', changes: { status: { old: 'open', new: 'dismissed' } } });
  });
}

export interface CheckInput {
  excludeId?: number | undefined;
  kind?: 'individual' | 'organization' | undefined;
  name?: string | undefined;
  mobile?: string | undefined;
  phone?: string | undefined;
  email?: string | undefined;
  creditCode?: string | undefined;
  province?: string | undefined;
  city?: string | undefined;
}

/** Live customers that look like the given values, with the evidence; the same rules and weights as the scan. */
export async function checkDuplicates(db: DbOrTx, actor: Actor, input: CheckInput): Promise<CheckDuplicatesResult> {
  const phones = [toE164(input.mobile), toE164(input.phone)].filter((p): p is string => p !== null);
  const email = input.email?.trim().toLowerCase() || null;
  const run = async <T>(q: SQL) => ((await db.execute(q)) as unknown as { rows: T[] }).rows;
  const [keys] = await run<{ name_key: string | null; credit_code_key: string | null }>(sql`
    select ${sql.raw(nameKeySql('x.name', 'x.province', 'x.city'))} as name_key, ${sql.raw(creditCodeKeySql('x.credit_code'))} as credit_code_key
    from (select ${input.name ?? null}::text as name, ${input.province ?? null}::text as province, ${input.city ?? null}::text as city,
                 ${input.creditCode ?? null}::text as credit_code) x`);
  const nameKey = keys?.name_key ?? null;
  const creditCode = keys?.credit_code_key ?? null;
  const city = input.city?.trim() || null;
  const phoneList = sql`(select jsonb_array_elements_text(${JSON.stringify(phones)}::jsonb))`;
  const matchers: SQL[] = [];
  if (phones.length) matchers.push(sql`c.mobile_e164 in ${phoneList}`, sql`c.phone_e164 in ${phoneList}`);
  if (email) matchers.push(sql`c.email_key = ${email}`);
  if (creditCode) matchers.push(sql`c.credit_code_key = ${creditCode}`);
  if (nameKey && city) matchers.push(sql`(c.city = ${city} and c.name_key % ${nameKey})`);
  const spoken = pinyinKey(nameKey);
  if (spoken && city) matchers.push(sql`(c.city = ${city} and c.id in (select k.customer_id from customer_pinyin_keys k where k.pinyin_key = ${spoken}))`);
  if (!matchers.length) return { data: [], hiddenMatches: 0 };
  const found = await run<BriefRow & { credit_code_key: string | null; mobile_e164: string | null; phone_e164: string | null; email_key: string | null; s: number | null; same_sound: boolean | null; visible: boolean; in_pool: boolean }>(sql`
    select ${briefColumns('c', 'u')}, c.credit_code_key, c.mobile_e164, c.phone_e164, c.email_key,
      case when ${nameKey}::text is not null and c.city = ${city} then similarity(c.name_key, ${nameKey}) end as s,
      (c.city = ${city} and c.name_key is distinct from ${nameKey}::text
        and exists (select 1 from customer_pinyin_keys k where k.customer_id = c.id and k.name_key = c.name_key and k.pinyin_key = ${spoken})) as same_sound,
      (c.owner_id is null or ${customerVisible(actor, 'c')}) as visible, c.owner_id is null as in_pool
    from customers c left join users u on u.id = c.owner_id
    where c.deleted_at is null and c.id <> ${input.excludeId ?? 0} and (${sql.join(matchers, sql` or `)})
    limit 200`);
  const out: CheckDuplicatesResult['data'] = [];
  let hidden = 0;
  for (const f of found) {
    const keyKinds: DuplicateEvidence['keys'] = [];
    if (creditCode && f.credit_code_key === creditCode) keyKinds.push('creditCode');
    if (email && f.email_key === email) keyKinds.push('email');
    if (phones.some((p) => p === f.mobile_e164 || p === f.phone_e164)) keyKinds.push('phone');
    const s = f.s === null ? null : Math.round(Number(f.s) * 1000) / 1000;
    if (s !== null && s >= nameSimilarityThreshold) keyKinds.push('name');
    else if (f.same_sound) keyKinds.push('pinyin');
    if (!keyKinds.length) continue;
    const evidence: DuplicateEvidence = {
      keys: keyKinds.sort(),
      nameSimilarity: keyKinds.includes('name') ? s : null,
      city: keyKinds.includes('name') || keyKinds.includes('pinyin') ? city : null,
      creditCodeConflict: creditCode !== null && f.credit_code_key !== null && f.credit_code_key !== creditCode,
    };
    const confidence = confidenceOf(evidence, input.kind === 'organization' && f.kind === 'organization');
    if (confidence < minConfidence) continue;
    if (!f.visible) {
      hidden++;
      continue;
    }
    out.push({ customer: toBrief(actor, f), inPool: f.in_pool, evidence, confidence });
  }
  out.sort((x, y) => y.confidence - x.confidence || x.customer.id - y.customer.id);
  return { data: out.slice(0, 10), hiddenMatches: hidden };
}
