// Field-level masking of personal data (客户信息保护) for roles without `personal_data.view`, and
// for pool customers before they are claimed. Masking happens in the API layer, so no screen,
// export or search result shows more than the caller may see.
import type { Actor } from '../auth/actor.js';

export const canSeePersonalData = (actor: Pick<Actor, 'permissions'>) => actor.permissions.has('personal_data.view');

/** 13812345678 → 138****5678; keeps enough to recognise a number, not to call it. */
export function maskPhone(value: string | null): string | null {
  if (!value) return value;
  const digits = value.replace(/\D/g, '');
  if (digits.length < 7) return '*'.repeat(value.length);
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

/** zhang.wei@example.com → z***@example.com */
export function maskEmail(value: string | null): string | null {
  if (!value) return value;
  const at = value.indexOf('@');
  if (at <= 0) return '***';
  return `${value[0]}***${value.slice(at)}`;
}

/** Any other personal text (WeChat id, street address, ID numbers): first character only. */
export function maskText(value: string | null): string | null {
  if (!value) return value;
  return `${[...value][0] ?? ''}***`;
}
