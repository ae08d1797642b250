// A department filter for lists and dashboards ("this department and below"). The department list
// is an admin resource, so only those who may manage departments get the filter; for everyone else
// their data scope already bounds what they see, and they filter by owner.
import { useMemo } from 'react';
import { TreeSelect } from 'antd';
import { useCan } from '../auth/session';
import { buildTree, useDepartments } from './departments.api';

interface Props {
  value: number | undefined;
  onChange: (id: number | undefined) => void;
  placeholder: string;
  width?: number;
  testId?: string;
}

export function DepartmentFilter({ value, onChange, placeholder, width = 180, testId }: Props) {
  const can = useCan();
  const allowed = can('departments.manage');
  const departments = useDepartments(allowed);
  const tree = useMemo(() => buildTree(departments.data ?? []), [departments.data]);
  if (!allowed) return null;
  return (
    <TreeSelect
      allowClear
      treeDefaultExpandAll
      style={{ width }}
      placeholder={placeholder}
      treeData={tree}
      value={value ?? null}
      onChange={(id: number | null) => onChange(id ?? undefined)}
      data-testid={testId}
    />
  );
}
