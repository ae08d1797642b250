// Turns `filter[...]` query parameters into SQL, from one catalogue per resource (the same
// catalogue that builds the query schema in @guanxi/contracts). Values are validated here, so a
// bad value is a field error on its parameter, never a database error.
import { sql, type SQL } from 'drizzle-orm';
import type { FilterKind } from '@guanxi/contracts';
import { invalid } from '../platform/errors.js';

export type RangeType = 'number' | 'timestamp' | 'date';
export type FilterColumn =
  | { kind: 'text'; expr: SQL }
  /** equals one of a comma-separated list (regions and other coded values: served by an index) */
  | { kind: 'equals'; expr: SQL }
  | { kind: 'enum'; expr: SQL; values: readonly string[] }
  | { kind: 'owner'; expr: SQL }
  | { kind: 'ids'; build: (ids: number[]) => SQL }
  | { kind: 'range'; expr: SQL; type: RangeType };

export interface CustomFieldDef {
  key: string;
  type: 'text' | 'number' | 'date' | 'select' | 'multiselect' | 'boolean';
  options: Array<{ value: string }>;
}

export interface FilterOptions {
  columns: Record<string, FilterColumn>;
  actorId: number;
  /** The company's time zone: a bare date in a timestamp range means that day there. */
  timeZone: string;
  /** The `custom` jsonb column and the field definitions, for `filter[custom.<key>]`. */
  custom?: { column: SQL; fields: CustomFieldDef[] };
}

const KEY = /^filter\[([A-Za-z][A-Za-z0-9_.]*)\](?:\[(gte|lte)\])?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const likeContains = (v: string) => `%${v.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const list = (v: string) => [...new Set(v.split(',').map((s) => s.trim()).filter(Boolean))];

function ids(param: string, v: string): number[] {
  const out = list(v).map(Number);
  if (!out.length || out.some((n) => !Number.isSafeInteger(n) || n <= 0)) throw invalid(param, 'expected ids separated by commas');
  return out;
}

function validDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** The SQL bound of one side of a range, or equality when `op` is undefined. */
function rangeCondition(param: string, expr: SQL, type: RangeType, op: 'gte' | 'lte' | undefined, v: string, timeZone: string): SQL {
  if (type === 'number') {
    if (!/^-?\d+(\.\d+)?$/.test(v)) throw invalid(param, 'expected a number');
    const n = sql`${v}::numeric`;
    return op === 'gte' ? sql`${expr} >= ${n}` : op === 'lte' ? sql`${expr} <= ${n}` : sql`${expr} = ${n}`;
  }
  if (DATE.test(v)) {
    if (!validDate(v)) throw invalid(param, 'not a date');
    if (type === 'date') {
      const d = sql`${v}::date`;
      return op === 'gte' ? sql`${expr} >= ${d}` : op === 'lte' ? sql`${expr} <= ${d}` : sql`${expr} = ${d}`;
    }
    // A day in the company's time zone: [start of day, start of next day).
    const start = sql`(${v}::date)::timestamp at time zone ${timeZone}`;
    const end = sql`((${v}::date) + 1)::timestamp at time zone ${timeZone}`;
    if (op === 'gte') return sql`${expr} >= ${start}`;
    if (op === 'lte') return sql`${expr} < ${end}`;
    return sql`(${expr} >= ${start} and ${expr} < ${end})`;
  }
  if (type === 'date' || Number.isNaN(Date.parse(v)) || !/^\d{4}-\d{2}-\d{2}T/.test(v)) throw invalid(param, 'expected a date (YYYY-MM-DD) or an ISO time');
  const t = sql`${new Date(v).toISOString()}::timestamptz`;
  return op === 'gte' ? sql`${expr} >= ${t}` : op === 'lte' ? sql`${expr} <= ${t}` : sql`${expr} = ${t}`;
}

function customCondition(param: string, column: SQL, field: CustomFieldDef, op: 'gte' | 'lte' | undefined, v: string, timeZone: string): SQL {
  const key = field.key;
  const text = sql`(${column} ->> ${key})`;
  if (op && field.type !== 'number' && field.type !== 'date') throw invalid(param, `a ${field.type} field has no range`);
  switch (field.type) {
    case 'text':
      return sql`${text} ilike ${likeContains(v)}`;
    case 'number':
      return rangeCondition(param, sql`(case when jsonb_typeof(${column} -> ${key}) = 'number' then ${text}::numeric end)`, 'number', op, v, timeZone);
    case 'date':
      return rangeCondition(param, sql`(case when ${text} ~ '^\\d{4}-\\d{2}-\\d{2}$' then ${text}::date end)`, 'date', op, v, timeZone);
    case 'boolean':
      if (v !== 'true' && v !== 'false') throw invalid(param, 'expected true or false');
      return sql`(${column} -> ${key}) = ${v}::jsonb`;
    case 'select':
    case 'multiselect': {
      const values = list(v);
      const known = new Set(field.options.map((o) => o.value));
      const bad = values.find((x) => !known.has(x));
      if (bad !== undefined) throw invalid(param, `unknown option ${bad}`, 'invalid_option');
      const arr = sql`array[${sql.join(values.map((x) => sql`${x}`), sql`, `)}]::text[]`;
      return field.type === 'select' ? sql`${text} = any(${arr})` : sql`jsonb_exists_any(${column} -> ${key}, ${arr})`;
    }
  }
}

/** The AND of every `filter[...]` parameter in `query`; other parameters are ignored. */
export function compileFilters(query: Record<string, unknown>, opts: FilterOptions): SQL[] {
  const out: SQL[] = [];
  for (const [param, raw] of Object.entries(query)) {
    if (!param.startsWith('filter[') || raw === undefined) continue;
    const v = String(raw).trim();
    const m = KEY.exec(param);
    if (!m) throw invalid(param, 'unknown filter');
    const [, field = '', op] = m as unknown as [string, string, 'gte' | 'lte' | undefined];
    if (field.startsWith('custom.')) {
      const def = opts.custom?.fields.find((f) => f.key === field.slice(7));
      if (!opts.custom || !def) throw invalid(param, 'no such custom field', 'unknown_field');
      out.push(customCondition(param, opts.custom.column, def, op, v, opts.timeZone));
      continue;
    }
    const col = opts.columns[field];
    if (!col) throw invalid(param, 'unknown filter');
    if (op && col.kind !== 'range') throw invalid(param, 'this filter has no range');
    switch (col.kind) {
      case 'text':
        out.push(sql`${col.expr} ilike ${likeContains(v)}`);
        break;
      case 'equals': {
        const values = list(v);
        if (!values.length) throw invalid(param, 'give one or more values', 'invalid_value');
        out.push(sql`${col.expr} in (${sql.join(values.map((x) => sql`${x}`), sql`, `)})`);
        break;
      }
      case 'enum': {
        const values = list(v);
        const bad = values.find((x) => !col.values.includes(x));
        if (bad !== undefined || !values.length) throw invalid(param, `unknown value ${bad ?? ''}; expected one of ${col.values.join(', ')}`, 'invalid_value');
        out.push(sql`${col.expr} in (${sql.join(values.map((x) => sql`${x}`), sql`, `)})`);
        break;
      }
      case 'owner': {
        const owners = list(v).map((x) => (x === 'me' ? String(opts.actorId) : x));
        out.push(sql`${col.expr} in (${sql.join(ids(param, owners.join(',')).map((x) => sql`${x}`), sql`, `)})`);
        break;
      }
      case 'ids':
        out.push(col.build(ids(param, v)));
        break;
      case 'range':
        out.push(rangeCondition(param, col.expr, col.type, op, v, opts.timeZone));
        break;
    }
  }
  return out;
}

/** Checks at compile time that a resource maps every field of its contract catalogue. */
export type ColumnsFor<F extends Record<string, FilterKind>> = { [K in keyof F]: Extract<FilterColumn, { kind: F[K] }> };
