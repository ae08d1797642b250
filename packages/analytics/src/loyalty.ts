// Loyalty segmentations (客户忠诚): Dick & Basu (1994), Reinartz & Kumar (2002), Bradley.

export type DickBasuSegment = 'loyalty' | 'latent' | 'spurious' | 'none';
export type ReinartzKumarSegment = 'true_friends' | 'butterflies' | 'barnacles' | 'strangers';
export type BradleySegment = 'secure' | 'satisfied' | 'vulnerable' | 'dissatisfied';

/**
 * Dick & Basu (1994), "Customer loyalty: toward an integrated conceptual framework": relative
 * attitude × repeat patronage, each high when ≥ its threshold (inputs on a 0–1 scale by default).
 * high/high loyalty, high/low latent, low/high spurious, low/low none.
 */
export function dickBasu(relativeAttitude: number, repeatPatronage: number, thresholds: { attitude?: number; repeat?: number } = {}): DickBasuSegment {
  const ha = relativeAttitude >= (thresholds.attitude ?? 0.5);
  const hr = repeatPatronage >= (thresholds.repeat ?? 0.5);
  return ha ? (hr ? 'loyalty' : 'latent') : hr ? 'spurious' : 'none';
}

/**
 * Reinartz & Kumar (2002), "The mismanagement of customer loyalty": loyalty (expected relationship
 * length, e.g. P(alive) or tenure score) × profitability, high when ≥ threshold (defaults 0.5 and
 * the profit median the caller passes). high/high true friends, low/high butterflies,
 * high/low barnacles, low/low strangers.
 */
export function reinartzKumar(loyalty: number, profitability: number, thresholds: { loyalty?: number; profitability?: number } = {}): ReinartzKumarSegment {
  const hl = loyalty >= (thresholds.loyalty ?? 0.5);
  const hp = profitability >= (thresholds.profitability ?? 0);
  return hp ? (hl ? 'true_friends' : 'butterflies') : hl ? 'barnacles' : 'strangers';
}

/**
 * Bradley's secure-customer index (Bradley's loyalty ladder as used in the textbook notes), on
 * 1–5 scales: secure = top box on all three of satisfaction, recommendation and repurchase intent;
 * satisfied = satisfaction ≥ 4 and at least one of the others ≥ 4; dissatisfied = satisfaction ≤ 2;
 * vulnerable otherwise (satisfied on paper but not committed, or neutral).
 */
export function bradley(satisfaction: number, recommend: number, repurchase: number, scale: { top?: number; good?: number; bad?: number } = {}): BradleySegment {
  const top = scale.top ?? 5;
  const good = scale.good ?? 4;
  const bad = scale.bad ?? 2;
  if (satisfaction >= top && recommend >= top && repurchase >= top) return 'secure';
  if (satisfaction <= bad) return 'dissatisfied';
  if (satisfaction >= good && (recommend >= good || repurchase >= good)) return 'satisfied';
  return 'vulnerable';
}
