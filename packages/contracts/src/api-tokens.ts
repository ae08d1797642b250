import { z } from 'zod';
import { listQuery, shortText } from './common.js';

export const apiTokenScopes = ['read', 'write'] as const;
export const apiTokenScope = z.enum(apiTokenScopes);

export const apiToken = z.object({
  id: z.number().int(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(apiTokenScope),
  userId: z.number().int(),
  createdAt: z.iso.datetime({ offset: true }),
  lastUsedAt: z.iso.datetime({ offset: true }).nullable(),
  expiresAt: z.iso.datetime({ offset: true }).nullable(),
  revokedAt: z.iso.datetime({ offset: true }).nullable(),
});
export type ApiToken = z.infer<typeof apiToken>;

export const createApiTokenBody = z.strictObject({
  name: shortText(100),
  scopes: z.array(apiTokenScope).min(1).max(2),
  expiresInDays: z.number().int().min(1).max(3650).nullable().optional(),
});
/** The secret appears in this response only; the server keeps a hash. */
export const createdApiToken = apiToken.extend({ token: z.string() });
export const apiTokenListQuery = listQuery(['name', 'createdAt']);
