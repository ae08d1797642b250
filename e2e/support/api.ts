// A tiny API client for setting up test data through the real HTTP API: a logged-in session
// (cookie + CSRF token) and JSON requests that fail loudly.
import { baseURL } from './browser.js';

export interface ApiSession {
  userId: number;
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

export async function apiLogin(email: string, password: string, server = baseURL): Promise<ApiSession> {
  const res = await fetch(`${server}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const session = (await res.json()) as { csrfToken: string; user: { id: number } };
  return {
    userId: session.user.id,
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      const r = await fetch(`${server}/api/v1${path}`, {
        method,
        headers: { cookie, 'x-csrf-token': session.csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? null : JSON.stringify(body),
      });
      const text = await r.text();
      if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
  };
}

/** Creates a user with the given role (and optionally department and manager) and sets their own password, so they can log in directly. */
export async function createUser(
  admin: ApiSession,
  input: { name: string; email: string; roleKey: string; password: string; departmentId?: number; managerId?: number },
): Promise<ApiSession> {
  const roles = await admin.request<{ data: Array<{ id: number; key: string }> }>('GET', '/roles?limit=100');
  const role = roles.data.find((r) => r.key === input.roleKey);
  if (!role) throw new Error(`no role ${input.roleKey}`);
  const initial = `${input.password}-initial`;
  const placement = { ...(input.departmentId ? { departmentId: input.departmentId } : {}), ...(input.managerId ? { managerId: input.managerId } : {}) };
  await admin.request('POST', '/users', { name: input.name, email: input.email, password: initial, roleId: role.id, ...placement });
  const first = await apiLogin(input.email, initial);
  await first.request('POST', '/auth/change-password', { currentPassword: initial, newPassword: input.password });
  return apiLogin(input.email, input.password);
}
