// How the permission catalogue is grouped on screen. Every permission falls in exactly one group.
import { permissions, type Permission } from '@guanxi/contracts';
import type { PermissionGroupKey } from '../../i18n/keys';
import { permissionGroupKeys } from '../../i18n/keys';

const prefixGroup: Record<string, PermissionGroupKey> = {
  users: 'system',
  departments: 'system',
  roles: 'system',
  audit: 'system',
  api_tokens: 'system',
  settings: 'system',
  customers: 'customers',
  personal_data: 'customers',
  pool: 'customers',
  sales: 'sales',
  service: 'service',
  marketing: 'marketing',
  analytics: 'analytics',
};

export function permissionGroup(p: Permission): PermissionGroupKey {
  return prefixGroup[p.split('.')[0] ?? ''] ?? 'system';
}

export const groupedPermissions: Array<{ group: PermissionGroupKey; permissions: Permission[] }> = permissionGroupKeys.map((group) => ({
  group,
  permissions: permissions.filter((p) => permissionGroup(p) === group),
}));
