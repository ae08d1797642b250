// Who sees which tickets. A ticket belongs to a team (a department) and, once assigned, to an
// agent. The role's data scope decides, like for every owned row, through ownedBy on the assignee;
// on top of that a team's tickets are the team's business:
//   - scope all: every ticket;
//   - department / department_tree: tickets assigned within scope (ownedBy), and every ticket
//     whose team is the caller's department (or one below it, for department_tree) — a team lead
//     sees a ticket of the team even when it went to someone outside it;
//   - own / own_subordinates: tickets assigned within scope, and the unassigned tickets of the
//     caller's department (the queue they pick from).
// A customer's tickets also appear on the customer's timeline for anyone who may see the customer
// (timeline.service.ts), and a caller who may see the customer may read its tickets (see
// tickets.service findTicket); queues and lists use only the rule above.
//
// Written as `id in (… union all …)`, one index-served branch each (assignee, team), as the
// customers' scope is, instead of an OR that defeats the indexes on 5M tickets.
import { sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../auth/actor.js';
import { ownedBy } from '../platform/data-scope.js';

type ScopeActor = Pick<Actor, 'id' | 'dataScope' | 'departmentId'>;

/** The team ids (department ids) that count as the caller's team, as a subquery; null = none. */
export function teamIds(actor: ScopeActor): SQL | null {
  if (actor.departmentId === null) return null;
  if (actor.dataScope === 'department_tree' || actor.dataScope === 'all') {
    return sql`with recursive tree(id) as (select ${actor.departmentId}::bigint union select d.id from departments d join tree on d.parent_id = tree.id) select id from tree`;
  }
  return sql`select ${actor.departmentId}::bigint`;
}

export function ticketVisible(actor: ScopeActor, alias = 't'): SQL {
  if (actor.dataScope === 'all') return sql`true`;
  const t = sql.raw(alias);
  const teams = teamIds(actor);
  const branches: SQL[] = [sql`select v.id from tickets v where v.deleted_at is null and ${ownedBy(actor, sql`v.assignee_id`)}`];
  if (teams) {
    const onlyUnassigned = actor.dataScope === 'own' || actor.dataScope === 'own_subordinates' ? sql`and v.assignee_id is null` : sql``;
    branches.push(sql`select v.id from tickets v where v.deleted_at is null and v.team_id in (${teams}) ${onlyUnassigned}`);
  }
  return sql`${t}.id in (${sql.join(branches, sql` union all `)})`;
}

/** Statuses in which the ticket still needs work (and its clocks may run). */
export const activeStatuses = sql`('new', 'open', 'pending_customer')`;

export function queueFilter(actor: ScopeActor, queue: 'mine' | 'team' | 'unassigned' | 'breaching_soon' | 'breached', alias = 't'): SQL {
  const t = sql.raw(alias);
  switch (queue) {
    case 'mine':
      return sql`${t}.assignee_id = ${actor.id} and ${t}.status in ${activeStatuses}`;
    case 'team': {
      const teams = teamIds(actor);
      return teams ? sql`${t}.team_id in (${teams}) and ${t}.status in ${activeStatuses}` : sql`${t}.team_id is not null and ${t}.status in ${activeStatuses}`;
    }
    case 'unassigned':
      return sql`${t}.assignee_id is null and ${t}.status in ${activeStatuses}`;
    case 'breaching_soon':
      return sql`${t}.near_breach and ${t}.sla_first_response <> 'breached' and ${t}.sla_resolution <> 'breached' and ${t}.status in ${activeStatuses}`;
    case 'breached':
      return sql`(${t}.sla_first_response = 'breached' or ${t}.sla_resolution = 'breached') and ${t}.status in ${activeStatuses}`;
  }
}
