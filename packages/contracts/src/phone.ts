// Phone numbers in E.164, the form duplicates are matched on and every phone is validated by:
// +86 for mainland mobiles and landlines (the area code's trunk 0 dropped), international numbers
// with their own country code. The server keeps an SQL twin of this rule for its generated
// columns (apps/server/src/duplicates/normalise.ts); a test runs both over the same inputs.

// An extension at the end of a landline: "-123", " ext 12", "转8001", "x12", "#5".
export const PHONE_EXTENSION = / *(ext\.?|转|#|x|X) *[0-9]{1,6}$|[- ]+[0-9]{1,6}$/;

/**
 * A phone number in E.164 without extension, or null when the value is not a complete number (a
 * local number without area code cannot be matched or dialled from elsewhere). The trailing
 * group counts as an extension only when what precedes it is a complete number (≥ 10 digits),
 * so "0755 1234 5678" keeps its last group and "021-12345678-8001" drops "8001".
 */
export function toE164(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  let base = value;
  if (PHONE_EXTENSION.test(value) && value.replace(PHONE_EXTENSION, '').replace(/[^0-9]/g, '').length >= 10) base = value.replace(PHONE_EXTENSION, '');
  const digits = base.replace(/[^0-9]/g, '');
  const n = ((/^ *[+]/.test(base) ? '+' : '') + digits)
    .replace(/^00/, '+')
    .replace(/^\+860/, '+86')
    .replace(/^(1[3-9][0-9]{9})$/, '+86$1')
    .replace(/^(861[3-9][0-9]{9})$/, '+$1')
    .replace(/^0([1-9][0-9]{8,10})$/, '+86$1');
  return /^\+[1-9][0-9]{6,14}$/.test(n) ? n : null;
}
