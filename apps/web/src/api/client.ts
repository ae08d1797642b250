// The one way the web app talks to the server: JSON over fetch with the session cookie, the CSRF
// token on state-changing requests, and failures turned into a typed ApiError from the envelope.
import { errorCodes, type ErrorCode, type ErrorDetail } from '@guanxi/contracts';

export const API_BASE = '/api/v1';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** `NETWORK` when the server could not be reached at all. */
    readonly code: ErrorCode | 'NETWORK',
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly requestId: string | undefined = undefined,
    readonly current: unknown = undefined,
    readonly retryAfterSeconds: number | undefined = undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;

let csrfToken: string | null = null;
let language = 'zh-CN';
let onUnauthenticated: (() => void) | null = null;
let onPasswordChangeRequired: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}
export function setRequestLanguage(lang: string): void {
  language = lang;
}
/** Called when a request finds the session gone (not for the login request itself). */
export function setAuthHandlers(handlers: { unauthenticated: () => void; passwordChangeRequired: () => void }): void {
  onUnauthenticated = handlers.unauthenticated;
  onPasswordChangeRequired = handlers.passwordChangeRequired;
}

type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query: Query | undefined): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toApiError(status: number, body: unknown, retryAfter: string | null): ApiError {
  const err = isRecord(body) && isRecord(body.error) ? body.error : null;
  const rawCode = err && typeof err.code === 'string' ? err.code : '';
  const code: ErrorCode = (errorCodes as readonly string[]).includes(rawCode) ? (rawCode as ErrorCode) : status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
  const details: ErrorDetail[] = [];
  if (err && Array.isArray(err.details)) {
    for (const d of err.details) {
      if (isRecord(d) && typeof d.path === 'string' && typeof d.message === 'string') {
        details.push({ path: d.path, message: d.message, ...(typeof d.code === 'string' ? { code: d.code } : {}) });
      }
    }
  }
  const seconds = retryAfter ? Number.parseInt(retryAfter, 10) : Number.NaN;
  return new ApiError(
    status,
    code,
    err && typeof err.message === 'string' ? err.message : `HTTP ${status}`,
    details,
    err && typeof err.requestId === 'string' ? err.requestId : undefined,
    err?.current,
    Number.isFinite(seconds) && seconds > 0 ? seconds : undefined,
  );
}

const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  query?: Query;
  /** The login and session probes handle 401 themselves. */
  skipAuthRedirect?: boolean;
  signal?: AbortSignal;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': language };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (MUTATING.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  let res: Response;
  try {
    res = await fetch(withQuery(`${API_BASE}${path}`, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? null : JSON.stringify(options.body),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK', e instanceof Error ? e.message : 'network error');
  }

  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      body = null;
    }
  }
  if (!res.ok) {
    const error = toApiError(res.status, body, res.headers.get('Retry-After'));
    if (!options.skipAuthRedirect) {
      if (error.code === 'UNAUTHENTICATED') onUnauthenticated?.();
      if (error.code === 'PASSWORD_CHANGE_REQUIRED') onPasswordChangeRequired?.();
    }
    throw error;
  }
  return body as T;
}

/** POSTs a multipart form (file uploads) with the session's CSRF token; errors as `api()` reports them. */
export async function upload<T>(path: string, form: FormData): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': language };
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(`${API_BASE}${path}`, { method: 'POST', headers, credentials: 'same-origin', body: form });
  } catch (e) {
    throw new ApiError(0, 'NETWORK', e instanceof Error ? e.message : 'network error');
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? (JSON.parse(text) as unknown) : null;
  } catch {
    body = null;
  }
  if (!res.ok) throw toApiError(res.status, body, res.headers.get('Retry-After'));
  return body as T;
}

/** A list page as every list endpoint returns it. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
  total: number;
  totalApproximate?: boolean;
}
