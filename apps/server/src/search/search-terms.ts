// How a typed query becomes an indexed condition on `search_text` / `search_grams` (see
// migration 0003): every word must appear in the text (LIKE, which pg_trgm's index serves from
// 3 characters), and the text's 1–2 character keys must contain the word's keys (GIN over
// search_grams), which keeps 1- and 2-character Chinese fragments off a full scan.
import { sql, type SQL } from 'drizzle-orm';
import { likeContains } from '../customers/list-filters.js';

export interface SearchTerms {
  /** The lower-cased words of the query. */
  words: string[];
  grams: string[];
}

const isAscii = (c: string) => c.charCodeAt(0) < 128;

/** The words and keys of a query, or null when it has nothing indexable (a lone ASCII letter or digit). */
export function searchTerms(q: string): SearchTerms | null {
  const words = [...new Set(q.toLowerCase().trim().split(/\s+/).filter(Boolean))];
  const grams = new Set<string>();
  for (const w of words) {
    const chars = [...w];
    if (chars.length === 1) {
      if (!isAscii(chars[0]!)) grams.add(chars[0]!);
      continue;
    }
    for (let i = 0; i + 1 < chars.length; i++) grams.add(chars[i]! + chars[i + 1]!);
  }
  if (!grams.size) return null;
  return { words, grams: [...grams] };
}

/** The condition on a table with `search_text` and `search_grams` columns, aliased `alias`. */
export function searchCondition(terms: SearchTerms, alias: string): SQL {
  const a = sql.raw(alias);
  const keys = sql`array[${sql.join(terms.grams.map((g) => sql`${g}`), sql`, `)}]::text[]`;
  // A word of 1–2 characters is matched exactly by its keys; repeating it as LIKE would only
  // make the planner underestimate the rows (and choose a worse plan).
  const likes = terms.words.filter((w) => [...w].length > 2 || (w.length === 1 && isAscii(w))).map((w) => sql`${a}.search_text like ${likeContains(w)}`);
  return likes.length ? sql`(${a}.search_grams @> ${keys} and ${sql.join(likes, sql` and `)})` : sql`${a}.search_grams @> ${keys}`;
}
