// A server of its own holding the demo company, for the tests that must run "on the demo data":
// `guanxi demo` loads only into an empty database, which the shared server's is not. A fresh data
// directory gets the demo through the command line (the path an operator takes), then
// `guanxi serve` runs on it on a free port. E2E_DEMO_BASE_URL names a demo server already running
// instead (its demo users keep the demo password).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../apps/server/bin/guanxi.mjs', import.meta.url));

export interface DemoServer {
  baseURL: string;
  /** Seconds the demo took to load (0 for a server already running). */
  loadSeconds: number;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`guanxi ${args.join(' ')} exited with ${code}:\n${out}`))));
  });
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`demo server exited with code ${child.exitCode}:\n${output()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`demo server did not become healthy within ${timeoutMs} ms:\n${output()}`);
}

/** Loads the demo company (`customers` of them) into a fresh embedded database and serves it. */
export async function startDemoServer(customers = 3000): Promise<DemoServer> {
  if (process.env.E2E_DEMO_BASE_URL) return { baseURL: process.env.E2E_DEMO_BASE_URL.replace(/\/$/, ''), loadSeconds: 0, stop: async () => {} };

  const dataDir = await mkdtemp(join(tmpdir(), 'guanxi-e2e-demo-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, GUANXI_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', GUANXI_TIME_ZONE: 'Asia/Shanghai' };
  // The demo's own administrator is the one to log in with; the nightly jobs would only race the test.
  for (const k of ['DATABASE_URL', 'GUANXI_ADMIN_EMAIL', 'GUANXI_ADMIN_PASSWORD', 'GUANXI_SMTP_INBOUND_PORT']) delete env[k];
  env.GUANXI_JOBS = 'off';

  const started = Date.now();
  try {
    await run(['demo', '--customers', String(customers)], env);
  } catch (e) {
    await rm(dataDir, { recursive: true, force: true });
    throw e;
  }
  const loadSeconds = (Date.now() - started) / 1000;

  let log = '';
  const child = spawn(process.execPath, [cli, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const baseURL = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForHealth(baseURL, child, () => log);
  } catch (e) {
    await stop();
    throw e;
  }
  return { baseURL, loadSeconds, stop };
}
