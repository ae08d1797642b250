// Which customers a caller may see: the role's data scope over the owner (ownedBy), plus
// customers on which someone in that scope is a collaborator. Pool customers (no owner) are
// seen only by scope `all`; scoped roles reach them through the pool API.
//
// Written as a semi-join on the visible ids (owned ∪ collaborated) rather than
// `owner in (…) or exists (collaborator)`: the OR defeats every index, and at 1M customers a
// rep's list count went from ~6 s (sequential scan) to ~0.3 s (owner index, then primary key).
import { sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../auth/actor.js';
import { ownedBy } from '../platform/data-scope.js';

type ScopeActor = Pick<Actor, 'id' | 'dataScope' | 'departmentId'>;

/** A condition on the customers row aliased `alias`; `deleted` picks the recycle bin's rows instead of live ones. */
export function customerVisible(actor: ScopeActor, alias = 'customers', deleted = false): SQL {
  if (actor.dataScope === 'all') return sql`true`;
  const c = sql.raw(alias);
  const state = deleted ? sql`v.deleted_at is not null` : sql`v.deleted_at is null`;
  return sql`(${c}.owner_id is not null and ${c}.id in (
    select v.id from customers v where ${state} and ${ownedBy(actor, sql`v.owner_id`)}
    union all
    select cc.customer_id from customer_collaborators cc where ${ownedBy(actor, sql`cc.user_id`)}))`;
}

/**
 * The same rule on the row's own columns, for one customer at a time (a ticket's, a probe per row):
 * the set shape above would list every customer in scope for it. Callers add `deleted_at is null`.
 */
export function customerVisibleRow(actor: ScopeActor, alias = 'customers'): SQL {
  if (actor.dataScope === 'all') return sql`true`;
  const c = sql.raw(alias);
  return sql`(${c}.owner_id is not null and (${ownedBy(actor, sql`${c}.owner_id`)}
    or exists (select 1 from customer_collaborators cc where cc.customer_id = ${c}.id and ${ownedBy(actor, sql`cc.user_id`)})))`;
}

/** A live (not deleted) customer the caller may see. */
export function liveVisibleCustomer(actor: ScopeActor, alias = 'customers'): SQL {
  return sql`(${sql.raw(alias)}.deleted_at is null and ${customerVisible(actor, alias)})`;
}
