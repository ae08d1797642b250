// Routes: login and the forced password change outside the frame; every feature inside it,
// guarded by its permission.
import { Suspense, lazy } from 'react';
import { createBrowserRouter } from 'react-router';
import { AppLayout } from './AppLayout';
import { RequireAuth, RequirePermission } from './guards';
import { features } from './features';
import { FullPageSpin, NotFoundPage } from './StatusPages';

const LoginPage = lazy(() => import('../features/auth/LoginPage'));
const ForcedPasswordPage = lazy(() => import('../features/auth/ForcedPasswordPage'));

export const router = createBrowserRouter([
  {
    path: '/login',
    element: (
      <Suspense fallback={<FullPageSpin />}>
        <LoginPage />
      </Suspense>
    ),
  },
  {
    path: '/change-password',
    element: (
      <RequireAuth passwordChange>
        <Suspense fallback={<FullPageSpin />}>
          <ForcedPasswordPage />
        </Suspense>
      </RequireAuth>
    ),
  },
  {
    element: (
      <RequireAuth>
        <AppLayout />
      </RequireAuth>
    ),
    children: [
      ...features.map(({ key, path, permission, Component }) => ({
        path,
        element: (
          <RequirePermission key={key} permission={permission}>
            <Component />
          </RequirePermission>
        ),
      })),
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
