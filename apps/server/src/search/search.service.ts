// Global search (全局搜索) over customers and contacts the caller may see: by any part of a name,
// company, phone, email, WeChat id or credit code, Chinese included. Ranked exact > prefix >
// contains, then most recently updated, among the 200 most recent matches plus every exact
// match (see CANDIDATES). The index design is in search-terms.ts.
import { sql } from 'drizzle-orm';
import type { SearchHit } from '@guanxi/contracts';
import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/client.js';
import type { Ctx } from '../platform/context.js';
import { invalid } from '../platform/errors.js';
import { canSeePersonalData, maskEmail, maskPhone } from '../platform/masking.js';
import { liveVisibleCustomer } from '../customers/customer-scope.js';
import { contactVisible } from '../contacts/contacts.service.js';
import { searchCondition, searchTerms } from './search-terms.js';

interface HitRow extends Record<string, unknown> {
  id: number;
  name: string;
  mobile: string | null;
  phone: string | null;
  email: string | null;
  wechat: string | null;
  employer: string | null;
  credit_code: string | null;
  company: string | null;
  rank: number;
  updated_at: Date | string;
}

type Field = SearchHit['matchedField'];
const fieldColumns: Array<[Field, keyof HitRow]> = [
  ['name', 'name'], ['mobile', 'mobile'], ['phone', 'phone'], ['email', 'email'], ['wechat', 'wechat'], ['employer', 'employer'], ['creditCode', 'credit_code'], ['company', 'company'],
];

function matchedField(row: HitRow, word: string): Field {
  for (const [field, col] of fieldColumns) {
    const v = row[col];
    if (typeof v === 'string' && v.toLowerCase().includes(word)) return field;
  }
  return 'name';
}

function subtitle(actor: Actor, row: HitRow): string | null {
  const open = canSeePersonalData(actor);
  const contact = row.mobile ?? row.phone;
  const parts = [row.company ?? row.employer, contact ? (open ? contact : maskPhone(contact)) : row.email ? (open ? row.email : maskEmail(row.email)) : null];
  const s = parts.filter(Boolean).join(' · ');
  return s || null;
}

/**
 * How many of the most recently updated matches are ranked. A common fragment (“有限” matches
 * 40% of company names) would otherwise sort hundreds of thousands of rows; exact matches on
 * name, mobile and email are always fetched besides, through their own indexes.
 */
const CANDIDATES = 200;

function rankOf(q: string) {
  const prefix = `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return (a: string) => {
    const t = sql.raw(a);
    return sql`(case when lower(${t}.name) = ${q} or ${t}.mobile = ${q} or ${t}.phone = ${q} or lower(${t}.email) = ${q} then 0
      when lower(${t}.name) like ${prefix} or ${t}.mobile like ${prefix} or lower(${t}.email) like ${prefix} then 1 else 2 end)`;
  };
}

export async function search(database: Database, ctx: Ctx, query: { q: string; limit: number; type?: 'customer' | 'contact' | undefined }): Promise<{ data: SearchHit[] }> {
  const terms = searchTerms(query.q);
  if (!terms) throw invalid('q', 'type at least 2 letters or digits, or 1 Chinese character', 'too_short');
  const q = query.q.trim().toLowerCase().replace(/\s+/g, ' ');
  const rank = rankOf(q);
  const actor = ctx.actor;
  const word = terms.words[0]!;
  // `indirect`: found through the company, so listed after direct hits of the same rank.
  type Scored = SearchHit & { at: number; indirect: boolean };
  const hits: Scored[] = [];
  const toHit = (type: SearchHit['type'], r: HitRow, field?: Field): Scored => ({
    indirect: field === 'company',
    type,
    id: Number(r.id),
    name: r.name,
    subtitle: subtitle(actor, r),
    matchedField: field ?? matchedField(r, word),
    rank: Number(r.rank),
    at: new Date(r.updated_at).getTime(),
  });

  let orgHits: HitRow[] = [];
  if (query.type !== 'contact') {
    const rows = await database.rows<HitRow & { kind: string }>(sql`
      with m as materialized (
        (select c.id from customers c where ${liveVisibleCustomer(actor, 'c')} and ${searchCondition(terms, 'c')}
          order by c.updated_at desc, c.id desc limit ${CANDIDATES})
        union
        (select c.id from customers c where ${liveVisibleCustomer(actor, 'c')} and (c.name = ${query.q.trim()} or c.mobile = ${q} or lower(c.email) = ${q})
          limit ${query.limit}))
      select c.id, c.name, c.mobile, c.phone, c.email, c.wechat, c.employer, c.credit_code, null as company, c.kind, ${rank('c')} as rank, c.updated_at
      from m join customers c on c.id = m.id
      order by rank, c.updated_at desc, c.id desc
      limit ${query.limit}`);
    hits.push(...rows.map((r) => toHit('customer', r)));
    orgHits = rows.filter((r) => r.kind === 'organization');
  }
  if (query.type !== 'customer') {
    const rows = await database.rows<HitRow>(sql`
      with m as materialized (
        (select ct.id from contacts ct where ${contactVisible(actor, 'ct')} and ${searchCondition(terms, 'ct')}
          order by ct.updated_at desc, ct.id desc limit ${CANDIDATES})
        union
        (select ct.id from contacts ct where ${contactVisible(actor, 'ct')} and (ct.name = ${query.q.trim()} or ct.mobile = ${q} or lower(ct.email) = ${q})
          limit ${query.limit}))
      select ct.id, ct.name, ct.mobile, ct.phone, ct.email, ct.wechat, null as employer, null as credit_code,
        (select c.name from customer_contacts cc join customers c on c.id = cc.customer_id
          where cc.contact_id = ct.id and ${liveVisibleCustomer(actor, 'c')} order by cc.is_primary desc, c.name limit 1) as company,
        ${rank('ct')} as rank, ct.updated_at
      from m join contacts ct on ct.id = m.id
      order by rank, ct.updated_at desc, ct.id desc
      limit ${query.limit}`);
    hits.push(...rows.map((r) => toHit('contact', r)));
    // People at a matching company are hits too ("科技有限" finds the contacts of 某某科技有限公司).
    if (orgHits.length) {
      const seen = new Set(rows.map((r) => Number(r.id)));
      const byCompany = await database.rows<HitRow & { customer_id: number }>(sql`
        select distinct on (ct.id) ct.id, ct.name, ct.mobile, ct.phone, ct.email, ct.wechat, null as employer, null as credit_code, c.name as company,
          cc.customer_id, ct.updated_at, 2 as rank
        from customer_contacts cc join contacts ct on ct.id = cc.contact_id join customers c on c.id = cc.customer_id
        where cc.customer_id in (${sql.join(orgHits.map((o) => sql`${o.id}`), sql`, `)}) and ct.deleted_at is null
        order by ct.id, cc.is_primary desc
        limit ${query.limit}`);
      const orgRank = new Map(orgHits.map((o) => [Number(o.id), Number(o.rank)]));
      for (const r of byCompany) {
        if (seen.has(Number(r.id))) continue;
        hits.push(toHit('contact', { ...r, rank: orgRank.get(Number(r.customer_id)) ?? 2 }, 'company'));
      }
    }
  }
  hits.sort((a, b) => a.rank - b.rank || Number(a.indirect) - Number(b.indirect) || b.at - a.at || (a.type < b.type ? -1 : 1) || b.id - a.id);
  return { data: hits.slice(0, query.limit).map(({ at: _at, indirect: _i, ...h }) => h) };
}

