// The logged-in user as the whole app sees it: one query (`/auth/me`) whose cached value is
// replaced on login, profile change and logout. `null` means "not logged in".
import { useCallback } from 'react';
import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { LoginResponse, Permission, SessionUser } from '@guanxi/contracts';
import { api, isApiError, setCsrfToken } from '../../api/client';

export const sessionKey = ['session'] as const;

export async function fetchSession(): Promise<LoginResponse | null> {
  try {
    const session = await api<LoginResponse>('/auth/me', { skipAuthRedirect: true });
    setCsrfToken(session.csrfToken);
    return session;
  } catch (e) {
    if (isApiError(e) && e.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw e;
  }
}

export function storeSession(client: QueryClient, session: LoginResponse | null): void {
  if (session) loggedOutOnPurpose = false;
  setCsrfToken(session?.csrfToken ?? null);
  client.setQueryData(sessionKey, session);
}

let loggedOutOnPurpose = false;
/** After "log out" the login page should not offer to return to the page the user left. */
export const wasLoggedOutOnPurpose = (): boolean => loggedOutOnPurpose;

/** Forget everything cached for the previous user, keeping only the (empty) session. */
export function endSession(client: QueryClient, options: { onPurpose?: boolean } = {}): void {
  loggedOutOnPurpose = options.onPurpose ?? false;
  void client.cancelQueries();
  client.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionKey[0] });
  storeSession(client, null);
}

export function useSession() {
  return useQuery({ queryKey: sessionKey, queryFn: fetchSession, staleTime: Infinity, retry: false });
}

/** The logged-in user; only for components rendered behind RequireAuth. */
export function useCurrentUser(): SessionUser {
  const { data } = useSession();
  if (!data) throw new Error('useCurrentUser outside an authenticated route');
  return data.user;
}

export function useCan(): (permission: Permission | undefined) => boolean {
  const { data } = useSession();
  const granted = data?.user.permissions;
  return useCallback((permission) => permission === undefined || (granted?.includes(permission) ?? false), [granted]);
}

export function useSessionClient() {
  const client = useQueryClient();
  return {
    store: (session: LoginResponse | null) => storeSession(client, session),
    end: () => endSession(client),
    refresh: () => client.invalidateQueries({ queryKey: sessionKey }),
  };
}
