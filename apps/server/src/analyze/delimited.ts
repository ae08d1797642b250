// Streaming reader of delimited text (.csv, .txt, .csv.gz): detects the delimiter from the header
// (comma, semicolon, tab, or runs of spaces), handles quoted fields, yields rows in batches.
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
