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
// The rule comes in two shapes with the same meaning (bench/service/notes.md measured both):
//   - ticketVisible: `id in (… union all …)`, one index-served branch each (assignee, team), where
//     the owners are a subquery; `activeOnly` keeps the branches on the active partial indexes
//     instead of the team's whole history;
//   - ticketVisibleRow: a test of the row's own columns — for one ticket, when another condition (a
//     period, a visit) picks the rows, and for lists once resolveScope has named the owner and team
//     ids: then the OR is index conditions (a BitmapOr), not subplans that defeat the indexes.
import { sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/client.js';
import { ownedBy, visibleOwners } from '../platform/data-scope.js';

type ScopeActor = Pick<Actor, 'id' | 'dataScope' | 'departmentId'>;

/**
 * Statuses in which the ticket still needs work (and its clocks may run); written as literals, the
 * very text of the active partial indexes' predicate, so the planner can prove it.
 */
export const activeStatuses = sql`('new', 'open', 'pending_customer')`;

/** The team ids (department ids) that count as the caller's team, as a subquery or a list; null = none. */
export function teamIds(actor: ScopeActor | ResolvedScope): SQL | null {
  if ('teams' in actor) return actor.teams === null ? null : idList(actor.teams);
  if (actor.departmentId === null) return null;
  if (actor.dataScope === 'department_tree' || actor.dataScope === 'all') {
    return sql`with recursive tree(id) as (select ${actor.departmentId}::bigint union select d.id from departments d join tree on d.parent_id = tree.id) select id from tree`;
  }
  return sql`select ${actor.departmentId}::bigint`;
}

/**
 * A caller whose team and owner ids were looked up once (two tiny queries). Lists then name the ids
 * instead of subqueries: the planner seeks the active indexes per id rather than reading them whole
 * and hashing them against the subquery; with one team, `team_id in ($1)` is `team_id = $1`, read in
 * the queue's order up to the page; and it estimates the rows (the approximate total) from the ids.
 */
export interface ResolvedScope extends ScopeActor {
  teams: readonly number[] | null;
  /** null: every owner (scope all), or too many to name (the subquery is used). */
  owners: readonly number[] | null;
}

/** Beyond this many, naming the owners would make a long statement; the subquery serves instead. */
const MAX_NAMED_OWNERS = 500;

export async function resolveScope(database: Pick<Database, 'rows'>, actor: ScopeActor): Promise<ResolvedScope> {
  const scope: ScopeActor = { id: actor.id, dataScope: actor.dataScope, departmentId: actor.departmentId };
  const ids = async (query: SQL | null) => (query === null ? null : (await database.rows<{ id: number }>(sql`select id from (${query}) s(id) order by id`)).map((r) => Number(r.id)));
  const teams = await ids(teamIds(scope));
  const owners = await ids(visibleOwners(scope));
  return { ...scope, teams, owners: owners !== null && owners.length <= MAX_NAMED_OWNERS ? owners : null };
}

const idList = (ids: readonly number[]): SQL => (ids.length ? sql.join(ids.map((id) => sql`${id}::bigint`), sql`, `) : sql`null`);

/** ownedBy, with the owners named when they were resolved. */
export function owned(actor: ScopeActor | ResolvedScope, column: SQL): SQL {
  if ('owners' in actor && actor.owners !== null) return sql`${column} in (${idList(actor.owners)})`;
  return ownedBy(actor, column);
}

export interface VisibleOptions {
  /** Only tickets still being worked (activeStatuses): lets both branches use the active partial indexes. */
  activeOnly?: boolean;
}

export function ticketVisible(actor: ScopeActor, alias = 't', options: VisibleOptions = {}): SQL {
  if (actor.dataScope === 'all') return sql`true`;
  const t = sql.raw(alias);
  const teams = teamIds(actor);
  const live = options.activeOnly ? sql`v.deleted_at is null and v.status in ${activeStatuses}` : sql`v.deleted_at is null`;
  const branches: SQL[] = [sql`select v.id from tickets v where ${live} and ${owned(actor, sql`v.assignee_id`)}`];
  if (teams) {
    const onlyUnassigned = ownScope(actor) ? sql`and v.assignee_id is null` : sql``;
    branches.push(sql`select v.id from tickets v where ${live} and v.team_id in (${teams}) ${onlyUnassigned}`);
  }
  return sql`${t}.id in (${sql.join(branches, sql` union all `)})`;
}

/** The same rule as ticketVisible, on the row's own columns (the owner and team lists are small, hashed once). */
export function ticketVisibleRow(actor: ScopeActor, alias = 't'): SQL {
  if (actor.dataScope === 'all') return sql`true`;
  const t = sql.raw(alias);
  const teams = teamIds(actor);
  const assigned = owned(actor, sql`${t}.assignee_id`);
  if (!teams) return assigned;
  const onlyUnassigned = ownScope(actor) ? sql`${t}.assignee_id is null and ` : sql``;
  return sql`(${assigned} or (${onlyUnassigned}${t}.team_id in (${teams})))`;
}

const ownScope = (actor: ScopeActor) => actor.dataScope === 'own' || actor.dataScope === 'own_subordinates';

type Queue = 'mine' | 'team' | 'unassigned' | 'breaching_soon' | 'breached';

/**
 * Whether every ticket of the queue is in the caller's scope anyway, so the list needs no scope
 * condition: `mine` always (visibleOwners includes the caller), `team` when the scope's team
 * branch is the queue's own condition (department scopes: the same teamIds, assigned or not).
 */
export function queueImpliesScope(actor: ScopeActor, queue: Queue | undefined): boolean {
  if (actor.dataScope === 'all' || queue === 'mine') return true;
  return queue === 'team' && actor.departmentId !== null && !ownScope(actor);
}

export function queueFilter(actor: ScopeActor, queue: Queue, alias = 't'): SQL {
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
