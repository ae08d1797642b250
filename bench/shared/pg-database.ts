// The PostgreSQL database a benchmark measures on: a new one dropped afterwards, or — to generate
// once and measure later on a quiet machine — one kept (BENCH_PG_KEEP=1, its name printed) and
// measured again (BENCH_PG_DATABASE=<name>). A kept database's generation facts (tokens, ids) are
// saved beside it in the temp folder so a later run can use them.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../../apps/server/src/db/client.js';

export interface BenchDatabase {
  url: string;
  /** The database's name when it is kept for a later run, else undefined. */
  kept: string | undefined;
}

/** Runs `fn` on a new or a kept database (see the module comment), dropping a new one afterwards unless kept. */
export async function withPgDatabase<T>(prefix: string, fn: (db: BenchDatabase) => Promise<T>, log: (line: string) => void): Promise<T> {
  const env = process.env;
  const serverUrl = env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const reuse = env.BENCH_PG_DATABASE;
  const name = reuse ?? `${prefix}_${Date.now().toString(36)}`;
  const keep = Boolean(reuse || env.BENCH_PG_KEEP);
  const admin = await openDatabase({ url: serverUrl, poolSize: 1 });
  if (!reuse) await admin.db.execute(sql.raw(`create database ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  try {
    return await fn({ url: url.toString(), kept: keep ? name : undefined });
  } finally {
    if (keep) log(`kept database ${name}`);
    else await admin.db.execute(sql.raw(`drop database if exists ${name} with (force)`));
    await admin.close();
  }
}

const generatedFile = (name: string) => join(tmpdir(), `guanxi-bench-${name}.json`);

/** The generation facts saved for a kept database, or null when there are none (generate then). */
export function readGenerated<G>(kept: string | undefined): G | null {
  return kept && existsSync(generatedFile(kept)) ? (JSON.parse(readFileSync(generatedFile(kept), 'utf8')) as G) : null;
}

export function saveGenerated(kept: string | undefined, generated: unknown): void {
  if (kept) writeFileSync(generatedFile(kept), JSON.stringify(generated));
}
