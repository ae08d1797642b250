// Message keys derived from the API's closed catalogues, so that a new permission, role, scope
// or audit action without a translation is a type error.
import { builtInRoleKeys, type BuiltInRoleKey, type Permission } from '@guanxi/contracts';

/** i18next reads dots as nesting, so `users.manage` is stored as `users_manage`. */
export type PermissionKey = Permission extends infer P ? (P extends `${infer A}.${infer B}` ? `${A}_${B}` : never) : never;
export const permissionKey = (p: Permission): PermissionKey => p.replace('.', '_') as PermissionKey;

export type BuiltInRoleName = BuiltInRoleKey;
export const isBuiltInRoleKey = (key: string): key is BuiltInRoleKey => (builtInRoleKeys as readonly string[]).includes(key);

export const permissionGroupKeys = ['system', 'customers', 'sales', 'service', 'marketing', 'analytics'] as const;
export type PermissionGroupKey = (typeof permissionGroupKeys)[number];

export const auditEntityKeys = ['user', 'department', 'role', 'api_token'] as const;
export type AuditEntityKey = (typeof auditEntityKeys)[number];
export const isAuditEntityKey = (s: string): s is AuditEntityKey => (auditEntityKeys as readonly string[]).includes(s);

export const auditActionKeys = [
  'create', 'update', 'delete', 'deactivate', 'login', 'logout', 'reset_password', 'change_password', 'update_profile', 'revoke',
] as const;
export type AuditActionKey = (typeof auditActionKeys)[number];
export const isAuditActionKey = (s: string): s is AuditActionKey => (auditActionKeys as readonly string[]).includes(s);
