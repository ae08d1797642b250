// Built-in roles are seeded with Chinese names; show them in the user's language unless an admin renamed them.
import type { TFunction } from 'i18next';
import { zhCN } from '../i18n/zh-CN';
import { isBuiltInRoleKey } from '../i18n/keys';

export function roleLabel(t: TFunction, role: { key: string; name: string }): string {
  if (isBuiltInRoleKey(role.key) && role.name === zhCN.builtInRoles[role.key]) return t(`builtInRoles.${role.key}`);
  return role.name;
}
