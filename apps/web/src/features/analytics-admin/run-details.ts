// Reads a run's `parameters` and `counts` (free-form JSON in the contract, written by
// apps/server/src/analytics/refresh-analytics.ts) into the pieces the runs page shows. Every reader
// checks the shape and answers null for what a run does not have (an incremental or failed run).
import type { AnalyticsRun } from '@guanxi/contracts';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const nums = (v: unknown): number[] | null => (Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : null);

function numberRecord(v: unknown): Record<string, number> | null {
  const o = obj(v);
  if (!o) return null;
  const entries = Object.entries(o).filter((e): e is [string, number] => typeof e[1] === 'number');
  return entries.length ? Object.fromEntries(entries) : null;
}

export const fitKeys = ['bgnbd', 'paretoNbd', 'gammaGamma'] as const;
export type FitKey = (typeof fitKeys)[number];

export interface FitView {
  key: FitKey;
  /** The purchase model the run used for its predictions (BG/NBD or Pareto/NBD). */
  used: boolean;
  rows: Array<{ name: string; estimate: number; standardError: number | null }>;
  logLikelihood: number | null;
  converged: boolean | null;
  iterations: number | null;
}

const fitKeyOf = (model: unknown): FitKey | null => (model === 'pareto-nbd' ? 'paretoNbd' : model === 'bgnbd' ? 'bgnbd' : null);

export function fitsOf(run: AnalyticsRun): FitView[] {
  const p = obj(run.parameters);
  if (!p) return [];
  // An incremental run fits nothing: it scores with the last full run's frozen purchase model.
  const frozen = obj(p.model);
  const frozenKey = fitKeyOf(frozen?.kind);
  const frozenParams = numberRecord(frozen?.params);
  if (frozenKey && frozenParams) {
    const rows = Object.entries(frozenParams).map(([name, estimate]) => ({ name, estimate, standardError: null }));
    return [{ key: frozenKey, used: true, rows, logLikelihood: null, converged: null, iterations: null }];
  }
  const usedModel = fitKeyOf(p.model);
  return fitKeys.flatMap((key) => {
    const fit = obj(p[key]);
    const params = numberRecord(fit?.params);
    if (!fit || !params) return [];
    const se = obj(fit.standardErrors) ?? {};
    return [
      {
        key,
        used: key === usedModel,
        rows: Object.entries(params).map(([name, estimate]) => ({ name, estimate, standardError: num(se[name]) })),
        logLikelihood: num(fit.logLikelihood),
        converged: typeof fit.converged === 'boolean' ? fit.converged : null,
        iterations: num(fit.iterations),
      },
    ];
  });
}

export interface RfmBreakpoints {
  method: string;
  /** Cut values of recency (days), frequency and monetary value: a score is 1 + the cuts passed. */
  cuts: Array<{ score: 'r' | 'f' | 'm'; values: number[] }>;
}

export function rfmBreakpointsOf(run: AnalyticsRun): RfmBreakpoints | null {
  const b = obj(obj(run.parameters)?.rfmBreakpoints);
  if (!b) return null;
  const cuts = (['r', 'f', 'm'] as const).flatMap((score) => {
    const values = nums(b[score]);
    return values ? [{ score, values }] : [];
  });
  return cuts.length ? { method: typeof b.method === 'string' ? b.method : '', cuts } : null;
}

export interface AbcThresholds {
  minValueA: number | null;
  minValueB: number | null;
  cutoffs: number[] | null;
  shares: Record<string, number> | null;
  top20Share: number | null;
}

export function abcThresholdsOf(run: AnalyticsRun): AbcThresholds | null {
  const a = obj(obj(run.parameters)?.abcThresholds);
  if (!a) return null;
  return { minValueA: num(a.minValueA), minValueB: num(a.minValueB), cutoffs: nums(a.cutoffs), shares: numberRecord(a.shares), top20Share: num(a.top20Share) };
}

export interface ModelCheck {
  calibrationEnd: string | null;
  holdoutDays: number | null;
  customers: number | null;
  predictedPurchases: number | null;
  actualPurchases: number | null;
  predictedRevenue: number | null;
  actualRevenue: number | null;
}

export function modelCheckOf(run: AnalyticsRun): ModelCheck | null {
  const c = obj(obj(run.parameters)?.modelCheck);
  if (!c) return null;
  return {
    calibrationEnd: typeof c.calibrationEnd === 'string' ? c.calibrationEnd : null,
    holdoutDays: num(c.holdoutDays),
    customers: num(c.customers),
    predictedPurchases: num(c.predictedPurchases),
    actualPurchases: num(c.actualPurchases),
    predictedRevenue: num(c.predictedRevenue),
    actualRevenue: num(c.actualRevenue),
  };
}

/** A full run whose models were fitted on a sample of the customers: its size and the population's. */
export function fitSampleOf(run: AnalyticsRun): { customers: number; population: number } | null {
  const f = obj(obj(run.parameters)?.fitSample);
  const customers = num(f?.customers);
  const population = num(f?.population);
  return customers !== null && population !== null ? { customers, population } : null;
}

/** For an incremental run: how many customers it rescored with the last full run's parameters. */
export function incrementalOf(run: AnalyticsRun): { changedCustomers: number | null } | null {
  const p = obj(run.parameters);
  return p?.basedOnFullRun === true ? { changedCustomers: num(p.changedCustomers) } : null;
}

/** One of the model's remarks: a code the page words in the reader's language, its values, and the server's English words. */
export interface RunNote {
  code: string | null;
  values: Record<string, string>;
  text: string;
}

/** The model's own remarks (estimate at a boundary, no convergence): by code where the run has them, else the server's words. */
export function notesOf(run: AnalyticsRun): RunNote[] {
  const p = obj(run.parameters);
  const texts = Array.isArray(p?.notes) ? p.notes.filter((x): x is string => typeof x === 'string') : [];
  const codes = Array.isArray(p?.noteCodes) ? p.noteCodes : null;
  if (!codes) return texts.map((text) => ({ code: null, values: {}, text }));
  return codes.flatMap((c, i) => {
    const o = obj(c);
    if (!o || typeof o.code !== 'string') return [];
    const values: Record<string, string> = {};
    if (typeof o.gradient === 'number') values.gradient = o.gradient.toExponential(2);
    if (typeof o.customers === 'number') values.customers = String(o.customers);
    return [{ code: o.code, values, text: texts[i] ?? o.code }];
  });
}

export function classCountsOf(run: AnalyticsRun): Record<string, Record<string, number>> | null {
  const c = obj(obj(run.counts)?.classes);
  if (!c) return null;
  const out = Object.fromEntries(Object.entries(c).flatMap(([m, v]) => (numberRecord(v) ? [[m, numberRecord(v)!]] : [])));
  return Object.keys(out).length ? out : null;
}

/** Class changes per tracked metric. */
export const changesOf = (run: AnalyticsRun): Record<string, number> | null => numberRecord(obj(run.counts)?.changes);

export function totalChanges(run: AnalyticsRun): number | null {
  const c = changesOf(run);
  return c ? Object.values(c).reduce((s, n) => s + n, 0) : null;
}

export const customersOf = (run: AnalyticsRun): number | null => num(obj(run.counts)?.customers);

/** Further figures of the counts worth a line each: warnings opened and closed, importance written, phase timings. */
export function extraCountsOf(run: AnalyticsRun): { scored: number | null; importanceChanged: number | null; warnings: Record<string, number> | null; timingsMs: Record<string, number> | null } {
  const c = obj(run.counts) ?? {};
  return { scored: num(c.scored), importanceChanged: num(c.importanceChanged), warnings: numberRecord(c.warnings), timingsMs: numberRecord(c.timingsMs) };
}
