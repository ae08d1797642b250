// Checks the form with the contract's own schema (so the browser refuses exactly what the server
// would) and words each problem in the user's language; also places the server's 400 details on
// the same fields. Errors are keyed by dotted path: a field's, or a group's such as `tier.weights`.
import type { TFunction } from 'i18next';
import { analyticsSettings } from '@guanxi/contracts';
import { isApiError } from '../../api/client';
import { fieldByPath, settingSections, type Control } from './settings-fields';

export type SettingErrors = Record<string, string>;

const groupPaths = new Set(settingSections.flatMap((s) => s.groupPaths ?? []));

// The contract's cross-field refinements, by the path each one reports on.
const refinementText = {
  'abc.b': 'abcB',
  'tier.cutoffs.vip': 'tierVip',
  'churn.levels.high': 'churnHigh',
  'lifecycle.terminationSilence': 'termination',
  'tier.weights': 'weights',
  'churn.weights': 'weights',
} as const;

/** The field or group a (possibly deeper) path belongs to, e.g. `warnings.churnTiers.0` → `warnings.churnTiers`. */
export function ownerPath(path: readonly PropertyKey[]): string | null {
  for (let n = path.length; n > 0; n--) {
    const p = path.slice(0, n).map(String).join('.');
    if (fieldByPath.has(p) || groupPaths.has(p)) return p;
  }
  return null;
}

const bound = (c: Control, v: number) => (c.kind === 'percent' ? `${Math.round(v * 10000) / 100}%` : String(v));

function valueAt(values: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), values);
}

export function validateSettings(values: unknown, t: TFunction): SettingErrors {
  const result = analyticsSettings.safeParse(values);
  if (result.success) return {};
  const errors: SettingErrors = {};
  for (const issue of result.error.issues) {
    const path = ownerPath(issue.path);
    if (path === null || errors[path]) continue;
    const control = fieldByPath.get(path)?.control;
    const value = valueAt(values, path);
    if (issue.code === 'custom' && path in refinementText) errors[path] = t(`analyticsAdmin.validation.${refinementText[path as keyof typeof refinementText]}`);
    else if (value === null || value === undefined || value === '') errors[path] = t('analyticsAdmin.validation.required');
    else if (control?.kind === 'time') errors[path] = t('analyticsAdmin.validation.time');
    else if (control?.kind === 'number' && control.int && typeof value === 'number' && !Number.isInteger(value)) errors[path] = t('analyticsAdmin.validation.integer');
    else if (control && (control.kind === 'number' || control.kind === 'percent') && (issue.code === 'too_small' || issue.code === 'too_big'))
      errors[path] =
        control.max === undefined
          ? t('analyticsAdmin.validation.atLeast', { min: bound(control, control.min) })
          : t('analyticsAdmin.validation.range', { min: bound(control, control.min), max: bound(control, control.max) });
    else errors[path] = issue.message;
  }
  return errors;
}

/** The server's 400 details placed on the fields (the body is `{ settings, version }`); null when none belongs to a field. */
export function serverErrors(error: unknown): SettingErrors | null {
  if (!isApiError(error) || error.code !== 'VALIDATION_FAILED') return null;
  const errors: SettingErrors = {};
  for (const d of error.details) {
    const path = ownerPath(d.path.replace(/^(body\.)?settings\./, '').split('.'));
    if (path !== null && !errors[path]) errors[path] = d.message;
  }
  return Object.keys(errors).length ? errors : null;
}
