#!/usr/bin/env node
// `npm start`: build what is out of date, then run the server in this process.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const build = spawnSync(process.execPath, [fileURLToPath(new URL('./build.mjs', import.meta.url)), '--all'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const { serve } = await import('../apps/server/dist/main.js');
try {
  await serve();
} catch (e) {
  console.error(`guanxi: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
