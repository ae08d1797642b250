// A streamed .xlsx writer: one worksheet of inline strings in a zip written as it goes. The sheet
// entry uses a data descriptor (sizes after the data), deflated through one node:zlib stream, so
// memory holds one chunk of rows, never the workbook. Cells are text (t="inlineStr"), which a
// spreadsheet never evaluates as a formula. No zip64: a sheet stays under 4 GiB.
import { once } from 'node:events';
import { createDeflateRaw, crc32, deflateRawSync } from 'node:zlib';

// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
// eslint-disable-next-line no-control-regex
const XML_SPECIAL = /[&<>\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;
// one test for the common cell that has nothing to escape, instead of four replaces
const xmlEscape = (s: string) =>
  XML_SPECIAL.test(s) ? s.replace(XML_INVALID, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : s;

function rowXml(cells: readonly string[]): string {
  let s = '<row>';
  for (const c of cells) s += c === '' ? '<c/>' : `<c t="inlineStr"><is><t xml:space="preserve">${xmlEscape(c)}</t></is></c>`;
  return `${s}</row>`;
}

const staticEntries: Array<[string, string]> = [
  [
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
  ],
  [
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
  ],
  [
    'xl/_rels/workbook.xml.rels',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
  ],
];

interface Written {
  name: Buffer;
  crc: number;
  csize: number;
  usize: number;
  offset: number;
  descriptor: boolean;
}

function localHeader(name: Buffer, crc: number, csize: number, usize: number, descriptor: boolean): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4); // version needed
  h.writeUInt16LE((descriptor ? 0x0008 : 0) | 0x0800, 6); // data descriptor, UTF-8 names
  h.writeUInt16LE(8, 8); // deflate
  h.writeUInt32LE(0, 10); // time and date: none
  h.writeUInt32LE(descriptor ? 0 : crc, 14);
  h.writeUInt32LE(descriptor ? 0 : csize, 18);
  h.writeUInt32LE(descriptor ? 0 : usize, 22);
  h.writeUInt16LE(name.length, 26);
  h.writeUInt16LE(0, 28);
  return Buffer.concat([h, name]);
}

function centralDirectory(entries: Written[], start: number): Buffer {
  const parts: Buffer[] = [];
  let size = 0;
  for (const e of entries) {
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE((e.descriptor ? 0x0008 : 0) | 0x0800, 8);
    c.writeUInt16LE(8, 10);
    c.writeUInt32LE(0, 12);
    c.writeUInt32LE(e.crc, 16);
    c.writeUInt32LE(e.csize, 20);
    c.writeUInt32LE(e.usize, 24);
    c.writeUInt16LE(e.name.length, 28);
    c.writeUInt32LE(e.offset, 42);
    parts.push(c, e.name);
    size += 46 + e.name.length;
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(size, 12);
  end.writeUInt32LE(start, 16);
  return Buffer.concat([...parts, end]);
}

/** The bytes of a workbook whose one sheet has `header` and then the rows of `batches`, as they are produced. */
export async function* xlsxStream(sheetName: string, header: readonly string[], batches: AsyncIterable<string[][]>): AsyncGenerator<Buffer> {
  const entries: Written[] = [];
  let offset = 0;
  const workbook = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="${xmlEscape(sheetName.slice(0, 31))}" sheetId="1" r:id="rId1"/></sheets></workbook>`;
  for (const [n, text] of [...staticEntries, ['xl/workbook.xml', workbook] as [string, string]]) {
    const name = Buffer.from(n);
    const data = Buffer.from(text);
    const packed = deflateRawSync(data);
    const e: Written = { name, crc: crc32(data), csize: packed.length, usize: data.length, offset, descriptor: false };
    const head = localHeader(name, e.crc, e.csize, e.usize, false);
    entries.push(e);
    offset += head.length + packed.length;
    yield Buffer.concat([head, packed]);
  }
  // the sheet: sizes and checksum follow the data
  const name = Buffer.from('xl/worksheets/sheet1.xml');
  const sheet: Written = { name, crc: 0, csize: 0, usize: 0, offset, descriptor: true };
  const head = localHeader(name, 0, 0, 0, true);
  offset += head.length;
  yield head;
  const deflate = createDeflateRaw({ level: 6 });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  const take = function* (): Generator<Buffer> {
    while (out.length) {
      const c = out.shift()!;
      sheet.csize += c.length;
      yield c;
    }
  };
  const feed = async (xml: string) => {
    const data = Buffer.from(xml);
    sheet.crc = crc32(data, sheet.crc);
    sheet.usize += data.length;
    if (!deflate.write(data)) await once(deflate, 'drain');
  };
  await feed(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rowXml(header)}`);
  for await (const batch of batches) {
    let xml = '';
    for (const r of batch) xml += rowXml(r);
    await feed(xml);
    yield* take();
  }
  await feed('</sheetData></worksheet>');
  deflate.end();
  await once(deflate, 'end');
  yield* take();
  offset += sheet.csize;
  const desc = Buffer.alloc(16);
  desc.writeUInt32LE(0x08074b50, 0);
  desc.writeUInt32LE(sheet.crc >>> 0, 4);
  desc.writeUInt32LE(sheet.csize, 8);
  desc.writeUInt32LE(sheet.usize, 12);
  offset += 16;
  yield desc;
  entries.push(sheet);
  yield centralDirectory(entries, offset);
}
