import { z } from 'zod';
import { auditColumns, listQuery, shortText } from './common.js';

/**
 * Which owners' rows a role sees. `own_subordinates` follows the users' manager chain,
 * `department_tree` the department tree.
 */
export const dataScopes = ['own', 'own_subordinates', 'department', 'department_tree', 'all'] as const;
export const dataScope = z.enum(dataScopes);
export type DataScope = z.infer<typeof dataScope>;

/** The closed catalogue of permissions. Features check these, never role names. */
export const permissions = [
  'users.manage',
  'departments.manage',
  'roles.manage',
  'audit.read',
  'api_tokens.use',
  'customers.read',
  'customers.write',
  'customers.delete',
  'customers.assign',
  'customers.import',
  'customers.export',
  'personal_data.view',
  'pool.manage',
  'sales.read',
  'sales.write',
  'sales.manage',
  'service.read',
  'service.write',
  'marketing.read',
  'marketing.write',
  'analytics.read',
  'analytics.manage',
  'settings.manage',
] as const;
export const permission = z.enum(permissions);
export type Permission = z.infer<typeof permission>;

export const builtInRoleKeys = ['admin', 'manager', 'sales', 'service', 'marketing', 'analyst'] as const;
export type BuiltInRoleKey = (typeof builtInRoleKeys)[number];

export const role = z.object({
  id: z.number().int(),
  key: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  dataScope,
  permissions: z.array(permission),
  builtIn: z.boolean(),
  readOnly: z.boolean(),
  userCount: z.number().int(),
  ...auditColumns,
});
export type Role = z.infer<typeof role>;

export const roleKey = z
  .string()
  .trim()
  .min(2)
  .max(40)
  .regex(/^[a-z][a-z0-9_]*$/, { message: 'lowercase letters, digits and _ only, starting with a letter' });

export const createRoleBody = z.strictObject({
  key: roleKey,
  name: shortText(100),
  description: z.string().trim().max(1000).nullable().optional(),
  dataScope,
  permissions: z.array(permission).max(permissions.length),
  readOnly: z.boolean().default(false),
});
export const updateRoleBody = z.strictObject({
  name: shortText(100).optional(),
  description: z.string().trim().max(1000).nullable().optional(),
  dataScope: dataScope.optional(),
  permissions: z.array(permission).max(permissions.length).optional(),
  readOnly: z.boolean().optional(),
  version: z.number().int().positive(),
});
export const roleListQuery = listQuery(['name', 'key', 'createdAt']);
