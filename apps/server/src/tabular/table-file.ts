// A table in a file as imports read it: CSV (UTF-8, UTF-8 with BOM, GB18030/GBK, UTF-16) or XLSX,
// recognised by content rather than by name, as a header plus numbered records. Whatever makes the
// whole file unreadable (binary data, a wrong encoding, too many columns, a zip bomb) is a
// `TableFileError` raised before the caller has written anything; what spoils one record (a huge
// cell, an unterminated quote at the end of a truncated file) travels on that record.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { msg, type Msg } from '../platform/errors.js';
import { DelimitedParser, detectDelimiter, type ParsedRecord } from './delimited.js';
import { sniffEncoding, type EncodingChoice, type TextEncoding } from './text-encoding.js';
import { readXlsx, XlsxError, type XlsxLimits } from './xlsx.js';

export interface TableLimits {
  maxCellChars: number;
  maxColumns: number;
  xlsx: XlsxLimits;
}

/** Limits of imports: a cell of 32 Ki characters is far beyond any CRM field; 500 columns likewise. */
export const importLimits: TableLimits = {
  maxCellChars: 32 * 1024,
  maxColumns: 500,
  xlsx: { maxEntryBytes: 256 * 1024 * 1024, maxRatio: 1000, maxColumns: 500 },
};

export type TableFileProblem = 'binary' | 'encoding' | 'empty' | 'too_many_columns' | 'bad_header' | 'xlsx_bomb' | 'xlsx_corrupt';

export class TableFileError extends Error {
  constructor(
    readonly problem: TableFileProblem,
    readonly userMessage: Msg,
  ) {
    super(typeof userMessage === 'string' ? userMessage : userMessage.en);
    this.name = 'TableFileError';
  }
}

export interface TableFile {
  format: 'csv' | 'xlsx';
  encoding: TextEncoding | null;
  delimiter: string | null;
  header: string[];
  /** Reads the records after the header, in batches; may be called again to read the file anew. */
  records(): AsyncGenerator<ParsedRecord[]>;
}

const encodingNames: Record<TextEncoding, string> = { 'utf-8': 'UTF-8', gb18030: 'GBK/GB18030', 'utf-16le': 'UTF-16LE', 'utf-16be': 'UTF-16BE' };

function tooManyColumns(limits: TableLimits): TableFileError {
  return new TableFileError(
    'too_many_columns',
    msg(`The file has more than ${limits.maxColumns} columns; nothing was imported.`, `文件超过 ${limits.maxColumns} 列，未导入任何数据。`),
  );
}

function checkHeader(rec: ParsedRecord | undefined, limits: TableLimits): string[] {
  if (!rec) throw new TableFileError('empty', msg('The file has no header row.', '文件没有表头行。'));
  if (rec.problem === 'too_many_columns') throw tooManyColumns(limits);
  if (rec.problem) throw new TableFileError('bad_header', msg('The header row cannot be read (a cell is too long or a quote is not closed).', '无法读取表头行（单元格过长或引号未闭合）。'));
  const header = rec.cells.map((h) => h.trim());
  if (header.every((h) => h === '')) throw new TableFileError('empty', msg('The header row is empty.', '表头行为空。'));
  return header;
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

async function* csvRecords(path: string, encoding: TextEncoding, bomBytes: number, delimiter: string, limits: TableLimits): AsyncGenerator<ParsedRecord[]> {
  const decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
  const parser = new DelimitedParser(delimiter, limits);
  const stream = createReadStream(path, { start: bomBytes, highWaterMark: 1 << 20 });
  let out: ParsedRecord[] = [];
  let headerSeen = false;
  let line = 1;
  const take = (batch: ParsedRecord[]): ParsedRecord[] => {
    if (batch.length) line = batch[batch.length - 1]!.line;
    if (headerSeen) return batch;
    headerSeen = batch.length > 0;
    return batch.slice(1);
  };
  const fail = (): never => {
    throw new TableFileError(
      'encoding',
      msg(`The file is not valid ${encodingNames[encoding]} after line ${line}; choose another encoding. Nothing was imported.`, `文件第 ${line} 行之后不是有效的 ${encodingNames[encoding]} 编码，请选择其他编码。未导入任何数据。`),
    );
  };
  try {
    for await (const chunk of stream) {
      let text: string;
      try {
        text = decoder.decode(chunk as Buffer, { stream: true });
      } catch {
        return fail();
      }
      parser.push(text, out);
      if (out.length) {
        const batch = take(out);
        out = [];
        if (batch.length) yield batch;
      }
    }
    let rest: string;
    try {
      rest = decoder.decode();
    } catch {
      return fail();
    }
    parser.push(rest, out);
    parser.end(out);
    const batch = take(out);
    if (batch.length) yield batch;
  } finally {
    stream.destroy();
  }
}

/** Opens a file for reading as a table; refuses it whole (TableFileError) when it cannot be one. */
export async function openTableFile(path: string, opts: { encoding: EncodingChoice; delimiter?: string | undefined; limits?: TableLimits }): Promise<TableFile> {
  const limits = opts.limits ?? importLimits;
  const head = await readHead(path, 64 * 1024);
  if (head.length === 0) throw new TableFileError('empty', msg('The file is empty.', '文件为空。'));
  if (head.length >= 4 && head.readUInt32LE(0) === 0x04034b50) return openXlsx(path, limits);
  const sniff = sniffEncoding(head, opts.encoding);
  if (!sniff.ok) {
    if (sniff.reason === 'binary') {
      throw new TableFileError('binary', msg('This is not a text (CSV) file or an Excel workbook; nothing was imported.', '这不是文本（CSV）文件或 Excel 工作簿，未导入任何数据。'));
    }
    throw new TableFileError(
      'encoding',
      opts.encoding === 'auto'
        ? msg('The encoding of the file cannot be recognised (neither UTF-8 nor GBK); nothing was imported.', '无法识别文件编码（既不是 UTF-8 也不是 GBK），未导入任何数据。')
        : msg(`The file is not valid in the chosen encoding (${opts.encoding}); choose another or "auto". Nothing was imported.`, `文件不符合所选编码（${opts.encoding}），请选择其他编码或"自动"。未导入任何数据。`),
    );
  }
  const firstText = new TextDecoder(sniff.encoding, { ignoreBOM: true }).decode(head.subarray(sniff.bomBytes), { stream: true });
  const firstLine = firstText.split(/\r?\n|\r/, 1)[0] ?? '';
  let delimiter = opts.delimiter ?? detectDelimiter(firstLine);
  // a one-column file has no delimiter in its header: any will do, comma is the convention
  if (delimiter === 'spaces') delimiter = ',';
  // the header alone, parsed with the same machine (it may be quoted, or too wide)
  const probe = new DelimitedParser(delimiter, limits);
  const probeOut: ParsedRecord[] = [];
  probe.push(firstText, probeOut);
  if (!probeOut.length) probe.end(probeOut);
  const header = checkHeader(probeOut[0], limits);
  const { encoding, bomBytes } = sniff;
  return { format: 'csv', encoding, delimiter, header, records: () => csvRecords(path, encoding, bomBytes, delimiter, limits) };
}

function openXlsx(path: string, limits: TableLimits): TableFile {
  let sheet: ReturnType<typeof readXlsx>;
  try {
    sheet = readXlsx(path, limits.xlsx);
  } catch (e) {
    if (e instanceof XlsxError && e.kind === 'bomb') {
      throw new TableFileError('xlsx_bomb', msg(`The workbook would expand far beyond its size (${e.message}); it was refused.`, `该工作簿解压后会远超其大小（疑似压缩炸弹），已拒绝。`));
    }
    throw new TableFileError('xlsx_corrupt', msg(`The workbook cannot be read (${e instanceof Error ? e.message : String(e)}).`, `无法读取该工作簿（文件损坏或不是 .xlsx）。`));
  }
  const first = sheet.rows.findIndex((r) => r.some((c) => c.trim() !== ''));
  if (first < 0) throw new TableFileError('empty', msg('The first worksheet is empty.', '第一个工作表为空。'));
  if (sheet.overwide.has(first) || (sheet.rows[first]?.length ?? 0) > limits.maxColumns) throw tooManyColumns(limits);
  const header = checkHeader({ cells: sheet.rows[first]!, line: sheet.rowNumbers[first]! }, limits);
  async function* records(): AsyncGenerator<ParsedRecord[]> {
    let batch: ParsedRecord[] = [];
    for (let i = first + 1; i < sheet.rows.length; i++) {
      const cells = sheet.rows[i]!;
      if (!sheet.overwide.has(i) && cells.every((c) => c === '')) continue;
      const line = sheet.rowNumbers[i]!;
      if (sheet.overwide.has(i) || cells.length > limits.maxColumns) batch.push({ cells: [], line, problem: 'too_many_columns' });
      else if (cells.some((c) => c.length > limits.maxCellChars)) batch.push({ cells: [], line, problem: 'cell_too_large' });
      else batch.push({ cells, line });
      if (batch.length >= 5000) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  }
  return { format: 'xlsx', encoding: null, delimiter: null, header, records };
}
