import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvLine, unneutralise } from './csv-writer.js';
import { DelimitedParser, type ParsedRecord } from './delimited.js';
import { sniffEncoding } from './text-encoding.js';

const limits = { maxCellChars: 1000, maxColumns: 50 };

function parse(text: string, cuts: number[], d = ','): ParsedRecord[] {
  const p = new DelimitedParser(d, limits);
  const out: ParsedRecord[] = [];
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    const to = Math.min(c, text.length);
    if (to > at) p.push(text.slice(at, to), out);
    at = Math.max(at, to);
  }
  p.push(text.slice(at), out);
  p.end(out);
  return out;
}

const cell = fc.stringMatching(/^[a-z0-9 ,"'\n\r;=+\-@中文客户张伟，。]*$/, { maxLength: 30 });

describe('DelimitedParser', () => {
  it('reads back what the CSV writer wrote, however the text is cut into chunks', () => {
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 20 }), fc.array(fc.nat(2000), { maxLength: 6 }), (rows, cuts) => {
        // a record of one empty cell is a blank line, which readers skip by design
        const kept = rows.filter((r) => !(r.length === 1 && r[0] === ''));
        const text = kept.map(csvLine).join('');
        const parsed = parse(text, cuts);
        expect(parsed.map((r) => r.cells.map(unneutralise))).toEqual(kept);
        expect(parsed.every((r) => !r.problem)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('numbers records by their first line, across quoted newlines and CRLF', () => {
    const out = parse('a,b\r\n"x\ny",1\r\n\r\nlast,2', [5, 9]);
    expect(out.map((r) => [r.line, r.cells])).toEqual([
      [1, ['a', 'b']],
      [2, ['x\ny', '1']],
      [5, ['last', '2']],
    ]);
  });

  it('fails only the record with a cell over the limit, too many cells, or a quote left open at the end', () => {
    const big = 'x'.repeat(5000);
    const wide = Array.from({ length: 60 }, () => 'c').join(',');
    const out = parse(`ok,1\n"${big}",2\n${wide}\nfine,3\n"open,4\nmore`, [100, 2500]);
    expect(out.map((r) => [r.line, r.problem ?? r.cells.join('|')])).toEqual([
      [1, 'ok|1'],
      [2, 'cell_too_large'],
      [3, 'too_many_columns'],
      [4, 'fine|3'],
      [5, 'unterminated_quote'],
    ]);
  });
});

describe('sniffEncoding', () => {
  it('tells UTF-8 (with or without BOM), GBK and binary apart, and checks a chosen encoding', () => {
    const utf8 = Buffer.from('客户名称,手机\n张伟,13800000000\n');
    const gbk = Buffer.from([0xbf, 0xcd, 0xbb, 0xa7, 0x2c, 0xca, 0xd6, 0xbb, 0xfa, 0x0a]); // 客户,手机
    expect(sniffEncoding(utf8, 'auto')).toEqual({ ok: true, encoding: 'utf-8', bomBytes: 0 });
    expect(sniffEncoding(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]), 'auto')).toEqual({ ok: true, encoding: 'utf-8', bomBytes: 3 });
    expect(sniffEncoding(gbk, 'auto')).toEqual({ ok: true, encoding: 'gb18030', bomBytes: 0 });
    expect(new TextDecoder('gb18030').decode(gbk)).toBe('客户,手机\n');
    expect(sniffEncoding(gbk, 'utf8')).toMatchObject({ ok: false, reason: 'encoding' });
    expect(sniffEncoding(Buffer.from([1, 2, 3, 0, 0, 5]), 'auto')).toMatchObject({ ok: false, reason: 'binary' });
    expect(sniffEncoding(Buffer.from('PK\u0003\u0004rest'), 'auto')).toMatchObject({ ok: false, reason: 'binary' });
  });
});
