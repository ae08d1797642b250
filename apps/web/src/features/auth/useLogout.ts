import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api } from '../../api/client';
import { endSession } from './session';

export function useLogout(): () => Promise<void> {
  const client = useQueryClient();
  const navigate = useNavigate();
  return async () => {
    try {
      await api<void>('/auth/logout', { method: 'POST', skipAuthRedirect: true });
    } catch {
      // Already logged out or unreachable: either way the session is over for this page.
    }
    endSession(client, { onPurpose: true });
    navigate('/login', { replace: true });
  };
}
