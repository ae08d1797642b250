// Imports over the API: preview and start (multipart), progress polled while a run is going,
// failed rows, cancel / resume / rollback, saved mappings; and the customer export URL.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ImportJob, ImportPreview } from '@guanxi/contracts';
import { api, upload, withQuery, API_BASE } from '../../api/client';

export interface SavedMapping {
  id: number;
  name: string;
  mapping: Record<string, string>;
}

export const previewFile = (file: File, encoding: string) => {
  const form = new FormData();
  form.set('encoding', encoding);
  form.set('file', file);
  return upload<ImportPreview>('/imports/preview', form);
};

export const startImport = (file: File, mapping: Record<string, string>, options: { duplicates: string; encoding: string; ownerId?: number }) => {
  const form = new FormData();
  form.set('mapping', JSON.stringify(mapping));
  form.set('options', JSON.stringify(options));
  form.set('file', file);
  return upload<ImportJob>('/imports', form);
};

const active = (s: ImportJob['status'] | undefined) => s === 'queued' || s === 'running';

/** The tag colour of each import status (history and detail pages). */
export const importStatusColor: Record<ImportJob['status'], string> = { completed: 'green', running: 'blue', queued: 'default', failed: 'red', cancelled: 'orange', interrupted: 'orange', rolled_back: 'purple' };

export function useImport(id: number) {
  return useQuery({
    queryKey: ['imports', id],
    queryFn: () => api<ImportJob>(`/imports/${id}`),
    // poll while it runs; the page can be left and come back to
    refetchInterval: (q) => (active(q.state.data?.status) ? 1000 : false),
  });
}

export function useImports() {
  return useQuery({ queryKey: ['imports'], queryFn: () => api<{ data: ImportJob[]; nextCursor: string | null }>('/imports', { query: { limit: 100 } }), refetchInterval: 5000 });
}

export function useImportErrors(id: number, after: number, enabled: boolean) {
  return useQuery({
    queryKey: ['imports', id, 'errors', after],
    queryFn: () => api<{ data: Array<{ rowNumber: number; column: string | null; reason: string }>; nextAfter: number | null }>(`/imports/${id}/errors`, { query: { format: 'json', after, limit: 50 } }),
    enabled,
  });
}

export function useImportAction(id: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (action: 'cancel' | 'resume' | 'rollback') => api<unknown>(`/imports/${id}/${action}`, { method: 'POST' }),
    onSettled: () => client.invalidateQueries({ queryKey: ['imports'] }),
  });
}

export function useSavedMappings() {
  return useQuery({ queryKey: ['import-mappings'], queryFn: () => api<{ data: SavedMapping[] }>('/import-mappings') });
}

export function useSaveMapping() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; mapping: Record<string, string> }) => api<SavedMapping>('/import-mappings', { method: 'POST', body: { kind: 'customers', ...body } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['import-mappings'] }),
  });
}

export const errorsFileUrl = (id: number, format: 'csv' | 'xlsx') => `${API_BASE}/imports/${id}/errors?format=${format}`;

/** The export of the list as shown: its filters, sort and visible columns. */
export const customerExportUrl = (query: Record<string, string | undefined>, columns: string[], format: 'csv' | 'xlsx') =>
  withQuery(`${API_BASE}/customers/export`, { ...query, format, columns: columns.join(',') });
