// Output of `guanxi analyze`: the JSON object, the readable report and the per-customer CSV.
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { ABC_CLASSES, LIFECYCLE_LABELS, LIFECYCLE_STAGES, RF_SEGMENTS, RFM_SEGMENTS } from '@guanxi/analytics';
import type { AnalysisResult } from './run-analysis.js';

export const CSV_HEADER =
  'customer,recency,frequency,monetary,r,f,m,rf_segment,rfm_segment,abc,x,t_x,T,p_alive,expected_purchases,expected_spend,clv,lifecycle_stage,churn_risk';

const r4 = (v: number): number => Math.round(v * 1e4) / 1e4;
const r6 = (v: number): number => Number(v.toPrecision(8));

export interface RunInfo {
  source: string;
  skippedRows: number;
  skippedDetail?: Record<string, number>;
  seconds: number;
  unit: string;
  asOf?: string;
  calibrationEnd?: string;
  rows?: number;
  dateFormat?: string;
}

export function toJson(res: AnalysisResult, info: RunInfo): Record<string, unknown> {
  const bg = res.bgnbd;
  const pn = res.paretoNbd;
  const gg = res.gammaGamma;
  return {
    customers: res.input.ids.length,
    skippedRows: info.skippedRows,
    ...(info.skippedDetail ? { skipped: info.skippedDetail } : {}),
    ...(info.rows !== undefined ? { rows: info.rows } : {}),
    unit: info.unit,
    ...(info.asOf ? { asOf: info.asOf } : {}),
    ...(info.calibrationEnd ? { calibrationEnd: info.calibrationEnd } : {}),
    ...(info.dateFormat ? { dateFormat: info.dateFormat } : {}),
    modelCustomers: res.modelCustomers,
    bgnbd: bg
      ? { r: bg.params.r, alpha: bg.params.alpha, a: bg.params.a, b: bg.params.b, logLikelihood: bg.logLikelihood, converged: bg.converged, gradientNorm: bg.gradientNorm, standardErrors: bg.standardErrors }
      : null,
    ...(pn
      ? { paretoNbd: { r: pn.params.r, alpha: pn.params.alpha, s: pn.params.s, beta: pn.params.beta, logLikelihood: pn.logLikelihood, converged: pn.converged, gradientNorm: pn.gradientNorm, standardErrors: pn.standardErrors } }
      : {}),
    gammaGamma: gg ? { p: gg.params.p, q: gg.params.q, gamma: gg.params.gamma, logLikelihood: gg.logLikelihood, customers: gg.customers, skipped: res.spendSkipped } : null,
    rfmSegments: res.rfmCounts,
    abc: res.abc,
    ...(res.abcShares ? { abcShares: res.abcShares, top20Share: res.top20Share } : {}),
    ...(res.valueMatrix ? { valueMatrix: res.valueMatrix } : {}),
    ...(res.tiers ? { tiers: res.tiers } : {}),
    lifecycle: res.lifecycleCounts,
    churnRisk: res.churnLevels,
    ...(res.holdoutCheck ? { holdout: res.holdoutCheck } : {}),
    ...(res.notes.length ? { notes: res.notes } : {}),
    seconds: r4(info.seconds),
  };
}

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
const pad = (s: string, n: number): string => s + ' '.repeat(Math.max(0, n - [...s].length));
const num = (v: number, d = 3): string => (Number.isFinite(v) ? v.toFixed(d) : '—');

function median(a: Float64Array): number {
  const v = a.filter((x) => Number.isFinite(x)).sort();
  return v.length ? v[Math.floor(v.length / 2)]! : Number.NaN;
}

/** The readable report (English; numbers and the Chinese stage names for the analyst). */
export function toReport(res: AnalysisResult, info: RunInfo): string {
  const L: string[] = [];
  const n = res.input.ids.length;
  const tot = (c: Record<string, number>): number => Object.values(c).reduce((a, b) => a + b, 0);
  L.push(`Guanxi analyze — ${info.source}`);
  L.push(`  ${n.toLocaleString('en')} customers${info.rows !== undefined ? ` from ${info.rows.toLocaleString('en')} transactions` : ''}; ${info.skippedRows.toLocaleString('en')} rows skipped${info.skippedDetail ? ` (${Object.entries(info.skippedDetail).filter(([, v]) => v > 0).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none'})` : ''}`);
  L.push(`  time unit: ${info.unit}${info.asOf ? `; as of ${info.asOf}` : ''}${info.calibrationEnd ? `; calibration to ${info.calibrationEnd}` : ''}${info.dateFormat ? `; dates read as ${info.dateFormat}` : ''}`);
  L.push('');
  if (res.rfm) {
    L.push('RFM segments (11-segment map, NTILE quintiles)');
    const seg = Object.entries(res.rfmCounts).sort((a, b) => b[1] - a[1]);
    for (const [name, c] of seg) L.push(`  ${pad(name, 22)}${String(c).padStart(9)}  ${pct(c / n).padStart(6)}`);
    L.push('');
  }
  if (res.abc && res.abcShares) {
    L.push('ABC / Pareto (by monetary value)');
    for (const k of ABC_CLASSES) L.push(`  ${k}: ${String(res.abc[k]).padStart(9)} customers (${pct(res.abc[k] / n)}) hold ${pct(res.abcShares[k])} of value`);
    L.push(`  the top 20% of customers hold ${pct(res.top20Share ?? 0)} of value`);
    L.push('');
  }
  if (res.valueMatrix) {
    L.push('Customer value matrix (frequency × average order value, split at the medians)');
    L.push(`  best ${res.valueMatrix.best}, frequent ${res.valueMatrix.frequent}, spender ${res.valueMatrix.spender}, uncertain ${res.valueMatrix.uncertain}`);
    L.push('');
  }
  const bg = res.bgnbd;
  if (bg) {
    L.push(`Purchase model, fitted on ${res.modelCustomers.toLocaleString('en')} customers (${bg.patterns.toLocaleString('en')} distinct (x, t_x, T) patterns)`);
    const se = bg.standardErrors;
    L.push(`  BG/NBD      r = ${num(bg.params.r, 4)} (±${num(se.r, 4)})  α = ${num(bg.params.alpha, 4)} (±${num(se.alpha, 4)})  a = ${num(bg.params.a, 4)} (±${num(se.a, 4)})  b = ${num(bg.params.b, 4)} (±${num(se.b, 4)})`);
    L.push(`              log-likelihood ${num(bg.logLikelihood, 2)}, ${bg.converged ? 'converged' : 'not converged, see notes'} (gradient norm ${bg.gradientNorm.toExponential(1)})`);
  }
  const pn = res.paretoNbd;
  if (pn) {
    L.push(`  Pareto/NBD  r = ${num(pn.params.r, 4)}  α = ${num(pn.params.alpha, 4)}  s = ${num(pn.params.s, 4)}  β = ${num(pn.params.beta, 4)}`);
    L.push(`              log-likelihood ${num(pn.logLikelihood, 2)}, ${pn.converged ? 'converged' : 'not converged, see notes'} (gradient norm ${pn.gradientNorm.toExponential(1)})`);
  }
  const gg = res.gammaGamma;
  if (gg) {
    L.push(`  Gamma-Gamma p = ${num(gg.params.p, 4)}  q = ${num(gg.params.q, 4)}  γ = ${num(gg.params.gamma, 4)} on ${gg.customers} repeat buyers (${res.spendSkipped} without repeat spend skipped)`);
  }
  if (res.holdoutCheck) L.push(`  holdout check: ${res.holdoutCheck.actual} repeat purchases observed, ${num(res.holdoutCheck.predicted, 1)} predicted`);
  if (bg) {
    L.push(`  median P(alive) ${num(median(res.pAlive))}, median expected purchases ${num(median(res.expectedPurchases))}, median CLV ${num(median(res.clv), 2)}`);
    let clvSum = 0;
    for (const v of res.clv) if (Number.isFinite(v)) clvSum += v;
    if (gg) L.push(`  total predicted CLV ${clvSum.toLocaleString('en', { maximumFractionDigits: 0 })}`);
  }
  L.push('');
  if (tot(res.lifecycleCounts) > 0) {
    L.push('Lifecycle stages (客户生命周期)');
    for (const s of LIFECYCLE_STAGES) {
      const c = res.lifecycleCounts[s] ?? 0;
      L.push(`  ${pad(`${LIFECYCLE_LABELS[s].zh} ${s}`, 24)}${String(c).padStart(9)}  ${pct(c / n).padStart(6)}`);
    }
    L.push('');
    L.push(`Churn risk: low ${res.churnLevels.low}, medium ${res.churnLevels.medium}, high ${res.churnLevels.high}`);
  }
  if (res.tiers) L.push(`Tiers: VIP ${res.tiers.vip}, important ${res.tiers.important}, ordinary ${res.tiers.ordinary}`);
  for (const note of res.notes) L.push(`note: ${note}`);
  L.push(`done in ${info.seconds.toFixed(1)} s`);
  return L.join('\n') + '\n';
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
const cell = (v: number): string => (Number.isFinite(v) ? String(r6(v)) : '');

/** Writes the per-customer CSV to a temporary file and renames it, so a failure leaves nothing. */
export async function writeCustomerCsv(path: string, res: AnalysisResult): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  const out = createWriteStream(tmp);
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', () => resolve());
    out.on('error', reject);
  });
  try {
    const inp = res.input;
    let buf = CSV_HEADER + '\n';
    for (let i = 0; i < inp.ids.length; i++) {
      const r = res.rfm;
      const lc = res.lifecycle[i]!;
      const parts = [
        csvField(inp.ids[i]!),
        inp.recencyDays ? cell(inp.recencyDays[i]!) : '',
        inp.frequency ? cell(inp.frequency[i]!) : '',
        inp.monetary ? cell(inp.monetary[i]!) : '',
        r ? String(r.r[i]) : '',
        r ? String(r.f[i]) : '',
        r ? String(r.m[i]) : '',
        res.rfSegment ? RF_SEGMENTS[res.rfSegment[i]!]! : '',
        res.rfmSegment ? RFM_SEGMENTS[res.rfmSegment[i]!]! : '',
        res.abcClass ? ABC_CLASSES[res.abcClass[i]!]! : '',
        cell(inp.x[i]!),
        cell(inp.tx[i]!),
        cell(inp.T[i]!),
        cell(res.pAlive[i]!),
        cell(res.expectedPurchases[i]!),
        cell(res.expectedSpend[i]!),
        cell(res.clv[i]!),
        lc === 255 ? '' : LIFECYCLE_STAGES[lc]!,
        cell(res.churn[i]!),
      ];
      buf += parts.join(',') + '\n';
      if (buf.length > 1 << 20) {
        if (!out.write(buf)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
        buf = '';
      }
    }
    out.end(buf);
    await done;
    renameSync(tmp, path);
  } catch (e) {
    out.destroy();
    rmSync(tmp, { force: true });
    throw e;
  }
}
