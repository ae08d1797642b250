import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell, csvLine, neutralise } from './csv-writer.js';

// The rules as first written, without the fast paths: a formula start gets an apostrophe; a quote,
// comma, line break or white space at either end gets the cell quoted.
const reference = (value: string) => {
  const v = /^'*[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(v) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v;
};

// every character the rules look at, Unicode white space that trim() removes among them
const tricky = fc.stringMatching(/^[a-z0-9 ,"'\n\r\t=+\-@中文\u00a0\u3000\u2028\ufeff\u000b]*$/, { maxLength: 12 });

describe('CSV writer', () => {
  it('quotes and neutralises every cell as the plain rules do', () => {
    fc.assert(
      fc.property(tricky, (s) => {
        expect(csvCell(s)).toBe(reference(s));
      }),
      { numRuns: 2000 },
    );
    for (const s of ['', ' ', '\u3000张伟', '张伟\u00a0', "'=1", "''-1", '-5', '@x', '\tx', 'a,b', 'say "hi"', 'x\r\ny', '\ufeffx'])
      expect(csvCell(s), JSON.stringify(s)).toBe(reference(s));
  });

  it('neutralises formula starts, also behind apostrophes, and nothing else', () => {
    expect(neutralise("=cmd|' /C calc'!A0")).toBe("'=cmd|' /C calc'!A0");
    expect(neutralise("'=x")).toBe("''=x");
    expect(neutralise("'x")).toBe("'x");
    expect(neutralise('')).toBe('');
  });

  it('joins a line with commas and ends it with CRLF', () => {
    expect(csvLine(['a', '', 'b,c', '=1'])).toBe(`a,,"b,c",'=1\r\n`);
    expect(csvLine([])).toBe('\r\n');
  });
});
