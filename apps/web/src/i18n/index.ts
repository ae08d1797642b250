// i18next set-up: the two dictionaries, the language chosen at start (saved choice, else the
// browser's), and the one function that switches language everywhere (i18next and dayjs).
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import 'dayjs/locale/en';
import { locales, type Locale } from '@guanxi/contracts';
import { zhCN } from './zh-CN';
import { en } from './en';

export const resources = {
  'zh-CN': { translation: zhCN },
  en: { translation: en },
} as const;

const STORAGE_KEY = 'guanxi.locale';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

export function browserLocale(): Locale {
  const lang = typeof navigator === 'undefined' ? '' : navigator.language.toLowerCase();
  return lang.startsWith('zh') ? 'zh-CN' : 'en';
}

export function savedLocale(): Locale | null {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return isLocale(v) ? v : null;
  } catch {
    return null;
  }
}

function applyToPage(locale: Locale): void {
  dayjs.locale(locale === 'zh-CN' ? 'zh-cn' : 'en');
  document.documentElement.lang = locale;
}

const initial = savedLocale() ?? browserLocale();
applyToPage(initial);

void i18n.use(initReactI18next).init({
  resources,
  lng: initial,
  fallbackLng: 'zh-CN',
  supportedLngs: [...locales],
  // React escapes; escaping here too would show entities.
  interpolation: { escapeValue: false },
  returnNull: false,
});

export function currentLocale(): Locale {
  return isLocale(i18n.language) ? i18n.language : initial;
}

/** Switches the interface language and remembers the choice in this browser. */
export async function setLocale(locale: Locale): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
  applyToPage(locale);
  await i18n.changeLanguage(locale);
}

export { i18n };
