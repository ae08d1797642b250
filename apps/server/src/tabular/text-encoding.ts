// Which text encoding a delimited file is in. Chinese Excel saves "CSV" in GBK (GB18030 is its
// superset, so we decode with it), newer versions in UTF-8 with a BOM, "Unicode text" in UTF-16LE.
// Auto-detection: a BOM decides; else text that is valid UTF-8 is UTF-8; else valid GB18030.
// Binary files (NUL bytes, a zip, control characters) are refused before any row is read.

export type TextEncoding = 'utf-8' | 'gb18030' | 'utf-16le' | 'utf-16be';
export const encodingChoices = ['auto', 'utf8', 'gbk', 'gb18030', 'utf16le'] as const;
export type EncodingChoice = (typeof encodingChoices)[number];

const chosen: Record<Exclude<EncodingChoice, 'auto'>, TextEncoding> = { utf8: 'utf-8', gbk: 'gb18030', gb18030: 'gb18030', utf16le: 'utf-16le' };

export type SniffResult = { ok: true; encoding: TextEncoding; bomBytes: number } | { ok: false; reason: 'binary' | 'encoding'; detail: string };

function decodes(encoding: TextEncoding, sample: Uint8Array): boolean {
  try {
    // stream mode: a character cut at the end of the sample is not an error
    new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(sample, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** Share of C0 control characters other than tab, CR, LF; text files have none. */
function controlShare(sample: Uint8Array): number {
  let n = 0;
  for (const b of sample) if (b < 32 && b !== 9 && b !== 10 && b !== 13) n++;
  return sample.length ? n / sample.length : 0;
}

/** Decides the encoding of a file from its first bytes (64 KiB is plenty) and the user's choice. */
export function sniffEncoding(sample: Uint8Array, choice: EncodingChoice): SniffResult {
  if (sample.length >= 4 && sample[0] === 0x50 && sample[1] === 0x4b && sample[2] === 3 && sample[3] === 4) {
    return { ok: false, reason: 'binary', detail: 'zip' };
  }
  let bom: { encoding: TextEncoding; bytes: number } | null = null;
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) bom = { encoding: 'utf-8', bytes: 3 };
  else if (sample[0] === 0xff && sample[1] === 0xfe) bom = { encoding: 'utf-16le', bytes: 2 };
  else if (sample[0] === 0xfe && sample[1] === 0xff) bom = { encoding: 'utf-16be', bytes: 2 };
  const wanted = choice === 'auto' ? null : chosen[choice];
  if (bom && bom.encoding.startsWith('utf-16')) {
    if (wanted && wanted !== bom.encoding) return { ok: false, reason: 'encoding', detail: bom.encoding };
    return decodes(bom.encoding, sample.subarray(2)) ? { ok: true, encoding: bom.encoding, bomBytes: 2 } : { ok: false, reason: 'encoding', detail: bom.encoding };
  }
  const body = bom ? sample.subarray(bom.bytes) : sample;
  if (body.includes(0) || controlShare(body) > 0.01) return { ok: false, reason: 'binary', detail: 'control characters' };
  if (wanted) {
    if (wanted === 'utf-16le') return { ok: false, reason: 'encoding', detail: wanted };
    return decodes(wanted, body) ? { ok: true, encoding: wanted, bomBytes: bom?.bytes ?? 0 } : { ok: false, reason: 'encoding', detail: wanted };
  }
  if (bom || decodes('utf-8', body)) return decodes('utf-8', body) ? { ok: true, encoding: 'utf-8', bomBytes: bom?.bytes ?? 0 } : { ok: false, reason: 'encoding', detail: 'utf-8' };
  if (decodes('gb18030', body)) return { ok: true, encoding: 'gb18030', bomBytes: 0 };
  return { ok: false, reason: 'encoding', detail: 'neither utf-8 nor gb18030' };
}
