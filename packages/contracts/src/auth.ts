import { z } from 'zod';
import { email, locale } from './common.js';
import { dataScope, permission } from './roles.js';

export const password = z.string().min(10).max(200);

export const loginBody = z.strictObject({
  email: z.string().trim().max(254).transform((s) => s.toLowerCase()),
  password: z.string().min(1).max(200),
});

export const sessionUser = z.object({
  id: z.number().int(),
  email: z.string(),
  name: z.string(),
  locale: locale.nullable(),
  roleId: z.number().int(),
  roleKey: z.string(),
  roleName: z.string(),
  dataScope,
  permissions: z.array(permission),
  departmentId: z.number().int().nullable(),
  mustChangePassword: z.boolean(),
});
export type SessionUser = z.infer<typeof sessionUser>;

export const loginResponse = z.object({ user: sessionUser, csrfToken: z.string() });
export type LoginResponse = z.infer<typeof loginResponse>;

export const changePasswordBody = z.strictObject({
  currentPassword: z.string().min(1).max(200),
  newPassword: password,
});

export const updateProfileBody = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  locale: locale.optional(),
});

export { email };
