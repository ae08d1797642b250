// The report's one-pass backlog series and its per-visit scope test must give the numbers the
// straightforward statements give (kept here as oracles: a count over the whole history per day,
// and `ticket_id in (every ticket in scope)`), on random tickets over 60 days with edge cases at
// local midnight, deleted tickets and order visits.
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownedBy } from '../platform/data-scope.js';
import { ticketVisible } from '../tickets/ticket-scope.js';
import { seededRandom } from '../test/seeded-random.js';
import type { Session, TestContext } from '../test/test-app.js';
import { serviceTeams } from '../test/service-teams.js';

let t: TestContext;
let admin: Session;
let agentA: Session;
let repA: Session;
let teamA: number;
let teamB: number;
const from = '2026-01-01';
const to = '2026-03-01';

type ScopeActor = Parameters<typeof ticketVisible>[0];

function oracleBacklog(scope: SQL, tz: string): SQL {
  return sql`
    select to_char(d, 'YYYY-MM-DD') as day,
      (select count(*)::int from tickets t where t.deleted_at is null and ${scope} and t.created_at < ((d + interval '1 day') at time zone ${tz})
         and (t.resolved_at is null or t.resolved_at >= ((d + interval '1 day') at time zone ${tz}))) as open
    from generate_series(${from}::date::timestamp, ${to}::date::timestamp, interval '1 day') d order by d`;
}

function oracleVisits(actor: ScopeActor, tz: string): SQL {
  const start = sql`(${from}::date::timestamp at time zone ${tz})`;
  const end = sql`((${to}::date + 1)::timestamp at time zone ${tz})`;
  return sql`
    select count(*)::int as n, avg(v.satisfaction)::float8 as csat from return_visits v
    where v.status = 'done' and v.deleted_at is null and v.done_at >= ${start} and v.done_at < ${end}
      and (v.ticket_id in (select t.id from tickets t where t.deleted_at is null and ${ticketVisible(actor, 't')})
        or (v.ticket_id is null and ${ownedBy(actor, sql`v.assignee_id`)}))`;
}

async function report(s: Session, extra = '') {
  const res = await t.request(s, { method: 'GET', url: `/api/v1/service-reports/summary?from=${from}&to=${to}${extra}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { backlog: Array<{ date: string; open: number }>; visits: number; csat: number | null };
}

beforeAll(async () => {
  let agentB: Session;
  let customer: number;
  ({ t, admin, teamA, teamB, agentA, agentB, repA, customer } = await serviceTeams());

  const rnd = seededRandom(20260101);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const assignees = [agentA.userId, agentB.userId, repA.userId, null];
  const periodStart = Date.parse('2026-01-01T00:00:00+08:00');
  const day = 86_400_000;
  const rows: SQL[] = [];
  for (let i = 0; i < 400; i++) {
    // created from 40 days before the period to 5 days after it; a fifth exactly at a local midnight
    let created = periodStart - 40 * day + Math.floor(rnd() * 105 * day);
    if (rnd() < 0.2) created = periodStart + Math.floor((created - periodStart) / day) * day;
    let resolved: number | null = null;
    const r = rnd();
    if (r < 0.05) resolved = created; // resolved the moment it came in
    else if (r < 0.15) resolved = periodStart + (Math.floor((created - periodStart) / day) + Math.ceil(rnd() * 10)) * day; // at a later local midnight
    else if (r < 0.7) resolved = created + Math.floor(rnd() * 30 * day);
    const status = resolved === null ? pick(['new', 'open', 'pending_customer'] as const) : pick(['resolved', 'closed'] as const);
    rows.push(sql`(${`B${i}`}, 'inquiry', ${customer}, 'phone', 'x', 'normal', ${pick([teamA, teamB, null])}, ${pick(assignees)}, ${status}, 'vip',
      ${new Date(created).toISOString()}::timestamptz, ${resolved === null ? null : new Date(resolved).toISOString()}::timestamptz, ${rnd() < 0.05 ? sql`now()` : null})`);
  }
  await t.database.db.execute(sql`insert into tickets (number, type, customer_id, channel, subject, priority, team_id, assignee_id, status, customer_tier, created_at, resolved_at, deleted_at)
    values ${sql.join(rows, sql`, `)}`);
  // Return visits in and around the period: about tickets (deleted ones included) and order visits (no ticket).
  const ids = (await t.database.rows<{ id: number }>(sql`select id from tickets order by id`)).map((x) => Number(x.id));
  const visits: SQL[] = [];
  for (let i = 0; i < 120; i++) {
    const done = new Date(periodStart - 5 * day + Math.floor(rnd() * 70 * day)).toISOString();
    const ticketId = rnd() < 0.25 ? null : pick(ids);
    visits.push(sql`(${customer}, ${ticketId}, '2026-01-01', ${pick([agentA.userId, agentB.userId, repA.userId])}, 'done', ${1 + Math.floor(rnd() * 5)}, ${done}::timestamptz)`);
  }
  await t.database.db.execute(sql`insert into return_visits (customer_id, ticket_id, scheduled_on, assignee_id, status, satisfaction, done_at) values ${sql.join(visits, sql`, `)}`);
});
afterAll(async () => t.close());

describe('service report parity with the per-day and per-scope oracles', () => {
  it('gives the same backlog day by day as counting the whole history per day, for every scope', async () => {
    const tz = t.config.timeZone;
    const callers: Array<[Session, ScopeActor]> = [
      [admin, { id: admin.userId, dataScope: 'all', departmentId: null }],
      [agentA, { id: agentA.userId, dataScope: 'department', departmentId: teamA }],
      [repA, { id: repA.userId, dataScope: 'own', departmentId: teamA }],
    ];
    for (const [session, actor] of callers) {
      const expected = await t.database.rows<{ day: string; open: number }>(oracleBacklog(ticketVisible(actor, 't'), tz));
      const got = (await report(session)).backlog;
      expect(got).toHaveLength(60);
      expect(got).toEqual(expected.map((r) => ({ date: r.day, open: Number(r.open) })));
    }
    // the series is not flat: the data exercise openings and resolutions inside the period
    const admins = (await report(admin)).backlog.map((b) => b.open);
    expect(new Set(admins).size).toBeGreaterThan(10);
    // a team filter narrows the same way
    const ofTeamB = await t.database.rows<{ day: string; open: number }>(oracleBacklog(sql`t.team_id = ${teamB}`, tz));
    expect((await report(admin, `&filter[teamId]=${teamB}`)).backlog).toEqual(ofTeamB.map((r) => ({ date: r.day, open: Number(r.open) })));
  });

  it('counts the same return visits as testing each against every ticket in scope', async () => {
    const tz = t.config.timeZone;
    const callers: Array<[Session, ScopeActor]> = [
      [admin, { id: admin.userId, dataScope: 'all', departmentId: null }],
      [agentA, { id: agentA.userId, dataScope: 'department', departmentId: teamA }],
      [repA, { id: repA.userId, dataScope: 'own', departmentId: teamA }],
    ];
    const seen = new Set<number>();
    for (const [session, actor] of callers) {
      const [expected] = await t.database.rows<{ n: number; csat: number | null }>(oracleVisits(actor, tz));
      const got = await report(session);
      expect(got.visits).toBe(Number(expected!.n));
      expect(got.csat).toBeCloseTo(Number(expected!.csat), 4);
      seen.add(got.visits);
    }
    // the scopes really differ on these data
    expect(seen.size).toBe(3);
  });
});

