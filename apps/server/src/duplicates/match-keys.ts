// The keys a customer is matched on when an import meets existing records: the same normalised
// forms as the duplicate scan (E.164 phones, case-folded email and credit code), so a row with
// "+86 138 1234 5678" finds the customer stored as "13812345678". The name key is exact (name and
// city as written): an import that updates records on a match must not guess.
import { toE164 } from '@guanxi/contracts';
import { normCreditCode, normEmail } from './normalise.js';

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v : null);

/** Keys a record is matched on, strongest first: credit code, mobile, email, phone, name + city. */
export function matchKeys(c: Record<string, unknown>): string[] {
  const keys: string[] = [];
  const cc = normCreditCode(str(c.creditCode));
  if (cc) keys.push(`cc:${cc}`);
  const mobile = str(c.mobile);
  if (mobile) keys.push(`m:${toE164(mobile) ?? mobile}`);
  const email = normEmail(str(c.email));
  if (email) keys.push(`e:${email}`);
  const phone = str(c.phone);
  if (phone) keys.push(`p:${toE164(phone) ?? phone}`);
  if (typeof c.name === 'string') keys.push(`nc:${c.name}\u0000${typeof c.city === 'string' ? c.city : ''}`);
  return keys;
}

/** The values of a batch to look up per generated column (customers.credit_code_key, mobile_e164, email_key, phone_e164, name). */
export function lookupValues(batch: Array<Record<string, unknown>>): { creditCode: string[]; mobile: string[]; email: string[]; phone: string[]; name: string[] } {
  const out = { creditCode: [] as string[], mobile: [] as string[], email: [] as string[], phone: [] as string[], name: [] as string[] };
  for (const c of batch) {
    for (const k of matchKeys(c)) {
      const [kind, value] = [k.slice(0, k.indexOf(':')), k.slice(k.indexOf(':') + 1)];
      if (kind === 'cc') out.creditCode.push(value);
      else if (kind === 'm') out.mobile.push(value);
      else if (kind === 'e') out.email.push(value);
      else if (kind === 'p') out.phone.push(value);
    }
    if (typeof c.name === 'string') out.name.push(c.name);
  }
  return out;
}
