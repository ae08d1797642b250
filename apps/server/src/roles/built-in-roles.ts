// The roles every installation starts with. Admins may change their permissions and scope, except
// that the admin role always keeps every permission (nobody can lock the company out).
import { permissions, type BuiltInRoleKey, type DataScope, type Permission } from '@guanxi/contracts';

export interface RoleSeed {
  key: BuiltInRoleKey;
  name: string;
  description: string;
  dataScope: DataScope;
  permissions: readonly Permission[];
  readOnly: boolean;
}

export const builtInRoles: readonly RoleSeed[] = [
  { key: 'admin', name: '系统管理员', description: 'Administrator: every permission, all data', dataScope: 'all', permissions, readOnly: false },
  {
    key: 'manager',
    // runs a sales or a service team alike (was 销售经理 before service landed; renamed on upgrade)
    name: '部门经理',
    description: 'Manager: runs a team, sees its department and sub-departments',
    dataScope: 'department_tree',
    permissions: [
      'customers.read', 'customers.write', 'customers.delete', 'customers.assign', 'customers.import', 'customers.export', 'personal_data.view', 'pool.manage',
      'sales.read', 'sales.write', 'sales.manage', 'service.read', 'service.write', 'marketing.read', 'analytics.read', 'audit.read', 'api_tokens.use',
    ],
    readOnly: false,
  },
  {
    key: 'sales',
    name: '销售代表',
    description: 'Sales rep: works own customers and deals',
    dataScope: 'own',
    permissions: ['customers.read', 'customers.write', 'personal_data.view', 'sales.read', 'sales.write', 'api_tokens.use'],
    readOnly: false,
  },
  {
    key: 'service',
    name: '客服专员',
    description: 'Service agent: handles tickets for the department',
    dataScope: 'department',
    permissions: ['customers.read', 'personal_data.view', 'service.read', 'service.write'],
    readOnly: false,
  },
  {
    key: 'marketing',
    name: '市场专员',
    description: 'Marketer: segments and campaigns over all customers, personal data masked',
    dataScope: 'all',
    permissions: ['customers.read', 'marketing.read', 'marketing.write', 'analytics.read'],
    readOnly: false,
  },
  {
    key: 'analyst',
    name: '数据分析师',
    description: 'Analyst: reads everything, changes nothing, personal data masked',
    dataScope: 'all',
    permissions: ['customers.read', 'customers.export', 'sales.read', 'service.read', 'marketing.read', 'analytics.read'],
    readOnly: true,
  },
];
