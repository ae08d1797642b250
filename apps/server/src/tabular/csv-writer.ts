// CSV output for Excel: UTF-8 with a BOM (so Excel in Chinese Windows does not read it as GBK),
// CRLF line ends, RFC 4180 quoting, and cells that a spreadsheet would run as a formula
// (= + - @ tab CR at the start: CSV injection, "=cmd|' /C calc'!A0") neutralised with a leading
// apostrophe, which imports strip again (`unneutralise`) so an export re-imports unchanged.

export const UTF8_BOM = '\uFEFF';
// Apostrophes already in front of a formula character count too, so that the mapping is one to one:
// "'=x" is written "''=x" and read back as "'=x".
const FORMULA_START = /^'*[=+\-@\t\r]/;

// Quoted: a quote, comma or line break anywhere, or white space at either end (\s is the set trim() removes).
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** Whether the first character may start a formula, or an apostrophe that may precede one: = + - @ tab CR '. */
const mayStartFormula = (c: number) => c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13 || c === 39;

export function neutralise(cell: string): string {
  return mayStartFormula(cell.charCodeAt(0)) && FORMULA_START.test(cell) ? `'${cell}` : cell;
}

export function unneutralise(cell: string): string {
  return cell[0] === "'" && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}

// An export writes tens of millions of cells: the common cell (no formula start, nothing to quote)
// costs one character test and one regular-expression test.
export function csvCell(value: string): string {
  if (value === '') return value;
  const v = neutralise(value);
  return NEEDS_QUOTES.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function csvLine(cells: readonly string[]): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) line += i ? `,${csvCell(cells[i]!)}` : csvCell(cells[i]!);
  return `${line}\r\n`;
}
