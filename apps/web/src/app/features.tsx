// The modules of the app as one list. The side menu, the routes and the home page's quick links
// are all derived from it and filtered by the user's permissions, so a new module adds one entry.
import { lazy, type ComponentType, type LazyExoticComponent, type ReactNode } from 'react';
import {
  ApartmentOutlined,
  AuditOutlined,
  ContactsOutlined,
  DeleteOutlined,
  FormOutlined,
  GlobalOutlined,
  HomeOutlined,
  KeyOutlined,
  SafetyCertificateOutlined,
  ScheduleOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import type { Permission } from '@guanxi/contracts';
import type { Messages } from '../i18n/en';

export type MenuGroup = 'settings';

export interface FeatureEntry {
  key: string;
  path: string;
  label: keyof Messages['nav'];
  /** What the home page says about the module; entries without one get no quick link. */
  description?:
    | 'linkCustomers'
    | 'linkContacts'
    | 'linkPool'
    | 'linkPoolRules'
    | 'linkCustomFields'
    | 'linkRecycleBin'
    | 'linkUsers'
    | 'linkDepartments'
    | 'linkRoles'
    | 'linkApiTokens'
    | 'linkAuditLog';
  /** Pages reached from another page (a record opened from its list) get a route but no menu entry. */
  hidden?: boolean;
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
    key: 'customers',
    path: '/customers',
    label: 'customers',
    description: 'linkCustomers',
    icon: <UserOutlined />,
    permission: 'customers.read',
    Component: lazy(() => import('../features/customers/CustomerList')),
  },
  {
    key: 'customer',
    path: '/customers/:id',
    label: 'customers',
    icon: <UserOutlined />,
    permission: 'customers.read',
    hidden: true,
    Component: lazy(() => import('../features/customers/CustomerPage')),
  },
  {
    key: 'contacts',
    path: '/contacts',
    label: 'contacts',
    description: 'linkContacts',
    icon: <ContactsOutlined />,
    permission: 'customers.read',
    Component: lazy(() => import('../features/contacts/ContactList')),
  },
  {
    key: 'contact',
    path: '/contacts/:id',
    label: 'contacts',
    icon: <ContactsOutlined />,
    permission: 'customers.read',
    hidden: true,
    Component: lazy(() => import('../features/contacts/ContactPage')),
  },
  {
    key: 'pool',
    path: '/pool',
    label: 'pool',
    description: 'linkPool',
    icon: <GlobalOutlined />,
    permission: 'customers.read',
    Component: lazy(() => import('../features/pool/PoolList')),
  },
  {
    key: 'pool-rules',
    path: '/settings/pool-rules',
    label: 'poolRules',
    description: 'linkPoolRules',
    icon: <ScheduleOutlined />,
    permission: 'pool.manage',
    group: 'settings',
    Component: lazy(() => import('../features/pool/PoolRules')),
  },
  {
    key: 'custom-fields',
    path: '/settings/custom-fields',
    label: 'customFields',
    description: 'linkCustomFields',
    icon: <FormOutlined />,
    permission: 'settings.manage',
    group: 'settings',
    Component: lazy(() => import('../features/custom-fields/CustomFieldList')),
  },
  {
    key: 'recycle-bin',
    path: '/settings/recycle-bin',
    label: 'recycleBin',
    description: 'linkRecycleBin',
    icon: <DeleteOutlined />,
    permission: 'customers.read',
    group: 'settings',
    Component: lazy(() => import('../features/recycle-bin/RecycleBin')),
  },
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

/** What the menu and the home page's links offer: permitted, and not a page reached from another. */
export function visibleFeatures(can: (p: Permission | undefined) => boolean): FeatureEntry[] {
  return features.filter((f) => !f.hidden && can(f.permission));
}
