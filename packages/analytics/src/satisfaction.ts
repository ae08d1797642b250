// Satisfaction measures (客户满意度的衡量) and customer delivered value (顾客让渡价值).

export interface SatisfactionDimension {
  /** Perceived performance b. */
  perceived: number;
  /** Expectation a (> 0). */
  expected: number;
  /** Weight (default 1). */
  weight?: number;
}

/**
 * Satisfaction C = b / a per dimension (perceived ÷ expected; C ≥ 1 satisfied) and the weighted
 * overall Σ wₖ Cₖ / Σ wₖ (客户满意度 C = b/a, textbook notes).
 */
export function satisfactionIndex(dims: readonly SatisfactionDimension[]): { perDimension: number[]; overall: number } {
  if (dims.length === 0) throw new RangeError('satisfactionIndex: at least one dimension');
  let num = 0;
  let den = 0;
  const per = dims.map((d, k) => {
    if (!(d.expected > 0)) throw new RangeError(`satisfactionIndex: dimension ${k} needs expected > 0`);
    const w = d.weight ?? 1;
    if (!(w >= 0)) throw new RangeError(`satisfactionIndex: dimension ${k} needs weight ≥ 0`);
    const c = d.perceived / d.expected;
    num += w * c;
    den += w;
    return c;
  });
  if (!(den > 0)) throw new RangeError('satisfactionIndex: weights must not all be 0');
  return { perDimension: per, overall: num / den };
}

/** CSAT: share (0–1) of ratings at or above `satisfiedFrom` (default 4 on a 1–5 scale). */
export function csat(ratings: ArrayLike<number>, satisfiedFrom = 4): number {
  if (ratings.length === 0) return Number.NaN;
  let k = 0;
  for (let i = 0; i < ratings.length; i++) if (ratings[i]! >= satisfiedFrom) k++;
  return k / ratings.length;
}

/** Net Promoter Score (Reichheld 2003): % promoters (9–10) − % detractors (0–6), in [−100, 100]. */
export function nps(scores: ArrayLike<number>): { nps: number; promoters: number; passives: number; detractors: number } {
  let p = 0;
  let d = 0;
  let pa = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (!(s >= 0 && s <= 10)) throw new RangeError(`nps: score ${i} must be 0–10, got ${s}`);
    if (s >= 9) p++;
    else if (s <= 6) d++;
    else pa++;
  }
  const n = scores.length;
  return { nps: n ? (100 * (p - d)) / n : Number.NaN, promoters: p, passives: pa, detractors: d };
}

export interface DeliveredValueInput {
  /** Total customer value: product, service, personnel, image value. */
  value: { product: number; service: number; personnel: number; image: number };
  /** Total customer cost: money, time, energy, psychic cost. */
  cost: { money: number; time: number; energy: number; psychic: number };
}

/** Customer delivered value (Kotler): TCV − TCC and the ratio TCV / TCC. */
export function customerDeliveredValue(i: DeliveredValueInput): { totalValue: number; totalCost: number; deliveredValue: number; ratio: number } {
  const totalValue = i.value.product + i.value.service + i.value.personnel + i.value.image;
  const totalCost = i.cost.money + i.cost.time + i.cost.energy + i.cost.psychic;
  return { totalValue, totalCost, deliveredValue: totalValue - totalCost, ratio: totalCost > 0 ? totalValue / totalCost : Number.POSITIVE_INFINITY };
}
