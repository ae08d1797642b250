// Turns an ApiError into words for the user and puts field errors from the envelope onto the form.
import type { FormInstance } from 'antd';
import type { TFunction } from 'i18next';
import { isApiError } from '../api/client';
import { zhCN } from '../i18n/zh-CN';

type FieldErrorCode = keyof typeof zhCN.fieldError;
const isFieldErrorCode = (c: string | undefined): c is FieldErrorCode => c !== undefined && c in zhCN.fieldError;

export function errorText(t: TFunction, error: unknown): string {
  if (!isApiError(error)) return t('errors.unknown');
  if (error.code === 'NETWORK') return t('errors.network');
  const base = t(`errors.${error.code}`);
  if (error.code === 'RATE_LIMITED' && error.retryAfterSeconds) return `${base} ${t('errors.retryAfter', { seconds: error.retryAfterSeconds })}`;
  // Conflicts and refusals carry the server's reason ("the department still has users"), in the
  // request's language, which says more than the generic text.
  if ((error.code === 'CONFLICT' || error.code === 'FORBIDDEN') && error.message) return error.message;
  return base;
}

/**
 * Shows `details[].path` messages on the matching form fields. `custom.<key>` lands on the custom
 * field `['custom', key]`. `messages` gives a field's own wording in the user's language for
 * server checks that have no catalogue code (a malformed phone number, say). Returns true when at
 * least one detail found its field, so the caller can skip the generic toast.
 */
export function applyFieldErrors(form: FormInstance, error: unknown, t: TFunction, messages: Record<string, string> = {}): boolean {
  if (!isApiError(error) || !error.details.length) return false;
  const names = new Set(Object.keys(form.getFieldsValue() as Record<string, unknown>));
  const fields = error.details
    .map((d) => {
      const [head = d.path, sub] = d.path.split('.');
      const name: string | string[] = head === 'custom' && sub ? ['custom', sub] : head;
      const text = isFieldErrorCode(d.code) ? t(`fieldError.${d.code}`) : (messages[d.path] ?? messages[head] ?? d.message);
      return { head, name, errors: [text] };
    })
    .filter((f) => names.has(f.head))
    .map(({ name, errors }) => ({ name, errors }));
  if (!fields.length) return false;
  form.setFields(fields);
  return true;
}
