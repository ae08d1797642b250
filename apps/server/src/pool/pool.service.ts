// The public pool (公海): listing unowned customers, and the three ownership moves — a rep claims,
// a manager assigns, an owner releases. Every move is one transaction that writes the customer,
// a customer_events row for the timeline and the audit log, and bumps the customer's version.
import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { CustomerOwnership, PoolCustomer } from '@guanxi/contracts';
import type { Database, DbOrTx, Tx } from '../db/client.js';
import { customerEvents, customers } from '../db/schema.js';
import { recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { ownedBy } from '../platform/data-scope.js';
import { AppError, conflict, forbidden, msg, notFound } from '../platform/errors.js';
import { maskEmail, maskPhone } from '../platform/masking.js';
import { countRows, keyset, pageOf, parseSort } from '../platform/pagination.js';
import { iso, isoNN } from '../platform/versioned.js';
import { getPoolSettings } from './pool-settings.js';

type CustomerRow = typeof customers.$inferSelect;

/** Advisory-lock namespace for per-user ownership changes (claims and assignments to that user). */
const OWNER_LOCK_NAMESPACE = 7_361_200;

const poolColumns = {
  id: customers.id,
  kind: customers.kind,
  name: customers.name,
  mobile: customers.mobile,
  phone: customers.phone,
  email: customers.email,
  province: customers.province,
  city: customers.city,
  industry: customers.industry,
  source: customers.source,
  importance: customers.importance,
  poolSince: customers.poolSince,
  previousOwnerId: customers.previousOwnerId,
  releasedAt: customers.releasedAt,
  lastFollowUpAt: customers.lastFollowUpAt,
  createdAt: customers.createdAt,
  version: customers.version,
};
type PoolRow = { [K in keyof typeof poolColumns]: CustomerRow[K] };

// Contact channels stay masked until someone claims the customer, whatever the caller's role.
function toPoolCustomer(r: PoolRow): PoolCustomer {
  return {
    ...r,
    mobile: maskPhone(r.mobile),
    phone: maskPhone(r.phone),
    email: maskEmail(r.email),
    poolSince: iso(r.poolSince),
    releasedAt: iso(r.releasedAt),
    lastFollowUpAt: iso(r.lastFollowUpAt),
    createdAt: isoNN(r.createdAt),
  };
}

const sortColumns = {
  poolSince: { expr: sql`${customers.poolSince}`, kind: 'timestamp' as const },
  name: { expr: sql`${customers.name}`, kind: 'text' as const },
  createdAt: { expr: sql`${customers.createdAt}`, kind: 'timestamp' as const },
  lastFollowUpAt: { expr: sql`${customers.lastFollowUpAt}`, kind: 'timestamp' as const },
};

export interface PoolListQuery {
  q?: string | undefined;
  sort?: string | undefined;
  limit: number;
  cursor?: string | undefined;
  'filter[kind]'?: 'individual' | 'organization' | undefined;
  'filter[province]'?: string | undefined;
  'filter[city]'?: string | undefined;
  'filter[industry]'?: string | undefined;
  'filter[source]'?: string | undefined;
  'filter[importance]'?: 'vip' | 'important' | 'ordinary' | undefined;
}

const likePattern = (q: string) => `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The pool is unowned by definition, so it needs no data-scope filter: owned rows never appear. */
export async function listPool(database: Database, query: PoolListQuery): Promise<{ data: PoolCustomer[]; nextCursor: string | null; total: number; totalApproximate: boolean }> {
  const filters: SQL[] = [sql`${customers.ownerId} is null`, sql`${customers.deletedAt} is null`];
  if (query.q) filters.push(sql`${customers.searchText} like ${likePattern(query.q)}`);
  const eqFilters: Array<[keyof PoolListQuery, SQL]> = [
    ['filter[kind]', sql`${customers.kind}`],
    ['filter[province]', sql`${customers.province}`],
    ['filter[city]', sql`${customers.city}`],
    ['filter[industry]', sql`${customers.industry}`],
    ['filter[source]', sql`${customers.source}`],
    ['filter[importance]', sql`${customers.importance}`],
  ];
  for (const [key, column] of eqFilters) {
    const value = query[key];
    if (value !== undefined && value !== '') filters.push(sql`${column} = ${value}`);
  }
  const where = sql.join(filters, sql` and `);
  const spec = parseSort(query.sort, sortColumns, '-poolSince');
  const page = keyset(spec, sql`${customers.id}`, query.cursor);
  const rows = await database.db
    .select({ ...poolColumns, sortValue: sql<string | null>`${page.sortValue}` })
    .from(customers)
    .where(sql`${where} and ${page.where}`)
    .orderBy(page.orderBy)
    .limit(query.limit + 1);
  const count = await countRows(database, sql`customers where ${where}`);
  const shown = pageOf(rows, query.limit, (r) => [r.sortValue, r.id]);
  return {
    data: shown.rows.map(toPoolCustomer),
    total: count.total,
    totalApproximate: count.approximate,
    nextCursor: shown.nextCursor,
  };
}

function toOwnership(r: CustomerRow): CustomerOwnership {
  return {
    id: r.id,
    ownerId: r.ownerId,
    ownerSince: iso(r.ownerSince),
    poolSince: iso(r.poolSince),
    previousOwnerId: r.previousOwnerId,
    releasedAt: iso(r.releasedAt),
    version: r.version,
  };
}

/** Serialises every ownership change towards one user, so limits counted inside hold under concurrency. */
async function lockOwner(tx: Tx, userId: number): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${OWNER_LOCK_NAMESPACE}::int, ${userId}::int)`);
}

async function countOwned(tx: DbOrTx, userId: number): Promise<number> {
  const result = (await tx.execute(sql`select count(*)::int as n from customers where owner_id = ${userId} and deleted_at is null`)) as unknown as { rows: Array<{ n: number }> };
  return result.rows[0]?.n ?? 0;
}

async function checkOwnershipCap(tx: DbOrTx, userId: number, cap: number | null, self: boolean): Promise<void> {
  if (cap === null) return;
  if ((await countOwned(tx, userId)) >= cap) {
    throw conflict(
      self
        ? msg(`You already own ${cap} customers, the most one user may own. Release some first.`, `您名下客户已达上限 ${cap} 个，请先释放部分客户。`)
        : msg(`This user already owns ${cap} customers, the most one user may own.`, `该用户名下客户已达上限 ${cap} 个。`),
      [{ path: self ? 'customer' : 'userId', message: `owns ${cap} customers already`, code: 'ownership_cap' }],
    );
  }
}

const alreadyOwned = () =>
  conflict(msg('Someone else has already claimed this customer.', '该客户已被他人领取。'), [{ path: 'customer', message: 'not in the pool', code: 'already_owned' }]);

async function findLive(tx: DbOrTx, id: number): Promise<CustomerRow> {
  const [row] = await tx.select().from(customers).where(and(eq(customers.id, id), isNull(customers.deletedAt)));
  if (!row) throw notFound();
  return row;
}

async function recordMove(
  tx: DbOrTx,
  ctx: Ctx,
  move: { customerId: number; kind: 'claimed' | 'assigned' | 'released'; from: number | null; to: number | null; data: Record<string, unknown>; action: string },
): Promise<void> {
  await tx.insert(customerEvents).values({ customerId: move.customerId, kind: move.kind, actorId: ctx.actor.id, fromUserId: move.from, toUserId: move.to, data: move.data });
  await recordAudit(tx, ctx, { entity: 'customer', entityId: move.customerId, action: move.action, changes: { ownerId: { old: move.from, new: move.to } } });
}

/** Counts claims since midnight in the company's time zone. */
async function claimsToday(tx: DbOrTx, userId: number, timeZone: string): Promise<number> {
  const result = (await tx.execute(sql`
    select count(*)::int as n from customer_events
    where actor_id = ${userId} and kind = 'claimed'
      and at >= (date_trunc('day', now() at time zone ${timeZone}) at time zone ${timeZone})`)) as unknown as { rows: Array<{ n: number }> };
  return result.rows[0]?.n ?? 0;
}

/**
 * A rep takes a pool customer. Races are settled by the conditional update (`owner_id is null`):
 * of several concurrent claims exactly one updates the row, the others get 409. The per-user
 * advisory lock makes the daily limit and the ownership cap hold when one user claims in parallel.
 */
export async function claimCustomer(database: Database, ctx: Ctx, customerId: number, timeZone: string): Promise<CustomerOwnership> {
  return database.db.transaction(async (tx) => {
    await lockOwner(tx, ctx.actor.id);
    const limits = await getPoolSettings(tx);
    const before = await findLive(tx, customerId);
    if (before.ownerId !== null) {
      if (before.ownerId === ctx.actor.id) throw conflict(msg('You already own this customer.', '该客户已在您名下。'), [{ path: 'customer', message: 'already yours', code: 'already_owned' }]);
      throw alreadyOwned();
    }
    if (limits.reclaimBlockDays > 0 && before.previousOwnerId === ctx.actor.id && before.releasedAt) {
      const until = new Date(before.releasedAt.getTime() + limits.reclaimBlockDays * 86_400_000);
      if (until > new Date()) {
        throw conflict(
          msg(`You released this customer recently; you may claim it again after ${until.toISOString().slice(0, 10)}.`, `您近期释放过该客户，${until.toISOString().slice(0, 10)} 之后才能重新领取。`),
          [{ path: 'customer', message: `re-claim blocked until ${until.toISOString()}`, code: 'reclaim_blocked' }],
        );
      }
    }
    if (limits.dailyClaimLimit !== null && (await claimsToday(tx, ctx.actor.id, timeZone)) >= limits.dailyClaimLimit) {
      throw conflict(
        msg(`You have reached today's claim limit (${limits.dailyClaimLimit}).`, `您今日领取的客户已达上限（${limits.dailyClaimLimit} 个）。`),
        [{ path: 'customer', message: `daily claim limit ${limits.dailyClaimLimit} reached`, code: 'daily_claim_limit' }],
      );
    }
    await checkOwnershipCap(tx, ctx.actor.id, limits.maxOwnedPerUser, true);
    const [after] = await tx
      .update(customers)
      .set({ ownerId: ctx.actor.id, ownerSince: sql`now()`, poolSince: null, version: sql`${customers.version} + 1`, updatedAt: sql`now()`, updatedBy: ctx.actor.id })
      .where(and(eq(customers.id, customerId), isNull(customers.ownerId), isNull(customers.deletedAt)))
      .returning();
    if (!after) throw alreadyOwned();
    await recordMove(tx, ctx, { customerId, kind: 'claimed', from: null, to: ctx.actor.id, data: {}, action: 'claim' });
    return toOwnership(after);
  });
}

/** A manager gives a customer (from the pool or from someone in their scope) to a user in their scope. */
export async function assignCustomer(database: Database, ctx: Ctx, customerId: number, userId: number): Promise<CustomerOwnership> {
  return database.db.transaction(async (tx) => {
    const target = (await tx.execute(sql`
      select id from users where id = ${userId} and active and deleted_at is null and ${ownedBy(ctx.actor, sql`id`)}`)) as unknown as { rows: unknown[] };
    if (!target.rows.length) {
      throw new AppError('FORBIDDEN', msg('You can only assign customers to active users in your data scope.', '只能分配给您数据权限范围内的在职用户。'), [
        { path: 'userId', message: 'not an active user in your data scope', code: 'out_of_scope' },
      ]);
    }
    await lockOwner(tx, userId);
    const [before] = await tx
      .select()
      .from(customers)
      .where(and(eq(customers.id, customerId), isNull(customers.deletedAt), sql`(${customers.ownerId} is null or ${ownedBy(ctx.actor, customers.ownerId)})`))
      .for('update');
    if (!before) throw notFound();
    if (before.ownerId === userId) throw conflict(msg('The customer already belongs to this user.', '该客户已属于此用户。'), [{ path: 'userId', message: 'already the owner', code: 'already_owned' }]);
    const limits = await getPoolSettings(tx);
    await checkOwnershipCap(tx, userId, limits.maxOwnedPerUser, false);
    const [after] = await tx
      .update(customers)
      .set({
        ownerId: userId,
        ownerSince: sql`now()`,
        poolSince: null,
        previousOwnerId: before.ownerId ?? before.previousOwnerId,
        version: sql`${customers.version} + 1`,
        updatedAt: sql`now()`,
        updatedBy: ctx.actor.id,
      })
      .where(eq(customers.id, customerId))
      .returning();
    await recordMove(tx, ctx, { customerId, kind: 'assigned', from: before.ownerId, to: userId, data: { fromPool: before.ownerId === null }, action: 'assign' });
    return toOwnership(after!);
  });
}

/** The owner (or a manager over the owner) puts a customer back into the pool, saying why. */
export async function releaseCustomer(database: Database, ctx: Ctx, customerId: number, reason: string): Promise<CustomerOwnership> {
  return database.db.transaction(async (tx) => {
    const before = await findLive(tx, customerId);
    if (before.ownerId === null) throw conflict(msg('This customer is already in the pool.', '该客户已在公海中。'), [{ path: 'customer', message: 'already in the pool', code: 'in_pool' }]);
    if (before.ownerId !== ctx.actor.id) {
      const visible = (await tx.execute(sql`select 1 from users where id = ${before.ownerId} and ${ownedBy(ctx.actor, sql`id`)}`)) as unknown as { rows: unknown[] };
      if (!visible.rows.length) throw notFound();
      if (!ctx.actor.permissions.has('customers.assign')) throw forbidden(msg('Only the owner can release this customer.', '只有负责人可以释放该客户。'));
    }
    const [after] = await tx
      .update(customers)
      .set({
        ownerId: null,
        ownerSince: null,
        poolSince: sql`now()`,
        previousOwnerId: before.ownerId,
        releasedAt: sql`now()`,
        version: sql`${customers.version} + 1`,
        updatedAt: sql`now()`,
        updatedBy: ctx.actor.id,
      })
      .where(and(eq(customers.id, customerId), eq(customers.ownerId, before.ownerId)))
      .returning();
    if (!after) throw conflict(msg('The customer changed hands meanwhile; reload and try again.', '该客户的负责人刚刚发生变化，请刷新后重试。'));
    await tx.execute(sql`update tasks set done_at = now(), updated_at = now(), version = version + 1
      where customer_id = ${customerId} and kind = 'pool_warning' and done_at is null and deleted_at is null`);
    await recordMove(tx, ctx, { customerId, kind: 'released', from: before.ownerId, to: null, data: { reason }, action: 'release' });
    return toOwnership(after);
  });
}
