#!/usr/bin/env node
// Builds what is out of date: the TypeScript packages and server (tsc -b, incremental) and, with
// --all, the web app (vite build) when its sources are newer than its last build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = new Set(process.argv.slice(2));

function run(label, bin, argv, cwd = root) {
  const started = Date.now();
  const r = spawnSync(process.execPath, [bin, ...argv], { cwd, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`guanxi: ${label} failed`);
    process.exit(r.status ?? 1);
  }
  console.log(`guanxi: ${label} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function newest(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let m = s.mtimeMs;
  for (const e of readdirSync(path)) if (e !== 'node_modules' && e !== 'dist') m = Math.max(m, newest(join(path, e)));
  return m;
}

run('server build', require.resolve('typescript/bin/tsc'), ['-b']);

if (args.has('--all') || args.has('--web')) {
  const web = join(root, 'apps/web');
  const built = join(web, 'dist/index.html');
  const sources = Math.max(newest(join(web, 'src')), newest(join(web, 'index.html')), newest(join(web, 'vite.config.ts')), newest(join(root, 'packages/contracts/src')));
  if (!existsSync(join(web, 'src'))) console.log('guanxi: no web app sources, skipping web build');
  else if (existsSync(built) && statSync(built).mtimeMs >= sources && !args.has('--force')) console.log('guanxi: web app is up to date');
  else {
    // vite's package exports do not list its bin; find it beside its package.json.
    const vite = join(dirname(require.resolve('vite/package.json', { paths: [web] })), 'bin/vite.js');
    run('web build', vite, ['build', '--logLevel', 'warn'], web);
  }
}
