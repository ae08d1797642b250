// Runs the scoring of a refresh (fit, scores, reasons, model check, rendering for the write-back) in a worker
// thread, so that a million customers' worth of JavaScript does not stall the server's requests
// while POST /analytics/refresh runs in-process. Where no worker can start (a runner that cannot
// load the worker's file) it scores inline: same function, same result.
import { Worker } from 'node:worker_threads';
import type { AnalyticsSettings } from '@guanxi/contracts';
import type { CustomerSummaryColumns } from './customer-summaries.js';
import { scoreForWrite, type ScoredForWrite } from './metric-rows.js';
import type { FrozenModel } from './score-population.js';

export interface ScoreJob {
  summary: CustomerSummaryColumns;
  settings: AnalyticsSettings;
  frozen: FrozenModel | null;
  chunk: number;
  /** Calibration end of the model check (full runs), or null. */
  checkEnd: string | null;
}

type Packed = Omit<CustomerSummaryColumns, 'ids' | 'monetaryText' | 'marginText' | 'overdueBalance'> & {
  ids: Float64Array;
  monetaryText: string;
  marginText: string;
  overdueBalance: string;
};

// a million small strings cost the sending thread a long structured clone; one joined string is a copy
export function packSummary(s: CustomerSummaryColumns): Packed {
  return { ...s, ids: Float64Array.from(s.ids), monetaryText: s.monetaryText.join('\n'), marginText: s.marginText.join('\n'), overdueBalance: s.overdueBalance.join('\n') };
}

export function unpackSummary(p: Packed): CustomerSummaryColumns {
  const split = (v: string) => (p.n === 0 ? [] : v.split('\n'));
  return { ...p, ids: Array.from(p.ids), monetaryText: split(p.monetaryText), marginText: split(p.marginText), overdueBalance: split(p.overdueBalance) };
}

export type WorkerMessage = { kind: 'ready' } | { kind: 'done'; result: ScoredForWrite } | { kind: 'failed'; error: string };

/**
 * A worker running score-worker beside this module: the built .js as it is; the .ts source (tsx,
 * vitest) through tsx's loader registered inside the worker, since Node 20 does not carry the
 * parent's `--import tsx` hooks into workers.
 */
function startWorker(workerData: unknown): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./score-worker.js', import.meta.url), { workerData });
  const entry = new URL('./score-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then((m) => m.register()).then(() => import(${JSON.stringify(entry)}))`, { eval: true, workerData });
}

export async function scoreInWorker(job: ScoreJob): Promise<ScoredForWrite & { inWorker: boolean }> {
  const inline = () => ({ ...scoreForWrite(job.summary, job.settings, job.frozen, job.chunk, job.checkEnd), inWorker: false });
  let worker: Worker;
  try {
    worker = startWorker({ summary: packSummary(job.summary), settings: job.settings, frozen: job.frozen, chunk: job.chunk, checkEnd: job.checkEnd });
  } catch {
    return inline();
  }
  return new Promise((resolve, reject) => {
    let ready = false;
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'ready') ready = true;
      else if (m.kind === 'done') settle(() => resolve({ ...m.result, inWorker: true }));
      else settle(() => reject(new Error(m.error)));
    });
    worker.on('error', (e) => {
      // the worker's module could not load here: score in this thread instead
      if (!ready) settle(() => {
        try {
          resolve(inline());
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
      else settle(() => reject(e));
    });
    worker.on('exit', (code) => settle(() => (ready ? reject(new Error(`scoring worker exited with code ${code}`)) : resolve(inline()))));
  });
}
