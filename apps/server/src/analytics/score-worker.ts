// The scoring worker's entry (see score-in-worker.ts): says it is loaded, then scores the one job
// it is sent, posting each rendered chunk back as soon as it is made (its bytes in memory shared with
// the server's thread, or moved, not copied), then the rest of the result.
import { parentPort } from 'node:worker_threads';
import { scoreForWrite } from './metric-rows.js';
import { slotMemory, unpackSummary, type ScoreJob, type SharedSlots, type WorkerMessage } from './score-in-worker.js';

const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(m, transfer);
post({ kind: 'ready' });
// a chunk's bytes in the shared slots are not moved: only those in a buffer of their own
const own = (a: Uint8Array | null): ArrayBuffer[] => (a && a.buffer instanceof ArrayBuffer ? [a.buffer] : []);
parentPort!.once('message', (job: Omit<ScoreJob, 'summary'> & { summary: Parameters<typeof unpackSummary>[0]; slots: SharedSlots }) => {
  try {
    const result = scoreForWrite(
      unpackSummary(job.summary),
      job.settings,
      job.frozen,
      job.chunk,
      job.checkEnd,
      (chunk) => post({ kind: 'chunk', chunk }, [...own(chunk.rows), ...own(chunk.history)]),
      job.stored,
      slotMemory(job.slots),
    );
    post({ kind: 'done', result });
  } catch (e) {
    post({ kind: 'failed', error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
