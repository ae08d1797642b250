// Benchmarks of @guanxi/analytics and `guanxi analyze`, each against a baseline measured in the
// same run; results go to bench/results/analytics.json and analytics.md. Run with
// `npm run bench:analytics -w @guanxi/bench` (builds the package and the command first).
// Set BENCH_QUICK=1 for a smaller run (1/10 of the sizes).
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as A from '../../packages/analytics/dist/index.js';
import { purchaseDays, rng, syntheticSummary } from './synthetic.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const resultsDir = join(here, '../results');
const tmpDir = join(resultsDir, 'tmp');
mkdirSync(tmpDir, { recursive: true });
const quick = process.env.BENCH_QUICK === '1';
const scale = quick ? 0.1 : 1;
const TRUE_BG = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const TRUE_PN = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };
const loadBefore = loadavg();
const results = { machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: +(totalmem() / 2 ** 30).toFixed(1), node: process.version }, quick, date: new Date().toISOString(), runs: [] };
const log = (s) => process.stderr.write(s + '\n');

/** Wall time and CPU time (user + system of this process; close to the wall time on an idle machine). */
function time(fn) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const c = process.cpuUsage(c0);
  return { value, seconds: (performance.now() - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6 };
}

/** Median wall time of `reps` runs (the machine is shared, so single runs are noisy). */
function timeMedian(fn, reps = 3) {
  const runs = [];
  for (let k = 0; k < reps; k++) runs.push(time(fn));
  runs.sort((a, b) => a.seconds - b.seconds);
  const mid = runs[Math.floor(reps / 2)];
  return { value: mid.value, seconds: mid.seconds, cpuSeconds: mid.cpuSeconds, all: runs.map((r) => round(r.seconds, 3)) };
}

/** Every row its own pattern: the fit without collapsing, the same optimiser (the baseline). */
function uncollapsed(s) {
  const n = s.x.length;
  const levels = Float64Array.from(new Set(s.x)).sort();
  const idx = new Map();
  levels.forEach((v, i) => idx.set(v, i));
  return {
    x: s.x, tx: Float64Array.from(s.x, (x, i) => (x === 0 ? 0 : s.tx[i])), T: s.T,
    weight: new Float64Array(n).fill(1), xLevels: levels, xLevel: Uint32Array.from(s.x, (x) => idx.get(x)),
    patternOf: Uint32Array.from({ length: n }, (_, i) => i), totalWeight: n,
  };
}

const round = (v, d = 4) => Math.round(v * 10 ** d) / 10 ** d;
const params = (p) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, round(v)]));

// 1. BG/NBD fit on 1M customers.
{
  const n = Math.round(1_000_000 * scale);
  log(`BG/NBD: drawing ${n} customers…`);
  const s = syntheticSummary(n, 'bgnbd', TRUE_BG, 1);
  const fast = timeMedian(() => A.fitBgNbd(s, { skipStandardErrors: true }));
  log(`  collapsed fit ${fast.seconds.toFixed(2)} s`);
  const base = time(() => A.fitBgNbd(uncollapsed(s), { skipStandardErrors: true }));
  log(`  uncollapsed fit ${base.seconds.toFixed(2)} s`);
  // Recovery without the day grid: exact purchase times, so no collapsing (200k customers).
  const exact = syntheticSummary(Math.round(200_000 * scale), 'bgnbd', TRUE_BG, 4, false);
  const ex = time(() => A.fitBgNbd(exact));
  log(`  exact-time fit (${exact.x.length}) ${ex.seconds.toFixed(2)} s`);
  const exactRecovery = { customers: exact.x.length, seconds: round(ex.seconds, 3), recovered: params(ex.value.params), standardErrors: params(ex.value.standardErrors) };
  results.runs.push({
    name: 'bgnbd-fit', exactTimeRecovery: exactRecovery, customers: n, targetSeconds: 2.5, seconds: round(fast.seconds, 3), cpuSeconds: round(fast.cpuSeconds, 3), runs: fast.all, baseline: { name: 'same fit without collapsing (x, t_x, T) patterns', seconds: round(base.seconds, 3) },
    referenceLifetimesSeconds: 7.6, patterns: fast.value.patterns, iterations: fast.value.iterations, converged: fast.value.converged, gradientNorm: fast.value.gradientNorm,
    trueParams: TRUE_BG, recovered: params(fast.value.params), baselineRecovered: params(base.value.params),
  });
  globalThis.bgSample = { s, fit: fast.value };
}

// 2. Pareto/NBD fit on 100k customers (BG/NBD-drawn for the timing target; Pareto/NBD-drawn for recovery).
{
  const n = Math.round(100_000 * scale);
  const sBg = syntheticSummary(n, 'bgnbd', TRUE_BG, 2);
  const onBg = timeMedian(() => A.fitParetoNbd(sBg, { skipStandardErrors: true }));
  log(`Pareto/NBD on BG/NBD data: ${onBg.seconds.toFixed(2)} s`);
  const sPn = syntheticSummary(n, 'pareto-nbd', TRUE_PN, 3);
  const fast = time(() => A.fitParetoNbd(sPn, { skipStandardErrors: true }));
  log(`Pareto/NBD on Pareto/NBD data: ${fast.seconds.toFixed(2)} s`);
  const base = time(() => A.fitParetoNbd(uncollapsed(sPn), { skipStandardErrors: true }));
  log(`  uncollapsed ${base.seconds.toFixed(2)} s`);
  results.runs.push({
    name: 'pareto-nbd-fit', customers: n, targetSeconds: 4, seconds: round(onBg.seconds, 3), cpuSeconds: round(onBg.cpuSeconds, 3), runs: onBg.all, referenceLifetimesSeconds: 21,
    onBgnbdData: { seconds: round(onBg.seconds, 3), patterns: onBg.value.patterns, converged: onBg.value.converged, recovered: params(onBg.value.params), note: 'data drawn from BG/NBD, so there are no true Pareto/NBD parameters' },
    onParetoNbdData: { seconds: round(fast.seconds, 3), cpuSeconds: round(fast.cpuSeconds, 3), runs: fast.all, patterns: fast.value.patterns, converged: fast.value.converged, trueParams: TRUE_PN, recovered: params(fast.value.params) },
    baseline: { name: 'same fit without collapsing, on the Pareto/NBD data', seconds: round(base.seconds, 3), recovered: params(base.value.params) },
  });
}

// 3. P(alive) + E[Y] + CLV for 1M customers.
{
  const { s, fit } = globalThis.bgSample;
  const n = s.x.length;
  const u = rng(9);
  const meanSpend = Float64Array.from(s.x, (x) => (x > 0 ? 35 * (0.5 + u()) : 0));
  const gg = { p: 6.25, q: 3.74, gamma: 15.44 };
  const model = { kind: 'bgnbd', params: fit.params };
  const clv = { months: 12, discountRate: 0.01, unitsPerMonth: A.UNITS_PER_MONTH.week };
  const fast = timeMedian(() => A.scoreCustomers({ summary: s, model, horizon: 39, meanSpend, spend: gg, clv }));
  log(`scoring ${n}: ${fast.seconds.toFixed(2)} s`);
  const base = time(() => {
    const pa = new Float64Array(n), ey = new Float64Array(n), cv = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      pa[i] = A.bgnbdPAlive(fit.params, s.x[i], s.tx[i], s.T[i]);
      ey[i] = A.bgnbdConditionalExpectedPurchases(fit.params, 39, s.x[i], s.tx[i], s.T[i]);
      cv[i] = A.customerLifetimeValue(model, A.gammaGammaExpectedSpend(gg, s.x[i], meanSpend[i]), s.x[i], s.tx[i], s.T[i], clv);
    }
    return cv;
  });
  log(`  per-customer baseline ${base.seconds.toFixed(2)} s`);
  let maxDiff = 0;
  for (let i = 0; i < n; i++) maxDiff = Math.max(maxDiff, Math.abs(base.value[i] - fast.value.clv[i]));
  results.runs.push({ name: 'p-alive-expected-purchases-clv', customers: n, targetSeconds: 1, seconds: round(fast.seconds, 3), cpuSeconds: round(fast.cpuSeconds, 3), runs: fast.all, patterns: fast.value.patterns, baseline: { name: 'the scalar functions customer by customer', seconds: round(base.seconds, 3) }, maxAbsDifferenceFromBaseline: maxDiff });
}

// 4. RFM + ABC + lifecycle + churn scoring of 1M customers.
{
  const n = Math.round(1_000_000 * scale);
  const u = rng(11);
  const ids = Array.from({ length: n }, (_, i) => `C${(i * 7919) % n}`);
  const recency = Float64Array.from({ length: n }, () => Math.floor(u() * 365));
  const frequency = Float64Array.from({ length: n }, () => 1 + Math.floor(-Math.log(1 - u()) * 3));
  const monetary = Float64Array.from(frequency, (f) => Math.round(f * 40 * (0.2 + u() * 3) * 100) / 100);
  const T = Float64Array.from(recency, (r) => r + Math.floor(u() * 400));
  const pAlive = Float64Array.from({ length: n }, () => u());
  const trend = Float64Array.from({ length: n }, () => 2 * u() - 1);
  const cycle = Float64Array.from(frequency, (f, i) => (f > 1 ? (T[i] - recency[i]) / (f - 1) : Number.NaN));
  const fast = timeMedian(() => {
    const ranks = A.idRanks(ids);
    const scores = A.rfmScores({ ids, recency, frequency, monetary }, { idRanks: ranks });
    const seg = A.rfmSegments(scores);
    const abc = A.abcAnalysis(ids, monetary, { idRanks: ranks });
    const stage = A.lifecycleStages({ purchases: frequency, age: T, recency, meanInterval: cycle, trend, pAlive }, n).stage;
    const churn = A.churnRiskScores({ recency, cycle, pAlive, frequencyTrend: trend }, n);
    return { seg, abc, stage, churn };
  });
  log(`RFM+ABC+lifecycle+churn ${n}: ${fast.seconds.toFixed(2)} s`);
  // Baseline: the straightforward way — an array of objects sorted with a comparator per score.
  const base = time(() => {
    const rows = ids.map((id, i) => ({ id, r: recency[i], f: frequency[i], m: monetary[i], rs: 0, fs: 0, ms: 0, cls: '' }));
    const cmpId = (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    const nt = (key, out, desc) => {
      const sorted = [...rows].sort((a, b) => (desc ? b[key] - a[key] : a[key] - b[key]) || cmpId(a, b));
      const q = Math.floor(n / 5), rem = n % 5;
      sorted.forEach((row, k) => { row[out] = 1 + (k < rem * (q + 1) ? Math.floor(k / (q + 1)) : rem + Math.floor((k - rem * (q + 1)) / q)); });
    };
    nt('r', 'rs', true); nt('f', 'fs', false); nt('m', 'ms', false);
    const segs = rows.map((row) => A.rfmSegment(row.rs, row.fs, row.ms));
    const byValue = [...rows].sort((a, b) => b.m - a.m || cmpId(a, b));
    const total = byValue.reduce((s, r) => s + r.m, 0);
    let cum = 0;
    for (const row of byValue) { const before = cum / total; row.cls = before < 0.8 ? 'A' : before < 0.95 ? 'B' : 'C'; cum += row.m; }
    const stages = rows.map((_, i) => A.lifecycleStage({ purchases: frequency[i], age: T[i], recency: recency[i], meanInterval: cycle[i], trend: trend[i], pAlive: pAlive[i] }).stage);
    const churn = rows.map((_, i) => A.churnRisk({ recency: recency[i], cycle: cycle[i], pAlive: pAlive[i], frequencyTrend: trend[i] }).score);
    return { segs, churn, rows, stages };
  });
  log(`  baseline ${base.seconds.toFixed(2)} s`);
  let mismatches = 0;
  const s2 = A.rfmScores({ ids, recency, frequency, monetary });
  for (let i = 0; i < n; i++) if (base.value.rows[i].rs !== s2.r[i] || base.value.rows[i].fs !== s2.f[i] || base.value.rows[i].ms !== s2.m[i] || base.value.rows[i].cls !== A.ABC_CLASSES[fast.value.abc.classOf[i]]) mismatches++;
  // The same with numeric ids (database keys), which rank without a string sort.
  const numericIds = Float64Array.from({ length: n }, (_, i) => (i * 7919) % n);
  const numeric = timeMedian(() => {
    const ranks = A.idRanks(numericIds);
    const scores = A.rfmScores({ ids: numericIds, recency, frequency, monetary }, { idRanks: ranks });
    A.rfmSegments(scores);
    A.abcAnalysis(numericIds, monetary, { idRanks: ranks });
    A.lifecycleStages({ purchases: frequency, age: T, recency, meanInterval: cycle, trend, pAlive }, n);
    return A.churnRiskScores({ recency, cycle, pAlive, frequencyTrend: trend }, n);
  });
  log(`  with numeric ids ${numeric.seconds.toFixed(2)} s`);
  results.runs.push({ name: 'rfm-abc-lifecycle-churn', ids: 'strings "C…"', numericIds: { seconds: round(numeric.seconds, 3), cpuSeconds: round(numeric.cpuSeconds, 3), runs: numeric.all }, customers: n, targetSeconds: 2, seconds: round(fast.seconds, 3), cpuSeconds: round(fast.cpuSeconds, 3), runs: fast.all, baseline: { name: 'array of objects, comparator sorts, churnRisk per customer', seconds: round(base.seconds, 3) }, mismatchesWithBaseline: mismatches });
}

// 5. `guanxi analyze --transactions` on a generated 10M-row file.
{
  const rowsWanted = Math.round(10_000_000 * scale);
  const file = join(tmpDir, `transactions-v2-${rowsWanted}.csv`);
  if (!existsSync(file)) {
    log(`writing ${file}…`);
    const u = rng(21);
    const out = createWriteStream(file);
    out.write('InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice\n');
    const start = Date.UTC(2022, 0, 1) / 86_400_000;
    let invoice = 100000;
    let rows = 0;
    let buf = '';
    // Customers are drawn until the file has the wanted number of rows.
    let c = 0;
    for (; rows < rowsWanted; c++) {
      const first = Math.floor(u() * 84); // acquired over 12 weeks; observed for 78 weeks
      const days = purchaseDays(u, 'bgnbd', TRUE_BG, 546 - first);
      for (const d of days) {
        invoice++;
        const date = new Date((start + first + d) * 86_400_000).toISOString().slice(0, 10);
        const items = 1 + Math.floor(u() * 6);
        for (let k = 0; k < items; k++) {
          buf += `${invoice},${10000 + c},${date} ${String(8 + Math.floor(u() * 10)).padStart(2, '0')}:${String(Math.floor(u() * 60)).padStart(2, '0')},${1 + Math.floor(u() * 12)},${(0.5 + Math.floor(u() * 2000) / 100).toFixed(2)}\n`;
          rows++;
        }
      }
      if (buf.length > 1 << 20) {
        if (!out.write(buf)) await new Promise((r) => out.once('drain', r));
        buf = '';
      }
    }
    out.end(buf);
    await new Promise((r) => out.on('finish', r));
  }
  const bytes = statSync(file).size;
  // Baseline: reading the file line by line with readline (the I/O floor), in this process.
  const t0 = performance.now();
  let lines = 0;
  for await (const _ of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) lines++;
  const readSeconds = (performance.now() - t0) / 1000;
  log(`readline baseline: ${lines} lines in ${readSeconds.toFixed(1)} s`);
  const child = spawnSync(process.execPath, [join(here, 'analyze-child.mjs'), '--transactions', file, '--customer', 'CustomerID', '--date', 'InvoiceDate', '--quantity', 'Quantity', '--price', 'UnitPrice', '--order', 'InvoiceNo', '--unit', 'week', '--json', '--out', join(tmpDir, 'analyze-10m-out.csv')], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (child.status !== 0) throw new Error(`analyze failed: ${child.stderr}`);
  const stats = JSON.parse(child.stderr.trim().split('\n').pop());
  const report = JSON.parse(child.stdout);
  log(`analyze: ${stats.seconds.toFixed(1)} s, peak RSS ${(stats.maxRssBytes / 2 ** 30).toFixed(2)} GiB`);
  results.runs.push({
    name: 'guanxi-analyze-transactions', rows: lines - 1, bytes, customers: report.customers, targetSeconds: 60, targetPeakGiB: 2,
    seconds: round(stats.seconds, 2), cpuSeconds: round(stats.cpuSeconds, 2), peakRssGiB: round(stats.maxRssBytes / 2 ** 30, 3),
    baseline: { name: 'readline over the same file, counting lines', seconds: round(readSeconds, 2) },
    trueParams: TRUE_BG, recovered: { r: round(report.bgnbd.r), alpha: round(report.bgnbd.alpha), a: round(report.bgnbd.a), b: round(report.bgnbd.b) },
    note: 'time unit week; customers acquired over 12 weeks and observed to week 78; each purchase is an invoice of 1–6 line items; purchases in the same week count once, which biases the recovered parameters a little',
  });
}

results.loadAverage = { before: loadBefore.map((v) => round(v, 2)), after: loadavg().map((v) => round(v, 2)) };
writeFileSync(join(resultsDir, 'analytics.json'), JSON.stringify(results, null, 2) + '\n');
const md = [
  '# Analytics benchmarks',
  '',
  `${results.date} · ${results.machine.cpus} × ${results.machine.cpu} · ${results.machine.memoryGiB} GiB · Node ${results.machine.node}${quick ? ' · QUICK (1/10 sizes)' : ''}`,
  '',
  `Load average (1, 5, 15 min) before ${results.loadAverage.before.join(', ')}, after ${results.loadAverage.after.join(', ')} — the machine is shared, so the fast benchmarks report the median of 3 runs (all runs in analytics.json).`,
  '',
  '| benchmark | size | wall (s) | CPU (s) | target (s) | baseline | baseline wall (s) |',
  '|---|---|---|---|---|---|---|',
  ...results.runs.map((r) => `| ${r.name} | ${r.customers ?? ''}${r.rows ? ` customers, ${r.rows} rows` : ''} | ${r.seconds} | ${r.cpuSeconds} | ≤ ${r.targetSeconds} | ${r.baseline.name} | ${r.baseline.seconds} |`),
  '',
  '## Parameters recovered',
  '',
  ...results.runs.filter((r) => r.exactTimeRecovery).map((r) => `- ${r.name}, exact purchase times (${r.exactTimeRecovery.customers} customers, no day grid): ` + Object.keys(TRUE_BG).map((k) => `${k} ${r.exactTimeRecovery.recovered[k]} ± ${r.exactTimeRecovery.standardErrors[k]} (true ${TRUE_BG[k]})`).join(', ')),
  ...results.runs.filter((r) => r.trueParams || r.onParetoNbdData).map((r) => {
    const t = r.trueParams ?? r.onParetoNbdData.trueParams;
    const rec = r.recovered ?? r.onParetoNbdData.recovered;
    return `- ${r.name}: ` + Object.keys(t).map((k) => `${k} ${rec[k]} (true ${t[k]})`).join(', ');
  }),
  '',
  ...results.runs.filter((r) => r.numericIds).map((r) => `With numeric customer ids, ${r.name} takes ${r.numericIds.seconds} s wall, ${r.numericIds.cpuSeconds} s CPU (median of 3).`),
  '',
  ...results.runs.filter((r) => r.peakRssGiB).map((r) => `Peak memory of \`guanxi analyze\` on ${r.rows} rows: ${r.peakRssGiB} GiB (target ≤ 2 GiB).`),
  '',
  'On the day grid (purchase times floored to days, same-day purchases merged — what real data looks like) the estimates carry a small discretisation bias, mostly in α; with exact purchase times the fit recovers the true parameters within about two standard errors. The 10M-row file is analysed in weeks (same-week purchases merged), which biases α further.',
  '',
  'The reference Python library `lifetimes` needs about 7.6 s (BG/NBD, 1M customers) and 21 s (Pareto/NBD, 100k) on this machine class.',
  '',
].join('\n');
writeFileSync(join(resultsDir, 'analytics.md'), md);
log(md);
