import { z } from 'zod';
import { auditColumns, email, listQuery, locale, shortText } from './common.js';
import { password } from './auth.js';

export const user = z.object({
  id: z.number().int(),
  email: z.string(),
  name: z.string(),
  phone: z.string().nullable(),
  roleId: z.number().int(),
  roleName: z.string(),
  departmentId: z.number().int().nullable(),
  departmentName: z.string().nullable(),
  managerId: z.number().int().nullable(),
  locale: locale.nullable(),
  active: z.boolean(),
  lastLoginAt: z.iso.datetime({ offset: true }).nullable(),
  ...auditColumns,
});
export type User = z.infer<typeof user>;

const phone = z
  .string()
  .trim()
  .max(32)
  .regex(/^\+?[0-9][0-9 -]{4,30}$/, { message: 'not a phone number' });

export const createUserBody = z.strictObject({
  email,
  name: shortText(100),
  phone: phone.nullable().optional(),
  password,
  roleId: z.number().int().positive(),
  departmentId: z.number().int().positive().nullable().optional(),
  managerId: z.number().int().positive().nullable().optional(),
  locale: locale.nullable().optional(),
});
export const updateUserBody = z.strictObject({
  email: email.optional(),
  name: shortText(100).optional(),
  phone: phone.nullable().optional(),
  roleId: z.number().int().positive().optional(),
  departmentId: z.number().int().positive().nullable().optional(),
  managerId: z.number().int().positive().nullable().optional(),
  locale: locale.nullable().optional(),
  active: z.boolean().optional(),
  version: z.number().int().positive(),
});
export const resetPasswordBody = z.strictObject({ password });
export const userListQuery = listQuery(['name', 'email', 'createdAt', 'lastLoginAt']).extend({
  'filter[roleId]': z.coerce.number().int().positive().optional(),
  'filter[departmentId]': z.coerce.number().int().positive().optional(),
  'filter[active]': z.enum(['true', 'false']).optional(),
});

/** A user as pickers show it (owner, assignee, manager): readable by every logged-in user. */
export const userRef = z.object({
  id: z.number().int(),
  name: z.string(),
  email: z.string(),
  departmentId: z.number().int().nullable(),
  departmentName: z.string().nullable(),
  active: z.boolean(),
});
export type UserRef = z.infer<typeof userRef>;
export const userLookupQuery = z.strictObject({
  q: z.string().trim().max(100).optional(),
  ids: z
    .string()
    .max(2000)
    .regex(/^\d+(,\d+)*$/, { message: 'comma-separated ids' })
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
