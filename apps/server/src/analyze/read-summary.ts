// Reads a per-customer summary file (id, x, t_x, T and optionally mean spend) for `--summary`.
import { AnalyzeInputError, rowError } from './analyze-error.js';
import type { Delimiter } from '../tabular/delimited.js';
import { columnOf, openTable } from './read-table.js';

export interface SummaryColumns {
  id: string;
  x: string;
  tx: string;
  T: string;
  /** Mean spend column; optional when it is the default name and absent. */
  spend?: string;
  spendRequired: boolean;
}

export interface SummaryFile {
  ids: string[];
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  meanSpend: Float64Array | null;
  skippedRows: number;
}

export async function readSummary(path: string, cols: SummaryColumns, delimiter?: Delimiter): Promise<SummaryFile> {
  const src = await openTable(path, delimiter);
  const ii = columnOf(src.header, cols.id, '--id', path);
  const xi = columnOf(src.header, cols.x, '--x', path);
  const ti = columnOf(src.header, cols.tx, '--tx', path);
  const Ti = columnOf(src.header, cols.T, '--T', path);
  let si = -1;
  if (cols.spend !== undefined) {
    if (cols.spendRequired) si = columnOf(src.header, cols.spend, '--spend', path);
    else si = src.header.findIndex((h) => h.toLowerCase() === cols.spend!.toLowerCase());
  }
  const ids: string[] = [];
  const x: number[] = [];
  const tx: number[] = [];
  const T: number[] = [];
  const ms: number[] = [];
  let skipped = 0;
  const num = (f: string[], i: number, row: number): number => {
    const t = (f[i] ?? '').trim();
    const v = t === '' ? Number.NaN : Number(t);
    if (!Number.isFinite(v)) throw rowError(row, src.header[i]!, t === '' ? 'empty value, a number is required' : `cannot parse the number "${t}"`);
    return v;
  };
  for await (const b of src.batches) {
    for (let k = 0; k < b.rows.length; k++) {
      const f = b.rows[k]!;
      const row = b.rowNumbers[k]!;
      const id = (f[ii] ?? '').trim();
      if (id === '') {
        skipped++;
        continue;
      }
      const xv = num(f, xi, row);
      const txv = num(f, ti, row);
      const Tv = num(f, Ti, row);
      if (xv < 0 || !Number.isInteger(xv)) throw rowError(row, src.header[xi]!, `x must be a whole number ≥ 0, got ${xv}`);
      if (Tv <= 0) throw rowError(row, src.header[Ti]!, `T must be > 0, got ${Tv}`);
      if (txv < 0 || txv > Tv) throw rowError(row, src.header[ti]!, `t_x must be between 0 and T (${Tv}), got ${txv}`);
      ids.push(id);
      x.push(xv);
      tx.push(xv === 0 ? 0 : txv);
      T.push(Tv);
      if (si >= 0) ms.push(num(f, si, row));
    }
  }
  if (ids.length === 0) throw new AnalyzeInputError(`${path}: no data rows`);
  return {
    ids,
    x: Float64Array.from(x),
    tx: Float64Array.from(tx),
    T: Float64Array.from(T),
    meanSpend: si >= 0 ? Float64Array.from(ms) : null,
    skippedRows: skipped,
  };
}
