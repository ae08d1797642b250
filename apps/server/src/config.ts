// Configuration from the environment, validated once at start. See README "Configuration".
import { resolve } from 'node:path';
import { z } from 'zod';

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().url().optional(),
  GUANXI_DATA_DIR: z.string().default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GUANXI_ADMIN_EMAIL: z.string().email().optional(),
  GUANXI_ADMIN_PASSWORD: z.string().min(10).optional(),
  /** Minutes without a request after which a session ends. */
  GUANXI_SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(8 * 60),
  /** Hours after login after which a session ends whatever happens. */
  GUANXI_SESSION_MAX_HOURS: z.coerce.number().int().positive().default(7 * 24),
  /** Serve cookies with the Secure flag (set when behind HTTPS). */
  GUANXI_SECURE_COOKIES: z.enum(['true', 'false']).default('false'),
  GUANXI_WEB_DIST: z.string().optional(),
  /** The company's time zone: "today" for reminders, daily claim limits and job schedules. */
  /** Pattern of new order numbers: {yyyy} {MM} {dd} {yyyyMMdd} and {seq:N} (a per-day counter of N digits). */
  GUANXI_ORDER_NUMBER_PATTERN: z.string().min(1).max(60).regex(/\{seq(?::\d{1,2})?\}/, 'must contain {seq} or {seq:N}').optional(),
  GUANXI_TIME_ZONE: z.string().refine((tz) => Intl.supportedValuesOf('timeZone').includes(tz) || tz === 'UTC', 'unknown time zone').default('Asia/Shanghai'),
  /** Run scheduled jobs (pool returns) in this process. */
  GUANXI_JOBS: z.enum(['on', 'off']).default('on'),
  /** Local time (HH:MM, in GUANXI_TIME_ZONE) at which the daily pool-return job runs. */
  GUANXI_POOL_RETURN_AT: z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'HH:MM').default('02:00'),
});

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: string;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  sessionIdleMs: number;
  sessionMaxMs: number;
  secureCookies: boolean;
  webDist: string | undefined;
  timeZone: string;
  orderNumberPattern: string | undefined;
  jobsEnabled: boolean;
  poolReturnAt: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`configuration: ${first?.path.join('.')}: ${first?.message}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: resolve(e.GUANXI_DATA_DIR),
    logLevel: e.LOG_LEVEL,
    adminEmail: e.GUANXI_ADMIN_EMAIL,
    adminPassword: e.GUANXI_ADMIN_PASSWORD,
    sessionIdleMs: e.GUANXI_SESSION_IDLE_MINUTES * 60_000,
    sessionMaxMs: e.GUANXI_SESSION_MAX_HOURS * 3_600_000,
    secureCookies: e.GUANXI_SECURE_COOKIES === 'true',
    webDist: e.GUANXI_WEB_DIST,
    timeZone: e.GUANXI_TIME_ZONE,
    orderNumberPattern: e.GUANXI_ORDER_NUMBER_PATTERN,
    jobsEnabled: e.GUANXI_JOBS === 'on',
    poolReturnAt: e.GUANXI_POOL_RETURN_AT,
  };
}

/** A config for tests and tools that do not read the environment. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({}), logLevel: 'silent', ...overrides };
}
