// CSV output for Excel: UTF-8 with a BOM (so Excel in Chinese Windows does not read it as GBK),
// CRLF line ends, RFC 4180 quoting, and cells that a spreadsheet would run as a formula
// (= + - @ tab CR at the start: CSV injection, "=cmd|' /C calc'!A0") neutralised with a leading
// apostrophe, which imports strip again (`unneutralise`) so an export re-imports unchanged.

export const UTF8_BOM = '\uFEFF';
// Apostrophes already in front of a formula character count too, so that the mapping is one to one:
// "'=x" is written "''=x" and read back as "'=x".
const FORMULA_START = /^'*[=+\-@\t\r]/;

export function neutralise(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

export function unneutralise(cell: string): string {
  return cell[0] === "'" && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}

export function csvCell(value: string): string {
  const v = neutralise(value);
  return /[",\r\n]/.test(v) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v;
}

export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
