// Runs `guanxi analyze` (compiled to bench/results/tmp/analyze-build) in its own process and reports
// the wall time and the peak resident memory on the last line of stderr.
import { analyzeCommand } from '../results/tmp/analyze-build/analyze.command.js';

const t0 = performance.now();
const c0 = process.cpuUsage();
let out = '';
await analyzeCommand({ stdout: (s) => (out += s), stderr: (s) => process.stderr.write(s), progress: false }).parseAsync(process.argv.slice(2), { from: 'user' });
process.stdout.write(out);
const c = process.cpuUsage(c0);
process.stderr.write(`\n${JSON.stringify({ seconds: (performance.now() - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
