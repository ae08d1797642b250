// Departments come as one flat list (parentId); the tree is built here.
import { useQuery } from '@tanstack/react-query';
import type { Department } from '@guanxi/contracts';
import { api, type Page } from '../../api/client';

export const departmentsKey = ['departments'] as const;

export function useDepartments(enabled = true) {
  return useQuery({
    queryKey: [...departmentsKey, 'all'],
    queryFn: () => api<Page<Department>>('/departments', { query: { limit: 500, sort: 'name' } }),
    select: (page) => page.data,
    enabled,
  });
}

export interface DepartmentNode {
  key: number;
  value: number;
  title: string;
  department: Department;
  children: DepartmentNode[];
}

/** Roots first, children sorted by name; a department whose parent is missing becomes a root. */
export function buildTree(departments: readonly Department[], exclude?: number): DepartmentNode[] {
  const excluded = new Set<number>();
  if (exclude !== undefined) {
    // A department cannot move below itself or its descendants.
    const stack = [exclude];
    while (stack.length) {
      const id = stack.pop() as number;
      excluded.add(id);
      for (const d of departments) if (d.parentId === id && !excluded.has(d.id)) stack.push(d.id);
    }
  }
  const nodes = new Map<number, DepartmentNode>();
  for (const d of departments) {
    if (!excluded.has(d.id)) nodes.set(d.id, { key: d.id, value: d.id, title: d.name, department: d, children: [] });
  }
  const roots: DepartmentNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.department.parentId === null ? undefined : nodes.get(node.department.parentId);
    (parent ? parent.children : roots).push(node);
  }
  const sort = (list: DepartmentNode[]) => {
    list.sort((a, b) => a.title.localeCompare(b.title, 'zh-CN'));
    for (const n of list) sort(n.children);
  };
  sort(roots);
  return roots;
}
