// The one place where a role's data scope becomes SQL. Every repository that lists, counts, finds
// or changes owned rows adds `ownedBy(actor, column)` to its WHERE clause.
import { sql, type SQL, type AnyColumn } from 'drizzle-orm';
import type { Actor } from '../auth/actor.js';

/**
 * The set of user ids whose rows the actor may see, as a subquery; `null` means every owner.
 * - own: the actor alone
 * - own_subordinates: the actor and everyone below them in the manager chain
 * - department: everyone in the actor's department (the actor alone without one)
 * - department_tree: everyone in the actor's department and its sub-departments
 */
export function visibleOwners(actor: Pick<Actor, 'id' | 'dataScope' | 'departmentId'>): SQL | null {
  switch (actor.dataScope) {
    case 'all':
      return null;
    case 'own':
      return sql`select ${actor.id}::bigint`;
    case 'own_subordinates':
      return sql`with recursive sub(id) as (
          select ${actor.id}::bigint
          union select u.id from users u join sub on u.manager_id = sub.id
        ) select id from sub`;
    case 'department':
      if (actor.departmentId === null) return sql`select ${actor.id}::bigint`;
      return sql`select id from users where department_id = ${actor.departmentId} union select ${actor.id}::bigint`;
    case 'department_tree':
      if (actor.departmentId === null) return sql`select ${actor.id}::bigint`;
      return sql`with recursive tree(id) as (
          select ${actor.departmentId}::bigint
          union select d.id from departments d join tree on d.parent_id = tree.id
        ) select u.id from users u where u.department_id in (select id from tree) union select ${actor.id}::bigint`;
  }
}

/** A condition restricting `ownerColumn` to the actor's scope (always true for scope `all`). */
export function ownedBy(actor: Pick<Actor, 'id' | 'dataScope' | 'departmentId'>, ownerColumn: AnyColumn | SQL): SQL {
  const owners = visibleOwners(actor);
  return owners === null ? sql`true` : sql`${ownerColumn} in (${owners})`;
}
