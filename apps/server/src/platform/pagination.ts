// Keyset pagination: the cursor carries the last row's sort value and id, so page 500 costs the
// same as page 1. Sort keys are `field` or `-field`, mapped per resource to SQL expressions.
import { sql, type SQL } from 'drizzle-orm';
import { invalid } from './errors.js';
import type { Database } from '../db/client.js';

export interface SortSpec {
  expr: SQL;
  desc: boolean;
  /** How the sort value is compared in the cursor; timestamps travel as text with microseconds. */
  kind: 'text' | 'number' | 'timestamp';
  /** The column never holds null: the cursor condition can then be a plain row comparison. */
  notNull: boolean;
  /** Nulls come last in both directions (scores a customer may not have yet), not first when descending. */
  nullsLast?: boolean;
}

export interface SortColumn {
  expr: SQL;
  kind: SortSpec['kind'];
  notNull?: boolean;
  nullsLast?: boolean;
}

export function parseSort(sort: string | undefined, columns: Record<string, SortColumn>, fallback: string): SortSpec {
  const key = sort ?? fallback;
  const desc = key.startsWith('-');
  const col = columns[desc ? key.slice(1) : key];
  if (!col) throw invalid('sort', `cannot sort by ${key}`);
  return { expr: col.expr, kind: col.kind, desc, notNull: col.notNull ?? false, nullsLast: col.nullsLast ?? false };
}

type CursorValue = string | number | null;

export function encodeCursor(value: CursorValue, id: number): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

function decodeCursor(cursor: string): [CursorValue, number] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      (parsed[0] === null || typeof parsed[0] === 'string' || typeof parsed[0] === 'number') &&
      Number.isSafeInteger(parsed[1])
    ) {
      return [parsed[0] as CursorValue, parsed[1] as number];
    }
  } catch {
    // fall through to the validation error
  }
  throw invalid('cursor', 'not a cursor returned by this list');
}

function typed(value: CursorValue, kind: SortSpec['kind']): SQL {
  if (value === null) return sql`null`;
  if (kind === 'timestamp') return sql`${String(value)}::timestamptz`;
  if (kind === 'number') return sql`${Number(value)}::numeric`;
  return sql`${String(value)}::text`;
}

/**
 * The WHERE fragment for rows after the cursor, the ORDER BY that goes with it, and the
 * expression to select as the row's cursor value. Nulls sort as PostgreSQL sorts them by default
 * (last ascending, first descending), so one ascending (column, id) index serves both directions,
 * and a non-null column pages with a row comparison the index can seek to.
 */
export function keyset(spec: SortSpec, idExpr: SQL, cursor: string | undefined): { where: SQL; orderBy: SQL; sortValue: SQL } {
  const dir = spec.desc ? sql`desc` : sql`asc`;
  // ascending already puts nulls last; only a descending nulls-last sort needs saying so
  const lastNulls = spec.nullsLast === true || !spec.desc;
  const orderBy = spec.desc && spec.nullsLast === true ? sql`${spec.expr} desc nulls last, ${idExpr} desc` : sql`${spec.expr} ${dir}, ${idExpr} ${dir}`;
  // text keeps a timestamp's microseconds, which a JavaScript Date would round away
  const sortValue = sql`(${spec.expr})::text`;
  if (!cursor) return { where: sql`true`, orderBy, sortValue };
  const [value, id] = decodeCursor(cursor);
  const cmp = spec.desc ? sql`<` : sql`>`;
  let where: SQL;
  if (value === null) {
    // inside the nulls: when they come last only nulls follow; when first, every non-null follows too
    if (lastNulls) where = sql`(${spec.expr} is null and ${idExpr} ${cmp} ${id})`;
    else where = sql`((${spec.expr} is null and ${idExpr} < ${id}) or ${spec.expr} is not null)`;
  } else {
    const after = sql`(${spec.expr}, ${idExpr}) ${cmp} (${typed(value, spec.kind)}, ${id}::bigint)`;
    where = spec.notNull || !lastNulls ? after : sql`(${after} or ${spec.expr} is null)`;
  }
  return { where, orderBy, sortValue };
}

export function cursorValue(value: unknown): CursorValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'string') return value;
  return String(value);
}

/**
 * How many rows match, counted exactly up to `cap`; past it, the planner's estimate (marked
 * approximate), so that the first page of a million-row list does not count a million rows.
 */
export async function countRows(database: { rows: Database['rows'] }, from: SQL, cap = 1_000): Promise<{ total: number; approximate: boolean }> {
  const [exact] = await database.rows<{ n: number }>(sql`select count(*)::int as n from (select 1 from ${from} limit ${cap + 1}) s`);
  const n = Number(exact?.n ?? 0);
  if (n <= cap) return { total: n, approximate: false };
  const plan = await database.rows<{ 'QUERY PLAN': unknown }>(sql`explain (format json) select 1 from ${from}`);
  const doc = plan[0]?.['QUERY PLAN'];
  const parsed = (typeof doc === 'string' ? JSON.parse(doc) : doc) as Array<{ Plan?: { 'Plan Rows'?: number } }>;
  const estimate = Math.round(parsed[0]?.Plan?.['Plan Rows'] ?? n);
  return { total: Math.max(estimate, n), approximate: true };
}

/**
 * The page out of rows fetched with `limit + 1`: the rows to show and the cursor of the next page
 * (null on the last page). `cursorOf` gives a row's sort value (the selected `sortValue`) and id.
 */
export function pageOf<T>(rows: T[], limit: number, cursorOf: (row: T) => [unknown, number]): { rows: T[]; nextCursor: string | null } {
  const kept = rows.slice(0, limit);
  const last = kept[kept.length - 1];
  if (rows.length <= limit || last === undefined) return { rows: kept, nextCursor: null };
  const [value, id] = cursorOf(last);
  return { rows: kept, nextCursor: encodeCursor(cursorValue(value), id) };
}
