// Normalised forms of the values duplicates are matched on. Each rule exists twice — as a
// TypeScript function (imports and the create/edit check normalise values not yet stored; toE164
// lives in @guanxi/contracts, where phones are validated) and as an immutable SQL expression (the generated *_e164 / *_key columns on customers, which the
// duplicate scan joins on) — and normalise.test.ts runs both over the same inputs so they cannot
// drift apart.
//
// Pinyin: the name key is matched on its characters here; names of the same sound written with
// other characters (章伟/张伟) or in pinyin ("Zhang Wei") are matched through pinyin keys computed in
// the server (pinyin-key.ts), because PostgreSQL has no pinyin table. Latin names are matched case-
// and space-insensitively ("Zhang Wei" = "zhangwei").

// PHONE_EXTENSION of @guanxi/contracts, in PostgreSQL's regular-expression dialect
// (this file is loaded by drizzle-kit with the tables, so it imports nothing)
const EXT_SQL = `( *(ext[.]?|转|#|x|X) *[0-9]{1,6}$|[- ]+[0-9]{1,6}$)`;

/** The same rule as `toE164`, as an immutable SQL expression over the column (or SQL) `col`. */
export function e164Sql(col: string): string {
  const stripped = `regexp_replace(${col}, '${EXT_SQL}', '')`;
  const base = `(case when ${col} ~ '${EXT_SQL}' and length(regexp_replace(${stripped}, '[^0-9]', '', 'g')) >= 10 then ${stripped} else ${col} end)`;
  const n = `((case when ${base} ~ '^ *[+]' then '+' else '' end) || regexp_replace(${base}, '[^0-9]', '', 'g'))`;
  let r = n;
  for (const [pattern, replacement] of [
    ['^00', '+'],
    ['^[+]860', '+86'],
    ['^(1[3-9][0-9]{9})$', '+86\\1'],
    ['^(861[3-9][0-9]{9})$', '+\\1'],
    ['^0([1-9][0-9]{8,10})$', '+86\\1'],
  ] as const) {
    r = `regexp_replace(${r}, '${pattern}', '${replacement}')`;
  }
  return `substring(${r} from '^([+][1-9][0-9]{6,14})$')`;
}

export const normEmail = (v: string | null | undefined): string | null => (v ? v.trim().toLowerCase() || null : null);
export const emailKeySql = (col: string) => `nullif(lower(btrim(${col})), '')`;
export const normCreditCode = (v: string | null | undefined): string | null => (v ? v.trim().toUpperCase() || null : null);
export const creditCodeKeySql = (col: string) => `nullif(upper(btrim(${col})), '')`;

// Legal forms and organisational suffixes that say nothing about which company it is; removed
// twice so "集团有限公司" goes entirely.
const SUFFIX_SQL = '(股份有限公司|有限责任公司|有限公司|股份公司|分公司|总公司|公司|集团|工作室|事务所|coltd|ltd|limited|inc|llc|corporation|corp|company|gmbh)$';
const PUNCT_SQL = '[[:space:][:punct:]·・，。、“”‘’：；！？【】《》（）「」『』〈〉—…～]';
const PROVINCE_SUFFIX_SQL = '(壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市)$';
const CITY_SUFFIX_SQL = '(自治州|地区|盟|市)$';
// a region name as a literal regular expression (user text may hold metacharacters)
const escRe = (x: string) => `regexp_replace(${x}, '([.^$*+?(){}|\\[\\]\\\\])', '\\\\\\1', 'g')`;
const prefixOf = (full: string, suffix: string) => `'^(' || ${escRe(full)} || '|' || ${escRe(`regexp_replace(${full}, '${suffix}', '')`)} || ')'`;

/**
 * The part of a name that identifies the customer: lower-case, without bracketed notes
 * ("（中国）", "(北京分公司)"), spaces and punctuation, legal-form suffixes, and a leading
 * province or city name equal to the customer's own ("杭州西湖科技有限公司" in 杭州市 → "西湖科技").
 * Null when nothing is left.
 */
export function nameKeySql(name: string, province: string, city: string): string {
  const p = `lower(coalesce(${province}, ''))`;
  const c = `lower(coalesce(${city}, ''))`;
  let k = `lower(${name})`;
  k = `regexp_replace(${k}, '[（(][^）)]*[）)]', '', 'g')`;
  k = `regexp_replace(${k}, '${PUNCT_SQL}', '', 'g')`;
  k = `regexp_replace(regexp_replace(${k}, '${SUFFIX_SQL}', ''), '${SUFFIX_SQL}', '')`;
  k = `regexp_replace(${k}, ${prefixOf(p, PROVINCE_SUFFIX_SQL)}, '')`;
  k = `regexp_replace(${k}, ${prefixOf(c, CITY_SUFFIX_SQL)}, '')`;
  return `nullif(${k}, '')`;
}
