// One error type with a closed set of codes (see @guanxi/contracts errors.ts), and the one handler
// that turns every failure — ours, Fastify's, Zod's, the database's — into the error envelope.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorStatus, type ErrorCode, type ErrorDetail } from '@guanxi/contracts';
import { requestLocale, type Lang } from './i18n.js';

/** A message for the user in both languages; a plain string is used for both. */
export type Msg = string | Record<Lang, string>;
export const msg = (en: string, zh: string): Msg => ({ en, 'zh-CN': zh });

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly userMessage?: Msg,
    readonly details?: ErrorDetail[],
    readonly extra?: { current?: unknown; retryAfterSeconds?: number },
  ) {
    super(typeof userMessage === 'string' ? userMessage : (userMessage?.en ?? code));
    this.name = 'AppError';
  }
  get status(): number {
    return errorStatus[this.code];
  }
}

export const notFound = () => new AppError('NOT_FOUND');
export const forbidden = (why?: Msg) => new AppError('FORBIDDEN', why);
export const conflict = (message: Msg, details?: ErrorDetail[]) => new AppError('CONFLICT', message, details);
export const versionConflict = (current: unknown) => new AppError('VERSION_CONFLICT', undefined, undefined, { current });
/** A field-level validation failure found by a service rule rather than the schema. */
export const invalid = (path: string, message: string, code = 'invalid') =>
  new AppError('VALIDATION_FAILED', undefined, [{ path, message, code }]);

const messages: Record<Lang, Record<ErrorCode, string>> = {
  en: {
    VALIDATION_FAILED: 'Some fields are not valid.',
    BAD_REQUEST: 'The request could not be understood.',
    UNAUTHENTICATED: 'Please log in.',
    INVALID_CREDENTIALS: 'Wrong email or password.',
    PASSWORD_CHANGE_REQUIRED: 'Please change your password first.',
    FORBIDDEN: 'You are not allowed to do this.',
    CSRF_FAILED: 'The security token is missing or wrong. Reload the page and try again.',
    NOT_FOUND: 'Not found.',
    CONFLICT: 'This conflicts with existing data.',
    VERSION_CONFLICT: 'Someone else changed this record. Reload it and apply your change again.',
    PAYLOAD_TOO_LARGE: 'The request is too large.',
    UNSUPPORTED_MEDIA_TYPE: 'Send the request body as JSON.',
    RATE_LIMITED: 'Too many attempts. Wait a moment and try again.',
    INTERNAL: 'Something went wrong on the server.',
  },
  'zh-CN': {
    VALIDATION_FAILED: '部分字段填写有误。',
    BAD_REQUEST: '无法识别该请求。',
    UNAUTHENTICATED: '请先登录。',
    INVALID_CREDENTIALS: '邮箱或密码错误。',
    PASSWORD_CHANGE_REQUIRED: '请先修改密码。',
    FORBIDDEN: '您没有执行此操作的权限。',
    CSRF_FAILED: '安全令牌缺失或无效，请刷新页面后重试。',
    NOT_FOUND: '未找到。',
    CONFLICT: '与现有数据冲突。',
    VERSION_CONFLICT: '该记录已被他人修改，请刷新后重新提交您的修改。',
    PAYLOAD_TOO_LARGE: '请求内容过大。',
    UNSUPPORTED_MEDIA_TYPE: '请求体必须是 JSON。',
    RATE_LIMITED: '尝试次数过多，请稍后再试。',
    INTERNAL: '服务器出错了。',
  },
};

const zodLocales = { en: z.locales.en(), 'zh-CN': z.locales.zhCN() } as const;

/** Chinese for the messages our own schemas (packages/contracts) attach to their rules. */
export const schemaMessagesZh: Record<string, string> = {
  'a colour like #1677ff': '颜色格式应为 #1677ff',
  'a web address starting with http:// or https://': '网址应以 http:// 或 https:// 开头',
  'comma-separated ids': '应为以逗号分隔的编号',
  'lowercase letters, digits and _ only, starting with a letter': '只能包含小写字母、数字和下划线，并以字母开头',
  'lowercase letters, digits and _ only, starting with a letter, at most 40': '只能包含小写字母、数字和下划线，以字母开头，最多 40 个字符',
  'must not contain control characters': '不能包含控制字符',
  'not a mobile number: 11 digits starting 13–19, or +country code and number': '手机号格式不正确：应为 13–19 开头的 11 位数字，或 +国家代码加号码',
  'not a phone number': '电话号码格式不正确',
  'not a postal code': '邮政编码格式不正确',
  'not a postal code: 6 digits': '邮政编码格式不正确：应为 6 位数字',
  'not a complete phone number: area code and number (010-12345678), or +country code and number': '电话号码不完整：应为区号加号码（如 010-12345678），或 +国家代码加号码',
  'must not contain the survivor': '不能包含保留的客户',
  'must not repeat an id': '编号不能重复',
  'me or user ids separated by commas': '应为 me 或以逗号分隔的用户编号',
  'not a valid unified social credit code (18 characters, check digit per GB 32100-2015)': '统一社会信用代码无效（应为 18 位，校验位按 GB 32100-2015 计算）',
  'not an email address': '邮箱地址格式不正确',
};

function zodDetails(err: FastifyError, lang: Lang): ErrorDetail[] {
  const issues = (err.validation ?? []) as unknown as Array<{
    keyword: string;
    instancePath: string;
    message?: string;
    params: Record<string, unknown>;
  }>;
  const where = err.validationContext ?? 'body';
  return issues.map((v) => {
    const issue = { code: v.keyword, ...v.params } as Parameters<(typeof zodLocales)['en']['localeError']>[0];
    const localized = zodLocales[lang].localeError(issue);
    // Our own refinement messages ("not a phone number") are kept; Zod's defaults are localised.
    const custom = v.keyword === 'custom' || (v.keyword === 'invalid_format' && v.params.format === 'regex');
    const own = custom && v.message ? (lang === 'zh-CN' ? (schemaMessagesZh[v.message] ?? v.message) : v.message) : undefined;
    const message = own ?? (typeof localized === 'string' ? localized : (localized?.message ?? v.message ?? 'invalid'));
    const path = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
    return { path: path === '' ? where : path, message, code: v.keyword };
  });
}

function send(reply: FastifyReply, req: FastifyRequest, code: ErrorCode, details?: ErrorDetail[], extra?: AppError['extra'], message?: string) {
  const lang = requestLocale(req);
  if (extra?.retryAfterSeconds) reply.header('retry-after', String(extra.retryAfterSeconds));
  return reply.code(errorStatus[code]).send({
    error: {
      code,
      message: message ?? messages[lang][code],
      ...(details?.length ? { details } : {}),
      requestId: req.id,
      ...(extra?.current !== undefined ? { current: extra.current } : {}),
    },
  });
}

const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_VALIDATION: 'VALIDATION_FAILED',
  FST_ERR_NOT_FOUND: 'NOT_FOUND',
};

/** PostgreSQL error codes that mean the input, not the server, is at fault. */
const pgCodes: Record<string, ErrorCode> = {
  '23505': 'CONFLICT', // unique_violation
  '23503': 'CONFLICT', // foreign_key_violation
  '22001': 'VALIDATION_FAILED', // string_data_right_truncation
  '22P02': 'VALIDATION_FAILED', // invalid_text_representation
};

function pgCode(err: unknown): string | undefined {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const c = (e as { code?: unknown }).code;
    if (typeof c === 'string' && /^[0-9A-Z]{5}$/.test(c)) return c;
  }
  return undefined;
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof AppError) {
      const m = err.userMessage;
      return send(reply, req, err.code, err.details, err.extra, m === undefined ? undefined : typeof m === 'string' ? m : m[requestLocale(req)]);
    }
    if (hasZodFastifySchemaValidationErrors(err)) return send(reply, req, 'VALIDATION_FAILED', zodDetails(err, requestLocale(req)));
    if (isResponseSerializationError(err)) {
      req.log.error({ err, issues: err.cause.issues }, 'response does not match its schema');
      return send(reply, req, 'INTERNAL');
    }
    if (err instanceof SyntaxError && (err as FastifyError).statusCode === 400) {
      return send(reply, req, 'BAD_REQUEST', [{ path: 'body', message: 'malformed JSON', code: 'invalid_json' }]);
    }
    const mapped = err.code ? fastifyCodes[err.code] : undefined;
    if (mapped) return send(reply, req, mapped, [{ path: 'body', message: err.message, code: err.code }]);
    const pg = pgCode(err);
    const pgMapped = pg ? pgCodes[pg] : undefined;
    if (pgMapped) {
      req.log.warn({ err }, 'database refused the input');
      return send(reply, req, pgMapped);
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return send(reply, req, err.statusCode === 429 ? 'RATE_LIMITED' : err.statusCode === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', [
        { path: '', message: err.message, code: err.code ?? 'bad_request' },
      ]);
    }
    req.log.error({ err }, 'unhandled error');
    return send(reply, req, 'INTERNAL');
  });
}

/** The envelope for a URL no route answers (app.ts decides when a page URL gets the web app instead). */
export function sendRouteNotFound(req: FastifyRequest, reply: FastifyReply) {
  return send(reply, req, 'NOT_FOUND', [{ path: 'url', message: `no route ${req.method} ${req.url.split('?')[0]}` }]);
}

