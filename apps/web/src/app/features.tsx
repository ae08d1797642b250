// The modules of the app as one list. The side menu, the routes and the home page's quick links
// are all derived from it and filtered by the user's permissions, so a new module adds one entry.
import { lazy, type ComponentType, type LazyExoticComponent, type ReactNode } from 'react';
import {
  AimOutlined,
  AppstoreOutlined,
  ShoppingCartOutlined,
  UserAddOutlined,
  AlertOutlined,
  ApartmentOutlined,
  CheckSquareOutlined,
  RiseOutlined,
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
  FunnelPlotOutlined,
  ProjectOutlined,
  UnorderedListOutlined,
  LineChartOutlined,
  CopyOutlined,
  DashboardOutlined,
  CustomerServiceOutlined,
  PhoneOutlined,
  BarChartOutlined,
  ControlOutlined,
} from '@ant-design/icons';
import type { Permission } from '@guanxi/contracts';
import type { Messages } from '../i18n/en';

export type MenuGroup = 'settings' | 'sales' | 'service';

export interface FeatureEntry {
  key: string;
  path: string;
  label: keyof Messages['nav'];
  /** What the home page says about the module; entries without one get no quick link. */
  description?:
    | 'linkCustomers'
    | 'linkTasks'
    | 'linkTargets'
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
  sales: { label: 'sales', icon: <RiseOutlined /> },
  service: { label: 'service', icon: <CustomerServiceOutlined /> },
};

export const features: FeatureEntry[] = [
  { key: 'home', path: '/', label: 'home', icon: <HomeOutlined />, Component: lazy(() => import('../features/home/HomePage')) },
  { key: 'tasks', path: '/tasks', label: 'tasks', description: 'linkTasks', icon: <CheckSquareOutlined />, Component: lazy(() => import('../features/tasks/TaskList')) },
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
  { key: 'duplicates', path: '/duplicates', label: 'duplicates', icon: <CopyOutlined />, permission: 'customers.read', Component: lazy(() => import('../features/duplicates/DuplicatesPage')) },
  { key: 'data-quality', path: '/data-quality', label: 'dataQuality', icon: <DashboardOutlined />, permission: 'customers.read', Component: lazy(() => import('../features/data-quality/DataQualityPage')) },
  { key: 'imports', path: '/imports', label: 'imports', icon: <FormOutlined />, permission: 'customers.import', Component: lazy(() => import('../features/imports/ImportList')) },
  { key: 'import-new', path: '/imports/new', label: 'imports', icon: <FormOutlined />, permission: 'customers.import', hidden: true, Component: lazy(() => import('../features/imports/ImportWizard')) },
  { key: 'import', path: '/imports/:id', label: 'imports', icon: <FormOutlined />, permission: 'customers.import', hidden: true, Component: lazy(() => import('../features/imports/ImportDetail')) },

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
    key: 'orders',
    path: '/orders',
    label: 'orders',
    icon: <ShoppingCartOutlined />,
    permission: 'sales.read',
    group: 'sales',
    Component: lazy(() => import('../features/orders/OrderList')),
  },
  {
    key: 'order-new',
    path: '/orders/new',
    label: 'orders',
    icon: <ShoppingCartOutlined />,
    permission: 'sales.write',
    hidden: true,
    Component: lazy(() => import('../features/orders/OrderFormPage')),
  },
  {
    key: 'order-edit',
    path: '/orders/:id/edit',
    label: 'orders',
    icon: <ShoppingCartOutlined />,
    permission: 'sales.write',
    hidden: true,
    Component: lazy(() => import('../features/orders/OrderFormPage')),
  },
  {
    key: 'order',
    path: '/orders/:id',
    label: 'orders',
    icon: <ShoppingCartOutlined />,
    permission: 'sales.read',
    hidden: true,
    Component: lazy(() => import('../features/orders/OrderPage')),
  },
  {
    key: 'products',
    path: '/products',
    label: 'products',
    icon: <AppstoreOutlined />,
    permission: 'sales.read',
    group: 'sales',
    Component: lazy(() => import('../features/products/ProductList')),
  },
  {
    key: 'order-approval-settings',
    path: '/settings/order-approval',
    label: 'orderApproval',
    icon: <AuditOutlined />,
    permission: 'sales.manage',
    group: 'sales',
    Component: lazy(() => import('../features/orders/ApprovalSettingsPage')),
  },
  {
    key: 'targets',
    path: '/targets',
    label: 'targets',
    description: 'linkTargets',
    icon: <AimOutlined />,
    permission: 'sales.read',
    group: 'sales',
    Component: lazy(() => import('../features/targets/TargetReport')),
  },
  {
    key: 'opportunities',
    path: '/opportunities/board',
    label: 'opportunities',
    icon: <ProjectOutlined />,
    permission: 'sales.read',
    group: 'sales',
    Component: lazy(() => import('../features/opportunities/OpportunityBoard')),
  },
  {
    key: 'opportunity-list',
    path: '/opportunities/list',
    label: 'opportunityList',
    icon: <UnorderedListOutlined />,
    permission: 'sales.read',
    group: 'sales',
    Component: lazy(() => import('../features/opportunities/OpportunityList')),
  },
  {
    key: 'forecast',
    path: '/opportunities/forecast',
    label: 'forecast',
    icon: <LineChartOutlined />,
    permission: 'sales.read',
    group: 'sales',
    Component: lazy(() => import('../features/opportunities/ForecastPage')),
  },
  {
    key: 'pipelines',
    path: '/settings/pipelines',
    label: 'pipelines',
    icon: <FunnelPlotOutlined />,
    permission: 'sales.manage',
    group: 'sales',
    Component: lazy(() => import('../features/pipelines/PipelineSettings')),
  },
  {
    key: 'leads',
    path: '/leads',
    label: 'leads',
    icon: <UserAddOutlined />,
    permission: 'sales.read',
    group: 'sales',
    Component: lazy(() => import('../features/leads/LeadList')),
  },
  {
    key: 'lead',
    path: '/leads/:id',
    label: 'leads',
    icon: <UserAddOutlined />,
    permission: 'sales.read',
    hidden: true,
    Component: lazy(() => import('../features/leads/LeadPage')),
  },
  {
    key: 'lead-forms',
    path: '/settings/lead-forms',
    label: 'leadForms',
    icon: <FormOutlined />,
    permission: 'sales.manage',
    group: 'sales',
    Component: lazy(() => import('../features/leads/LeadFormsPage')),
  },
  {
    key: 'overdue-receivables',
    path: '/receivables/overdue',
    label: 'overdueReceivables',
    icon: <AlertOutlined />,
    permission: 'sales.read',
    group: 'sales',
    Component: lazy(() => import('../features/receivables/OverdueReceivables')),
  },
  {
    key: 'tickets',
    path: '/tickets',
    label: 'tickets',
    icon: <CustomerServiceOutlined />,
    permission: 'service.read',
    group: 'service',
    Component: lazy(() => import('../features/tickets/TicketList')),
  },
  {
    key: 'ticket',
    path: '/tickets/:id',
    label: 'tickets',
    icon: <CustomerServiceOutlined />,
    permission: 'service.read',
    hidden: true,
    Component: lazy(() => import('../features/tickets/TicketPage')),
  },
  {
    key: 'return-visits',
    path: '/return-visits',
    label: 'returnVisits',
    icon: <PhoneOutlined />,
    permission: 'service.read',
    group: 'service',
    Component: lazy(() => import('../features/return-visits/ReturnVisitList')),
  },
  {
    key: 'service-reports',
    path: '/service-reports',
    label: 'serviceReports',
    icon: <BarChartOutlined />,
    permission: 'service.read',
    group: 'service',
    Component: lazy(() => import('../features/service-reports/ServiceReports')),
  },
  {
    key: 'service-settings',
    path: '/settings/service',
    label: 'serviceSettings',
    icon: <ControlOutlined />,
    permission: 'settings.manage',
    group: 'service',
    Component: lazy(() => import('../features/sla/ServiceSettingsPage')),
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
