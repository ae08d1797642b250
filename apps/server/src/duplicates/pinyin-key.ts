// Pinyin keys of customer names, so that a name written with other characters of the same sound
// (章伟 for 张伟, a typo of the input method) or in pinyin ("Zhang Wei") is found as a likely
// duplicate. The key is toneless pinyin of the name's identifying part (name_key), letters and
// digits only; both sides of a comparison go through the same conversion, so a polyphone read
// differently from its usual reading still matches itself.
import { sql } from 'drizzle-orm';
import { pinyin } from 'pinyin-pro';
import type { DbOrTx } from '../db/client.js';

/** Toneless pinyin of a name key, Latin letters and digits kept as they are; null when nothing is left. */
export function pinyinKey(nameKey: string | null | undefined): string | null {
  if (!nameKey) return null;
  const key = pinyin(nameKey, { toneType: 'none', type: 'array', nonZh: 'consecutive' })
    .join('')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
  return key || null;
}

const BATCH = 20_000;

/**
 * Brings customer_pinyin_keys up to date with the live customers' name keys: computes the keys of
 * customers without one or whose name key changed, in batches (a first run over 1M customers
 * converts every name once; later runs only the renamed and the new). Returns how many it wrote.
 */
export async function refreshPinyinKeys(tx: DbOrTx): Promise<number> {
  let written = 0;
  let after = 0;
  for (;;) {
    const rows = ((await tx.execute(sql`
      select c.id, c.name_key from customers c left join customer_pinyin_keys k on k.customer_id = c.id
      where c.deleted_at is null and c.name_key is not null and c.id > ${after}
        and (k.customer_id is null or k.name_key <> c.name_key)
      order by c.id limit ${BATCH}`)) as unknown as { rows: Array<{ id: number | string; name_key: string }> }).rows;
    if (!rows.length) return written;
    const ids: number[] = [];
    const names: string[] = [];
    const keys: string[] = [];
    for (const r of rows) {
      const key = pinyinKey(r.name_key);
      if (!key) continue;
      ids.push(Number(r.id));
      names.push(r.name_key);
      keys.push(key);
    }
    if (ids.length) {
      await tx.execute(sql`
        insert into customer_pinyin_keys (customer_id, name_key, pinyin_key)
        select * from unnest(${`{${ids.join(',')}}`}::bigint[], ${pgTextArray(names)}::text[], ${pgTextArray(keys)}::text[])
        on conflict (customer_id) do update set name_key = excluded.name_key, pinyin_key = excluded.pinyin_key`);
    }
    written += ids.length;
    after = Number(rows[rows.length - 1]!.id);
  }
}

/** A PostgreSQL array literal of texts (each quoted, backslashes and quotes escaped). */
function pgTextArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}
