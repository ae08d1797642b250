// Row sources for the analyze command: delimited text (plain or gzipped) and .xlsx, both seen as
// a header plus batches of string rows numbered as in the file.
import { existsSync } from 'node:fs';
import { AnalyzeInputError } from './analyze-error.js';
import { detectDelimiter, openText, readRecords, splitRecord } from '../tabular/delimited.js';
import type { Delimiter } from '../tabular/delimited.js';
import { readXlsx } from '../tabular/xlsx.js';
import type { SheetRows } from '../tabular/xlsx.js';

export interface RowBatch {
  rows: string[][];
  rowNumbers: number[];
}

export interface TableSource {
  header: string[];
  isXlsx: boolean;
  batches: AsyncGenerator<RowBatch>;
  totalBytes: number;
  bytesRead: () => number;
}

export async function openTable(path: string, delimiter?: Delimiter): Promise<TableSource> {
  if (!existsSync(path)) throw new AnalyzeInputError(`file not found: ${path}`);
  if (/\.xlsx$/i.test(path)) {
    let sheet: SheetRows;
    try {
      sheet = readXlsx(path);
    } catch (e) {
      throw new AnalyzeInputError(`${path}: cannot read the workbook (${e instanceof Error ? e.message : String(e)})`);
    }
    const header = (sheet.rows[0] ?? []).map((h) => h.trim());
    if (header.length === 0) throw new AnalyzeInputError(`${path}: the first worksheet is empty`);
    async function* batches(): AsyncGenerator<RowBatch> {
      yield { rows: sheet.rows.slice(1), rowNumbers: sheet.rowNumbers.slice(1) };
    }
    return { header, isXlsx: true, batches: batches(), totalBytes: 0, bytesRead: () => 0 };
  }
  const opened = openText(path);
  const records = readRecords(opened.stream);
  let first: { lines: string[]; lineNumbers: number[] } | undefined;
  let headerLine: string | undefined;
  try {
    for (;;) {
      const r = await records.next();
      if (r.done) break;
      const idx = r.value.lines.findIndex((l) => l.trim() !== '');
      if (idx >= 0) {
        headerLine = r.value.lines[idx]!;
        first = { lines: r.value.lines.slice(idx + 1), lineNumbers: r.value.lineNumbers.slice(idx + 1) };
        break;
      }
    }
  } catch (e) {
    throw new AnalyzeInputError(`${path}: cannot read the file (${e instanceof Error ? e.message : String(e)})`);
  }
  if (headerLine === undefined || first === undefined) throw new AnalyzeInputError(`${path}: the file is empty`);
  const d = delimiter ?? detectDelimiter(headerLine);
  const header = splitRecord(headerLine, d).map((h) => h.trim());
  const toBatch = (b: { lines: string[]; lineNumbers: number[] }): RowBatch => {
    const rows: string[][] = [];
    const nums: number[] = [];
    for (let i = 0; i < b.lines.length; i++) {
      const l = b.lines[i]!;
      if (l === '' || (d === 'spaces' && l.trim() === '')) continue;
      rows.push(splitRecord(l, d));
      nums.push(b.lineNumbers[i]!);
    }
    return { rows, rowNumbers: nums };
  };
  const firstBatch = first;
  async function* batches(): AsyncGenerator<RowBatch> {
    yield toBatch(firstBatch);
    try {
      for (;;) {
        const r = await records.next();
        if (r.done) return;
        yield toBatch(r.value);
      }
    } catch (e) {
      if (e instanceof AnalyzeInputError) throw e;
      throw new AnalyzeInputError(`${path}: cannot read the file (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  return { header, isXlsx: false, batches: batches(), totalBytes: opened.totalBytes, bytesRead: opened.bytesRead };
}

/** Index of a named column (exact, then case-insensitive); a clear error naming the columns if absent. */
export function columnOf(header: readonly string[], name: string, option: string, path: string): number {
  let i = header.indexOf(name);
  if (i < 0) i = header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
  if (i < 0) throw new AnalyzeInputError(`${path}: no column "${name}" (${option}); the columns are: ${header.join(', ')}`);
  return i;
}
