// The `guanxi` command line. Errors are one line on stderr and a non-zero exit code.
import { Command, CommanderError } from 'commander';
import { sql } from 'drizzle-orm';
import { loadConfig } from './config.js';
import { openConfiguredDatabase } from './bootstrap.js';
import { generatePassword } from './auth/password.js';
import { AppError } from './platform/errors.js';
import { insertUser, resetPassword } from './users/users.service.js';
import { serve } from './main.js';
import { loadDemo } from './demo/load-demo.js';
import { jobs, runJob } from './jobs/run-job.js';
import { analyzeCommand } from './analyze/analyze.command.js';
import { transferCommands } from './imports/transfer.command.js';
import { analyticsCommand } from './analytics/analytics.command.js';

async function withDatabase<T>(fn: (db: Awaited<ReturnType<typeof openConfiguredDatabase>>['database']) => Promise<T>): Promise<T> {
  const opened = await openConfiguredDatabase(loadConfig());
  try {
    return await fn(opened.database);
  } finally {
    await opened.close();
  }
}

export function buildCli(): Command {
  const program = new Command('guanxi')
    .description('Guanxi (关系) CRM — server and tools')
    .showHelpAfterError(false)
    .configureOutput({ outputError: (str, write) => write(str) });

  program
    .command('serve')
    .description('run the web server (PORT, DATABASE_URL, GUANXI_DATA_DIR from the environment)')
    .option('-p, --port <port>', 'port to listen on')
    .action(async (opts: { port?: string }) => {
      if (opts.port) process.env.PORT = opts.port;
      await serve(loadConfig());
    });

  program
    .command('migrate')
    .description('create or upgrade the database schema, then exit')
    .action(async () => {
      await withDatabase(async () => undefined);
      process.stdout.write('database is up to date\n');
    });

  const user = program.command('user').description('manage user accounts');
  user
    .command('create')
    .description('create a user; prints a generated password unless --password is given')
    .requiredOption('--email <email>', 'login email')
    .requiredOption('--name <name>', 'display name')
    .option('--role <key>', 'role key: admin, manager, sales, service, marketing, analyst', 'sales')
    .option('--password <password>', 'initial password (at least 10 characters)')
    .action(async (opts: { email: string; name: string; role: string; password?: string }) => {
      if (opts.password !== undefined && opts.password.length < 10) throw new Error('--password must have at least 10 characters');
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(opts.email)) throw new Error(`--email: "${opts.email}" is not an email address`);
      const password = opts.password ?? generatePassword();
      await withDatabase(async (database) => {
        const [role] = await database.rows<{ id: number }>(sql`select id from roles where key = ${opts.role} and deleted_at is null`);
        if (!role) throw new Error(`--role: no role "${opts.role}"`);
        await database.db.transaction((tx) =>
          insertUser(tx, null, { email: opts.email.toLowerCase(), name: opts.name, password, roleId: Number(role.id), mustChangePassword: opts.password === undefined }),
        );
      });
      process.stdout.write(`created ${opts.email} (${opts.role})${opts.password ? '' : `, password: ${password}`}\n`);
    });
  user
    .command('reset-password')
    .description('set a new password (generated unless --password); it must be changed at next login')
    .requiredOption('--email <email>', 'login email')
    .option('--password <password>', 'new password (at least 10 characters)')
    .action(async (opts: { email: string; password?: string }) => {
      if (opts.password !== undefined && opts.password.length < 10) throw new Error('--password must have at least 10 characters');
      const password = opts.password ?? generatePassword();
      await withDatabase(async (database) => {
        const [u] = await database.rows<{ id: number }>(sql`select id from users where lower(email) = ${opts.email.toLowerCase()} and deleted_at is null`);
        if (!u) throw new Error(`no user with email ${opts.email}`);
        await resetPassword(database, null, Number(u.id), password);
      });
      process.stdout.write(`password of ${opts.email} reset${opts.password ? '' : `: ${password}`}\n`);
    });

  program
    .command('demo')
    .description('load a demo company (users, customers, follow-ups, pool, tasks, products, orders, deals, leads, receivables, targets) into an empty database')
    .option('--customers <n>', 'number of customers', '3000')
    .option('--seed <n>', 'random seed (same seed, same data)', '20250101')
    .action(async (opts: { customers: string; seed: string }) => {
      const customers = Number(opts.customers);
      if (!Number.isInteger(customers) || customers < 1 || customers > 200_000) throw new Error('--customers must be a whole number from 1 to 200000');
      const started = Date.now();
      const config = loadConfig();
      const result = await withDatabase((database) => loadDemo(database, { customers, seed: Number(opts.seed), timeZone: config.timeZone, orderNumberPattern: config.orderNumberPattern }));
      const c = result.counts;
      const s = c.sales;
      const lines = [
        `demo company loaded in ${((Date.now() - started) / 1000).toFixed(1)} s: ${c.customers} customers (${c.pool} in the pool, ${c.returnedByRules} just returned by the pool rules), ${c.contacts} contacts, ${c.followUps} follow-ups, ${c.tasks} tasks`,
        `sales: ${s.products} products, ${s.orders} orders (${s.orderLines} lines, ${s.returns} returns), ${s.opportunities} opportunities, ${s.leads} leads, ${s.paymentPlans} payment plans (${s.instalments} instalments, ${s.payments} payments), ${s.targets} targets`,
        ``,
        `log in with any of these accounts, password: ${result.password}`,
        ...result.users.map((u) => `  ${u.email.padEnd(32)} ${u.role.padEnd(10)} ${u.department}  ${u.name}`),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  const jobsCommand = program.command('jobs').description('scheduled jobs');
  jobsCommand
    .command('run')
    .description(`run a job now (${Object.keys(jobs).join(', ')}) and print what it did`)
    .argument('<name>', 'job name')
    .action(async (name: string) => {
      const job = jobs[name];
      if (!job) throw new Error(`no job "${name}"; jobs: ${Object.keys(jobs).join(', ')}`);
      const outcome = await withDatabase((database) => runJob(database, job));
      if (outcome.status === 'failed') throw new Error(`${name} failed: ${outcome.error}`);
      if (outcome.status === 'skipped') {
        process.stdout.write(`${name}: skipped, another instance is running it\n`);
        return;
      }
      const counts = Object.entries(outcome.result)
        .filter(([, v]) => typeof v === 'number')
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' ');
      process.stdout.write(`${name}: ${counts}\n`);
    });

  program.addCommand(analyzeCommand());
  program.addCommand(analyticsCommand());
  for (const c of transferCommands()) program.addCommand(c);

  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  const program = buildCli().exitOverride();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    const message = e instanceof AppError ? `${e.message}${e.details?.length ? `: ${e.details.map((d) => `${d.path} ${d.message}`).join('; ')}` : ''}` : e instanceof Error ? e.message : String(e);
    process.stderr.write(`guanxi: ${message}\n`);
    return 1;
  }
}
