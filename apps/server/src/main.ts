// Starts the server: opens and migrates the database, creates the first admin if needed, listens,
// and shuts down cleanly on Ctrl-C / SIGTERM.
import { loadConfig, type Config } from './config.js';
import { buildApp } from './app.js';
import { ensureFirstAdmin, openConfiguredDatabase } from './bootstrap.js';
import { startScheduler } from './jobs/scheduler.js';
import { failInterruptedRuns } from './analytics/refresh-analytics.js';
import { startInboundMail } from './mail/smtp-listener.js';
import { outboxIdle } from './mail/outbound-mail.js';

export async function serve(config: Config = loadConfig()): Promise<void> {
  const opened = await openConfiguredDatabase(config);
  const app = await buildApp({ database: opened.database, config });
  const admin = await ensureFirstAdmin(opened.database, config);
  // an analytics run cut short by a crash or a stop would otherwise show 'running' for ever
  const interrupted = await failInterruptedRuns(opened.database);
  if (interrupted > 0) app.log.warn({ runs: interrupted }, 'analytics runs interrupted by the last stop marked failed');
  const scheduler = startScheduler(opened.database, config, app.log);
  const inboundMail = await startInboundMail(opened.database, config, app.log);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    try {
      await scheduler.stop();
      await inboundMail?.close();
      await app.close();
      await outboxIdle();
      await opened.close();
    } finally {
      process.exit(0);
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  const url = `http://localhost:${(app.server.address() as { port: number }).port}`;
  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;
  const lines = [``, `  Guanxi 关系 CRM is running at ${url}`, `  Database: ${where}`];
  if (admin?.generatedPassword) {
    lines.push(
      ``,
      `  First run — log in as the administrator (shown once, change it after logging in):`,
      `    email:    ${admin.email}`,
      `    password: ${admin.generatedPassword}`,
    );
  } else if (admin) {
    lines.push(``, `  First run — log in as ${admin.email} with GUANXI_ADMIN_PASSWORD.`);
  }
  if (inboundMail) lines.push(`  Inbound email (SMTP): ${config.smtpInbound!.host}:${inboundMail.port} for ${config.smtpInbound!.addresses.join(', ')}`);
  lines.push(`  API docs: ${url}/api/docs`, ``);
  process.stdout.write(`${lines.join('\n')}\n`);
}
