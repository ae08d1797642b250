// Saved list views: a list's filters, sort and columns, kept per user; users with
// customers.assign (managers) may share a view with everyone.
import { z } from 'zod';
import { auditColumns, shortText } from './common.js';

export const savedViewEntities = ['customer', 'contact'] as const;
export const savedViewDefinition = z.strictObject({
  /** Query parameters of the list, e.g. { "filter[importance]": "vip", "filter[ownerId]": "me" }. */
  filters: z.record(z.string().max(100), z.string().max(500)),
  sort: z.string().max(50).optional(),
  columns: z.array(z.string().max(50)).max(100).optional(),
});
export const savedView = z.object({
  id: z.number().int(),
  userId: z.number().int(),
  entity: z.enum(savedViewEntities),
  name: z.string(),
  shared: z.boolean(),
  definition: savedViewDefinition,
  ...auditColumns,
});
export type SavedView = z.infer<typeof savedView>;
export const createSavedViewBody = z.strictObject({
  entity: z.enum(savedViewEntities),
  name: shortText(100),
  shared: z.boolean().default(false),
  definition: savedViewDefinition,
});
export const updateSavedViewBody = z.strictObject({
  name: shortText(100).optional(),
  shared: z.boolean().optional(),
  definition: savedViewDefinition.optional(),
  version: z.number().int().positive(),
});
export const savedViewListQuery = z.strictObject({ 'filter[entity]': z.enum(savedViewEntities).optional() });
