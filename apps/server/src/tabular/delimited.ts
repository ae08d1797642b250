// Streaming reader of delimited text (.csv, .txt, .csv.gz): detects the delimiter from the header
// (comma, semicolon, tab, or runs of spaces), handles quoted fields, yields rows in batches.
// Shared by `guanxi analyze` and imports: `DelimitedParser` is the one RFC 4180 state machine for
// single-character delimiters; the line-based `readRecords`/`splitRecord` remain for runs of spaces.
import { createReadStream, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';

/** ',', ';', '\t', any other single character, or 'spaces' (runs of blanks, leading ones ignored). */
export type Delimiter = string;

export function parseDelimiterOption(s: string): Delimiter {
  const named: Record<string, Delimiter> = { comma: ',', semicolon: ';', tab: '\t', '\\t': '\t', space: 'spaces', spaces: 'spaces', whitespace: 'spaces' };
  const d = named[s.toLowerCase()] ?? s;
  if (d !== 'spaces' && d.length !== 1) throw new Error(`--delimiter must be one character or comma|semicolon|tab|spaces, got "${s}"`);
  return d;
}

/** The delimiter of a header line: the most frequent of tab, semicolon, comma (outside quotes), else spaces. */
export function detectDelimiter(header: string): Delimiter {
  let inQ = false;
  const counts: Record<string, number> = { '\t': 0, ';': 0, ',': 0, '|': 0 };
  for (const ch of header) {
    if (ch === '"') inQ = !inQ;
    else if (!inQ && ch in counts) counts[ch]!++;
  }
  let best: Delimiter = 'spaces';
  let n = 0;
  for (const d of ['\t', ';', ',', '|']) {
    if (counts[d]! > n) {
      best = d;
      n = counts[d]!;
    }
  }
  return best;
}

/** Splits one record (quotes doubled inside quoted fields, RFC 4180). */
export function splitRecord(line: string, d: Delimiter): string[] {
  if (d === 'spaces') {
    const t = line.trim();
    return t === '' ? [''] : t.split(/[ \t]+/);
  }
  if (!line.includes('"')) return line.split(d);
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) {
          v += line.slice(i);
          i = n;
          break;
        }
        v += line.slice(i, q);
        if (line[q + 1] === '"') {
          v += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      const next = line.indexOf(d, i);
      // Text after a closing quote (malformed) is kept.
      v += next < 0 ? line.slice(i) : line.slice(i, next);
      out.push(v);
      if (next < 0) return out;
      i = next + 1;
    } else {
      const next = line.indexOf(d, i);
      if (next < 0) {
        out.push(line.slice(i));
        return out;
      }
      out.push(line.slice(i, next));
      i = next + 1;
    }
  }
}

function quotesBalanced(s: string): boolean {
  let k = 0;
  for (let i = s.indexOf('"'); i >= 0; i = s.indexOf('"', i + 1)) k++;
  return k % 2 === 0;
}

export interface LineBatch {
  /** Records (a quoted field may span lines). */
  lines: string[];
  /** File line number of each record's first line (1-based). */
  lineNumbers: number[];
}

export interface OpenedText {
  stream: Readable;
  /** Bytes of the file on disk, and a function giving how many have been read. */
  totalBytes: number;
  bytesRead: () => number;
}

export function openText(path: string): OpenedText {
  const totalBytes = statSync(path).size;
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  const stream = /\.gz$/i.test(path) ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw;
  raw.on('error', (e) => stream.destroy(e));
  return { stream, totalBytes, bytesRead: () => raw.bytesRead };
}

/** Yields records in batches, one batch per chunk read. */
export async function* readRecords(stream: Readable): AsyncGenerator<LineBatch> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let lineNo = 0;
  let pending: string | null = null;
  let pendingLine = 0;
  let first = true;
  const handle = (text: string, final: boolean): LineBatch => {
    const parts = text.split('\n');
    const tail = final ? '' : parts.pop()!;
    const lines: string[] = [];
    const nums: number[] = [];
    for (let line of parts) {
      lineNo++;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (first) {
        if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
        first = false;
      }
      if (pending !== null) {
        pending += '\n' + line;
        if (quotesBalanced(pending)) {
          lines.push(pending);
          nums.push(pendingLine);
          pending = null;
        }
        continue;
      }
      if (line.includes('"') && !quotesBalanced(line)) {
        pending = line;
        pendingLine = lineNo;
        continue;
      }
      lines.push(line);
      nums.push(lineNo);
    }
    if (final && pending !== null) {
      lines.push(pending);
      nums.push(pendingLine);
      pending = null;
    }
    rest = tail;
    return { lines, lineNumbers: nums };
  };
  for await (const chunk of stream) {
    const text = rest + decoder.write(chunk as Buffer);
    yield handle(text, false);
  }
  const last = rest + decoder.end();
  if (last !== '' || pending !== null) yield handle(last, true);
}

/** Why a record could not be read whole; the row fails with this reason, the others go on. */
export type RecordProblem = 'cell_too_large' | 'too_many_columns' | 'unterminated_quote';

export interface ParsedRecord {
  cells: string[];
  /** File line of the record's first line (1-based; a quoted cell may span lines). */
  line: number;
  problem?: RecordProblem;
}

export interface ParserLimits {
  /** Longest cell kept, in UTF-16 units; a longer one makes its record fail (`cell_too_large`). */
  maxCellChars: number;
  /** Most cells kept per record; more makes the record fail (`too_many_columns`). */
  maxColumns: number;
}

const LF = 10;
const CR = 13;
const QUOTE = 34;

/**
 * An incremental RFC 4180 parser fed decoded text in arbitrary chunks. It never holds more than one
 * record, and a record over the limits keeps only its position and the problem, so a 50 MB cell or
 * a line of 10,000 columns costs no memory and fails only its own row. Lenient where spreadsheets
 * are: a quote inside an unquoted cell is literal, text after a closing quote is kept, and CR, LF or
 * CRLF end a record. Blank lines are skipped.
 */
export class DelimitedParser {
  private readonly d: number;
  private row: string[] = [];
  private field = '';
  private fieldLen = 0;
  /** 0 start of a field, 1 unquoted, 2 quoted, 3 a quote seen inside a quoted field */
  private state = 0;
  private line = 1;
  private rowLine = 1;
  private problem: RecordProblem | undefined;
  private skipLf = false;
  private touched = false;

  constructor(
    delimiter: string,
    private readonly limits: ParserLimits,
  ) {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') throw new Error(`unusable delimiter ${JSON.stringify(delimiter)}`);
    this.d = delimiter.charCodeAt(0);
  }

  private append(text: string, from: number, to: number): void {
    if (to <= from) return;
    this.touched = true;
    if (this.problem) return;
    this.fieldLen += to - from;
    if (this.fieldLen > this.limits.maxCellChars) {
      this.problem = 'cell_too_large';
      this.field = '';
      return;
    }
    this.field += text.slice(from, to);
  }

  private endField(): void {
    if (!this.problem) {
      if (this.row.length >= this.limits.maxColumns) {
        this.problem = 'too_many_columns';
        this.row = [];
      } else this.row.push(this.field);
    }
    this.field = '';
    this.fieldLen = 0;
    this.state = 0;
  }

  private endRecord(out: ParsedRecord[]): void {
    this.endField();
    const blank = !this.problem && this.row.length === 1 && this.row[0] === '' && !this.touched;
    if (!blank) out.push(this.problem ? { cells: this.row, line: this.rowLine, problem: this.problem } : { cells: this.row, line: this.rowLine });
    this.row = [];
    this.problem = undefined;
    this.touched = false;
    this.rowLine = this.line;
  }

  /** Parses a chunk; complete records are appended to `out`. */
  push(text: string, out: ParsedRecord[]): void {
    const n = text.length;
    let i = 0;
    if (this.skipLf && n > 0) {
      if (text.charCodeAt(0) === LF) i = 1;
      this.skipLf = false;
    }
    while (i < n) {
      if (this.state === 2) {
        const q = text.indexOf('"', i);
        const end = q < 0 ? n : q;
        for (let k = text.indexOf('\n', i); k >= 0 && k < end; k = text.indexOf('\n', k + 1)) this.line++;
        this.append(text, i, end);
        if (q < 0) return;
        this.state = 3;
        i = q + 1;
        continue;
      }
      const c = text.charCodeAt(i);
      if (this.state === 3) {
        if (c === QUOTE) {
          this.append('"', 0, 1);
          this.state = 2;
          i++;
          continue;
        }
        this.state = 1; // closing quote: what follows up to the delimiter is kept as text
      }
      if (this.state === 0) {
        if (c === QUOTE) {
          this.state = 2;
          this.touched = true;
          i++;
          continue;
        }
        this.state = 1;
      }
      // unquoted: scan to the next delimiter or line end
      let j = i;
      while (j < n) {
        const x = text.charCodeAt(j);
        if (x === this.d || x === LF || x === CR) break;
        j++;
      }
      this.append(text, i, j);
      if (j === n) return;
      const x = text.charCodeAt(j);
      if (x === this.d) {
        this.touched = true;
        this.endField();
        i = j + 1;
        continue;
      }
      this.line++;
      this.endRecord(out);
      if (x === CR) {
        if (j + 1 < n) {
          i = text.charCodeAt(j + 1) === LF ? j + 2 : j + 1;
        } else {
          this.skipLf = true;
          i = n;
        }
      } else i = j + 1;
      this.rowLine = this.line;
    }
  }

  /** At the end of the input: the last record, failed when its quote was never closed (a truncated file). */
  end(out: ParsedRecord[]): void {
    if (this.state === 2) {
      this.problem = 'unterminated_quote';
      this.row = [];
      this.endRecord(out);
      return;
    }
    if (this.state !== 0 || this.row.length > 0 || this.touched) this.endRecord(out);
  }
}
