// Customer lifecycle stage (客户生命周期): 潜在获取期, 成长期, 成熟期, 衰退期, 终止期, by explicit rules
// on purchase history and the fitted purchase model; each stage comes with the rule that fired.

export type LifecycleStage = 'acquisition' | 'growth' | 'maturity' | 'decline' | 'termination';
export const LIFECYCLE_STAGES: readonly LifecycleStage[] = ['acquisition', 'growth', 'maturity', 'decline', 'termination'];
export const LIFECYCLE_LABELS: Readonly<Record<LifecycleStage, { zh: string; en: string }>> = {
  acquisition: { zh: '潜在获取期', en: 'acquisition' },
  growth: { zh: '成长期', en: 'growth' },
  maturity: { zh: '成熟期', en: 'maturity' },
  decline: { zh: '衰退期', en: 'decline' },
  termination: { zh: '终止期', en: 'termination' },
};

export interface LifecycleInput {
  /** Purchase periods so far (x + 1); 0 for a prospect with no purchase. */
  purchases: number;
  /** Time since the first purchase (T). */
  age: number;
  /** Time since the last purchase (T − t_x). */
  recency: number;
  /** The customer's own mean inter-purchase interval t_x / x; NaN when x = 0. */
  meanInterval: number;
  /** Purchase-rate trend in [−1, 1] (see purchaseTrend); NaN when unknown. */
  trend: number;
  /** P(alive) from the fitted model; NaN when no model. */
  pAlive: number;
}

export interface LifecycleOptions {
  /** A one-purchase customer younger than this is still being acquired (time units; default 90). */
  acquisitionAge?: number;
  /** Cycle used for customers without their own interval (e.g. the population median; default acquisitionAge). */
  referenceInterval?: number;
  /** Purchases needed to be mature (default 4). */
  matureMinPurchases?: number;
  /** Trend at or above which a customer is growing (default 0.2). */
  growthTrend?: number;
  /** Trend at or below which a customer is declining (default −0.3). */
  declineTrend?: number;
  /** Silence beyond this many own cycles means decline (default 2) … */
  declineSilence?: number;
  /** … and beyond this many, termination (default 4). */
  terminationSilence?: number;
  /** P(alive) below this means decline (default 0.5) … */
  declinePAlive?: number;
  /** … and below this, termination (default 0.1). */
  terminationPAlive?: number;
}

export interface LifecycleResult {
  stage: LifecycleStage;
  /** The rule that decided the stage, with the numbers. */
  reason: string;
  /** Code of that rule (see LIFECYCLE_RULES). */
  rule: LifecycleRule;
}

/** The rules in the order they are tried, each with the stage it gives. */
export const LIFECYCLE_RULES = [
  'no_purchase',
  'p_alive_termination',
  'silence_termination',
  'new_customer',
  'no_repeat',
  'p_alive_decline',
  'silence_decline',
  'falling_rate',
  'few_purchases',
  'rising_rate',
  'steady',
] as const;
export type LifecycleRule = (typeof LIFECYCLE_RULES)[number];
const RULE_STAGE: readonly number[] = [0, 4, 4, 0, 3, 3, 3, 3, 1, 1, 2];

interface Resolved {
  acqAge: number;
  ref: number;
  matureMin: number;
  growthTrend: number;
  declineTrend: number;
  declineSilence: number;
  termSilence: number;
  declineP: number;
  termP: number;
}

function resolve(o: LifecycleOptions): Resolved {
  const acqAge = o.acquisitionAge ?? 90;
  return {
    acqAge,
    ref: o.referenceInterval ?? acqAge,
    matureMin: o.matureMinPurchases ?? 4,
    growthTrend: o.growthTrend ?? 0.2,
    declineTrend: o.declineTrend ?? -0.3,
    declineSilence: o.declineSilence ?? 2,
    termSilence: o.terminationSilence ?? 4,
    declineP: o.declinePAlive ?? 0.5,
    termP: o.terminationPAlive ?? 0.1,
  };
}

const fmt = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3).replace(/\.?0+$/, ''));

// Index into LIFECYCLE_RULES; comparisons with NaN are false, so unknown inputs never fire a rule.
function classify(purchases: number, age: number, recency: number, meanInterval: number, trend: number, pAlive: number, r: Resolved): number {
  if (!(purchases > 0)) return 0;
  const silence = recency / (meanInterval > 0 ? meanInterval : r.ref);
  if (pAlive < r.termP) return 1;
  if (silence > r.termSilence) return 2;
  if (purchases <= 1) return age <= r.acqAge ? 3 : 4;
  if (pAlive < r.declineP) return 5;
  if (silence > r.declineSilence) return 6;
  if (trend <= r.declineTrend) return 7;
  if (purchases < r.matureMin) return 8;
  if (trend >= r.growthTrend) return 9;
  return 10;
}

function reasonOf(rule: number, c: LifecycleInput, r: Resolved): string {
  const cycle = c.meanInterval > 0 ? c.meanInterval : r.ref;
  const cycleName = c.meanInterval > 0 ? 'own purchase cycle' : 'reference cycle';
  const silence = `silent for ${fmt(c.recency)}, ${fmt(c.recency / cycle)}× the ${cycleName} ${fmt(cycle)}`;
  switch (rule) {
    case 0:
      return 'no purchase yet (prospect)';
    case 1:
      return `P(alive) ${fmt(c.pAlive)} < ${r.termP}`;
    case 2:
      return `${silence} (> ${r.termSilence}×)`;
    case 3:
      return `first purchase ${fmt(c.age)} ago (≤ ${r.acqAge}), no repeat yet`;
    case 4:
      return `one purchase ${fmt(c.age)} ago (> ${r.acqAge}) and no repeat`;
    case 5:
      return `P(alive) ${fmt(c.pAlive)} < ${r.declineP}`;
    case 6:
      return `${silence} (> ${r.declineSilence}×)`;
    case 7:
      return `purchase rate falling (trend ${fmt(c.trend)} ≤ ${r.declineTrend})`;
    case 8:
      return `${c.purchases} purchases (< ${r.matureMin}), still active`;
    case 9:
      return `purchase rate rising (trend ${fmt(c.trend)} ≥ ${r.growthTrend})`;
    default:
      return `${c.purchases} purchases, steady rate${Number.isNaN(c.trend) ? '' : ` (trend ${fmt(c.trend)})`}, active`;
  }
}

/**
 * Lifecycle stage by the rules of the package README, first match wins:
 * 1 no purchase → acquisition; 2 P(alive) < 0.1 or silence > 4 cycles → termination;
 * 3 one purchase and age ≤ acquisitionAge → acquisition; 4 one purchase and older → decline;
 * 5 P(alive) < 0.5, silence > 2 cycles or trend ≤ −0.3 → decline;
 * 6 fewer than 4 purchases or trend ≥ 0.2 → growth; 7 otherwise maturity.
 */
export function lifecycleStage(c: LifecycleInput, o: LifecycleOptions = {}): LifecycleResult {
  const r = resolve(o);
  const rule = classify(c.purchases, c.age, c.recency, c.meanInterval, c.trend, c.pAlive, r);
  return { stage: LIFECYCLE_STAGES[RULE_STAGE[rule]!]!, reason: reasonOf(rule, c, r), rule: LIFECYCLE_RULES[rule]! };
}

/** Column form of LifecycleInput (trend and pAlive optional). */
export interface LifecycleColumns {
  purchases: ArrayLike<number>;
  age: ArrayLike<number>;
  recency: ArrayLike<number>;
  meanInterval: ArrayLike<number>;
  trend?: ArrayLike<number>;
  pAlive?: ArrayLike<number>;
}

/**
 * Stages of many customers: index into LIFECYCLE_STAGES and into LIFECYCLE_RULES per customer,
 * without building reason strings (lifecycleStage explains one customer).
 */
export function lifecycleStages(cols: LifecycleColumns, n: number, o: LifecycleOptions = {}): { stage: Uint8Array; rule: Uint8Array } {
  const r = resolve(o);
  const stage = new Uint8Array(n);
  const rule = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const k = classify(cols.purchases[i]!, cols.age[i]!, cols.recency[i]!, cols.meanInterval[i]!, cols.trend ? cols.trend[i]! : Number.NaN, cols.pAlive ? cols.pAlive[i]! : Number.NaN, r);
    rule[i] = k;
    stage[i] = RULE_STAGE[k]!;
  }
  return { stage, rule };
}

/**
 * Purchase-rate trend of one customer in [−1, 1]: the window from the first purchase to asOf is
 * cut in two equal halves; with e repeat purchases in the first half and l in the second,
 * trend = (l − e) / max(l, e) (0 when both are 0). NaN when the window is empty.
 */
export function purchaseTrend(purchaseTimes: ArrayLike<number>, asOf: number): number {
  const n = purchaseTimes.length;
  if (n === 0) return Number.NaN;
  let first = Infinity;
  for (let i = 0; i < n; i++) first = Math.min(first, purchaseTimes[i]!);
  if (!(asOf > first)) return Number.NaN;
  const mid = (first + asOf) / 2;
  let early = 0;
  let late = 0;
  let skippedFirst = false;
  for (let i = 0; i < n; i++) {
    const t = purchaseTimes[i]!;
    if (t === first && !skippedFirst) {
      skippedFirst = true;
      continue;
    }
    if (t <= mid) early++;
    else late++;
  }
  const m = Math.max(early, late);
  return m === 0 ? 0 : (late - early) / m;
}
