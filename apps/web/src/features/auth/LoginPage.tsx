// The login page: the brand on the left, the form on the right (the form alone on phones).
import { useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { Alert, Button, Form, Input, Typography } from 'antd';
import { CheckCircleFilled, LockOutlined, MailOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { LoginResponse } from '@guanxi/contracts';
import { api } from '../../api/client';
import { setLocale } from '../../i18n';
import { errorText } from '../../shared/errors';
import { LanguageSwitch } from '../../shared/LanguageSwitch';
import { BrandMark, LogoIcon } from '../../shared/BrandMark';
import { FullPageSpin } from '../../app/StatusPages';
import { useSession, useSessionClient } from './session';

interface Values {
  email: string;
  password: string;
}

/** Only paths inside this app, never another site. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export default function LoginPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const session = useSession();
  const sessionClient = useSessionClient();
  const [error, setError] = useState<unknown>(null);

  const login = useMutation({
    mutationFn: (v: Values) => api<LoginResponse>('/auth/login', { method: 'POST', body: { email: v.email.trim(), password: v.password }, skipAuthRedirect: true }),
    onSuccess: async (res) => {
      if (res.user.locale) await setLocale(res.user.locale);
      sessionClient.store(res);
      navigate(res.user.mustChangePassword ? '/change-password' : safeNext(params.get('next')), { replace: true });
    },
    onError: setError,
  });

  if (session.isPending) return <FullPageSpin />;
  if (session.data && !login.isPending) return <Navigate to="/" replace />;

  const points = [t('login.heroPoint1'), t('login.heroPoint2'), t('login.heroPoint3')];

  return (
    <div className="gx-login">
      <aside className="gx-login-hero">
        <div className="gx-login-hero-brand">
          <LogoIcon size={40} />
          <span>{t('app.name')}</span>
        </div>
        <div className="gx-login-hero-body">
          <h1>{t('login.heroTitle')}</h1>
          <p>{t('login.heroText')}</p>
          <ul>
            {points.map((p) => (
              <li key={p}>
                <CheckCircleFilled /> {p}
              </li>
            ))}
          </ul>
        </div>
        <div className="gx-login-hero-footer">{t('login.footer')}</div>
      </aside>
      <main className="gx-login-main">
        <div className="gx-login-topbar">
          <LanguageSwitch />
        </div>
        <div className="gx-login-form">
          <div className="gx-login-mobile-brand">
            <BrandMark />
            <Typography.Text type="secondary">{t('app.tagline')}</Typography.Text>
          </div>
          <Typography.Title level={2} style={{ marginBottom: 4 }}>
            {t('login.title')}
          </Typography.Title>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 28 }}>
            {t('login.subtitle')}
          </Typography.Paragraph>
          {error ? <Alert type="error" showIcon title={errorText(t, error)} style={{ marginBottom: 20 }} role="alert" data-testid="login-error" /> : null}
          <Form<Values>
            name="login"
            layout="vertical"
            size="large"
            requiredMark={false}
            onFinish={(v) => {
              setError(null);
              login.mutate(v);
            }}
            onValuesChange={() => setError(null)}
          >
            <Form.Item
              name="email"
              label={t('login.email')}
              rules={[
                { required: true, message: t('validation.required', { field: t('login.email') }) },
                { type: 'email', message: t('validation.email') },
              ]}
            >
              <Input prefix={<MailOutlined />} placeholder={t('login.emailPlaceholder')} autoComplete="username" autoFocus inputMode="email" />
            </Form.Item>
            <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('validation.required', { field: t('login.password') }) }]}>
              <Input.Password prefix={<LockOutlined />} placeholder={t('login.passwordPlaceholder')} autoComplete="current-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={login.isPending} style={{ marginTop: 8 }} data-testid="login-submit">
              {t('login.submit')}
            </Button>
          </Form>
          <Typography.Paragraph type="secondary" style={{ marginTop: 20, fontSize: 13 }}>
            {t('login.forgot')}
          </Typography.Paragraph>
        </div>
      </main>
    </div>
  );
}
