// The servers under test, in their own process so the load generator does not share their event
// loop: the real Guanxi app, and a bare Fastify baseline that replays exactly the SQL the app ran
// for the same request (captured from the driver), minus authentication, and returns the rows.
// Prints one JSON line with both ports once listening.
//
// Reads replay statement by statement (GET /replay/:key). Writes replay as one transaction on one
// connection (POST /replay-tx/:key), with the ids the inserts return carried into the later
// statements, so each replay writes a new row as the API does instead of colliding with the first.
import Fastify from 'fastify';
import pg from 'pg';
import { buildApp } from '../../apps/server/src/app.js';
import { testConfig } from '../../apps/server/src/config.js';
import { openDatabase } from '../../apps/server/src/db/client.js';

interface Statement {
  text: string;
  values: unknown[];
  /** What the statement returned when captured, by column name. */
  fields?: string[];
  rows?: unknown[];
}
interface QueryResult {
  rows: unknown[];
  fields?: Array<{ name: string }>;
}
type QueryFn = (text: unknown, values?: unknown, opts?: unknown) => Promise<QueryResult>;
interface Queryable {
  query: QueryFn;
}
interface PgliteLike extends Queryable {
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
}
interface PoolLike extends Queryable {
  connect(): Promise<Queryable & { release(): void }>;
}

const url = process.env.BENCH_DATABASE_URL;
const dir = process.env.BENCH_PGLITE_DIR;
const token = process.env.BENCH_TOKEN ?? '';
const database = await openDatabase(url ? { url, poolSize: Number(process.env.BENCH_POOL_SIZE ?? 10) } : { dataDir: dir });
const app = await buildApp({ database, config: testConfig({ logLevel: 'silent', webDist: '/nonexistent' }) });
const apiAddress = await app.listen({ host: '127.0.0.1', port: 0 });

// Capture: while a capture is open, every statement the driver sends is recorded with its result.
let recording: Statement[] | null = null;
function note(text: unknown, values: unknown): Statement | null {
  if (!recording) return null;
  const config = typeof text === 'string' ? { text, values: undefined } : (text as { text: string; values?: unknown[] });
  const s: Statement = { text: config.text, values: Array.isArray(values) ? (values as unknown[]) : (config.values ?? []) };
  recording.push(s);
  return s;
}
const keep = (s: Statement | null, res: QueryResult | undefined) => {
  if (s && res) {
    s.rows = res.rows;
    s.fields = res.fields?.map((f) => f.name) ?? [];
  }
};
const client = (database.db as unknown as { $client: Queryable }).$client;
const original: QueryFn = client.query.bind(client);
if (database.driver === 'postgres') {
  // Every statement, inside a transaction or not, goes through a pooled Client's query.
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const clientQuery = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const s = note(args[0], typeof args[1] === 'function' ? undefined : args[1]);
    const cb = args.findIndex((a) => typeof a === 'function');
    if (s && cb >= 0) {
      const done = args[cb] as (err: unknown, res: QueryResult | undefined) => void;
      args[cb] = (err: unknown, res: QueryResult | undefined) => {
        keep(s, res);
        done(err, res);
      };
    }
    const out = clientQuery.apply(this, args);
    if (s && out instanceof Promise) out.then((res: QueryResult) => keep(s, res), () => undefined);
    return out;
  };
} else {
  const lite = client as PgliteLike;
  const wrap = (fn: QueryFn): QueryFn => async (text, values, opts) => {
    const s = note(text, values);
    const res = await fn(text, values, opts);
    keep(s, res);
    return res;
  };
  lite.query = wrap(original);
  const transaction = lite.transaction.bind(lite);
  lite.transaction = (fn) =>
    transaction((tx) => {
      const proxied = Object.create(tx) as Queryable;
      proxied.query = wrap(tx.query.bind(tx));
      return fn(proxied);
    });
}
// The token lookup, the actor load and the last-used stamp are the API's authentication, not the endpoint.
const isAuth = (s: Statement) => /from api_tokens|update api_tokens|from users u join roles r/.test(s.text);
const isTxControl = (s: Statement) => /^\s*(begin|commit|rollback)\b/i.test(s.text);

interface Captured {
  statements: Statement[];
  /** For writes: the response body, whose `number` (an order number) the replay must not reuse. */
  body: Record<string, unknown> | null;
}
const captured = new Map<string, Captured>();
const baseline = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 });
baseline.post<{ Body: { key: string; url: string; method?: string; body?: unknown; token?: string } }>('/capture', async (req) => {
  recording = [];
  const method = req.body.method ?? 'GET';
  const headers: Record<string, string> = { authorization: `Bearer ${req.body.token ?? token}` };
  if (req.body.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${apiAddress}${req.body.url}`, { method, headers, body: req.body.body === undefined ? undefined : JSON.stringify(req.body.body) });
  const text = await res.text();
  const statements = recording.filter((s) => !isAuth(s));
  recording = null;
  let body: Record<string, unknown> | null = null;
  try {
    body = method === 'GET' ? null : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    body = null;
  }
  captured.set(req.body.key, { statements, body });
  return { status: res.status, statements: statements.length, bytes: text.length, sql: statements.map((s) => s.text.replace(/\s+/g, ' ').slice(0, 300)), response: res.ok ? undefined : text.slice(0, 500) };
});
baseline.get<{ Params: { key: string } }>('/replay/:key', async (req, reply) => {
  const c = captured.get(req.params.key);
  if (!c) return reply.code(404).send({ error: 'not captured' });
  const results: unknown[][] = [];
  for (const s of c.statements) results.push((await original(s.text, s.values)).rows);
  return { results };
});

/** The plans of a captured read's statements as they run now (EXPLAIN ANALYZE executes them once more). */
baseline.get<{ Params: { key: string } }>('/explain/:key', async (req, reply) => {
  const c = captured.get(req.params.key);
  if (!c) return reply.code(404).send({ error: 'not captured' });
  const plans: Array<{ sql: string; plan: string }> = [];
  for (const s of c.statements) {
    if (!/^\s*(select|with)\b/i.test(s.text)) continue;
    const res = await original(`explain (analyze, buffers) ${s.text}`, s.values);
    plans.push({ sql: s.text.replace(/\s+/g, ' '), plan: res.rows.map((r) => rowValues(r)[0]).join('\n') });
  }
  return { plans };
});

const rowValues = (row: unknown): unknown[] => (Array.isArray(row) ? row : Object.values(row as Record<string, unknown>));

/**
 * Replays a captured write in one transaction. Values the captured inserts returned in an `id`
 * column are replaced in later statements by what the replayed inserts return; the order number,
 * which the app renders from the counter row it increments, is rendered again from the replayed
 * counter value (same scope, next sequence) — the unique number index sees a new number each time.
 */
type ReplayBody = (query: QueryFn) => Promise<unknown[][]>;

async function replayWrite(c: Captured, run: (body: ReplayBody) => Promise<unknown[][]>): Promise<unknown[][]> {
  const number = typeof c.body?.number === 'string' ? c.body.number : null;
  return run(async (query) => {
    const ids = new Map<string, unknown>();
    let newNumber: string | null = null;
    const results: unknown[][] = [];
    for (const s of c.statements) {
      if (isTxControl(s)) continue;
      const values = s.values.map((v) => {
        if (number !== null && newNumber !== null && v === number) return newNumber;
        const key = typeof v === 'number' || typeof v === 'string' ? `${typeof v}:${v}` : null;
        return key !== null && ids.has(key) ? ids.get(key) : v;
      });
      const res = await query(s.text, values);
      results.push(res.rows);
      const fields = res.fields?.map((f) => f.name) ?? s.fields ?? [];
      if (/^\s*insert\b/i.test(s.text) && s.rows && s.rows.length === res.rows.length) {
        s.rows.forEach((row, r) => {
          const was = rowValues(row);
          const now = rowValues(res.rows[r]);
          fields.forEach((f, k) => {
            const v = was[k];
            if (f === 'id' && (typeof v === 'number' || typeof v === 'string')) ids.set(`${typeof v}:${v}`, now[k]);
          });
        });
      }
      if (number !== null && /order_number_counters/.test(s.text)) {
        const seq = rowValues(res.rows[0])[0];
        newNumber = number.replace(/\d+$/, (digits) => String(seq).padStart(digits.length, '0'));
      }
    }
    return results;
  });
}

baseline.post<{ Params: { key: string } }>('/replay-tx/:key', async (req, reply) => {
  const c = captured.get(req.params.key);
  if (!c) return reply.code(404).send({ error: 'not captured' });
  const results =
    database.driver === 'postgres'
      ? await replayWrite(c, async (fn) => {
          const conn = await (client as PoolLike).connect();
          try {
            await conn.query('begin');
            const out = await fn((text, values) => conn.query(text, values));
            await conn.query('commit');
            return out;
          } catch (err) {
            await conn.query('rollback');
            throw err;
          } finally {
            conn.release();
          }
        })
      : await replayWrite(c, (fn) => (client as PgliteLike).transaction((tx) => fn((text, values) => tx.query(text, values))));
  return reply.code(201).send({ results });
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
