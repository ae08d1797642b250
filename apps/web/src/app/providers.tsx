// Everything the pages rely on: the query cache, antd in the current language and theme, and
// the wiring between the API client and the session.
import { useEffect, useState, type ReactNode } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntdApp, ConfigProvider, theme, type ThemeConfig } from 'antd';
import zhCNAntd from 'antd/locale/zh_CN';
import enUSAntd from 'antd/locale/en_US';
import { useTranslation } from 'react-i18next';
import { isApiError, setAuthHandlers, setRequestLanguage } from '../api/client';
import { currentLocale, setLocale } from '../i18n';
import { endSession, sessionKey, useSession } from '../features/auth/session';

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // A 4xx will not get better by asking again.
      retry: (count, error) => !(isApiError(error) && error.status >= 400 && error.status < 500) && count < 2,
    },
  },
});

setAuthHandlers({
  unauthenticated: () => endSession(queryClient),
  passwordChangeRequired: () => void queryClient.invalidateQueries({ queryKey: sessionKey }),
});

const fontFamily =
  "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', 'Helvetica Neue', Arial, sans-serif";

const appTheme: ThemeConfig = {
  algorithm: theme.defaultAlgorithm,
  token: {
    colorPrimary: '#1d4ed8',
    colorInfo: '#1d4ed8',
    borderRadius: 8,
    fontFamily,
    colorBgLayout: '#f4f6fa',
  },
  components: {
    Layout: { siderBg: '#0f1d3a', headerBg: '#ffffff', headerHeight: 60, headerPadding: '0 20px' },
    Menu: {
      darkItemBg: '#0f1d3a',
      darkSubMenuItemBg: '#0f1d3a',
      darkItemSelectedBg: '#1d4ed8',
      darkItemColor: 'rgba(255,255,255,0.72)',
      itemHeight: 42,
    },
    Table: { headerBg: '#f7f8fb' },
  },
};

/** Keeps i18next, the API client's Accept-Language and the user's saved language in step. */
function LanguageSync() {
  const { i18n } = useTranslation();
  const session = useSession();
  const saved = session.data?.user.locale ?? null;
  const userId = session.data?.user.id;
  useEffect(() => {
    setRequestLanguage(i18n.language);
  }, [i18n.language]);
  useEffect(() => {
    if (saved && saved !== currentLocale()) void setLocale(saved);
    // Only when another user logs in or the saved choice changes, not on every language switch.
  }, [userId, saved]);
  return null;
}

function ThemedAntd({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  const locale = i18n.language === 'en' ? enUSAntd : zhCNAntd;
  return (
    <ConfigProvider locale={locale} theme={appTheme}>
      <AntdApp>{children}</AntdApp>
    </ConfigProvider>
  );
}

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(() => queryClient);
  return (
    <QueryClientProvider client={client}>
      <LanguageSync />
      <ThemedAntd>{children}</ThemedAntd>
    </QueryClientProvider>
  );
}
