// Exports of the customer list as the caller sees it: the same WHERE (scope, q, filters) and the
// same sort as the list page, read through one server-side cursor (db/cursor.ts) over a select of
// exactly the exported columns, so a million rows cost one query and never sit in memory; personal
// data masked for roles without personal_data.view, one audit entry per export.
import { sql, type SQL } from 'drizzle-orm';
import { customerExportColumns, customerImportFields, customerListQuery, customerScoreFields } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { cursorTuples } from '../db/cursor.js';
import { customers, users } from '../db/schema.js';
import { metricsJoin, scoreSummaryColumns } from '../analytics/customer-scores.js';
import { scoreClassLabels, scoreFieldLabels } from '../analytics/score-labels.js';
import { fieldDefinitions } from '../custom-fields/custom-fields.service.js';
import { personalFields } from '../customers/customer-view.js';
import { customerListWhere, sortColumns } from '../customers/customers.service.js';
import { displayValue } from '../imports/customer-rows.js';
import { recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { AppError, invalid } from '../platform/errors.js';
import type { Lang } from '../platform/i18n.js';
import { canSeePersonalData } from '../platform/masking.js';
import { keyset, parseSort } from '../platform/pagination.js';
import { csvLine, UTF8_BOM } from '../tabular/csv-writer.js';
import { xlsxStream } from '../tabular/xlsx-writer.js';

/**
 * Rows per FETCH: one CSV chunk of about 250 KB. Small enough that a batch (and the one read
 * ahead, db/cursor.ts) dies in V8's young generation: at 5,000 rows a batch outlived it and garbage
 * collection took about half of the export's CPU time.
 */
const FETCH = 1000;
const extraLabels: Record<string, { zh: string; en: string }> = {
  id: { zh: '客户编号', en: 'ID' },
  ownerId: { zh: '负责人编号', en: 'Owner ID' },
  createdAt: { zh: '创建时间', en: 'Created at' },
  updatedAt: { zh: '更新时间', en: 'Updated at' },
  lastFollowUpAt: { zh: '最近跟进时间', en: 'Last follow-up' },
  nextFollowUpAt: { zh: '下次跟进时间', en: 'Next follow-up' },
};
const codedFields = new Set(['kind', 'relationshipType', 'gender', 'importance', 'loyalty', 'valueBehavior', 'relationshipStrategy']);

export interface ExportRequest {
  format: 'csv' | 'xlsx';
  columns?: string | undefined;
  /** The list's own parameters: q, sort, filter[…] (paging ignored). */
  list: Record<string, string>;
}

const timestampColumns = new Set(['createdAt', 'updatedAt', 'lastFollowUpAt', 'nextFollowUpAt']);
const dateColumns = new Set(['foundedOn', 'birthday']);
const isScoreField = (c: string): c is (typeof customerScoreFields)[number] => (customerScoreFields as readonly string[]).includes(c);
const column = (key: string) => sql`${customers[key as keyof typeof customers.$inferSelect]}`;

/**
 * The select list of the export: each column as the text it is written as (timestamps in the ISO
 * form of Date.toISOString, dates and numbers as PostgreSQL prints them), custom fields as their
 * JSON value, and the owner's name and the tag list only when they are asked for (`exportJoins`).
 */
function exportSelect(columns: string[]): SQL {
  const parts = columns.map((c, i) => {
    const as = sql.raw(`c${i}`);
    if (c === 'owner') return sql`export_owner.name as ${as}`;
    if (c === 'tags') return sql`export_tags.names as ${as}`;
    if (c.startsWith('custom.')) return sql`${customers.custom} -> ${c.slice(7)}::text as ${as}`;
    if (isScoreField(c)) return sql`${scoreSummaryColumns[c]}::text as ${as}`;
    if (timestampColumns.has(c)) return sql`to_char(${column(c)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as ${as}`;
    if (dateColumns.has(c)) return sql`${column(c)}::text as ${as}`;
    return sql`${column(c)}::text as ${as}`;
  });
  return sql.join(parts, sql`, `);
}

/**
 * How a column's value becomes the text of its cell, decided once per export rather than per cell:
 * personal data masked (customer-view's masks, for roles without personal_data.view), coded values
 * (kind, importance, …) by their label in the caller's language, custom fields' JSON arrays joined
 * and booleans as yes/no.
 */
function cellText(column: string, lang: Lang, mask: ((v: string | null) => string | null) | undefined): (v: unknown) => string {
  const plain = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'string') return v;
    if (Array.isArray(v)) return v.join(', ');
    if (typeof v === 'boolean') return lang === 'en' ? (v ? 'yes' : 'no') : v ? '是' : '否';
    return String(v);
  };
  if (mask) return (v) => plain(typeof v === 'string' ? mask(v) : v);
  const scoreClasses = isScoreField(column) ? scoreClassLabels[column] : undefined;
  if (scoreClasses) return (v) => (v === null || v === undefined ? '' : (scoreClasses[String(v)]?.[lang === 'en' ? 'en' : 'zh'] ?? String(v)));
  if (!codedFields.has(column)) return plain;
  const labels = new Map<string, string>();
  return (v) => {
    if (v === null || v === undefined) return '';
    const key = String(v);
    let label = labels.get(key);
    if (label === undefined) labels.set(key, (label = displayValue(column, key, lang)));
    return label;
  };
}

/**
 * The owner's name and the tag list as joins, not per-row subqueries: at a million rows the
 * subqueries ran two lookups per row (about half the query's time), where the joins are one hash
 * each. The tag lists are aggregated over all tagged customers, which also costs a small export
 * that much (~0.3 s per 300k tag links).
 */
function exportJoins(columns: string[]): SQL {
  const joins: SQL[] = [];
  if (columns.includes('owner')) joins.push(sql`left join ${users} export_owner on export_owner.id = ${customers.ownerId}`);
  if (columns.includes('tags'))
    joins.push(sql`left join (select ct.customer_id, string_agg(t.name, ', ' order by t.name) as names from customer_tags ct join tags t on t.id = ct.tag_id and t.deleted_at is null group by ct.customer_id) export_tags on export_tags.customer_id = ${customers.id}`);
  return sql.join(joins, sql` `);
}

/**
 * Planner settings of the export's read. It reads the cursor to the end, so the plan should be the
 * cheapest in total (cursor_tuple_fraction 1), not the quickest to a first row; the default 0.1
 * picked a walk of the sort index that read the heap in random order (~1M page reads at 1M rows,
 * 18–25 s) over a sequential scan and a sort (~10 s). The sort spills to disk past work_mem.
 */
const exportReadSettings = { cursor_tuple_fraction: '1', work_mem: '64MB' };

function validated(list: Record<string, string>): Record<string, unknown> & { q?: string; sort?: string } {
  const r = customerListQuery.safeParse(list);
  if (!r.success) throw new AppError('VALIDATION_FAILED', undefined, r.error.issues.map((i) => ({ path: i.path.map(String).join('.') || 'query', message: i.message, code: i.code })));
  return r.data as Record<string, unknown> & { q?: string; sort?: string };
}

export async function exportCustomers(database: Database, ctx: Ctx, req: ExportRequest, lang: Lang, timeZone: string): Promise<{ fileName: string; contentType: string; body: AsyncGenerator<Buffer> }> {
  const { actor } = ctx;
  const query = validated(req.list);
  const custom = await fieldDefinitions(database.db, 'customer');
  // by default every customer field; the scores of the last analytics run when asked for (the list's score columns)
  const allColumns = [...customerExportColumns, ...custom.map((c) => `custom.${c.key}`)];
  const columns = req.columns ? [...new Set(req.columns.split(',').map((c) => c.trim()).filter(Boolean))] : allColumns;
  const unknown = columns.find((c) => !allColumns.includes(c) && !isScoreField(c));
  if (unknown !== undefined) throw invalid('columns', `unknown column ${unknown}`, 'unknown_column');
  if (!columns.length) throw invalid('columns', 'choose at least one column', 'required');
  const header = columns.map((c) => {
    if (c.startsWith('custom.')) {
      const d = custom.find((f) => f.key === c.slice(7))!;
      return lang === 'en' ? (d.labelEn ?? d.label) : d.label;
    }
    const f = customerImportFields.find((x) => x.key === c) ?? extraLabels[c] ?? (isScoreField(c) ? scoreFieldLabels[c] : undefined);
    return f ? (lang === 'en' ? f.en : f.zh) : c;
  });
  const where = await customerListWhere(database.db, actor, query, timeZone);
  const spec = parseSort(query.sort, sortColumns, '-updatedAt');

  let exported = 0;
  let finished = false;
  const masks = canSeePersonalData(actor) ? {} : personalFields;
  const cells = columns.map((c) => cellText(c, lang, masks[c]));
  const audit = () =>
    // written when the stream ends, complete or not: who exported what, with which filters, how many rows
    recordAudit(database.db, ctx, {
      entity: 'customer_export',
      entityId: actor.id,
      action: 'export',
      changes: { query: { old: null, new: req.list }, columns: { old: null, new: columns }, format: { old: null, new: req.format }, rows: { old: null, new: exported }, complete: { old: null, new: finished } },
    });

  async function* rows(): AsyncGenerator<string[][]> {
    const query = sql`select ${exportSelect(columns)} from ${customers} ${metricsJoin} ${exportJoins(columns)} where ${where} order by ${keyset(spec, sql`${customers.id}`, undefined).orderBy}`;
    try {
      for await (const batch of cursorTuples(database, query, FETCH, exportReadSettings)) {
        yield batch.map((raw) => {
          const out = new Array<string>(cells.length);
          for (let i = 0; i < cells.length; i++) out[i] = cells[i]!(raw[i]);
          return out;
        });
        exported += batch.length;
      }
      finished = true;
    } finally {
      await audit();
    }
  }

  const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  const base = `${lang === 'en' ? 'customers' : '客户'}-${stamp}`;
  if (req.format === 'xlsx') {
    return { fileName: `${base}.xlsx`, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', body: xlsxStream(lang === 'en' ? 'Customers' : '客户', header, rows()) };
  }
  async function* csv(): AsyncGenerator<Buffer> {
    yield Buffer.from(UTF8_BOM + csvLine(header));
    for await (const batch of rows()) yield Buffer.from(batch.map(csvLine).join(''));
  }
  return { fileName: `${base}.csv`, contentType: 'text/csv; charset=utf-8', body: csv() };
}
