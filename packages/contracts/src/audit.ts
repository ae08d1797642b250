import { z } from 'zod';
import { listQuery } from './common.js';

export const auditEntry = z.object({
  id: z.number().int(),
  at: z.iso.datetime({ offset: true }),
  actorId: z.number().int().nullable(),
  actorName: z.string().nullable(),
  entity: z.string(),
  entityId: z.string(),
  action: z.string(),
  changes: z.record(z.string(), z.object({ old: z.unknown(), new: z.unknown() })).nullable(),
  requestId: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntry>;
export const auditListQuery = listQuery(['at']).extend({
  'filter[entity]': z.string().max(50).optional(),
  'filter[entityId]': z.string().max(50).optional(),
  'filter[actorId]': z.coerce.number().int().positive().optional(),
});
