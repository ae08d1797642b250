// Keyset pagination: the cursor carries the last row's sort value and id, so page 500 costs the
// same as page 1. Sort keys are `field` or `-field`, mapped per resource to SQL expressions.
import { sql, type SQL } from 'drizzle-orm';
import { invalid } from './errors.js';

export interface SortSpec {
  expr: SQL;
  desc: boolean;
  /** How the sort value is compared in the cursor; timestamps travel as ISO strings. */
  kind: 'text' | 'number' | 'timestamp';
}

export function parseSort(sort: string | undefined, columns: Record<string, { expr: SQL; kind: SortSpec['kind'] }>, fallback: string): SortSpec {
  const key = sort ?? fallback;
  const desc = key.startsWith('-');
  const col = columns[desc ? key.slice(1) : key];
  if (!col) throw invalid('sort', `cannot sort by ${key}`);
  return { expr: col.expr, kind: col.kind, desc };
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
 * The WHERE fragment for rows after the cursor and the ORDER BY that goes with it. Nulls sort
 * last in both directions, so the sort expression is compared through coalesce-free tuple logic.
 */
export function keyset(spec: SortSpec, idExpr: SQL, cursor: string | undefined): { where: SQL; orderBy: SQL } {
  const dir = spec.desc ? sql`desc` : sql`asc`;
  const orderBy = sql`${spec.expr} ${dir} nulls last, ${idExpr} ${dir}`;
  if (!cursor) return { where: sql`true`, orderBy };
  const [value, id] = decodeCursor(cursor);
  const v = typed(value, spec.kind);
  const cmp = spec.desc ? sql`<` : sql`>`;
  const where =
    value === null
      ? sql`(${spec.expr} is null and ${idExpr} ${cmp} ${id})`
      : sql`((${spec.expr}) ${cmp} ${v} or ((${spec.expr}) = ${v} and ${idExpr} ${cmp} ${id}) or ${spec.expr} is null)`;
  return { where, orderBy };
}

export function cursorValue(value: unknown): CursorValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'string') return value;
  return String(value);
}
