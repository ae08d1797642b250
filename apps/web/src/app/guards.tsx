// Route guards: logged in (else the login page, coming back afterwards), password changed when
// the server requires it, and the feature's permission (else the 403 page).
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Permission } from '@guanxi/contracts';
import { useCan, useSession, wasLoggedOutOnPurpose } from '../features/auth/session';
import { errorText } from '../shared/errors';
import { ForbiddenPage, FullPageSpin } from './StatusPages';

export function RequireAuth({ children, passwordChange = false }: { children: ReactNode; passwordChange?: boolean }) {
  const { t } = useTranslation();
  const session = useSession();
  const location = useLocation();
  if (session.isPending) return <FullPageSpin />;
  if (session.isError) {
    return (
      <Result
        status="warning"
        title={t('errors.loadFailed')}
        subTitle={errorText(t, session.error)}
        extra={<Button onClick={() => void session.refetch()}>{t('errors.retry')}</Button>}
      />
    );
  }
  if (!session.data) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={next === '/' || wasLoggedOutOnPurpose() ? '/login' : `/login?next=${encodeURIComponent(next)}`} replace />;
  }
  const must = session.data.user.mustChangePassword;
  if (must && !passwordChange) return <Navigate to="/change-password" replace />;
  if (!must && passwordChange) return <Navigate to="/" replace />;
  return children;
}

export function RequirePermission({ permission, children }: { permission: Permission | undefined; children: ReactNode }) {
  const can = useCan();
  return can(permission) ? children : <ForbiddenPage />;
}
