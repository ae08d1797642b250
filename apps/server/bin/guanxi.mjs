#!/usr/bin/env node
// Entry point of `npx guanxi`; the compiled command line lives in dist/ (built by npm install).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('guanxi: not built yet — run `npm install` (or `npm run build`) in the project folder first\n');
  process.exit(1);
}
const { runCli } = await import(cli.href);
const code = await runCli(process.argv.slice(2));
// `serve` keeps running; every other command ends here.
if (process.argv[2] !== 'serve') process.exit(code);
else if (code !== 0) process.exit(code);
