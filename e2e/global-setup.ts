// Starts the real server once for the whole e2e run: fresh data directory (or E2E_DATABASE_URL),
// a free port, the first administrator from the environment, and its inbound SMTP listener on
// another free port (for mail to the support address). Stops it and cleans up afterwards.
// With E2E_BASE_URL set, the tests run against that server instead and nothing is started
// (E2E_SMTP_PORT then names that server's inbound listener, if it has one).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string;
    adminEmail: string;
    adminPassword: string;
    /** Port of the server's inbound SMTP listener on 127.0.0.1; 0 when there is none. */
    smtpPort: number;
    /** The address the inbound listener takes mail for (tickets by email). */
    supportAddress: string;
  }
}

const root = fileURLToPath(new URL('..', import.meta.url));
const adminEmail = process.env.E2E_ADMIN_EMAIL ?? 'admin@example.com';
const adminPassword = process.env.E2E_ADMIN_PASSWORD ?? 'Admin12345!';
const supportAddress = process.env.E2E_SUPPORT_ADDRESS ?? 'support@guanxi-e2e.test';

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

async function waitForHealth(url: string, child: ChildProcess, output: () => string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}:\n${output()}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server did not become healthy within ${timeoutMs} ms:\n${output()}`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  project.provide('adminEmail', adminEmail);
  project.provide('adminPassword', adminPassword);
  project.provide('supportAddress', supportAddress);
  if (process.env.E2E_BASE_URL) {
    project.provide('baseURL', process.env.E2E_BASE_URL.replace(/\/$/, ''));
    project.provide('smtpPort', Number(process.env.E2E_SMTP_PORT ?? 0));
    return async () => {};
  }

  const dataDir = await mkdtemp(join(tmpdir(), 'guanxi-e2e-'));
  const port = await freePort();
  let smtpPort = await freePort();
  while (smtpPort === port) smtpPort = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    GUANXI_DATA_DIR: dataDir,
    GUANXI_ADMIN_EMAIL: adminEmail,
    GUANXI_ADMIN_PASSWORD: adminPassword,
    LOG_LEVEL: 'warn',
    GUANXI_SMTP_INBOUND_PORT: String(smtpPort),
    GUANXI_SMTP_INBOUND_HOST: '127.0.0.1',
    GUANXI_SMTP_INBOUND_ADDRESSES: supportAddress,
  };
  delete env.DATABASE_URL;
  if (process.env.E2E_DATABASE_URL) env.DATABASE_URL = process.env.E2E_DATABASE_URL;

  let log = '';
  const child = spawn(process.execPath, [join(root, 'scripts/start.mjs')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));

  const baseURL = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(baseURL, child, () => log);
  } catch (e) {
    child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
    throw e;
  }
  project.provide('baseURL', baseURL);
  project.provide('smtpPort', smtpPort);

  return async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };
}
