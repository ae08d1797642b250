import { useQuery } from '@tanstack/react-query';
import type { Role } from '@guanxi/contracts';
import { api, type Page } from '../../api/client';

export const rolesKey = ['roles'] as const;

export function useRoles(enabled = true) {
  return useQuery({
    queryKey: [...rolesKey, 'all'],
    queryFn: () => api<Page<Role>>('/roles', { query: { limit: 500 } }),
    select: (page) => page.data,
    enabled,
  });
}
