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
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./score-worker.js', import.meta.url));
  const entry = new URL('./score-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then((m) => m.register()).then(() => import(${JSON.stringify(entry)}))`, { eval: true });
}

/** A scoring worker started ahead of its job; `loaded` is false when its module could not load here. */
export interface WarmScorer {
  worker: Worker;
  loaded: Promise<boolean>;
}

/**
 * Starts the scoring worker before the summary it will score exists, so that loading its modules
 * (a quarter of a second, more than scoring 10,000 customers) overlaps the aggregate. Null where no
 * worker can start. Whoever starts one terminates it if it is never given a job.
 */
export function warmScorer(): WarmScorer | null {
  let worker: Worker;
  try {
    worker = startWorker();
  } catch {
    return null;
  }
  const loaded = new Promise<boolean>((resolve) => {
    worker.once('message', (m: WorkerMessage) => resolve(m.kind === 'ready'));
    worker.once('error', () => resolve(false));
    worker.once('exit', () => resolve(false));
  });
  return { worker, loaded };
}

export async function scoreInWorker(job: ScoreJob, warm: WarmScorer | null = warmScorer()): Promise<ScoredForWrite & { inWorker: boolean }> {
  // where the worker's module cannot load (a runner that cannot load its file) this thread scores: same function, same result
  if (!warm || !(await warm.loaded)) {
    void warm?.worker.terminate();
    return { ...scoreForWrite(job.summary, job.settings, job.frozen, job.chunk, job.checkEnd), inWorker: false };
  }
  const { worker } = warm;
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'done') settle(() => resolve({ ...m.result, inWorker: true }));
      else if (m.kind === 'failed') settle(() => reject(new Error(m.error)));
    });
    worker.on('error', (e) => settle(() => reject(e)));
    worker.on('exit', (code) => settle(() => reject(new Error(`scoring worker exited with code ${code}`))));
    worker.postMessage({ summary: packSummary(job.summary), settings: job.settings, frozen: job.frozen, chunk: job.chunk, checkEnd: job.checkEnd });
  });
}
