// `guanxi analytics refresh [--incremental]`: runs the refresh in this process when the database is
// free (or DATABASE_URL), else through the server that holds the embedded database (API token), with
// a progress bar on stderr and the counts at the end; exit 1 when the run fails.
import { Command } from 'commander';
import type { AnalyticsRun } from '@guanxi/contracts';
import { openConfiguredDatabase } from '../bootstrap.js';
import { loadConfig, type Config } from '../config.js';
import { DataDirBusyError } from '../db/data-dir-lock.js';
import { refreshAnalytics, type RefreshProgress } from './refresh-analytics.js';

const PHASES = ['aggregate', 'score', 'write', 'importance', 'model_check', 'warnings', 'rollups'];

function bar(p: RefreshProgress, out: NodeJS.WriteStream = process.stderr): void {
  if (!out.isTTY) return;
  // each phase is one step of the bar, the write phase filling its step by rows written
  const k = Math.max(0, PHASES.indexOf(p.phase));
  const share = Math.min(1, (k + (p.total > 0 ? p.done / p.total : 0)) / PHASES.length);
  out.write(`\r[${'#'.repeat(Math.round(share * 30)).padEnd(30, '.')}] ${(share * 100).toFixed(0).padStart(3)}% ${p.phase.padEnd(12)} ${p.total ? `${p.done}/${p.total}` : ''}   `);
}

function report(run: { id: number; mode: string; durationMs: number | null; counts: Record<string, unknown> | null }): string {
  const c = run.counts ?? {};
  const changes = Object.entries((c.changes as Record<string, number> | undefined) ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return `analytics run ${run.id} (${run.mode}) succeeded in ${((run.durationMs ?? 0) / 1000).toFixed(1)} s: ${String(c.customers)} customers, ${String(c.scored)} scored, ${String(c.written)} written, importance changed ${String(c.importanceChanged)}; changes: ${changes || 'none'}`;
}

async function viaServer(config: Config, incremental: boolean, opts: { server?: string; token?: string }): Promise<string> {
  const token = opts.token ?? process.env.GUANXI_API_TOKEN;
  const server = opts.server ?? process.env.GUANXI_SERVER_URL ?? `http://127.0.0.1:${config.port}`;
  if (!token) throw new Error(`a server holds the database (or --server was given): pass an API token with --token or GUANXI_API_TOKEN to go through ${server}`);
  const call = async (path: string, init: RequestInit = {}): Promise<unknown> => {
    const res = await fetch(new URL(`/api/v1${path}`, server), { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
    const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
    if (!res.ok) throw new Error(`${server}: ${body.error?.message ?? `${res.status} ${res.statusText}`}`);
    return body;
  };
  let run = (await call('/analytics/refresh', { method: 'POST', body: JSON.stringify({ mode: incremental ? 'incremental' : 'full' }) })) as AnalyticsRun;
  while (run.status === 'running') {
    await new Promise((r) => setTimeout(r, 500));
    run = (await call(`/analytics/runs/${run.id}`)) as AnalyticsRun;
    if (run.progress) bar(run.progress);
  }
  if (process.stderr.isTTY) process.stderr.write('\n');
  if (run.status === 'failed') throw new Error(`analytics run ${run.id} failed: ${run.error ?? ''}`);
  return report(run);
}

export function analyticsCommand(): Command {
  const cmd = new Command('analytics').description('the analytical CRM: stored scores of every customer');
  cmd
    .command('refresh')
    .description('recompute the scores (RFM, ABC, CLV, lifecycle, tier, loyalty, churn) of every customer, or with --incremental of those whose orders changed')
    .option('--incremental', 'only customers whose orders changed since the last run')
    .option('--server <url>', 'go through this server (default when a server holds the embedded database)')
    .option('--token <token>', 'API token for --server (or GUANXI_API_TOKEN)')
    .action(async (opts: { incremental?: boolean; server?: string; token?: string }) => {
      const config = loadConfig();
      let opened: Awaited<ReturnType<typeof openConfiguredDatabase>> | null = null;
      if (!opts.server) {
        try {
          opened = await openConfiguredDatabase(config);
        } catch (e) {
          if (!(e instanceof DataDirBusyError)) throw e;
        }
      }
      if (!opened) {
        process.stdout.write(`${await viaServer(config, opts.incremental === true, opts)}\n`);
        return;
      }
      try {
        const out = await refreshAnalytics(opened.database, { mode: opts.incremental ? 'incremental' : 'full', trigger: 'cli', timeZone: config.timeZone, onProgress: (p) => bar(p) });
        if (process.stderr.isTTY) process.stderr.write('\n');
        if (out.status === 'busy') throw new Error(`another analytics run is in progress (run ${out.runningRunId ?? '?'})`);
        if (out.status === 'failed') throw new Error(`analytics run ${out.runId} failed: ${out.error}`);
        process.stdout.write(`${report({ id: out.runId, mode: out.mode, durationMs: out.durationMs, counts: out.counts })}\n`);
      } finally {
        await opened.close();
      }
    });
  return cmd;
}
