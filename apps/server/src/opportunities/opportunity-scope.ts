// Which owners' deals a query covers: the caller's data scope, narrowed by the owner and
// department filters. Every list, board, forecast and total goes through `dealOwners`.
import { sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../auth/actor.js';
import { visibleOwners } from '../platform/data-scope.js';

export interface OwnerFilters {
  ownerId?: 'me' | number | undefined;
  /** owners in this department and its sub-departments */
  departmentId?: number | undefined;
}

/**
 * The owner ids as a subquery, or null for every owner (scope `all`, no filter). Returned as a
 * set rather than a condition so the board can walk it owner by owner (see opportunity-board.service.ts).
 */
export function dealOwners(actor: Actor, filters: OwnerFilters): SQL | null {
  const visible = visibleOwners(actor);
  if (filters.ownerId === undefined && filters.departmentId === undefined) return visible;
  const conds: SQL[] = [];
  if (filters.ownerId !== undefined) conds.push(sql`u.id = ${filters.ownerId === 'me' ? actor.id : filters.ownerId}`);
  if (filters.departmentId !== undefined) {
    conds.push(sql`u.department_id in (with recursive tree(id) as (
        select ${filters.departmentId}::bigint
        union select d.id from departments d join tree on d.parent_id = tree.id
      ) select id from tree)`);
  }
  if (visible) conds.push(sql`u.id in (${visible})`);
  return sql`select u.id from users u where ${sql.join(conds, sql` and `)}`;
}

/** A condition on `column` for the owner set (always true for every owner). */
export function ownerIn(owners: SQL | null, column: SQL): SQL {
  return owners === null ? sql`true` : sql`${column} in (${owners})`;
}

/** Effective probability × amount, to the cent per deal, in numeric (o = opportunities, s = its stage). */
export const weightedExpr = sql`round(o.amount * coalesce(o.probability_override, s.probability) / 100, 2)`;
