// The report reads the period's tickets once (grouping sets, percentiles from a histogram of
// business minutes); it must give the figures the straightforward statements give — one
// percentile_cont and one group-by per figure, kept here as oracles — for every scope and filter,
// on random tickets with ties, nulls, several tiers, teams, causes and SLA verdicts.
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketVisibleRow } from '../tickets/ticket-scope.js';
import { seededRandom } from '../test/seeded-random.js';
import type { Session, TestContext } from '../test/test-app.js';
import { serviceTeams } from '../test/service-teams.js';
import { ensureTicketReportRollups, rebuildTicketReportRollups } from './service-report-rollups.js';
import { percentileCont } from './service-reports.service.js';

let t: TestContext;
let admin: Session;
let agentA: Session;
let leadA: Session;
let repA: Session;
let teamA: number;
let teamB: number;
const from = '2026-02-01';
const to = '2026-02-28';

type ScopeActor = Parameters<typeof ticketVisibleRow>[0];

interface Figures {
  tickets: number;
  responseMinutes: { count: number; median: number | null; p90: number | null };
  resolutionMinutes: { count: number; median: number | null; p90: number | null };
  resolutionRate: number | null;
  complaints: number;
  slaByTier: Array<{ tier: string; firstResponse: { achieved: number; breached: number }; resolution: { achieved: number; breached: number } }>;
  slaByTeam: Array<{ teamId: number | null; teamName: string | null; firstResponse: { achieved: number; breached: number }; resolution: { achieved: number; breached: number } }>;
  topComplaintCauses: Array<{ cause: string; count: number }>;
}

const r4 = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 10_000) / 10_000);

/**
 * Business minutes as a caller who sees every ticket gets them (from the rollups): exact below
 * 1,000, else the middle of the bucket of numbers with the same first three digits.
 */
const bucketed = (x: SQL) => sql`(case when ${x} < 1000 then ${x}::float8
  else (${x} - ${x} % (10 ^ (floor(log(${x})) - 2))::int) + ((10 ^ (floor(log(${x})) - 2)) - 1) / 2 end)`;

/** The figures as the report computed them before reading the period once: one statement each. */
async function oracle(scope: SQL, fromRollups: SQL = sql`false`): Promise<Figures> {
  const tz = t.config.timeZone;
  const minutes = (column: string) => sql`(case when ${fromRollups} then ${bucketed(sql.raw(`t.${column}`))} else t.${sql.raw(column)} end)`;
  const inPeriod = sql`t.deleted_at is null and ${scope} and t.created_at >= (${from}::date::timestamp at time zone ${tz}) and t.created_at < ((${to}::date + 1)::timestamp at time zone ${tz})`;
  const [x] = await t.database.rows<Record<string, unknown>>(sql`
    select count(*)::int as tickets, count(t.response_business_minutes)::int as response_n,
      percentile_cont(0.5) within group (order by ${minutes('response_business_minutes')}) as response_median,
      percentile_cont(0.9) within group (order by ${minutes('response_business_minutes')}) as response_p90,
      count(t.resolution_business_minutes)::int as resolution_n,
      percentile_cont(0.5) within group (order by ${minutes('resolution_business_minutes')}) as resolution_median,
      percentile_cont(0.9) within group (order by ${minutes('resolution_business_minutes')}) as resolution_p90,
      count(*) filter (where t.resolved_at is not null)::int as resolved, count(*) filter (where t.type = 'complaint')::int as complaints
    from tickets t where ${inPeriod}`);
  const attainment = sql`count(*) filter (where t.sla_first_response = 'achieved')::int as fr_ok, count(*) filter (where t.sla_first_response = 'breached')::int as fr_bad,
      count(*) filter (where t.sla_resolution = 'achieved')::int as res_ok, count(*) filter (where t.sla_resolution = 'breached')::int as res_bad`;
  const tiers = await t.database.rows<Record<string, unknown>>(sql`
    select coalesce(t.customer_tier, 'none') as tier, ${attainment} from tickets t where ${inPeriod} and t.sla_policy_id is not null group by 1 order by 1`);
  const teams = await t.database.rows<Record<string, unknown>>(sql`
    select t.team_id, d.name as team_name, ${attainment} from tickets t left join departments d on d.id = t.team_id
    where ${inPeriod} and t.sla_policy_id is not null group by t.team_id, d.name order by d.name nulls last`);
  const causes = await t.database.rows<{ cause: string; n: number }>(sql`
    select coalesce(t.root_cause, 'unknown') as cause, count(*)::int as n from tickets t
    where ${inPeriod} and t.type = 'complaint' group by 1 order by 2 desc, 1 limit 10`);
  const att = (r: Record<string, unknown>) => ({
    firstResponse: { achieved: Number(r.fr_ok), breached: Number(r.fr_bad) },
    resolution: { achieved: Number(r.res_ok), breached: Number(r.res_bad) },
  });
  const n = Number(x!.tickets);
  return {
    tickets: n,
    responseMinutes: { count: Number(x!.response_n), median: r4(x!.response_median), p90: r4(x!.response_p90) },
    resolutionMinutes: { count: Number(x!.resolution_n), median: r4(x!.resolution_median), p90: r4(x!.resolution_p90) },
    resolutionRate: n === 0 ? null : r4(Number(x!.resolved) / n),
    complaints: Number(x!.complaints),
    slaByTier: tiers.map((r) => ({ tier: String(r.tier), ...att(r) })),
    slaByTeam: teams.map((r) => ({ teamId: r.team_id === null ? null : Number(r.team_id), teamName: (r.team_name as string | null) ?? null, ...att(r) })),
    topComplaintCauses: causes.map((c) => ({ cause: c.cause, count: Number(c.n) })),
  };
}

async function report(s: Session, extra = ''): Promise<Figures> {
  const res = await t.request(s, { method: 'GET', url: `/api/v1/service-reports/summary?from=${from}&to=${to}${extra}` });
  expect(res.statusCode, res.body).toBe(200);
  const r = res.json() as Figures;
  const att = (a: { firstResponse: { achieved: number; breached: number }; resolution: { achieved: number; breached: number } }) => ({
    firstResponse: { achieved: a.firstResponse.achieved, breached: a.firstResponse.breached },
    resolution: { achieved: a.resolution.achieved, breached: a.resolution.breached },
  });
  return {
    tickets: r.tickets,
    responseMinutes: r.responseMinutes,
    resolutionMinutes: r.resolutionMinutes,
    resolutionRate: r.resolutionRate,
    complaints: r.complaints,
    slaByTier: r.slaByTier.map((x) => ({ tier: x.tier, ...att(x) })),
    slaByTeam: r.slaByTeam.map((x) => ({ teamId: x.teamId, teamName: x.teamName, ...att(x) })),
    topComplaintCauses: r.topComplaintCauses,
  };
}

beforeAll(async () => {
  let agentB: Session;
  let customer: number;
  ({ t, admin, teamA, teamB, agentA, agentB, repA, customer } = await serviceTeams());
  leadA = await t.userWithRole('manager', { departmentId: teamA });

  const rnd = seededRandom(20260201);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const periodStart = Date.parse('2026-02-01T00:00:00+08:00');
  const day = 86_400_000;
  const rows: SQL[] = [];
  // 14 causes, so the top 10 cuts some off; few distinct minutes, so percentiles fall on ties
  const causes = ['delivery', 'product_quality', 'service_attitude', 'billing', 'installation', 'packaging', 'warranty', 'refund', 'stock', 'manual', 'app', 'call_wait', 'price', null];
  for (let i = 0; i < 500; i++) {
    const created = periodStart - 5 * day + Math.floor(rnd() * 38 * day);
    const resolved = rnd() < 0.6 ? created + Math.floor(rnd() * 6 * day) : null;
    const type = rnd() < 0.3 ? 'complaint' : pick(['inquiry', 'suggestion', 'after_sales'] as const);
    const policy = rnd() < 0.8;
    rows.push(sql`(${`P${i}`}, ${type}, ${customer}, 'phone', 'x', 'normal', ${pick([teamA, teamB, null])}, ${pick([agentA.userId, agentB.userId, repA.userId, null])},
      ${resolved === null ? 'open' : 'resolved'}, ${pick(['vip', 'important', 'ordinary', null] as const)}, ${policy ? 1 : null},
      ${rnd() < 0.8 ? Math.floor(rnd() * 40) * 15 : null}, ${resolved === null ? null : Math.floor(rnd() * 3000)},
      ${policy ? pick(['pending', 'achieved', 'breached'] as const) : 'pending'}, ${policy ? pick(['pending', 'achieved', 'breached'] as const) : 'pending'},
      ${type === 'complaint' ? pick(causes) : null},
      ${new Date(created).toISOString()}::timestamptz, ${resolved === null ? null : new Date(resolved).toISOString()}::timestamptz, ${rnd() < 0.04 ? sql`now()` : null})`);
  }
  await t.database.db.execute(sql`insert into tickets (number, type, customer_id, channel, subject, priority, team_id, assignee_id, status, customer_tier, sla_policy_id,
      response_business_minutes, resolution_business_minutes, sla_first_response, sla_resolution, root_cause, created_at, resolved_at, deleted_at)
    values ${sql.join(rows, sql`, `)}`);
});
afterAll(async () => t.close());

describe('service report figures read in one pass', () => {
  it('equal one statement per figure, for every scope and filter', async () => {
    // which tickets' minutes come from the rollups: every ticket for scope all, the team's for a department scope
    const rolledUp = (actor: ScopeActor) => (actor.dataScope === 'all' ? sql`true` : actor.dataScope === 'department' ? sql`coalesce(t.team_id = ${actor.departmentId}, false)` : sql`false`);
    const callers: Array<[Session, ScopeActor, string, SQL]> = [
      [admin, { id: admin.userId, dataScope: 'all', departmentId: null }, '', sql`true`],
      [admin, { id: admin.userId, dataScope: 'all', departmentId: null }, `&filter[teamId]=${teamB}`, sql`t.team_id = ${teamB}`],
      [admin, { id: admin.userId, dataScope: 'all', departmentId: null }, '&filter[importance]=important', sql`t.customer_tier = 'important'`],
      [admin, { id: admin.userId, dataScope: 'all', departmentId: null }, `&filter[teamId]=${teamA}&filter[importance]=vip`, sql`t.team_id = ${teamA} and t.customer_tier = 'vip'`],
      [agentA, { id: agentA.userId, dataScope: 'department', departmentId: teamA }, '', sql`true`],
      [agentA, { id: agentA.userId, dataScope: 'department', departmentId: teamA }, `&filter[teamId]=${teamB}&filter[importance]=vip`, sql`t.team_id = ${teamB} and t.customer_tier = 'vip'`],
      [repA, { id: repA.userId, dataScope: 'own', departmentId: teamA }, '', sql`true`],
    ];
    const totals = new Set<number>();
    for (const [session, actor, query, filter] of callers) {
      const expected = await oracle(sql`${ticketVisibleRow(actor, 't')} and ${filter}`, rolledUp(actor));
      expect(await report(session, query)).toEqual(expected);
      totals.add(expected.tickets);
    }
    // the data exercise what the rollup must get right
    const all = await oracle(sql`true`);
    expect(totals.size).toBe(callers.length);
    expect(all.slaByTier.map((x) => x.tier)).toEqual(['important', 'none', 'ordinary', 'vip']);
    expect(all.slaByTeam.at(-1)?.teamId).toBeNull();
    expect(all.topComplaintCauses).toHaveLength(10);
    expect(all.responseMinutes.count).toBeLessThan(all.tickets);
  });

  it('gives an empty period no figures', async () => {
    const res = await t.request(admin, { method: 'GET', url: '/api/v1/service-reports/summary?from=2025-01-01&to=2025-01-31' });
    const r = res.json();
    expect(r.tickets).toBe(0);
    expect(r.responseMinutes).toEqual({ count: 0, median: null, p90: null });
    expect(r.slaByTier).toEqual([]);
    expect(r.topComplaintCauses).toEqual([]);
    expect(r.backlog).toHaveLength(31);
  });
});

describe('the daily rollups', () => {
  const filters = () => ['', `&filter[teamId]=${teamB}`, '&filter[importance]=ordinary', `&filter[teamId]=${teamA}&filter[importance]=important`];
  const fullReport = async (extra: string, as = admin) => {
    const res = await t.request(as, { method: 'GET', url: `/api/v1/service-reports/summary?from=${from}&to=${to}${extra}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Record<string, unknown>;
  };
  /** Everything but the percentiles (which the rollups keep to three digits; checked above) is exact. */
  const exactPart = (r: Record<string, unknown>) => ({ ...r, responseMinutes: null, resolutionMinutes: null });
  /** The report from the rollups, and the same report counted from the tickets (rollups in another time zone are not used). */
  async function bothWays(extra: string, as = admin) {
    const rolled = await fullReport(extra, as);
    await t.database.db.execute(sql`update ticket_report_state set time_zone = 'Etc/GMT+12'`);
    try {
      return { rolled, live: await fullReport(extra, as) };
    } finally {
      await t.database.db.execute(sql`update ticket_report_state set time_zone = ${t.config.timeZone}`);
    }
  }
  const snapshot = async () => ({
    cells: await t.database.rows(sql`select * from ticket_report_cells where n <> 0 order by day, team, tier, cause, has_policy, fr, res, resolved`),
    minutes: await t.database.rows(sql`select * from ticket_report_minutes where cardinality(minutes) > 0 order by grain, day, team, tier, kind`),
    flow: await t.database.rows(sql`select * from ticket_report_flow where n <> 0 order by day, team, tier, resolved_day, opens`),
  });

  it('give the report the tickets give, backlog included, with every filter, for every ticket or a team', async () => {
    for (const as of [admin, agentA, leadA]) {
      for (const extra of filters()) {
        const { rolled, live } = await bothWays(extra, as);
        expect(exactPart(rolled)).toEqual(exactPart(live));
        expect((rolled.backlog as unknown[]).length).toBe(28);
      }
    }
  });

  it('follow every kind of ticket write, as a rebuild would count them', async () => {
    const ids = (await t.database.rows<{ id: number }>(sql`select id from tickets order by id`)).map((r) => Number(r.id));
    const some = (k: number) => ids.filter((_, i) => i % k === 0);
    // resolved (answered in more than 1,000 minutes), reopened, moved to another team and tier, the SLA verdicts judged
    await t.database.db.execute(sql`update tickets set resolved_at = created_at + interval '3 days', resolution_business_minutes = 1234, status = 'resolved'
      where id in (${sql.join(some(7), sql`, `)}) and resolved_at is null`);
    await t.database.db.execute(sql`update tickets set resolved_at = null, resolution_business_minutes = null, status = 'open' where id in (${sql.join(some(11), sql`, `)})`);
    await t.database.db.execute(sql`update tickets set team_id = ${teamA}, customer_tier = 'vip' where id in (${sql.join(some(13), sql`, `)})`);
    await t.database.db.execute(sql`update tickets set sla_first_response = 'breached', sla_resolution = 'achieved' where sla_policy_id is not null and id in (${sql.join(some(5), sql`, `)})`);
    // moved into and out of the period, deleted, restored, erased; a write that moves nothing
    await t.database.db.execute(sql`update tickets set created_at = created_at - interval '20 days' where id in (${sql.join(some(17), sql`, `)})`);
    await t.database.db.execute(sql`update tickets set deleted_at = now() where id in (${sql.join(some(19), sql`, `)})`);
    await t.database.db.execute(sql`update tickets set deleted_at = null where id in (${sql.join(some(38), sql`, `)})`);
    await t.database.db.execute(sql`delete from tickets where id in (${sql.join(some(23), sql`, `)})`);
    await t.database.db.execute(sql`update tickets set subject = subject || '!'`);

    const kept = await snapshot();
    expect(kept.cells.length).toBeGreaterThan(100);
    await rebuildTicketReportRollups(t.database, t.config.timeZone);
    expect(await snapshot()).toEqual(kept);
    for (const as of [admin, agentA, leadA]) {
      for (const extra of filters()) {
        const { rolled, live } = await bothWays(extra, as);
        expect(exactPart(rolled)).toEqual(exactPart(live));
      }
    }
  });

  it('keep business minutes exactly below 1,000 and to three digits above', async () => {
    const values = [0, 7, 999, 1000, 1009, 1234, 9999, 10_000, 98_765, 123_456];
    const rows = await t.database.rows<{ v: number; b: number }>(sql`select v, ticket_report_bucket(v) as b from unnest(${`{${values.join(',')}}`}::int[]) v`);
    expect(rows.map((r) => Number(r.b))).toEqual([0, 7, 999, 1000, 1000, 1230, 9990, 10_000, 98_700, 123_000]);
  });

  it('are rebuilt in a new time zone, and left alone in the same one', async () => {
    const cells = sql`select coalesce(sum(n), 0)::int as n from ticket_report_cells where day = '2026-02-10'`;
    const before = (await t.database.rows<{ n: number }>(cells))[0]!.n;
    expect(await ensureTicketReportRollups(t.database, t.config.timeZone)).toBe(false);
    expect(await ensureTicketReportRollups(t.database, 'America/Los_Angeles')).toBe(true);
    const [la] = await t.database.rows<{ n: number }>(sql`select count(*)::int as n from tickets
      where deleted_at is null and (created_at at time zone 'America/Los_Angeles')::date = '2026-02-10'`);
    expect((await t.database.rows<{ n: number }>(cells))[0]!.n).toBe(la!.n);
    expect(await ensureTicketReportRollups(t.database, t.config.timeZone)).toBe(true);
    expect((await t.database.rows<{ n: number }>(cells))[0]!.n).toBe(before);
    // instances starting together: one builds, the other finds it done
    const together = await Promise.all([ensureTicketReportRollups(t.database, 'Asia/Tokyo'), ensureTicketReportRollups(t.database, 'Asia/Tokyo')]);
    expect(together.filter(Boolean)).toHaveLength(1);
    expect(await ensureTicketReportRollups(t.database, t.config.timeZone)).toBe(true);
  });

  it('are emptied with the tickets', async () => {
    await t.database.db.execute(sql`truncate tickets cascade`);
    expect(await snapshot()).toEqual({ cells: [], minutes: [], flow: [] });
  });
});

describe('percentileCont', () => {
  it('interpolates between the ranks around p·(n − 1) as percentile_cont does', () => {
    // 10, 20, 20, 40: p90 at rank 2.7 → 20 + 0.7 × 20; the median at rank 1.5 → 20
    const h = [{ value: 10, n: 1 }, { value: 20, n: 2 }, { value: 40, n: 1 }];
    expect(percentileCont(h, 0.9)).toBeCloseTo(34, 10);
    expect(percentileCont(h, 0.5)).toBe(20);
    expect(percentileCont([{ value: 7, n: 1 }], 0.9)).toBe(7);
    expect(percentileCont([], 0.5)).toBeNull();
  });
});
