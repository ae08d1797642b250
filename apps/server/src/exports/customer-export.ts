// Exports of the customer list as the caller sees it: the same WHERE (scope, q, filters) and the
// same sort as the list page, read in keyset pages of 2,000 so a million rows never sit in memory,
// personal data masked for roles without personal_data.view, one audit entry per export.
import { sql } from 'drizzle-orm';
import { customerExportColumns, customerImportFields, customerListQuery } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { customers, users } from '../db/schema.js';
import { fieldDefinitions } from '../custom-fields/custom-fields.service.js';
import { customerColumns as viewColumns, maskPersonal } from '../customers/customer-view.js';
import { customerListWhere, sortColumns } from '../customers/customers.service.js';
import { displayValue } from '../imports/customer-rows.js';
import { recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { AppError, invalid } from '../platform/errors.js';
import type { Lang } from '../platform/i18n.js';
import { cursorValue, encodeCursor, keyset, parseSort } from '../platform/pagination.js';
import { csvLine, UTF8_BOM } from '../tabular/csv-writer.js';
import { xlsxStream } from '../tabular/xlsx-writer.js';

const PAGE = 2000;
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

function validated(list: Record<string, string>): Record<string, unknown> & { q?: string; sort?: string } {
  const r = customerListQuery.safeParse(list);
  if (!r.success) throw new AppError('VALIDATION_FAILED', undefined, r.error.issues.map((i) => ({ path: i.path.map(String).join('.') || 'query', message: i.message, code: i.code })));
  return r.data as Record<string, unknown> & { q?: string; sort?: string };
}

export async function exportCustomers(database: Database, ctx: Ctx, req: ExportRequest, lang: Lang, timeZone: string): Promise<{ fileName: string; contentType: string; body: AsyncGenerator<Buffer> }> {
  const { actor } = ctx;
  const query = validated(req.list);
  const custom = await fieldDefinitions(database.db, 'customer');
  const allColumns = [...customerExportColumns, ...custom.map((c) => `custom.${c.key}`)];
  const columns = req.columns ? [...new Set(req.columns.split(',').map((c) => c.trim()).filter(Boolean))] : allColumns;
  const unknown = columns.find((c) => !allColumns.includes(c));
  if (unknown !== undefined) throw invalid('columns', `unknown column ${unknown}`, 'unknown_column');
  if (!columns.length) throw invalid('columns', 'choose at least one column', 'required');
  const header = columns.map((c) => {
    if (c.startsWith('custom.')) {
      const d = custom.find((f) => f.key === c.slice(7))!;
      return lang === 'en' ? (d.labelEn ?? d.label) : d.label;
    }
    const f = customerImportFields.find((x) => x.key === c) ?? extraLabels[c];
    return f ? (lang === 'en' ? f.en : f.zh) : c;
  });
  const where = await customerListWhere(database.db, actor, query, timeZone);
  const spec = parseSort(query.sort, sortColumns, '-updatedAt');
  const wantTags = columns.includes('tags');

  let exported = 0;
  let finished = false;
  async function* rows(): AsyncGenerator<string[][]> {
    let cursor: string | undefined;
    try {
      for (;;) {
        const page = keyset(spec, sql`${customers.id}`, cursor);
        const batch = await database.db
          .select({
            ...viewColumns,
            sortValue: sql<string | null>`${page.sortValue}`,
            tagNames: wantTags
              ? sql<string | null>`(select string_agg(t.name, ', ' order by t.name) from customer_tags ct join tags t on t.id = ct.tag_id and t.deleted_at is null where ct.customer_id = ${customers.id})`
              : sql<string | null>`null`,
          })
          .from(customers)
          .leftJoin(users, sql`${users.id} = ${customers.ownerId}`)
          .where(sql`${where} and ${page.where}`)
          .orderBy(page.orderBy)
          .limit(PAGE);
        if (!batch.length) break;
        yield batch.map((raw) => {
          const r = maskPersonal(actor, raw as unknown as Record<string, unknown>);
          return columns.map((c) => {
            if (c === 'owner') return String(r.ownerName ?? '');
            if (c === 'tags') return String(r.tagNames ?? '');
            const v = c.startsWith('custom.') ? (r.custom as Record<string, unknown>)[c.slice(7)] : r[c];
            if (v === null || v === undefined) return '';
            if (v instanceof Date) return v.toISOString();
            if (Array.isArray(v)) return v.join(', ');
            if (typeof v === 'boolean') return lang === 'en' ? (v ? 'yes' : 'no') : v ? '是' : '否';
            return codedFields.has(c) ? displayValue(c, String(v), lang) : String(v);
          });
        });
        exported += batch.length;
        if (batch.length < PAGE) break;
        const last = batch[batch.length - 1]!;
        cursor = encodeCursor(cursorValue(last.sortValue), last.id);
      }
      finished = true;
    } finally {
      // written when the stream ends, complete or not: who exported what, with which filters, how many rows
      await recordAudit(database.db, ctx, {
        entity: 'customer_export',
        entityId: actor.id,
        action: 'export',
        changes: { query: { old: null, new: req.list }, columns: { old: null, new: columns }, format: { old: null, new: req.format }, rows: { old: null, new: exported }, complete: { old: null, new: finished } },
      });
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
