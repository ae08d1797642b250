// Dates as the user reads them: in the browser's time zone, in the current language.
import dayjs from 'dayjs';
import { defaultCurrency } from '@guanxi/contracts';

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? dayjs(iso).format('YYYY-MM-DD HH:mm') : '';
}

export function formatDate(iso: string | null | undefined): string {
  return iso ? dayjs(iso).format('YYYY-MM-DD') : '';
}

/**
 * A money amount as the API sends it (a decimal string, never a float) with thousands separators
 * and two decimals: `1299.5` → `¥1,299.50`. The string is regrouped, not parsed into a number.
 */
export function formatMoney(amount: string | null | undefined, currency = '¥'): string {
  if (amount === null || amount === undefined || amount === '') return '';
  const negative = amount.startsWith('-');
  const [int = '0', frac = ''] = amount.replace(/^[-+]/, '').split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${currency}${grouped}.${frac.padEnd(2, '0').slice(0, 2)}`;
}

/** A total's amounts when it has none: zero in the company's currency. */
export const noAmounts = [{ currency: defaultCurrency, count: 0, amount: '0.00', weightedAmount: '0.00' }];

const symbols: Record<string, string> = { CNY: '¥', USD: 'US$', EUR: '€', GBP: '£', HKD: 'HK$', JPY: 'JP¥', TWD: 'NT$', SGD: 'S$' };
/** The prefix an amount in `currency` is written with: ¥ for the company's CNY, US$, € …, else the ISO code (`KRW 1,200.00`). */
export function currencyPrefix(currency: string): string {
  return symbols[currency] ?? `${currency} `;
}
