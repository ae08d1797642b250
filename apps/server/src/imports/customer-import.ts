// One batch of a customer import, written in one transaction: new customers (with contacts,
// follow-ups and tags), updates of matched ones with their before-images, the rows that failed,
// and the job's counters and resume point. Either all of it is committed or none of it.
import { sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../auth/actor.js';
import type { DbOrTx } from '../db/client.js';
import { customerVisible } from '../customers/customer-scope.js';
import { insertJsonRows, type ColumnSpec } from '../demo/bulk-insert.js';
import type { ParsedRecord } from '../tabular/delimited.js';
import { lookupValues } from '../duplicates/match-keys.js';
import { matchKeys, toImportedRow, type ImportedRow, type RowContext, type RowError } from './customer-rows.js';
import type { MatchKeyIndex } from './match-key-index.js';

export type Duplicates = 'skip' | 'update' | 'create';

/** What a run remembers between batches: rows of the file already seen, owners already looked up. */
export interface ImportState {
  importId: number;
  actor: Actor;
  duplicates: Duplicates;
  defaultOwnerId: number;
  rowContext: RowContext;
  /** Match key (hashed) → customer id, for rows of this file committed in earlier batches of this run. */
  seen: MatchKeyIndex;
  owners: Map<string, { id: number; allowed: boolean } | null>;
  /** Ids whose customers the importer may own or assign to (null: anyone). */
  assignable: Set<number> | null;
}

export interface BatchCounts {
  read: number;
  imported: number;
  updated: number;
  skipped: number;
  failed: number;
  lastRow: number;
}

/** Customer columns an import writes, with their SQL types (snake_case = JSON key). */
const customerColumns: Array<[string, string, string]> = [
  ['kind', 'kind', 'text'], ['relationshipType', 'relationship_type', 'text'], ['name', 'name', 'text'], ['mobile', 'mobile', 'text'], ['phone', 'phone', 'text'],
  ['email', 'email', 'text'], ['wechat', 'wechat', 'text'], ['province', 'province', 'text'], ['city', 'city', 'text'], ['district', 'district', 'text'],
  ['address', 'address', 'text'], ['postalCode', 'postal_code', 'text'], ['industry', 'industry', 'text'], ['companySize', 'company_size', 'text'],
  ['creditCode', 'credit_code', 'text'], ['legalRepresentative', 'legal_representative', 'text'], ['registeredCapital', 'registered_capital', 'bigint'],
  ['foundedOn', 'founded_on', 'date'], ['website', 'website', 'text'], ['annualRevenue', 'annual_revenue', 'bigint'], ['gender', 'gender', 'text'],
  ['birthday', 'birthday', 'date'], ['occupation', 'occupation', 'text'], ['employer', 'employer', 'text'], ['education', 'education', 'text'],
  ['maritalStatus', 'marital_status', 'text'], ['source', 'source', 'text'], ['importance', 'importance', 'text'], ['loyalty', 'loyalty', 'text'],
  ['valueBehavior', 'value_behavior', 'text'], ['relationshipStrategy', 'relationship_strategy', 'text'], ['notes', 'notes', 'text'],
];
const snakeOf = new Map(customerColumns.map(([c, s]) => [c, s]));
const insertSpec: ColumnSpec = [
  ['id', 'bigint'], ...customerColumns.map(([, s, t]) => [s, t] as const), ['custom', 'jsonb'], ['importance_source', 'text'], ['owner_id', 'bigint'],
  ['owner_since', 'timestamptz'], ['created_by', 'bigint'], ['updated_by', 'bigint'],
];

const jsonList = (values: string[]) => sql`(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;
const jsonIds = (values: number[]) => sql`(select (jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))::bigint)`;
/** The values as a text[] computed once (an init plan), so `col = any(…)` can seek the column's index. */
const textArray = (values: string[]) => sql`array(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;

async function nextIds(tx: DbOrTx, table: string, n: number): Promise<number[]> {
  if (n === 0) return [];
  const r = (await tx.execute(sql`select nextval(pg_get_serial_sequence(${table}, 'id'))::bigint as id from generate_series(1, ${n}::int)`)) as unknown as { rows: Array<{ id: number | string }> };
  return r.rows.map((x) => Number(x.id));
}

async function rows<T>(tx: DbOrTx, q: SQL): Promise<T[]> {
  return ((await tx.execute(q)) as unknown as { rows: T[] }).rows;
}

interface Existing {
  id: number;
  visible: boolean;
  keys: string[];
}

/** Live customers matching any key of the batch, with whether the importer may see them. */
async function findExisting(tx: DbOrTx, actor: Actor, batch: ImportedRow[]): Promise<Map<string, Existing>> {
  const { creditCode: cc, mobile: m, email: e, phone: p, name: n } = lookupValues(batch.map((r) => r.customer));
  const out = new Map<string, Existing>();
  if (!batch.length) return out;
  // the normalised generated columns (duplicates/normalise.ts), each looked up under its own index:
  // one branch per index, because an OR of IN-lists over five columns is planned as a scan of the
  // whole table, once per batch (quadratic over an import)
  const branch = (col: string, values: string[]) => (values.length ? [sql`select id from customers where deleted_at is null and ${sql.raw(col)} = any(${textArray(values)})`] : []);
  const branches = [...branch('credit_code_key', cc), ...branch('mobile_e164', m), ...branch('email_key', e), ...branch('phone_e164', p), ...branch('name', n)];
  if (!branches.length) return out;
  const found = await rows<{ id: number; visible: boolean; credit_code: string | null; mobile: string | null; email: string | null; phone: string | null; name: string; city: string | null }>(
    tx,
    sql`select c.id, ${customerVisible(actor, 'c')} as visible, c.credit_code_key as credit_code, c.mobile_e164 as mobile, c.email_key as email, c.phone_e164 as phone, c.name, c.city
        from customers c
        where c.id in (${sql.join(branches, sql` union `)})
        order by c.id`,
  );
  for (const f of found) {
    const keys = matchKeys({ creditCode: f.credit_code, mobile: f.mobile, email: f.email, phone: f.phone, name: f.name, city: f.city });
    const ex = { id: Number(f.id), visible: f.visible, keys };
    // the oldest customer wins a key several share
    for (const k of keys) if (!out.has(k)) out.set(k, ex);
  }
  return out;
}

async function resolveOwners(tx: DbOrTx, state: ImportState, batch: ImportedRow[]): Promise<void> {
  const wanted = [...new Set(batch.map((r) => r.ownerRef).filter((x): x is string => x !== null && !state.owners.has(x.toLowerCase())))];
  if (!wanted.length) return;
  const lower = wanted.map((w) => w.toLowerCase());
  const found = await rows<{ id: number; email: string; name: string }>(
    tx,
    sql`select id, lower(email) as email, name from users where active and deleted_at is null and (lower(email) in ${jsonList(lower)} or name in ${jsonList(wanted)}) order by id`,
  );
  for (const w of wanted) {
    const l = w.toLowerCase();
    const byEmail = found.find((u) => u.email === l);
    const byName = found.filter((u) => u.name === w);
    const u = byEmail ?? (byName.length === 1 ? byName[0] : undefined);
    if (!u) {
      state.owners.set(l, null);
      continue;
    }
    const id = Number(u.id);
    const allowed = id === state.actor.id || (state.actor.permissions.has('customers.assign') && (state.assignable === null || state.assignable.has(id)));
    state.owners.set(l, { id, allowed });
  }
}

/**
 * For each match key of the batch, the customer an earlier batch of this run committed under it:
 * the first candidate of the hashed index whose stored record really has that key (so a hash
 * collision is never a match), read in one statement for the whole batch.
 */
async function earlierMatches(tx: DbOrTx, state: ImportState, batch: ImportedRow[]): Promise<(key: string) => number | undefined> {
  if (!state.seen.size) return () => undefined;
  const wanted = new Map<string, number[]>();
  for (const row of batch) {
    for (const k of matchKeys(row.customer)) {
      if (wanted.has(k)) continue;
      const ids = state.seen.candidates(k);
      if (ids.length) wanted.set(k, ids);
    }
  }
  if (!wanted.size) return () => undefined;
  const ids = [...new Set([...wanted.values()].flat())];
  // the stored values as imported (not the normalised columns): the keys are derived the same way as the file's
  const found = await rows<{ id: number; credit_code: string | null; mobile: string | null; email: string | null; phone: string | null; name: string; city: string | null }>(
    tx,
    sql`select id, credit_code, mobile, email, phone, name, city from customers where id in ${jsonIds(ids)}`,
  );
  const keysOf = new Map(found.map((f) => [Number(f.id), new Set(matchKeys({ creditCode: f.credit_code, mobile: f.mobile, email: f.email, phone: f.phone, name: f.name, city: f.city }))]));
  return (key) => wanted.get(key)?.find((id) => keysOf.get(id)?.has(key));
}

interface Pending {
  row: ImportedRow;
  id: number;
  ownerId: number;
}

/** Processes one batch inside `tx`; returns its counts. Row errors are written to import_errors. */
export async function importBatch(tx: DbOrTx, state: ImportState, records: ParsedRecord[]): Promise<{ counts: BatchCounts; remember: () => void }> {
  const counts: BatchCounts = { read: records.length, imported: 0, updated: 0, skipped: 0, failed: 0, lastRow: records[records.length - 1]?.line ?? 0 };
  const failed: Array<{ line: number; raw: string[]; errors: RowError[] }> = [];
  const good: ImportedRow[] = [];
  for (const rec of records) {
    if (rec.problem) {
      const why: Record<string, RowError> = {
        cell_too_large: { column: null, en: 'a cell is longer than 32768 characters; the row was not read', zh: '有单元格超过 32768 个字符，该行未读取' },
        too_many_columns: { column: null, en: 'the row has more than 500 cells', zh: '该行超过 500 个单元格' },
        unterminated_quote: { column: null, en: 'a quote is not closed before the end of the file (the file may be truncated)', zh: '引号直到文件结尾都未闭合（文件可能不完整）' },
      };
      failed.push({ line: rec.line, raw: rec.cells.slice(0, 500), errors: [why[rec.problem]!] });
      continue;
    }
    const row = toImportedRow(rec.cells, rec.line, state.rowContext);
    if (row.errors.length) failed.push({ line: row.line, raw: row.raw, errors: row.errors });
    else good.push(row);
  }
  await resolveOwners(tx, state, good);
  const existing = state.duplicates === 'create' ? new Map<string, Existing>() : await findExisting(tx, state.actor, good);
  const earlierOf = state.duplicates === 'create' ? () => undefined : await earlierMatches(tx, state, good);

  const creates: Pending[] = [];
  const pendingByKey = new Map<string, Pending>();
  const updates = new Map<number, ImportedRow[]>();
  const keysOfUpdates: Array<[string[], number]> = [];
  for (const row of good) {
    const ownerCol = state.rowContext.columns.find((c) => c.field === 'owner')?.header ?? 'owner';
    let ownerId = state.defaultOwnerId;
    if (row.ownerRef !== null) {
      const o = state.owners.get(row.ownerRef.toLowerCase());
      if (!o) {
        failed.push({ line: row.line, raw: row.raw, errors: [{ column: ownerCol, en: `no active user with the email or name "${row.ownerRef}"`, zh: `没有邮箱或姓名为"${row.ownerRef}"的在职用户` }] });
        continue;
      }
      // an owner the importer may not assign to: the importer keeps the customer (brief: within scope and with customers.assign)
      ownerId = o.allowed ? o.id : state.actor.id;
    }
    const keys = matchKeys(row.customer);
    if (state.duplicates !== 'create') {
      const inBatch = keys.map((k) => pendingByKey.get(k)).find((x) => x !== undefined);
      const earlier = keys.map(earlierOf).find((x) => x !== undefined);
      const inDb = keys.map((k) => existing.get(k)).find((x) => x !== undefined);
      if (inBatch || earlier !== undefined || inDb) {
        if (state.duplicates === 'skip') {
          counts.skipped++;
          continue;
        }
        if (inBatch) {
          // a later row of the same batch completes the customer an earlier row creates
          for (const [k, v] of Object.entries(row.customer)) if (v !== undefined) inBatch.row.customer[k] = v;
          Object.assign(inBatch.row.custom, row.custom);
          inBatch.row.tags.push(...row.tags);
          if (row.contact && !inBatch.row.contact) inBatch.row.contact = row.contact;
          if (row.followUp && !inBatch.row.followUp) inBatch.row.followUp = row.followUp;
          counts.updated++;
          continue;
        }
        const target = earlier ?? inDb!.id;
        if (earlier === undefined && !inDb!.visible) {
          failed.push({ line: row.line, raw: row.raw, errors: [{ column: null, en: 'matches a customer outside your data scope; it was not changed', zh: '与您数据范围之外的客户重复，未做修改' }] });
          continue;
        }
        updates.set(target, [...(updates.get(target) ?? []), row]);
        keysOfUpdates.push([keys, target]);
        counts.updated++;
        continue;
      }
    }
    const p: Pending = { row, id: 0, ownerId };
    creates.push(p);
    for (const k of keys) if (!pendingByKey.has(k)) pendingByKey.set(k, p);
  }

  // ---- new customers: ids first, so contacts and follow-ups can point at them in the same batch
  const ids = await nextIds(tx, 'customers', creates.length);
  creates.forEach((p, i) => (p.id = ids[i]!));
  const now = new Date().toISOString();
  if (creates.length) {
    await insertJsonRows(
      tx,
      'customers',
      insertSpec,
      creates.map((p) => {
        const o: Record<string, unknown> = { id: p.id, custom: p.row.custom, importance_source: p.row.customer.importance ? 'manual' : null, owner_id: p.ownerId, owner_since: now, created_by: state.actor.id, updated_by: state.actor.id };
        for (const [c, s] of customerColumns) o[s] = p.row.customer[c] ?? null;
        return o;
      }),
      { explicitIds: true, batchSize: 2000 },
    );
    counts.imported = creates.length;
  }

  // ---- updates of matched customers: only the cells the file fills, each change kept for rollback
  const undo: Array<Record<string, unknown>> = [];
  if (updates.size) {
    const before = await rows<Record<string, unknown> & { id: number; version: number; custom: Record<string, unknown> }>(
      tx,
      sql`select id, version, custom, ${sql.raw(customerColumns.map(([, s, t]) => (t === 'date' ? `${s}::text as ${s}` : s)).join(', '))} from customers where id in ${jsonIds([...updates.keys()])} for update`,
    );
    for (const b of before) {
      const id = Number(b.id);
      const patch: Record<string, unknown> = {};
      const old: Record<string, unknown> = {};
      let custom: Record<string, unknown> = b.custom;
      for (const r of updates.get(id) ?? []) {
        for (const [c, v] of Object.entries(r.customer)) {
          const s = snakeOf.get(c)!;
          if (c === 'kind' || c === 'relationshipType') continue; // inferred defaults never overwrite
          const cur = b[s];
          if (String(cur ?? '') !== String(v)) {
            if (!(s in old)) old[s] = cur ?? null;
            patch[s] = v;
          }
        }
        if (Object.keys(r.custom).length) custom = { ...custom, ...r.custom };
      }
      if (JSON.stringify(custom) !== JSON.stringify(b.custom)) {
        old.custom = b.custom;
        patch.custom = custom;
      }
      if (!Object.keys(patch).length) {
        undo.push({ import_id: state.importId, entity: 'customer', entity_id: id, action: 'updated', row_number: updates.get(id)![0]!.line, before: null, version_after: Number(b.version) });
        continue;
      }
      const sets = Object.entries(patch).map(([s, v]) => sql`${sql.raw(s)} = ${s === 'custom' ? sql`${JSON.stringify(v)}::jsonb` : v}`);
      await tx.execute(sql`update customers set ${sql.join(sets, sql`, `)}, version = version + 1, updated_at = now(), updated_by = ${state.actor.id} where id = ${id}`);
      undo.push({ import_id: state.importId, entity: 'customer', entity_id: id, action: 'updated', row_number: updates.get(id)![0]!.line, before: old, version_after: Number(b.version) + 1 });
    }
  }

  // ---- tags, contacts, follow-ups of every created or updated customer
  const touched: Array<{ id: number; ownerId: number | null; row: ImportedRow; created: boolean }> = [
    ...creates.map((p) => ({ id: p.id, ownerId: p.ownerId, row: p.row, created: true })),
    ...[...updates.entries()].flatMap(([id, rs]) => rs.map((row) => ({ id, ownerId: null, row, created: false }))),
  ];
  const tagNames = [...new Set(touched.flatMap((t) => t.row.tags))];
  if (tagNames.length) {
    await tx.execute(sql`insert into tags (name, created_by, updated_by) select t, ${state.actor.id}, ${state.actor.id} from ${jsonList(tagNames)} as x(t)
      where not exists (select 1 from tags g where lower(g.name) = lower(x.t) and g.deleted_at is null)`);
    const tagRows = await rows<{ id: number; name: string }>(tx, sql`select id, lower(name) as name from tags where deleted_at is null and lower(name) in ${jsonList(tagNames.map((t) => t.toLowerCase()))}`);
    const tagId = new Map(tagRows.map((t) => [t.name, Number(t.id)]));
    const links = touched.flatMap((t) => t.row.tags.flatMap((n) => { const tag = tagId.get(n.toLowerCase()); return tag === undefined ? [] : [{ customer_id: t.id, tag_id: tag }]; }));
    await tx.execute(sql`insert into customer_tags (customer_id, tag_id) select customer_id, tag_id from jsonb_to_recordset(${JSON.stringify(links)}::jsonb) as x(customer_id bigint, tag_id bigint) on conflict do nothing`);
  }

  const withContact = touched.filter((t) => t.row.contact);
  let newContacts = withContact;
  if (withContact.some((t) => !t.created)) {
    // an updated customer gets a contact only if it has none of that name yet (a re-import adds no twin)
    const have = await rows<{ customer_id: number; name: string }>(
      tx,
      sql`select cc.customer_id, k.name from customer_contacts cc join contacts k on k.id = cc.contact_id and k.deleted_at is null where cc.customer_id in ${jsonIds(withContact.filter((t) => !t.created).map((t) => t.id))}`,
    );
    const known = new Set(have.map((h) => `${Number(h.customer_id)}\u0000${h.name}`));
    newContacts = withContact.filter((t) => t.created || !known.has(`${t.id}\u0000${t.row.contact!.name}`));
  }
  const contactIds = await nextIds(tx, 'contacts', newContacts.length);
  if (newContacts.length) {
    const ownerOf = new Map(
      (await rows<{ id: number; owner_id: number | null }>(tx, sql`select id, owner_id from customers where id in ${jsonIds([...new Set(newContacts.map((t) => t.id))])}`)).map((r) => [Number(r.id), r.owner_id]),
    );
    await insertJsonRows(
      tx,
      'contacts',
      [['id', 'bigint'], ['name', 'text'], ['mobile', 'text'], ['phone', 'text'], ['email', 'text'], ['owner_id', 'bigint'], ['created_by', 'bigint'], ['updated_by', 'bigint']],
      newContacts.map((t, i) => ({ id: contactIds[i], ...t.row.contact, owner_id: ownerOf.get(t.id) ?? null, created_by: state.actor.id, updated_by: state.actor.id })),
      { explicitIds: true, batchSize: 2000 },
    );
    await insertJsonRows(
      tx,
      'customer_contacts',
      [['customer_id', 'bigint'], ['contact_id', 'bigint'], ['title', 'text'], ['is_primary', 'boolean']],
      newContacts.map((t, i) => ({ customer_id: t.id, contact_id: contactIds[i], title: t.row.contact!.title, is_primary: t.created && newContacts.findIndex((o) => o.id === t.id) === i })),
    );
  }

  const withFollowUp = touched.filter((t) => t.row.followUp);
  const followUpRows = withFollowUp.map((t) => ({
    customer_id: t.id,
    channel: t.row.followUp!.channel,
    occurred_at: (t.row.followUp!.occurredAt ?? new Date(now)).toISOString(),
    summary: t.row.followUp!.summary,
    row_number: t.row.line,
  }));
  let followUpIds: Array<{ id: number; row_number: number }> = [];
  if (followUpRows.length) {
    // the same follow-up (customer, time, text) is not recorded twice by a re-import with update
    followUpIds = await rows<{ id: number; row_number: number }>(
      tx,
      sql`with x as (select * from jsonb_to_recordset(${JSON.stringify(followUpRows)}::jsonb) as x(customer_id bigint, channel text, occurred_at timestamptz, summary text, row_number int)),
          ins as (insert into follow_ups (customer_id, channel, direction, occurred_at, summary, author_id, created_by, updated_by)
            select customer_id, channel, 'outbound', occurred_at, summary, ${state.actor.id}, ${state.actor.id}, ${state.actor.id} from x
            where not exists (select 1 from follow_ups f where f.customer_id = x.customer_id and f.occurred_at = x.occurred_at and f.summary = x.summary and f.deleted_at is null)
            returning id, customer_id, occurred_at, summary)
          select ins.id, min(x.row_number) as row_number from ins join x using (customer_id, occurred_at, summary) group by ins.id`,
    );
    await tx.execute(sql`update customers c set last_follow_up_at = greatest(c.last_follow_up_at, m.at)
      from (select customer_id, max(occurred_at) as at from jsonb_to_recordset(${JSON.stringify(followUpRows)}::jsonb) as x(customer_id bigint, occurred_at timestamptz) group by customer_id) m
      where c.id = m.customer_id`);
  }

  // ---- the rollback log, the failed rows, and the job's counters and resume point
  const log = [
    ...creates.map((p) => ({ import_id: state.importId, entity: 'customer', entity_id: p.id, action: 'created', row_number: p.row.line, before: null, version_after: null })),
    ...undo,
    ...newContacts.map((t, i) => ({ import_id: state.importId, entity: 'contact', entity_id: contactIds[i], action: 'created', row_number: t.row.line, before: null, version_after: null })),
    ...followUpIds.map((f) => ({ import_id: state.importId, entity: 'follow_up', entity_id: Number(f.id), action: 'created', row_number: Number(f.row_number), before: null, version_after: null })),
  ];
  if (log.length) {
    await insertJsonRows(tx, 'import_rows', [['import_id', 'bigint'], ['entity', 'text'], ['entity_id', 'bigint'], ['action', 'text'], ['row_number', 'int'], ['before', 'jsonb'], ['version_after', 'int']], log, { batchSize: 5000 });
  }
  counts.failed = failed.length;
  if (failed.length) {
    await insertJsonRows(
      tx,
      'import_errors',
      [['import_id', 'bigint'], ['row_number', 'int'], ['seq', 'int'], ['"column"', 'text'], ['reason_en', 'text'], ['reason_zh', 'text'], ['raw', 'jsonb']],
      failed.flatMap((f) => f.errors.map((e, seq) => ({ import_id: state.importId, row_number: f.line, seq, column: e.column, reason_en: e.en, reason_zh: e.zh, raw: seq === 0 ? f.raw : [] }))),
      { batchSize: 2000 },
    );
  }
  await tx.execute(sql`update imports set rows_read = rows_read + ${counts.read}, imported = imported + ${counts.imported}, updated = updated + ${counts.updated},
    skipped = skipped + ${counts.skipped}, failed = failed + ${counts.failed}, resume_after_row = ${counts.lastRow}, updated_at = now() where id = ${state.importId}`);

  // the caller remembers the batch's keys once it has committed: a batch rolled back leaves no trace
  const remember = () => {
    for (const p of creates) for (const k of matchKeys(p.row.customer)) state.seen.add(k, p.id);
    for (const [keys, id] of keysOfUpdates) for (const k of keys) state.seen.add(k, id);
  };
  return { counts, remember };
}
