import { useQuery } from '@tanstack/react-query';
import type { Product } from '@guanxi/contracts';
import { api, type Page } from '../../api/client';

/** Every query about products starts with this key (and the list's resource name is `products`). */
export const productsKey = ['products'] as const;

/** Active products matching SKU or name, for pickers. */
export function useProductSearch(q: string) {
  return useQuery({
    queryKey: [...productsKey, 'pick', q],
    queryFn: ({ signal }) => api<Page<Product>>('/products', { query: { q: q || undefined, 'filter[active]': 'true', limit: 20, sort: 'sku' }, signal }),
    select: (p) => p.data,
    staleTime: 10_000,
  });
}
