// The modules of the app as one list. The side menu, the routes and the home page's quick links
// are all derived from it and filtered by the user's permissions, so a new module adds one entry.
import { lazy, type ComponentType, type LazyExoticComponent, type ReactNode } from 'react';
import { ApartmentOutlined, AuditOutlined, HomeOutlined, KeyOutlined, SafetyCertificateOutlined, TeamOutlined } from '@ant-design/icons';
import type { Permission } from '@guanxi/contracts';
import type { Messages } from '../i18n/en';

export type MenuGroup = 'settings';

export interface FeatureEntry {
  key: string;
  path: string;
  label: keyof Messages['nav'];
  /** What the home page says about the module; entries without one get no quick link. */
  description?: 'linkUsers' | 'linkDepartments' | 'linkRoles' | 'linkApiTokens' | 'linkAuditLog';
  icon: ReactNode;
  permission?: Permission;
  group?: MenuGroup;
  Component: LazyExoticComponent<ComponentType>;
}

export const menuGroups: Record<MenuGroup, { label: keyof Messages['nav']; icon: ReactNode }> = {
  settings: { label: 'settings', icon: <SafetyCertificateOutlined /> },
};

export const features: FeatureEntry[] = [
  { key: 'home', path: '/', label: 'home', icon: <HomeOutlined />, Component: lazy(() => import('../features/home/HomePage')) },
  {
    key: 'users',
    path: '/settings/users',
    label: 'users',
    description: 'linkUsers',
    icon: <TeamOutlined />,
    permission: 'users.manage',
    group: 'settings',
    Component: lazy(() => import('../features/users/UserList')),
  },
  {
    key: 'departments',
    path: '/settings/departments',
    label: 'departments',
    description: 'linkDepartments',
    icon: <ApartmentOutlined />,
    permission: 'departments.manage',
    group: 'settings',
    Component: lazy(() => import('../features/departments/DepartmentTree')),
  },
  {
    key: 'roles',
    path: '/settings/roles',
    label: 'roles',
    description: 'linkRoles',
    icon: <SafetyCertificateOutlined />,
    permission: 'roles.manage',
    group: 'settings',
    Component: lazy(() => import('../features/roles/RoleList')),
  },
  {
    key: 'api-tokens',
    path: '/settings/api-tokens',
    label: 'apiTokens',
    description: 'linkApiTokens',
    icon: <KeyOutlined />,
    permission: 'api_tokens.use',
    group: 'settings',
    Component: lazy(() => import('../features/api-tokens/ApiTokenList')),
  },
  {
    key: 'audit-log',
    path: '/settings/audit-log',
    label: 'auditLog',
    description: 'linkAuditLog',
    icon: <AuditOutlined />,
    permission: 'audit.read',
    group: 'settings',
    Component: lazy(() => import('../features/audit/AuditLog')),
  },
];

export function visibleFeatures(can: (p: Permission | undefined) => boolean): FeatureEntry[] {
  return features.filter((f) => can(f.permission));
}
