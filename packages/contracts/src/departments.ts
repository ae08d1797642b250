import { z } from 'zod';
import { auditColumns, listQuery, shortText } from './common.js';

export const department = z.object({
  id: z.number().int(),
  name: z.string(),
  parentId: z.number().int().nullable(),
  managerId: z.number().int().nullable(),
  managerName: z.string().nullable(),
  userCount: z.number().int(),
  ...auditColumns,
});
export type Department = z.infer<typeof department>;

export const createDepartmentBody = z.strictObject({
  name: shortText(100),
  parentId: z.number().int().positive().nullable().optional(),
  managerId: z.number().int().positive().nullable().optional(),
});
export const updateDepartmentBody = z.strictObject({
  name: shortText(100).optional(),
  parentId: z.number().int().positive().nullable().optional(),
  managerId: z.number().int().positive().nullable().optional(),
  version: z.number().int().positive(),
});
export const departmentListQuery = listQuery(['name', 'createdAt']);
