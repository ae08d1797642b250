// The duplicates-scan job: finds likely duplicate customers set-based, in one statement over the
// normalised generated columns, and keeps duplicate_candidates in step (idempotent: a second run
// changes nothing; dismissed pairs stay dismissed; open pairs no longer found are removed).
//
// Scale (1M customers in ≤ 2 minutes): nothing compares every customer with every other. Exact
// keys are grouped (hash aggregate over the key columns) and pairs are made inside each group;
// names are compared only inside blocks of the same city and the same first or last two
// characters of the name's identifying part, so similarity() runs on a few pairs per customer;
// names of the same sound are grouped by city and pinyin key (pinyin-key.ts).
// Groups larger than a cap are not evidence: a number shared by 30 customers is a switchboard or
// a placeholder (13800000000), and "张伟" in 上海市 is many people, not one.
import { sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.js';
import type { JobOptions } from '../jobs/run-job.js';
import type { DuplicateEvidence } from './duplicates.table.js';
import { refreshPinyinKeys } from './pinyin-key.js';

/** How much each kind of evidence alone says that two records are one customer. */
export const evidenceWeights = {
  creditCode: 0.95,
  phone: 0.8,
  email: 0.8,
  /** Times the name similarity: two organisations of (nearly) one name in one city… */
  nameOrganization: 0.85,
  /** …and two people: a shared name is weak evidence. */
  nameIndividual: 0.4,
  /** Names written differently that sound the same (same pinyin) in one city: a homophone typo, or pinyin for characters. */
  pinyinOrganization: 0.6,
  pinyinIndividual: 0.3,
} as const;
/**
 * Two different credit codes: two legal entities, whatever else agrees — unless one code was
 * mistyped, so a pair with strong other evidence stays listed, at low confidence (≤ 0.35).
 */
export const creditCodeConflictFactor = 0.35;
/** Names at least this similar (pg_trgm similarity of the identifying parts) count as evidence. */
export const nameSimilarityThreshold = 0.5;
/** Pairs below this confidence are not listed. */
export const minConfidence = 0.3;
export const maxKeyGroup = 20;
export const maxNameBlock = 50;

/**
 * Independent pieces of evidence combined as 1 − Π(1 − wᵢ) (noisy-OR), then lowered when the
 * credit codes contradict each other.
 */
export function confidenceOf(e: Pick<DuplicateEvidence, 'keys' | 'nameSimilarity' | 'creditCodeConflict'>, bothOrganizations: boolean): number {
  let miss = 1;
  for (const k of e.keys) if (k !== 'name' && k !== 'pinyin') miss *= 1 - evidenceWeights[k];
  if (e.keys.includes('name') && e.nameSimilarity !== null) miss *= 1 - e.nameSimilarity * (bothOrganizations ? evidenceWeights.nameOrganization : evidenceWeights.nameIndividual);
  else if (e.keys.includes('pinyin')) miss *= 1 - (bothOrganizations ? evidenceWeights.pinyinOrganization : evidenceWeights.pinyinIndividual);
  const p = 1 - miss;
  return Math.round(p * (e.creditCodeConflict ? creditCodeConflictFactor : 1) * 1000) / 1000;
}

/** The same formula in SQL over `kinds text[]`, `s` (similarity) and `org`, `conflict` booleans. */
const confidenceSql = sql`round(((1 - (1 - case when 'creditCode' = any(kinds) then ${evidenceWeights.creditCode}::numeric else 0 end)
      * (1 - case when 'phone' = any(kinds) then ${evidenceWeights.phone}::numeric else 0 end)
      * (1 - case when 'email' = any(kinds) then ${evidenceWeights.email}::numeric else 0 end)
      * (1 - coalesce(s::numeric, 0) * case when org then ${evidenceWeights.nameOrganization}::numeric else ${evidenceWeights.nameIndividual}::numeric end)
      * (1 - case when s is null and 'pinyin' = any(kinds) then case when org then ${evidenceWeights.pinyinOrganization}::numeric else ${evidenceWeights.pinyinIndividual}::numeric end else 0 end))
    * case when conflict then ${creditCodeConflictFactor}::numeric else 1 end), 3)`;

export interface ScanResult {
  pairs: number;
  new: number;
  removed: number;
  open: number;
}

/** Runs the scan inside `tx` as of `at` (the seen_at stamp of this run). */
export async function scanDuplicates(tx: DbOrTx, at: Date): Promise<ScanResult> {
  const run = at.toISOString();
  const upsert = (await tx.execute(sql`
    with live as materialized (
      select id, kind, city, name_key, mobile_e164, phone_e164, email_key, credit_code_key
      from customers where deleted_at is null
    ),
    keys as (
      select id, 'phone'::text as kind, mobile_e164 as v from live where mobile_e164 is not null
      union select id, 'phone', phone_e164 from live where phone_e164 is not null
      union select id, 'email', email_key from live where email_key is not null
      union select id, 'creditCode', credit_code_key from live where credit_code_key is not null
    ),
    key_groups as (
      select kind, array_agg(id order by id) as ids from keys group by kind, v having count(*) between 2 and ${maxKeyGroup}
    ),
    key_pairs as (
      select g.kind, x.id as a, y.id as b, null::real as s, null::text as city
      from key_groups g cross join lateral unnest(g.ids) x(id) cross join lateral unnest(g.ids) y(id) where x.id < y.id
    ),
    blocks as (
      select array_agg(id order by id) as ids from (
        select id, city, left(name_key, 2) as blk from live where city is not null and name_key is not null
        union select id, city, right(name_key, 2) from live where city is not null and name_key is not null
      ) k group by city, blk having count(*) between 2 and ${maxNameBlock}
    ),
    block_pairs as (
      select distinct x.id as a, y.id as b
      from blocks cross join lateral unnest(blocks.ids) x(id) cross join lateral unnest(blocks.ids) y(id) where x.id < y.id
    ),
    name_pairs as (
      select 'name'::text as kind, p.a, p.b, similarity(ca.name_key, cb.name_key) as s, ca.city
      from block_pairs p join live ca on ca.id = p.a join live cb on cb.id = p.b
      where similarity(ca.name_key, cb.name_key) >= ${nameSimilarityThreshold}
    ),
    -- same pinyin, different characters, same city (customer_pinyin_keys is brought up to date first)
    pinyin_groups as (
      select array_agg(l.id order by l.id) as ids, l.city from live l join customer_pinyin_keys k on k.customer_id = l.id and k.name_key = l.name_key
      where l.city is not null group by l.city, k.pinyin_key having count(*) between 2 and ${maxNameBlock}
    ),
    pinyin_pairs as (
      select 'pinyin'::text as kind, x.id as a, y.id as b, null::real as s, g.city
      from pinyin_groups g cross join lateral unnest(g.ids) x(id) cross join lateral unnest(g.ids) y(id)
      join live ca on ca.id = x.id join live cb on cb.id = y.id
      where x.id < y.id and ca.name_key <> cb.name_key
    ),
    evidence as (
      select a, b, array_agg(distinct kind order by kind) as kinds, max(s) as s, max(city) as city
      from (select * from key_pairs union all select * from name_pairs union all select * from pinyin_pairs) e group by a, b
    ),
    scored as (
      select e.a, e.b, e.kinds, e.s, e.city,
        (ca.kind = 'organization' and cb.kind = 'organization') as org,
        (ca.credit_code_key is not null and cb.credit_code_key is not null and ca.credit_code_key <> cb.credit_code_key) as conflict
      from evidence e join live ca on ca.id = e.a join live cb on cb.id = e.b
    ),
    final as (
      select a, b, ${confidenceSql} as confidence,
        jsonb_build_object('keys', to_jsonb(kinds), 'nameSimilarity', round(s::numeric, 3), 'city', city, 'creditCodeConflict', conflict) as evidence
      from scored
    )
    insert into duplicate_candidates (customer_a_id, customer_b_id, evidence, confidence, detected_at, seen_at)
    select a, b, evidence, confidence, ${run}::timestamptz, ${run}::timestamptz from final where confidence >= ${minConfidence}
    on conflict (customer_a_id, customer_b_id) do update
      set evidence = excluded.evidence, confidence = excluded.confidence, seen_at = excluded.seen_at
    returning (detected_at = ${run}::timestamptz) as is_new`)) as unknown as { rows: Array<{ is_new: boolean }> };
  const removed = (await tx.execute(sql`delete from duplicate_candidates where status = 'open' and seen_at < ${run}::timestamptz returning id`)) as unknown as { rows: unknown[] };
  const [open] = ((await tx.execute(sql`select count(*)::int as n from duplicate_candidates where status = 'open'`)) as unknown as { rows: Array<{ n: number }> }).rows;
  return { pairs: upsert.rows.length, new: upsert.rows.filter((r) => r.is_new).length, removed: removed.rows.length, open: Number(open?.n ?? 0) };
}

export async function runDuplicatesScan(database: Database, options: JobOptions): Promise<Record<string, unknown>> {
  // seen_at must increase from run to run even when an admin runs the job "as of" a past moment
  void options;
  const pinyinKeys = await database.db.transaction((tx) => refreshPinyinKeys(tx));
  const result = await database.db.transaction((tx) => scanDuplicates(tx, new Date()));
  return { ...result, pinyinKeys };
}
