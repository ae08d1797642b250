// The scoring worker's entry (see score-in-worker.ts): says it is loaded, then scores the one job
// it is sent, posting each rendered chunk back as soon as it is made (its bytes moved, not copied),
// then the rest of the result.
import { parentPort } from 'node:worker_threads';
import { scoreForWrite } from './metric-rows.js';
import { unpackSummary, type ScoreJob, type WorkerMessage } from './score-in-worker.js';

const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(m, transfer);
post({ kind: 'ready' });
parentPort!.once('message', (job: Omit<ScoreJob, 'summary'> & { summary: Parameters<typeof unpackSummary>[0] }) => {
  try {
    const result = scoreForWrite(
      unpackSummary(job.summary),
      job.settings,
      job.frozen,
      job.chunk,
      job.checkEnd,
      (chunk) => post({ kind: 'chunk', chunk }, [chunk.rows.buffer as ArrayBuffer, ...(chunk.history ? [chunk.history.buffer as ArrayBuffer] : [])]),
      job.stored,
    );
    post({ kind: 'done', result });
  } catch (e) {
    post({ kind: 'failed', error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
