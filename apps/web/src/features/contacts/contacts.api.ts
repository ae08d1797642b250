import { useQuery } from '@tanstack/react-query';
import type { Contact } from '@guanxi/contracts';
import { api } from '../../api/client';

/** Every query about contacts starts with this key (and the list's resource name is `contacts`). */
export const contactsKey = ['contacts'] as const;

export function useContact(id: number) {
  return useQuery({ queryKey: [...contactsKey, 'one', id], queryFn: () => api<Contact>(`/contacts/${id}`), enabled: id > 0 });
}
