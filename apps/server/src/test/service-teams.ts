// The people both service-report oracle tests need: two teams, an agent in each, an agent of the
// first team with an "own" scope, and a VIP customer of the first agent.
import { sql } from 'drizzle-orm';
import { ADMIN, createTestContext, type Session, type TestContext } from './test-app.js';

export interface ServiceTeams {
  t: TestContext;
  admin: Session;
  teamA: number;
  teamB: number;
  agentA: Session;
  agentB: Session;
  /** In team A with the data scope `own`. */
  repA: Session;
  customer: number;
}

export async function serviceTeams(): Promise<ServiceTeams> {
  const t = await createTestContext();
  const admin = await t.login(ADMIN.email, ADMIN.password);
  const [a] = await t.database.rows<{ id: number }>(sql`insert into departments (name) values ('售后一组') returning id`);
  const [b] = await t.database.rows<{ id: number }>(sql`insert into departments (name) values ('A team') returning id`);
  const teamA = Number(a!.id);
  const teamB = Number(b!.id);
  const agentA = await t.userWithRole('service', { departmentId: teamA });
  const agentB = await t.userWithRole('service', { departmentId: teamB });
  await t.database.db.execute(sql`insert into roles (key, name, data_scope, permissions) values ('service_own', '一线客服', 'own', array['service.read', 'service.write']::text[])`);
  const repA = await t.userWithRole('service_own', { departmentId: teamA });
  const [c] = await t.database.rows<{ id: number }>(sql`insert into customers (kind, relationship_type, name, importance, owner_id) values ('individual', 'consumer', '王芳', 'vip', ${agentA.userId}) returning id`);
  return { t, admin, teamA, teamB, agentA, agentB, repA, customer: Number(c!.id) };
}
