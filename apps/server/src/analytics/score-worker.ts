// The scoring worker's entry (see score-in-worker.ts): scores the summary it was started with and
// posts the rendered chunks back.
import { parentPort, workerData } from 'node:worker_threads';
import { scoreForWrite } from './metric-rows.js';
import { unpackSummary, type ScoreJob, type WorkerMessage } from './score-in-worker.js';

const post = (m: WorkerMessage) => parentPort!.postMessage(m);
post({ kind: 'ready' });
try {
  const job = workerData as Omit<ScoreJob, 'summary'> & { summary: Parameters<typeof unpackSummary>[0] };
  post({ kind: 'done', result: scoreForWrite(unpackSummary(job.summary), job.settings, job.frozen, job.chunk, job.checkEnd) });
} catch (e) {
  post({ kind: 'failed', error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
}
