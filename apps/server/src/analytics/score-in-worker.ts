// Runs the scoring of a refresh (fit, scores, reasons, model check, rendering for the write-back) in a worker
// thread, so that a million customers' worth of JavaScript does not stall the server's requests
// while POST /analytics/refresh runs in-process. The rendered chunks come back one by one, so the
// write-back sends a chunk while the worker renders the next. Where no worker can start (a runner
// that cannot load the worker's file) it scores inline: same function, same result.
import { Worker } from 'node:worker_threads';
import type { AnalyticsSettings } from '@guanxi/contracts';
import type { CustomerSummaryColumns } from './customer-summaries.js';
import { chunkBytes, scoreForWrite, type ChunkMemory, type ScoredChunk, type ScoreSummary, type StoredRowsContext } from './metric-rows.js';
import type { FrozenModel } from './score-population.js';

export interface ScoreJob {
  summary: CustomerSummaryColumns;
  settings: AnalyticsSettings;
  frozen: FrozenModel | null;
  chunk: number;
  /** Calibration end of the model check (full runs), or null. */
  checkEnd: string | null;
  /** A full run's: render rows as customer_metrics stores them (scoreForWrite). */
  stored: StoredRowsContext | null;
}

type Packed = Omit<CustomerSummaryColumns, 'ids'> & { ids: Float64Array };

// a million numbers in an array cost the sending thread a long structured clone; in a typed array they are a copy
export function packSummary(s: CustomerSummaryColumns): Packed {
  return { ...s, ids: Float64Array.from(s.ids) };
}

export function unpackSummary(p: Packed): CustomerSummaryColumns {
  return { ...p, ids: Array.from(p.ids) };
}

export type WorkerMessage = { kind: 'ready' } | { kind: 'chunk'; chunk: ScoredChunk } | { kind: 'done'; result: ScoreSummary } | { kind: 'failed'; error: string };

/**
 * Chunks the worker may have rendered and not yet seen written: it renders into these slots of
 * shared memory in turn, waiting for the next one to be given back (the write-back sends a chunk
 * while the next is rendered; a third keeps the worker going while a chunk waits its turn).
 */
const SLOTS = 3;

/** Memory shared by the worker and this thread for a job's chunks: SLOTS slots of `size` bytes, each busy (1) from its taking until its chunk is written. */
export interface SharedSlots {
  memory: SharedArrayBuffer;
  size: number;
  busy: Int32Array;
}

function sharedSlots(job: ScoreJob): SharedSlots {
  // the rows' usual size and room for a few long ones (a chunk that outgrows its slot goes in a buffer of its own)
  const size = chunkBytes(Math.min(job.chunk, job.summary.n), job.stored !== null) + 64 * 1024;
  return { memory: new SharedArrayBuffer(size * SLOTS), size, busy: new Int32Array(new SharedArrayBuffer(4 * SLOTS)) };
}

/** Gives slot `k` back: the worker waiting for it goes on. */
function giveBackSlot(s: SharedSlots, k: number): void {
  Atomics.store(s.busy, k, 0);
  Atomics.notify(s.busy, k);
}

/** The worker's side of the slots: taken in turn, each waited for until given back. */
export function slotMemory(s: SharedSlots): ChunkMemory {
  let next = 0;
  return {
    take(bytes) {
      if (bytes > s.size) return null;
      const k = next;
      next = (next + 1) % SLOTS;
      // woken when given back; the timeout only bounds a wait that nothing would end
      while (Atomics.compareExchange(s.busy, k, 0, 1) !== 0) Atomics.wait(s.busy, k, 1, 1000);
      return { slot: k, into: new Uint8Array(s.memory, k * s.size, s.size) };
    },
    giveBack: (k) => giveBackSlot(s, k),
  };
}

/**
 * The worker's young generation (V8's default is ~48 MB on a 64-bit machine). Scoring makes a few
 * small objects per customer that die within its chunk; at the default size the scavenges promoted
 * many of them and the collector's threads took the CPU the 2-core machine's database needed. At
 * 96 MB, scoring a million customers took 20.6–22.3 s of the process's CPU against 21.4–27.9 s
 * (three runs each; 48 and 192 MB no better than the default): bench/analytics-refresh/notes.md.
 */
const YOUNG_GENERATION_MB = 96;

/**
 * A worker running score-worker beside this module: the built .js as it is; the .ts source (tsx,
 * vitest) through tsx's loader registered inside the worker, since Node 20 does not carry the
 * parent's `--import tsx` hooks into workers.
 */
function startWorker(): Worker {
  const options = { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./score-worker.js', import.meta.url), options);
  const entry = new URL('./score-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then((m) => m.register()).then(() => import(${JSON.stringify(entry)}))`, { eval: true, ...options });
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

/** Chunks handed over as they are rendered, read once in order by one consumer; `written` is told of each one the consumer is done with. */
class ChunkQueue implements AsyncIterable<ScoredChunk> {
  private readonly items: ScoredChunk[] = [];
  private ended = false;
  private error: unknown = null;
  private wake: (() => void) | null = null;
  constructor(private readonly written: (c: ScoredChunk) => void = () => {}) {}
  push(c: ScoredChunk): void {
    this.items.push(c);
    this.notify();
  }
  end(): void {
    this.ended = true;
    this.notify();
  }
  fail(e: unknown): void {
    this.error = e;
    this.notify();
  }
  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
  async *[Symbol.asyncIterator](): AsyncGenerator<ScoredChunk> {
    for (;;) {
      if (this.error) throw this.error;
      const next = this.items.shift();
      if (next) {
        // the consumer asks for the next chunk (or stops) once it is done with this one
        try {
          yield next;
        } finally {
          this.written(next);
        }
      } else if (this.ended) return;
      else await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

/** A scoring under way: its chunks as they come, and what it says besides once it is done. */
export interface Scoring {
  /** In customer order; the iteration throws what the scoring threw. */
  chunks: AsyncIterable<ScoredChunk>;
  /** After the last chunk (and the model check); `ms` is the scoring's own time. */
  done: Promise<ScoreSummary & { inWorker: boolean; ms: number }>;
  /** Ends the scoring early (the write-back failed); its chunks and `done` then fail. */
  stop(): void;
}

export function scoreInWorker(job: ScoreJob, warm: WarmScorer | null = warmScorer()): Scoring {
  const slots = warm ? sharedSlots(job) : null;
  const queue = new ChunkQueue((c) => {
    if (slots && c.slot !== null) giveBackSlot(slots, c.slot);
  });
  const started = performance.now();
  let stopped = false;
  const done = (async (): Promise<ScoreSummary & { inWorker: boolean; ms: number }> => {
    // where the worker's module cannot load (a runner that cannot load its file) this thread scores: same function, same result
    if (!warm || !(await warm.loaded)) {
      void warm?.worker.terminate();
      if (stopped) throw new Error('scoring stopped');
      const result = scoreForWrite(job.summary, job.settings, job.frozen, job.chunk, job.checkEnd, (c) => queue.push(c), job.stored);
      queue.end();
      return { ...result, inWorker: false, ms: Math.round(performance.now() - started) };
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
      const fail = (e: unknown) => settle(() => (queue.fail(e), reject(e)));
      worker.on('message', (m: WorkerMessage) => {
        if (m.kind === 'chunk') queue.push(m.chunk);
        else if (m.kind === 'done') settle(() => (queue.end(), resolve({ ...m.result, inWorker: true, ms: Math.round(performance.now() - started) })));
        else if (m.kind === 'failed') fail(new Error(m.error));
      });
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`scoring worker exited with code ${code}`)));
      if (stopped) fail(new Error('scoring stopped'));
      else worker.postMessage({ summary: packSummary(job.summary), settings: job.settings, frozen: job.frozen, chunk: job.chunk, checkEnd: job.checkEnd, stored: job.stored, slots });
    });
  })();
  done.catch((e: unknown) => queue.fail(e));
  return {
    chunks: queue,
    done,
    stop: () => {
      stopped = true;
      void warm?.worker.terminate();
    },
  };
}
