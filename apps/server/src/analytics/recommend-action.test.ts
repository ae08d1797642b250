import { describe, expect, it } from 'vitest';
import { recommendAction, type ActionInput } from './recommend-action.js';

const base: ActionInput = { tier: 'ordinary', churnLevel: 'low', lifecycleStage: 'maturity', abcClass: 'B', margin: '1200.00' };

describe('recommendAction', () => {
  it('wins back a VIP at all costs and an important customer as far as reasonable', () => {
    expect(recommendAction({ ...base, tier: 'vip', churnLevel: 'high' })).toEqual({ stance: 'win_back_hard', urgency: 'act_now' });
    expect(recommendAction({ ...base, tier: 'important', churnLevel: 'medium' })).toEqual({ stance: 'win_back', urgency: 'watch' });
  });

  it('acts on opportunity for an ordinary customer still worth something', () => {
    expect(recommendAction(base)).toEqual({ stance: 'opportunistic', urgency: 'maintain' });
    // low value alone is not enough: the relationship must also have ended
    expect(recommendAction({ ...base, abcClass: 'C', lifecycleStage: 'decline' })?.stance).toBe('opportunistic');
    // ended alone is not enough either
    expect(recommendAction({ ...base, abcClass: 'A', lifecycleStage: 'termination' })?.stance).toBe('opportunistic');
  });

  it('lets go an ordinary customer of low value in the termination stage', () => {
    expect(recommendAction({ ...base, abcClass: 'C', lifecycleStage: 'termination', churnLevel: 'high' })).toEqual({ stance: 'let_go', urgency: 'act_now' });
    // no profit counts as low value whatever the class
    expect(recommendAction({ ...base, abcClass: 'B', margin: '0.00', lifecycleStage: 'termination' })?.stance).toBe('let_go');
    expect(recommendAction({ ...base, abcClass: null, margin: '-35.50', lifecycleStage: 'termination' })?.stance).toBe('let_go');
  });

  it('never lets go a VIP or an important customer, however low the value', () => {
    expect(recommendAction({ ...base, tier: 'vip', abcClass: 'C', margin: '0', lifecycleStage: 'termination' })?.stance).toBe('win_back_hard');
    expect(recommendAction({ ...base, tier: 'important', abcClass: 'C', margin: '0', lifecycleStage: 'termination' })?.stance).toBe('win_back');
  });

  it('recommends nothing before the customer has a tier, and keeps in touch when churn is unknown', () => {
    expect(recommendAction({ ...base, tier: null })).toBeNull();
    expect(recommendAction({ ...base, churnLevel: null })?.urgency).toBe('maintain');
  });
});
