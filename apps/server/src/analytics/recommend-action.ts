// The recommended action on the analysis card: the win-back stance by tier and how soon to act by
// churn level — one pure rule, so the card, its test and any later caller agree.
import type { abcClasses, churnLevels, customerTiers, lifecycleStages, RecommendedAction } from '@guanxi/contracts';

export interface ActionInput {
  /** The tier the playbook follows: set by hand on the customer, else the computed one. */
  tier: (typeof customerTiers)[number] | null;
  churnLevel: (typeof churnLevels)[number] | null;
  lifecycleStage: (typeof lifecycleStages)[number] | null;
  abcClass: (typeof abcClasses)[number] | null;
  /** Profit contribution as a decimal string (numeric from the database). */
  margin: string;
}

/** True for a decimal string above zero, decided on the digits (no float). */
function positive(decimal: string): boolean {
  return !decimal.trim().startsWith('-') && /[1-9]/.test(decimal);
}

/**
 * Win-back stance by tier (对不同级别客户的流失采取不同的态度): 关键客户极力挽回 (VIP), 普通客户尽量挽回
 * (important), 小客户见机行事 (ordinary), and 彻底放弃根本不值得挽回的 — an ordinary customer of low
 * value (class C, or no profit) whose relationship has ended (终止期). Urgency follows churn risk.
 * Null without a tier: there is nothing to rank the customer by yet.
 */
export function recommendAction(input: ActionInput): Pick<RecommendedAction, 'stance' | 'urgency'> | null {
  if (input.tier === null) return null;
  const lowValue = input.abcClass === 'C' || !positive(input.margin);
  const stance =
    input.tier === 'vip'
      ? 'win_back_hard'
      : input.tier === 'important'
        ? 'win_back'
        : lowValue && input.lifecycleStage === 'termination'
          ? 'let_go'
          : 'opportunistic';
  const urgency = input.churnLevel === 'high' ? 'act_now' : input.churnLevel === 'medium' ? 'watch' : 'maintain';
  return { stance, urgency };
}
