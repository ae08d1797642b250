// GBK bytes from a JavaScript string, without a package: Node's TextEncoder only writes UTF-8,
// but its TextDecoder reads GBK. So the reverse table is built once by decoding every two-byte GBK
// code (lead byte 0x81–0xFE, trail byte 0x40–0xFE except 0x7F) and inverting the result. ASCII is
// one byte as in UTF-8. A character GBK cannot encode is an error (a test file must not silently
// lose text), which is what a "CSV (GBK)" saved by Chinese Excel would hold.

let table: Map<string, number> | null = null;

function reverseTable(): Map<string, number> {
  if (table) return table;
  const decoder = new TextDecoder('gbk');
  const map = new Map<string, number>();
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const ch = decoder.decode(new Uint8Array([lead, trail]));
      // one character (not U+FFFD for an unassigned code); the first code wins for the rare duplicates
      if (ch.length === 1 && ch !== '\uFFFD' && !map.has(ch)) map.set(ch, (lead << 8) | trail);
    }
  }
  table = map;
  return map;
}

/** The text in GBK, as Excel in a Chinese Windows saves "CSV (comma delimited)". */
export function encodeGbk(text: string): Buffer {
  const map = reverseTable();
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) {
      out.push(c);
      continue;
    }
    const code = map.get(ch);
    if (code === undefined) throw new Error(`"${ch}" (U+${c.toString(16).toUpperCase()}) has no GBK encoding`);
    out.push(code >> 8, code & 0xff);
  }
  return Buffer.from(out);
}
