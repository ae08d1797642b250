// The rules of customer data quality (客户数据库管理的原则), as SQL over a customers row aliased
// `c`, so one definition serves the customer page, the lists over a million rows and the
// dashboard:
//   真实性 (validity): stored values that fail today's rules — the same rules packages/contracts
//     applies on every write and import (an old import or a rule added later leaves such values);
//   完整性 (completeness): a 0–100 score from the fields that matter for the customer's kind;
//   时效性 (timeliness): neither updated nor verified within the stale period.
import { sql, type SQL } from 'drizzle-orm';
import type { validityKinds } from '@guanxi/contracts';

/**
 * Completeness weights (sum 100 per kind). An organisation is reached through a contact person
 * and identified by its credit code; a person by a mobile number and the profile fields of the
 * textbook's individual customer record (基本, 职业, 家庭). `name` is required, so not scored.
 */
export const completenessWeights: Record<'organization' | 'individual', Array<[field: string, weight: number, filled: (c: string) => string]>> = {
  organization: [
    ['creditCode', 15, (c) => `${c}.credit_code is not null`],
    ['phone', 15, (c) => `coalesce(${c}.phone, ${c}.mobile) is not null`],
    ['contact', 15, (c) => `exists (select 1 from customer_contacts cc join contacts ct on ct.id = cc.contact_id and ct.deleted_at is null where cc.customer_id = ${c}.id)`],
    ['region', 10, (c) => `${c}.province is not null and ${c}.city is not null`],
    ['address', 10, (c) => `${c}.address is not null`],
    ['industry', 10, (c) => `${c}.industry is not null`],
    ['email', 5, (c) => `${c}.email is not null`],
    ['companySize', 5, (c) => `${c}.company_size is not null`],
    ['legalRepresentative', 5, (c) => `${c}.legal_representative is not null`],
    ['website', 5, (c) => `${c}.website is not null`],
    ['source', 5, (c) => `${c}.source is not null`],
  ],
  individual: [
    ['mobile', 25, (c) => `${c}.mobile is not null`],
    ['email', 10, (c) => `${c}.email is not null`],
    ['region', 10, (c) => `${c}.province is not null and ${c}.city is not null`],
    ['gender', 10, (c) => `${c}.gender is not null`],
    ['birthday', 10, (c) => `${c}.birthday is not null`],
    ['source', 10, (c) => `${c}.source is not null`],
    ['wechat', 5, (c) => `${c}.wechat is not null`],
    ['address', 5, (c) => `${c}.address is not null`],
    ['occupation', 5, (c) => `${c}.occupation is not null`],
    ['employer', 5, (c) => `${c}.employer is not null`],
    ['education', 5, (c) => `${c}.education is not null`],
  ],
};

const byKind = (c: string, part: (field: string, weight: number, filled: string) => string, join: string, empty: string) =>
  `(case when ${c}.kind = 'organization' then ${completenessWeights.organization.map(([f, w, filled]) => part(f, w, filled(c))).join(join) || empty}
    else ${completenessWeights.individual.map(([f, w, filled]) => part(f, w, filled(c))).join(join) || empty} end)`;

/** The completeness score 0–100 of customer `c`. */
export const scoreSql = (c = 'c'): SQL => sql.raw(`${byKind(c, (_f, w, filled) => `(case when ${filled} then ${w} else 0 end)`, ' + ', '0')}::int`);

/** The fields customer `c` is missing, heaviest first (text[]). */
export const missingSql = (c = 'c'): SQL =>
  sql.raw(`array_remove(${byKind(c, (f, _w, filled) => `array[case when ${filled} then null else '${f}' end]`, ' || ', "'{}'::text[]")}, null)`);

const ccChars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const ccWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** Each validity rule: true when customer `c` holds a value that breaks it. */
export const invalidSql: Record<(typeof validityKinds)[number], (c: string) => string> = {
  mobile: (c) => `(${c}.mobile is not null and not (${c}.mobile ~ '^1[3-9][0-9]{9}$' or ${c}.mobile ~ '^[+][1-9][0-9]{6,14}$'))`,
  // phone_e164 is the E.164 form (duplicates/normalise.ts): null for a number that has none
  phone: (c) => `(${c}.phone is not null and ${c}.phone_e164 is null)`,
  email: (c) => `(${c}.email is not null and ${c}.email !~ '^[^@[:space:]]+@[^@[:space:]]+[.][^@[:space:]]+$')`,
  // GB 32100-2015 check digit, as isValidCreditCode in packages/contracts
  creditCode: (c) => `(${c}.credit_code is not null and (${c}.credit_code !~ '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$'
    or substr('${ccChars}', (31 - (select sum((strpos('${ccChars}', substr(${c}.credit_code, w.i::int, 1)) - 1) * w.v)
        from unnest(array[${ccWeights.join(',')}]) with ordinality as w(v, i))::int % 31) % 31 + 1, 1) <> substr(${c}.credit_code, 18, 1)))`,
  postalCode: (c) => `(${c}.postal_code is not null and ${c}.postal_code !~ '^[0-9]{6}$')`,
};

/** When customer `c` was last confirmed current: the later of its last update and verification. */
export const freshAtSql = (c = 'c'): SQL => sql.raw(`greatest(${c}.updated_at, coalesce(${c}.verified_at, ${c}.updated_at))`);
