// `guanxi analyze`: runs the analytical-CRM models on a transactions or summary file from any system.
// Bad input ends with one message on stderr and exit code 2 (AnalyzeInputError, a CommanderError
// with exitCode 2, which runCli maps to 2); nothing is written then.
import { statSync } from 'node:fs';
import { Command, Option } from 'commander';
import { AnalyzeInputError } from './analyze-error.js';
import { parseDelimiterOption } from '../tabular/delimited.js';
import type { Delimiter } from '../tabular/delimited.js';
import { civilFromDays, DATE_FORMATS, parseOptionDate } from './date-parse.js';
import type { DateFormat } from './date-parse.js';
import { readTransactions } from './read-transactions.js';
import { readSummary } from './read-summary.js';
import { summariseCustomers, UNIT_DAYS } from './summarise-customers.js';
import type { TimeUnit } from './summarise-customers.js';
import { runAnalysis } from './run-analysis.js';
import type { AnalysisInput, ModelName } from './run-analysis.js';
import { toJson, toReport, writeCustomerCsv } from './analyze-output.js';
import type { RunInfo } from './analyze-output.js';

export interface AnalyzeOptions {
  summary?: string;
  transactions?: string;
  id: string;
  x: string;
  tx: string;
  T: string;
  spend?: string;
  customer?: string;
  date?: string;
  amount?: string;
  quantity?: string;
  price?: string;
  order?: string;
  asOf?: string;
  calibrationEnd?: string;
  unit: TimeUnit;
  delimiter?: string;
  dateFormat?: DateFormat;
  model: ModelName;
  clvMonths: string;
  discount: string;
  horizon?: string;
  out?: string;
  json?: boolean;
}

export interface AnalyzeIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Whether to draw a progress bar (default: stderr is a terminal). */
  progress?: boolean;
}

const defaultIo = (): AnalyzeIo => ({
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  progress: Boolean(process.stderr.isTTY),
});

function positive(name: string, v: string, integer: boolean, allowZero = false): number {
  const n = Number(v);
  if (!Number.isFinite(n) || (allowZero ? n < 0 : n <= 0) || (integer && !Number.isInteger(n))) {
    throw new AnalyzeInputError(`${name} must be a ${integer ? 'whole ' : ''}number ${allowZero ? '≥ 0' : '> 0'}, got "${v}"`);
  }
  return n;
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Runs the analysis for parsed options; returns the JSON summary (also printed or reported). */
export async function runAnalyze(o: AnalyzeOptions, io: AnalyzeIo = defaultIo()): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  if ((o.summary === undefined) === (o.transactions === undefined)) throw new AnalyzeInputError('give exactly one of --summary FILE and --transactions FILE');
  const clvMonths = positive('--clv-months', o.clvMonths, true, true);
  const discount = Number(o.discount);
  if (!Number.isFinite(discount) || discount < 0 || discount >= 1) throw new AnalyzeInputError(`--discount must be a monthly rate in [0, 1), got "${o.discount}"`);
  const horizon = o.horizon !== undefined ? positive('--horizon', o.horizon, false) : o.unit === 'week' ? 39 : 273;
  let delimiter: Delimiter | undefined;
  if (o.delimiter !== undefined) {
    try {
      delimiter = parseDelimiterOption(o.delimiter);
    } catch (e) {
      throw new AnalyzeInputError((e as Error).message);
    }
  }
  let input: AnalysisInput;
  let info: Omit<RunInfo, 'seconds'>;
  if (o.summary !== undefined) {
    const s = await readSummary(o.summary, { id: o.id, x: o.x, tx: o.tx, T: o.T, spend: o.spend ?? 'zbar', spendRequired: o.spend !== undefined }, delimiter);
    input = {
      ids: s.ids,
      unit: o.unit,
      recencyDays: null,
      frequency: null,
      monetary: null,
      x: s.x,
      tx: s.tx,
      T: s.T,
      meanSpend: s.meanSpend,
      trend: null,
      spendTrend: null,
      holdout: null,
    };
    info = { source: o.summary, skippedRows: s.skippedRows, unit: o.unit };
  } else {
    const path = o.transactions!;
    if (o.customer === undefined || o.date === undefined) throw new AnalyzeInputError('--transactions needs --customer COL and --date COL');
    let asOfDay = Number.NaN;
    if (o.asOf !== undefined && Number.isNaN((asOfDay = parseOptionDate(o.asOf)))) throw new AnalyzeInputError(`--as-of: cannot parse the date "${o.asOf}" (use yyyy-mm-dd)`);
    let calDay = Number.NaN;
    if (o.calibrationEnd !== undefined && Number.isNaN((calDay = parseOptionDate(o.calibrationEnd)))) {
      throw new AnalyzeInputError(`--calibration-end: cannot parse the date "${o.calibrationEnd}" (use yyyy-mm-dd)`);
    }
    let drawn = -1;
    const bar = (read: number, total: number): void => {
      if (!(total > 0)) return;
      const k = Math.min(30, Math.floor((30 * read) / total));
      if (k === drawn) return;
      drawn = k;
      io.stderr(`\rreading ${'█'.repeat(k)}${'░'.repeat(30 - k)} ${Math.min(100, Math.floor((100 * read) / total))}%`);
    };
    const t = await readTransactions(path, {
      columns: {
        customer: o.customer,
        date: o.date,
        ...(o.amount !== undefined ? { amount: o.amount } : {}),
        ...(o.quantity !== undefined ? { quantity: o.quantity } : {}),
        ...(o.price !== undefined ? { price: o.price } : {}),
        ...(o.order !== undefined ? { order: o.order } : {}),
      },
      ...(delimiter !== undefined ? { delimiter } : {}),
      ...(o.dateFormat !== undefined ? { dateFormat: o.dateFormat } : {}),
      // The bar is for files that take a while (> 20 MB on disk).
      ...(io.progress && !o.json && fileSize(path) > 20 * 2 ** 20 ? { onProgress: bar } : {}),
    });
    if (drawn >= 0) io.stderr('\n');
    if (Number.isNaN(asOfDay)) asOfDay = t.maxDay + 1;
    if (asOfDay <= t.minDay) throw new AnalyzeInputError(`--as-of ${o.asOf} is before the first transaction (${civilFromDays(t.minDay)})`);
    if (!Number.isNaN(calDay) && (calDay < t.minDay || calDay >= asOfDay - 1)) {
      throw new AnalyzeInputError(`--calibration-end must fall between the first transaction (${civilFromDays(t.minDay)}) and the day before --as-of (${civilFromDays(asOfDay)})`);
    }
    const s = summariseCustomers(t, { unit: o.unit, asOfDay, ...(Number.isNaN(calDay) ? {} : { calibrationEndDay: calDay }) });
    input = {
      ids: s.ids,
      unit: o.unit,
      recencyDays: s.recencyDays,
      frequency: s.frequency,
      monetary: s.monetary,
      x: s.x,
      tx: s.tx,
      T: s.T,
      meanSpend: s.meanSpend,
      trend: s.trend,
      spendTrend: s.spendTrend,
      holdout: s.holdout,
      ...(Number.isNaN(calDay) ? {} : { holdoutLength: (asOfDay - calDay - 1) / UNIT_DAYS[o.unit] }),
    };
    info = {
      source: path,
      skippedRows: t.skippedRows,
      skippedDetail: { ...t.skipped },
      unit: o.unit,
      asOf: civilFromDays(asOfDay),
      ...(Number.isNaN(calDay) ? {} : { calibrationEnd: civilFromDays(calDay) }),
      rows: t.rows,
      dateFormat: t.dateFormat,
    };
  }
  const res = runAnalysis(input, { model: o.model, clvMonths, discount, horizon });
  if (o.out !== undefined) await writeCustomerCsv(o.out, res);
  const full: RunInfo = { ...info, seconds: (performance.now() - t0) / 1000 };
  const json = toJson(res, full);
  if (o.json) io.stdout(JSON.stringify(json) + '\n');
  else io.stdout(toReport(res, full) + (o.out !== undefined ? `per-customer results written to ${o.out}\n` : ''));
  return json;
}

/** The `analyze` sub-command, to be registered on the `guanxi` program. */
export function analyzeCommand(io?: AnalyzeIo): Command {
  const out = io ?? defaultIo();
  return new Command('analyze')
    .description('run RFM, ABC, BG/NBD or Pareto/NBD, Gamma-Gamma, CLV, lifecycle and churn models on a transactions or summary file')
    .option('--summary <file>', 'per-customer summary file (columns id, x, t_x, T, optional mean spend)')
    .option('--transactions <file>', 'transactions file: .csv, .csv.gz, .txt or .xlsx')
    .option('--id <col>', 'summary: customer id column', 'ID')
    .option('--x <col>', 'summary: repeat purchases column', 'x')
    .option('--tx <col>', 'summary: time of last purchase column', 't_x')
    .option('--T <col>', 'summary: customer age column', 'T')
    .option('--spend <col>', 'summary: mean spend per repeat purchase column (default zbar, if present)')
    .option('--customer <col>', 'transactions: customer column')
    .option('--date <col>', 'transactions: date column')
    .option('--amount <col>', 'transactions: amount column')
    .option('--quantity <col>', 'transactions: quantity column (with --price)')
    .option('--price <col>', 'transactions: unit price column (with --quantity)')
    .option('--order <col>', 'transactions: order/invoice column (frequency = distinct orders)')
    .option('--as-of <date>', 'end of observation, yyyy-mm-dd (default: the day after the last transaction)')
    .option('--calibration-end <date>', 'fit the models on transactions up to this day; later ones are the holdout')
    .addOption(new Option('--unit <unit>', 'time unit of the purchase models').choices(['day', 'week']).default('day'))
    .option('--delimiter <d>', 'override the detected delimiter: comma, semicolon, tab, spaces or one character')
    .addOption(new Option('--date-format <f>', 'override the detected date format').choices([...DATE_FORMATS]))
    .addOption(new Option('--model <model>', 'purchase model for the predictions').choices(['bgnbd', 'pareto-nbd']).default('bgnbd'))
    .option('--clv-months <n>', 'CLV horizon in months', '12')
    .option('--discount <d>', 'monthly discount rate for CLV', '0.01')
    .option('--horizon <t>', 'horizon of expected_purchases in time units (default 39 weeks or 273 days)')
    .option('--out <file>', 'write one CSV row per customer')
    .option('--json', 'print one JSON object instead of the report')
    // Option errors (unknown option, bad choice) throw a CommanderError instead of exiting, so
    // that runCli maps them to exit code 2 like input errors.
    .exitOverride()
    .configureOutput({ writeOut: (s) => out.stdout(s), writeErr: (s) => out.stderr(s) })
    .action(async (opts: AnalyzeOptions) => {
      try {
        await runAnalyze(opts, out);
      } catch (e) {
        if (e instanceof AnalyzeInputError) out.stderr(`guanxi analyze: ${e.message}\n`);
        throw e;
      }
    });
}
