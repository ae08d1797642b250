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
  /**
   * Behind a reverse proxy: whom to believe about the client's address (X-Forwarded-For), so that
   * login throttling and the lead form's rate limits count visitors, not the proxy. `true` (any
   * proxy) or comma-separated addresses/CIDRs of the proxies. Off by default.
   */
  GUANXI_TRUST_PROXY: z
    .string()
    .regex(/^(true|false|[0-9a-fA-F.:/]+(,[0-9a-fA-F.:/]+)*)$/, 'true, false, or comma-separated proxy addresses')
    .default('false'),
  GUANXI_WEB_DIST: z.string().optional(),
  /** Pattern of new order numbers: {yyyy} {yy} {MM} {dd} {yyyyMMdd} and {seq} or {seq:N} (N digits), counted per distinct rendering of the rest (per day for the default). */
  GUANXI_ORDER_NUMBER_PATTERN: z.string().min(1).max(60).regex(/\{seq(?::\d{1,2})?\}/, 'must contain {seq} or {seq:N}').optional(),
  /** The company's time zone: "today" for reminders, daily claim limits and job schedules. */
  GUANXI_TIME_ZONE: z.string().refine((tz) => Intl.supportedValuesOf('timeZone').includes(tz) || tz === 'UTC', 'unknown time zone').default('Asia/Shanghai'),
  /** Run the scheduled jobs (jobs/run-job.ts: pool returns, SLA check, mail outbox, …) in this process. */
  GUANXI_JOBS: z.enum(['on', 'off']).default('on'),
  /** Local time (HH:MM, in GUANXI_TIME_ZONE) at which the daily jobs run (pool-return, lead-pool-return, return-visit-schedule, duplicates-scan, warnings-sync, db-statistics). */
  GUANXI_POOL_RETURN_AT: z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'HH:MM').default('02:00'),
  /** Largest file an import upload accepts, in MiB (the command line importing in its own process reads the file in place, unlimited). */
  GUANXI_IMPORT_MAX_MB: z.coerce.number().int().min(1).max(4096).default(200),
  /** Port of Guanxi's own SMTP listener for inbound email (tickets); unset = no listener. */
  GUANXI_SMTP_INBOUND_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  GUANXI_SMTP_INBOUND_HOST: z.string().default('127.0.0.1'),
  /** Recipients the listener accepts, comma-separated: addresses (support@company.cn) or domains (@company.cn). */
  GUANXI_SMTP_INBOUND_ADDRESSES: z.string().default(''),
  GUANXI_SMTP_INBOUND_MAX_MB: z.coerce.number().int().min(1).max(100).default(25),
  /** PEM files: with both, the listener offers STARTTLS. */
  GUANXI_SMTP_INBOUND_TLS_CERT: z.string().optional(),
  GUANXI_SMTP_INBOUND_TLS_KEY: z.string().optional(),
  /** With both, senders must log in (AUTH PLAIN/LOGIN); off by default (the listener sits behind the company's MX). */
  GUANXI_SMTP_INBOUND_USER: z.string().min(1).optional(),
  GUANXI_SMTP_INBOUND_PASSWORD: z.string().min(10).optional(),
  /** The relay outbound replies go through: smtp://user:pass@relay:587 or smtps://…:465. */
  GUANXI_SMTP_URL: z.string().regex(/^smtps?:\/\/[^\s]+$/, 'smtp://… or smtps://…').optional(),
  /** From of outbound replies: support@company.cn or "客服 Support <support@company.cn>". */
  GUANXI_MAIL_FROM: z.string().min(3).optional(),
});

export interface SmtpInboundConfig {
  port: number;
  host: string;
  /** Lower-case addresses ("support@company.cn") and domains ("@company.cn"). */
  addresses: string[];
  maxBytes: number;
  tls: { certPath: string; keyPath: string } | null;
  auth: { user: string; password: string } | null;
}

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
  trustProxy: boolean | string[];
  webDist: string | undefined;
  timeZone: string;
  orderNumberPattern: string | undefined;
  jobsEnabled: boolean;
  poolReturnAt: string;
  importMaxBytes: number;
  smtpInbound: SmtpInboundConfig | null;
  smtpUrl: string | undefined;
  mailFrom: string | undefined;
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
    trustProxy: trustProxyOf(e.GUANXI_TRUST_PROXY),
    webDist: e.GUANXI_WEB_DIST,
    timeZone: e.GUANXI_TIME_ZONE,
    orderNumberPattern: e.GUANXI_ORDER_NUMBER_PATTERN,
    jobsEnabled: e.GUANXI_JOBS === 'on',
    poolReturnAt: e.GUANXI_POOL_RETURN_AT,
    importMaxBytes: e.GUANXI_IMPORT_MAX_MB * 1024 * 1024,
    smtpInbound: smtpInboundOf(e),
    smtpUrl: e.GUANXI_SMTP_URL,
    mailFrom: e.GUANXI_MAIL_FROM,
  };
}

function trustProxyOf(v: string): boolean | string[] {
  if (v === 'true' || v === 'false') return v === 'true';
  return v.split(',');
}

function smtpInboundOf(e: z.infer<typeof schema>): SmtpInboundConfig | null {
  if (e.GUANXI_SMTP_INBOUND_PORT === undefined) return null;
  const addresses = e.GUANXI_SMTP_INBOUND_ADDRESSES.split(',').map((a) => a.trim().toLowerCase()).filter(Boolean).map((a) => (a.includes('@') ? a : `@${a}`));
  // a listener that accepts nobody would refuse every message: say so at start instead
  if (!addresses.length) throw new Error('configuration: GUANXI_SMTP_INBOUND_ADDRESSES: list the addresses or @domains the inbound listener accepts');
  const cert = e.GUANXI_SMTP_INBOUND_TLS_CERT;
  const key = e.GUANXI_SMTP_INBOUND_TLS_KEY;
  if (Boolean(cert) !== Boolean(key)) throw new Error('configuration: GUANXI_SMTP_INBOUND_TLS_CERT and GUANXI_SMTP_INBOUND_TLS_KEY go together');
  const user = e.GUANXI_SMTP_INBOUND_USER;
  const password = e.GUANXI_SMTP_INBOUND_PASSWORD;
  if (Boolean(user) !== Boolean(password)) throw new Error('configuration: GUANXI_SMTP_INBOUND_USER and GUANXI_SMTP_INBOUND_PASSWORD go together');
  // AUTH sends the password; off loopback it must travel inside STARTTLS
  if (user && !cert && !/^(127\.|::1$|localhost$)/.test(e.GUANXI_SMTP_INBOUND_HOST)) throw new Error('configuration: GUANXI_SMTP_INBOUND_USER off loopback needs GUANXI_SMTP_INBOUND_TLS_CERT and _KEY');
  return {
    port: e.GUANXI_SMTP_INBOUND_PORT,
    host: e.GUANXI_SMTP_INBOUND_HOST,
    addresses,
    maxBytes: e.GUANXI_SMTP_INBOUND_MAX_MB * 1024 * 1024,
    tls: cert && key ? { certPath: resolve(cert), keyPath: resolve(key) } : null,
    auth: user && password ? { user, password } : null,
  };
}

/** A config for tests and tools that do not read the environment. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({}), logLevel: 'silent', ...overrides };
}
