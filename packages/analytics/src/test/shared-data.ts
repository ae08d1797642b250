// Locates ../shared/data beside the repository (CI always has it) and reads the CDNOW summary.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHARED_DATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/data');

export function sharedPath(rel: string): string {
  const p = resolve(SHARED_DATA, rel);
  if (!existsSync(p)) throw new Error(`shared data file missing: ${p} (the tests expect ../shared/data beside the repository)`);
  return p;
}

export interface CdnowSummary {
  id: number[];
  x: number[];
  tx: number[];
  T: number[];
  zbar: number[];
}

export function readCdnowSummary(): CdnowSummary {
  const text = readFileSync(sharedPath('cdnow/cdnow_customers_summary_with_transactions.csv'), 'utf8');
  const out: CdnowSummary = { id: [], x: [], tx: [], T: [], zbar: [] };
  for (const line of text.trim().split('\n').slice(1)) {
    const [id, x, tx, T, z] = line.split(',').map(Number) as [number, number, number, number, number];
    out.id.push(id);
    out.x.push(x);
    out.tx.push(tx);
    out.T.push(T);
    out.zbar.push(z);
  }
  return out;
}
