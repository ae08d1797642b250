// A closed-loop load generator on Node's built-in fetch: `concurrency` clients each send the next
// request as soon as the previous answer arrives, for `durationMs`. Latencies go into one array;
// percentiles are read from it sorted (nearest rank).

export interface LoadResult {
  requests: number;
  errors: number;
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

const percentile = (sorted: Float64Array, p: number) => (sorted.length ? (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0) : 0);
const round = (x: number) => Math.round(x * 100) / 100;

/** `request(i)` performs one logical request (may be several HTTP calls) and says whether it succeeded. */
export async function runLoad(request: (i: number) => Promise<boolean>, opts: { concurrency: number; durationMs: number; warmupMs: number }): Promise<LoadResult> {
  const warmEnd = performance.now() + opts.warmupMs;
  let i = 0;
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (performance.now() < warmEnd) await request(i++);
    }),
  );
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const end = started + opts.durationMs;
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        const ok = await request(i++).catch(() => false);
        latencies.push(performance.now() - t);
        if (!ok) errors++;
      }
    }),
  );
  return summarise(latencies, errors, (performance.now() - started) / 1000);
}

/** The same closed loop, without warm-up, until `until` settles: load beside a long operation (e.g. a refresh). */
export async function runLoadUntil(request: (i: number) => Promise<boolean>, opts: { concurrency: number; until: Promise<unknown> }): Promise<LoadResult> {
  let done = false;
  const stop = () => void (done = true);
  opts.until.then(stop, stop);
  const latencies: number[] = [];
  let errors = 0;
  let i = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (!done) {
        const t = performance.now();
        const ok = await request(i++).catch(() => false);
        latencies.push(performance.now() - t);
        if (!ok) errors++;
      }
    }),
  );
  return summarise(latencies, errors, (performance.now() - started) / 1000);
}

function summarise(latencies: number[], errors: number, elapsed: number): LoadResult {
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    errors,
    throughput: round(latencies.length / elapsed),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    mean: round(latencies.reduce((s, x) => s + x, 0) / Math.max(1, latencies.length)),
    max: round(sorted[sorted.length - 1] ?? 0),
  };
}

/** GET that reads the whole body; true on 2xx. */
export async function get(url: string, headers: Record<string, string> = {}): Promise<boolean> {
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  return res.ok;
}

/** POST of a JSON body that reads the whole answer; true on 2xx. */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<boolean> {
  const res = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  return res.ok;
}
