// Minimal .xlsx reader: the first worksheet as rows of strings. A zip reader (stored and deflated
// entries, node:zlib) plus the sheet and shared-strings XML; no styles, so dates arrive as Excel
// serial numbers (the 'excel' date format). Zip64 and encrypted workbooks are not supported.
// Entries are inflated only when read, never beyond the size their directory declares nor past
// `XlsxLimits`, so a zip bomb is refused before it takes the memory it claims.
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

export interface XlsxLimits {
  /** Largest uncompressed size of one entry (the sheet XML is read as one string). */
  maxEntryBytes: number;
  /** Largest uncompressed / compressed ratio of an entry over 1 MiB. */
  maxRatio: number;
  /** Most cells kept per row; a row with a cell further right is marked `too_many_columns`. */
  maxColumns: number;
}

export const defaultXlsxLimits: XlsxLimits = { maxEntryBytes: 256 * 1024 * 1024, maxRatio: 1000, maxColumns: 100_000 };

/** A workbook that is not a zip, is damaged, or would inflate past the limits. */
export class XlsxError extends Error {
  constructor(
    message: string,
    readonly kind: 'corrupt' | 'bomb',
  ) {
    super(message);
    this.name = 'XlsxError';
  }
}

function zipEntries(buf: Buffer, limits: XlsxLimits): Map<string, () => Buffer> {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new XlsxError('not a zip file (no end of central directory)', 'corrupt');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  if (p === 0xffffffff) throw new XlsxError('zip64 workbooks are not supported', 'corrupt');
  const out = new Map<string, () => Buffer>();
  for (let k = 0; k < count; k++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) throw new XlsxError('corrupt zip central directory', 'corrupt');
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const usize = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== 0x04034b50) throw new XlsxError(`corrupt zip entry ${name}`, 'corrupt');
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    if (start + csize > buf.length) throw new XlsxError(`zip entry ${name} is truncated`, 'corrupt');
    out.set(name, () => {
      if (usize > limits.maxEntryBytes) throw new XlsxError(`${name} would inflate to ${usize} bytes, over the limit of ${limits.maxEntryBytes}`, 'bomb');
      if (usize > 1 << 20 && usize / Math.max(csize, 1) > limits.maxRatio) throw new XlsxError(`${name} compresses ${Math.round(usize / Math.max(csize, 1))}:1, a zip bomb`, 'bomb');
      const data = buf.subarray(start, start + csize);
      if (method === 0) return data;
      if (method !== 8) throw new XlsxError(`zip entry ${name} uses unsupported compression method ${method}`, 'corrupt');
      try {
        // The declared size is a promise the data must keep: inflating stops right after it.
        return inflateRawSync(data, { maxOutputLength: Math.max(usize, 1) });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ERR_BUFFER_TOO_LARGE' || (e instanceof RangeError)) throw new XlsxError(`${name} inflates past its declared size, a zip bomb`, 'bomb');
        throw new XlsxError(`zip entry ${name} is damaged (${e instanceof Error ? e.message : String(e)})`, 'corrupt');
      }
    });
  }
  return out;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
export function decodeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : ENTITIES[e]!,
  );
}

function texts(xml: string): string {
  let s = '';
  for (const m of xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '').matchAll(/<t\b[^>]*>([\s\S]*?)<\/t>/g)) s += m[1]!;
  return decodeXml(s);
}

function columnIndex(ref: string): number {
  let c = 0;
  for (const ch of ref) {
    const v = ch.charCodeAt(0);
    if (v < 65 || v > 90) break;
    c = c * 26 + (v - 64);
  }
  return c - 1;
}

export interface SheetRows {
  rows: string[][];
  /** Spreadsheet row number of each row (1-based). */
  rowNumbers: number[];
  /** Indexes (into `rows`) of rows with a cell beyond `maxColumns`; those rows are cut there. */
  overwide: Set<number>;
}

/** The first worksheet of an .xlsx file. */
export function readXlsx(path: string, limits: XlsxLimits = defaultXlsxLimits): SheetRows {
  const entries = zipEntries(readFileSync(path), limits);
  const text = (name: string): string | undefined => entries.get(name)?.().toString('utf8');
  let sheetPath = 'xl/worksheets/sheet1.xml';
  const wb = text('xl/workbook.xml');
  const rels = text('xl/_rels/workbook.xml.rels');
  const rid = wb ? /<sheet\b[^>]*\br:id="([^"]+)"/.exec(wb)?.[1] : undefined;
  if (rid && rels) {
    const rel = new RegExp(`<Relationship\\b[^>]*\\bId="${rid}"[^>]*>`).exec(rels)?.[0];
    const target = rel ? /Target="([^"]+)"/.exec(rel)?.[1] : undefined;
    if (target) sheetPath = target.startsWith('/') ? target.slice(1) : `xl/${target}`;
  }
  const sheet = text(sheetPath);
  if (sheet === undefined) throw new XlsxError(`workbook has no worksheet ${sheetPath}`, 'corrupt');
  const shared: string[] = [];
  const sst = text('xl/sharedStrings.xml');
  if (sst) for (const m of sst.matchAll(/<si>([\s\S]*?)<\/si>/g)) shared.push(texts(m[1]!));
  const rows: string[][] = [];
  const rowNumbers: number[] = [];
  const overwide = new Set<number>();
  for (const rm of sheet.matchAll(/<row\b([^>]*?)(?:\/>|>([\s\S]*?)<\/row>)/g)) {
    const rnum = Number(/\br="(\d+)"/.exec(rm[1]!)?.[1] ?? rows.length + 1);
    const row: string[] = [];
    let next = 0;
    for (const cm of (rm[2] ?? '').matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const attrs = cm[1]!;
      const ref = /\br="([A-Z]+)\d*"/.exec(attrs)?.[1];
      const col = ref ? columnIndex(ref) : next;
      if (col >= limits.maxColumns) {
        overwide.add(rows.length);
        break;
      }
      const type = /\bt="(\w+)"/.exec(attrs)?.[1] ?? 'n';
      const body = cm[2] ?? '';
      const v = /<v>([\s\S]*?)<\/v>/.exec(body)?.[1];
      let value = '';
      if (type === 's') value = v === undefined ? '' : (shared[Number(v)] ?? '');
      else if (type === 'inlineStr') value = texts(body);
      else if (type === 'b') value = v === '1' ? 'TRUE' : 'FALSE';
      else value = v === undefined ? '' : decodeXml(v);
      while (row.length < col) row.push('');
      row[col] = value;
      next = col + 1;
    }
    rows.push(row);
    rowNumbers.push(rnum);
  }
  return { rows, rowNumbers, overwide };
}
