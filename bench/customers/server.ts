// The servers under test, in their own process so the load generator does not share their event
// loop: the real Guanxi app, and a bare Fastify baseline that replays exactly the SQL the app ran
// for the same request (captured from the driver), minus authentication, and returns the rows.
// Prints one JSON line with both ports once listening.
import Fastify from 'fastify';
import { buildApp } from '../../apps/server/src/app.js';
import { testConfig } from '../../apps/server/src/config.js';
import { openDatabase } from '../../apps/server/src/db/client.js';

interface Statement {
  text: string;
  values: unknown[];
}
interface Queryable {
  query(text: unknown, values?: unknown, opts?: unknown): Promise<{ rows: unknown[] }>;
}

const url = process.env.BENCH_DATABASE_URL;
const dir = process.env.BENCH_PGLITE_DIR;
const token = process.env.BENCH_TOKEN ?? '';
const database = await openDatabase(url ? { url, poolSize: Number(process.env.BENCH_POOL_SIZE ?? 10) } : { dataDir: dir });
const app = await buildApp({ database, config: testConfig({ logLevel: 'silent', webDist: '/nonexistent' }) });
const apiAddress = await app.listen({ host: '127.0.0.1', port: 0 });

// Capture: while a capture is open, every statement the driver sends is recorded.
const client = (database.db as unknown as { $client: Queryable }).$client;
const original = client.query.bind(client);
let recording: Statement[] | null = null;
client.query = (text: unknown, values?: unknown, opts?: unknown) => {
  if (recording) {
    const config: { text: string; values?: unknown[] } = typeof text === 'string' ? { text } : (text as { text: string; values?: unknown[] });
    recording.push({ text: config.text, values: Array.isArray(values) ? (values as unknown[]) : (config.values ?? []) });
  }
  return original(text, values, opts);
};
// The token lookup, the actor load and the last-used stamp are the API's authentication, not the endpoint.
const isAuth = (s: Statement) => /from api_tokens|update api_tokens|from users u join roles r/.test(s.text);

const captured = new Map<string, Statement[]>();
const baseline = Fastify({ logger: false });
baseline.post<{ Body: { key: string; url: string } }>('/capture', async (req) => {
  recording = [];
  const res = await fetch(`${apiAddress}${req.body.url}`, { headers: { authorization: `Bearer ${token}` } });
  const body = await res.text();
  const statements = recording.filter((s) => !isAuth(s));
  recording = null;
  captured.set(req.body.key, statements);
  return { status: res.status, statements: statements.length, bytes: body.length, sql: statements.map((s) => s.text.replace(/\s+/g, ' ').slice(0, 300)) };
});
baseline.get<{ Params: { key: string } }>('/replay/:key', async (req, reply) => {
  const statements = captured.get(req.params.key);
  if (!statements) return reply.code(404).send({ error: 'not captured' });
  const results: unknown[][] = [];
  for (const s of statements) results.push((await original(s.text, s.values)).rows);
  return { results };
});
const baselineAddress = await baseline.listen({ host: '127.0.0.1', port: 0 });

process.stdout.write(`${JSON.stringify({ api: apiAddress, baseline: baselineAddress })}\n`);
const stop = async () => {
  await app.close();
  await baseline.close();
  await database.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
