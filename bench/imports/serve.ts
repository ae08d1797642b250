// The Guanxi app alone, in its own process so its peak memory (VmHWM) can be read by the runner.
// Prints one JSON line with its address once listening.
import { buildApp } from '../../apps/server/src/app.js';
import { testConfig } from '../../apps/server/src/config.js';
import { openDatabase } from '../../apps/server/src/db/client.js';

const url = process.env.BENCH_DATABASE_URL;
const dataDir = process.env.BENCH_PGLITE_DIR;
// where the server keeps uploaded files (its data dir): the runner's temporary folder
const filesDir = process.env.BENCH_FILES_DIR;
const database = await openDatabase(url ? { url, poolSize: 4 } : { dataDir });
const app = await buildApp({
  database,
  config: testConfig({ logLevel: 'silent', webDist: '/nonexistent', importMaxBytes: 1024 * 1024 * 1024, ...(dataDir ? { dataDir } : filesDir ? { dataDir: filesDir } : {}) }),
});
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ api: address })}\n`);
const stop = async () => {
  await app.close();
  await database.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
