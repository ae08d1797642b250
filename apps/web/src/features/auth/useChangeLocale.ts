// Switching language: at once in the page, remembered in this browser, and saved to the profile
// when someone is logged in so that it follows them to other devices.
import { useQueryClient } from '@tanstack/react-query';
import type { Locale, LoginResponse } from '@guanxi/contracts';
import { api } from '../../api/client';
import { setLocale } from '../../i18n';
import { sessionKey, storeSession } from './session';

export function useChangeLocale(): (locale: Locale) => Promise<void> {
  const client = useQueryClient();
  return async (locale) => {
    await setLocale(locale);
    const session = client.getQueryData<LoginResponse | null>(sessionKey);
    if (!session || session.user.mustChangePassword) return;
    try {
      storeSession(client, await api<LoginResponse>('/auth/me', { method: 'PATCH', body: { locale } }));
    } catch {
      // The page is already in the new language; saving it to the profile can wait for next time.
    }
  };
}
