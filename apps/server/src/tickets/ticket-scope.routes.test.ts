// Who sees which tickets, in the queues and on the ticket page: the queue-shaped scope (active-only
// branches, no scope where the queue implies it) and the row-shaped one (ticket page) must agree
// with the rule in ticket-scope.ts, edge by edge.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Session, type TestContext } from '../test/test-app.js';
import { activeStatuses, resolveScope, ticketVisible, ticketVisibleRow } from './ticket-scope.js';

let t: TestContext;
let teamA: number;
let teamB: number;
let lead: Session;
let agentA1: Session;
let agentA2: Session;
let agentB: Session;
let repA: Session;
let salesRep: Session;
const tk: Record<string, number> = {};

/** A ticket row as the service would have left it (scope only looks at team, assignee, status, customer, deletion). */
async function ticket(name: string, v: { team: number | null; assignee: number | null; status?: string; customer?: number | null; deleted?: boolean }) {
  const [row] = await t.database.rows<{ id: number }>(sql`insert into tickets (number, type, customer_id, channel, subject, priority, team_id, assignee_id, status, deleted_at)
    values (${`S-${name}`}, 'inquiry', ${v.customer ?? null}, 'phone', ${name}, 'normal', ${v.team}, ${v.assignee}, ${v.status ?? 'open'}, ${v.deleted ? sql`now()` : null})
    returning id`);
  tk[name] = Number(row!.id);
}

const names = (ids: number[]) => ids.map((id) => Object.keys(tk).find((k) => tk[k] === id) ?? `#${id}`).sort();
async function list(s: Session, query: string): Promise<{ names: string[]; total: number }> {
  const res = await t.request(s, { method: 'GET', url: `/api/v1/tickets?${query}&limit=100` });
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json() as { data: Array<{ id: number }>; total: number; totalApproximate?: boolean };
  expect(body.totalApproximate).toBeUndefined();
  return { names: names(body.data.map((x) => x.id)), total: body.total };
}
const page = async (s: Session, name: string) => (await t.request(s, { method: 'GET', url: `/api/v1/tickets/${tk[name]}` })).statusCode;

beforeAll(async () => {
  t = await createTestContext();
  lead = await t.userWithRole('manager');
  const [a] = await t.database.rows<{ id: number }>(sql`insert into departments (name, manager_id) values ('一组', ${lead.userId}) returning id`);
  const [b] = await t.database.rows<{ id: number }>(sql`insert into departments (name) values ('二组') returning id`);
  teamA = Number(a!.id);
  teamB = Number(b!.id);
  await t.database.db.execute(sql`update users set department_id = ${teamA} where id = ${lead.userId}`);
  agentA1 = await t.userWithRole('service', { departmentId: teamA, managerId: lead.userId });
  agentA2 = await t.userWithRole('service', { departmentId: teamA, managerId: lead.userId });
  agentB = await t.userWithRole('service', { departmentId: teamB });
  // a service rep whose role sees only their own work (scope own)
  await t.database.db.execute(sql`insert into roles (key, name, data_scope, permissions) values ('service_own', '一线客服', 'own', array['customers.read', 'service.read', 'service.write']::text[])`);
  repA = await t.userWithRole('service_own', { departmentId: teamA, managerId: lead.userId });
  salesRep = await t.userWithRole('sales');
  const customer = async (name: string, owner: number, deleted = false) =>
    Number((await t.database.rows<{ id: number }>(sql`insert into customers (kind, relationship_type, name, owner_id, deleted_at) values ('individual', 'consumer', ${name}, ${owner}, ${deleted ? sql`now()` : null}) returning id`))[0]!.id);
  const ownedByRep = await customer('张三', repA.userId);
  const collaborated = await customer('李四', salesRep.userId);
  await t.database.db.execute(sql`insert into customer_collaborators (customer_id, user_id) values (${collaborated}, ${repA.userId})`);
  const gone = await customer('王五', repA.userId, true);

  await ticket('a1-open', { team: teamA, assignee: agentA1.userId });
  await ticket('a1-pending', { team: teamA, assignee: agentA1.userId, status: 'pending_customer' });
  await ticket('a1-closed', { team: teamA, assignee: agentA1.userId, status: 'closed' });
  await ticket('a1-resolved', { team: teamA, assignee: agentA1.userId, status: 'resolved' });
  await ticket('a1-deleted', { team: teamA, assignee: agentA1.userId, deleted: true });
  await ticket('a-unassigned', { team: teamA, assignee: null, status: 'new' });
  await ticket('a-unassigned-closed', { team: teamA, assignee: null, status: 'closed' });
  await ticket('a-to-b', { team: teamA, assignee: agentB.userId });
  await ticket('b-to-a2', { team: teamB, assignee: agentA2.userId });
  await ticket('rep', { team: teamA, assignee: repA.userId });
  await ticket('b-own-customer', { team: teamB, assignee: agentB.userId, customer: ownedByRep });
  await ticket('b-collab-customer', { team: teamB, assignee: agentB.userId, customer: collaborated, status: 'closed' });
  await ticket('b-gone-customer', { team: teamB, assignee: agentB.userId, customer: gone });
  await ticket('b-unassigned', { team: teamB, assignee: null });
  await ticket('no-team', { team: null, assignee: null });
});
afterAll(async () => t.close());

describe('ticket scope in the queues', () => {
  it('shows a team lead every active ticket of the team, whoever it went to, and no closed or deleted one', async () => {
    const team = await list(lead, 'filter[queue]=team');
    expect(team.names).toEqual(['a-to-b', 'a-unassigned', 'a1-open', 'a1-pending', 'rep']);
    expect(team.total).toBe(5);
    // the lead's active list adds tickets of another team assigned to someone in the lead's tree
    expect((await list(lead, 'filter[status]=active')).names).toEqual(['a-to-b', 'a-unassigned', 'a1-open', 'a1-pending', 'b-to-a2', 'rep']);
    expect((await list(lead, 'filter[status]=pending_customer')).names).toEqual(['a1-pending']);
    expect((await list(lead, 'filter[queue]=unassigned')).names).toEqual(['a-unassigned']);
  });

  it('gives an agent of the department the team queue, their own queue and the team’s unassigned tickets', async () => {
    expect((await list(agentA1, 'filter[queue]=mine')).names).toEqual(['a1-open', 'a1-pending']);
    expect((await list(agentA2, 'filter[queue]=mine')).names).toEqual(['b-to-a2']);
    expect((await list(agentA1, 'filter[queue]=team')).names).toEqual(['a-to-b', 'a-unassigned', 'a1-open', 'a1-pending', 'rep']);
    expect((await list(agentA1, 'filter[queue]=unassigned')).names).toEqual(['a-unassigned']);
    expect((await list(agentB, 'filter[queue]=team')).names).toEqual(['b-gone-customer', 'b-own-customer', 'b-to-a2', 'b-unassigned']);
    // without a queue or status filter, history (closed, resolved) is listed too
    expect((await list(agentA1, '')).names).toEqual([
      'a-to-b', 'a-unassigned', 'a-unassigned-closed', 'a1-closed', 'a1-open', 'a1-pending', 'a1-resolved', 'b-to-a2', 'rep',
    ]);
  });

  it('keeps a rep with scope own to their tickets and the team’s unassigned ones', async () => {
    expect((await list(repA, 'filter[queue]=mine')).names).toEqual(['rep']);
    expect((await list(repA, 'filter[queue]=team')).names).toEqual(['a-unassigned', 'rep']);
    expect((await list(repA, 'filter[queue]=unassigned')).names).toEqual(['a-unassigned']);
    expect((await list(repA, 'filter[status]=active')).names).toEqual(['a-unassigned', 'rep']);
    expect((await list(repA, '')).names).toEqual(['a-unassigned', 'a-unassigned-closed', 'rep']);
  });
});

describe('ticket scope on the ticket page', () => {
  it('opens a ticket in team scope, closed ones included, and answers 404 outside it', async () => {
    expect(await page(lead, 'b-to-a2')).toBe(200);
    expect(await page(agentA1, 'a1-closed')).toBe(200);
    expect(await page(agentA1, 'a-to-b')).toBe(200);
    expect(await page(agentA1, 'b-unassigned')).toBe(404);
    expect(await page(agentA1, 'a1-deleted')).toBe(404);
    expect(await page(agentB, 'a1-open')).toBe(404);
    expect(await page(repA, 'a1-open')).toBe(404);
    expect(await page(repA, 'a-unassigned-closed')).toBe(200);
    expect(await page(repA, 'no-team')).toBe(404);
  });

  it('opens a ticket about a customer the caller may see (owned or collaborated), though it stays out of their queues', async () => {
    expect(await page(repA, 'b-own-customer')).toBe(200);
    expect(await page(repA, 'b-collab-customer')).toBe(200);
    // a deleted customer no longer opens its tickets
    expect(await page(repA, 'b-gone-customer')).toBe(404);
    expect((await list(repA, '')).names).not.toContain('b-own-customer');
    // a rep who may not read tickets at all is refused by permission, not by scope
    expect(await page(salesRep, 'b-collab-customer')).toBe(403);
  });
});

describe('the shapes of the rule', () => {
  it('selects the same tickets as a set (whole history or active only), row by row, and with the ids named', async () => {
    const scopes = [
      { id: lead.userId, dataScope: 'department_tree', departmentId: teamA },
      { id: agentA1.userId, dataScope: 'department', departmentId: teamA },
      { id: agentB.userId, dataScope: 'department', departmentId: teamB },
      { id: repA.userId, dataScope: 'own', departmentId: teamA },
      { id: lead.userId, dataScope: 'own_subordinates', departmentId: teamA },
      { id: agentA1.userId, dataScope: 'department', departmentId: null },
    ] as const;
    const ids = async (where: ReturnType<typeof sql>) =>
      (await t.database.rows<{ id: number }>(sql`select t.id from tickets t where t.deleted_at is null and ${where} order by t.id`)).map((r) => Number(r.id));
    for (const scope of scopes) {
      const resolved = await resolveScope(t.database, scope);
      const all = await ids(ticketVisible(scope, 't'));
      expect(await ids(ticketVisibleRow(scope, 't')), scope.dataScope).toEqual(all);
      expect(await ids(ticketVisibleRow(resolved, 't')), scope.dataScope).toEqual(all);
      const active = await ids(sql`t.status in ${activeStatuses} and ${ticketVisible(scope, 't')}`);
      expect(await ids(sql`t.status in ${activeStatuses} and ${ticketVisible(scope, 't', { activeOnly: true })}`)).toEqual(active);
      expect(await ids(sql`t.status in ${activeStatuses} and ${ticketVisible(resolved, 't', { activeOnly: true })}`)).toEqual(active);
      expect(active.length).toBeLessThan(all.length);
    }
  });
});
