// The approval rule for orders (订单审批) and the bookkeeping around a request: who approves, the
// approver's task. The decisions themselves (approve/reject) move the order and live in
// orders.service.ts. One settings row (id 1) holds the company's thresholds; a null one is off.
import { sql } from 'drizzle-orm';
import type { OrderApprovalSettings } from '@guanxi/contracts';
import type { Database, DbOrTx } from '../db/client.js';
import { orderApprovalSettings } from '../db/schema.js';
import { diff, recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { versionConflict } from '../platform/errors.js';
import { iso } from '../platform/versioned.js';

const settingsId = 1;

type SettingsRow = { amount: string | null; rate: string | null; version: number; updated_at: Date | string | null; updated_by: number | null };

export async function getApprovalSettings(database: Database, db: DbOrTx = database.db): Promise<OrderApprovalSettings> {
  const [row] = await database.rows<SettingsRow>(
    sql`select amount_threshold::text as amount, discount_rate_threshold::text as rate, version, updated_at, updated_by
        from order_approval_settings where id = ${settingsId}`,
    db,
  );
  if (!row) return { amountThreshold: null, discountRateThreshold: null, version: 0, updatedAt: null, updatedBy: null };
  return {
    amountThreshold: row.amount,
    discountRateThreshold: row.rate,
    version: Number(row.version),
    updatedAt: iso(row.updated_at),
    updatedBy: row.updated_by === null ? null : Number(row.updated_by),
  };
}

export async function updateApprovalSettings(
  database: Database,
  ctx: Ctx,
  input: { amountThreshold: string | null; discountRateThreshold: string | null; version: number },
): Promise<OrderApprovalSettings> {
  return database.db.transaction(async (tx) => {
    // The row lock (or, before the first save, the insert's conflict) serialises concurrent saves.
    await database.rows(sql`select id from order_approval_settings where id = ${settingsId} for update`, tx);
    const before = await getApprovalSettings(database, tx);
    if (before.version !== input.version) throw versionConflict(before);
    if (before.version === 0) {
      const inserted = await tx
        .insert(orderApprovalSettings)
        .values({ id: settingsId, amountThreshold: input.amountThreshold, discountRateThreshold: input.discountRateThreshold, createdBy: ctx.actor.id, updatedBy: ctx.actor.id })
        .onConflictDoNothing()
        .returning({ id: orderApprovalSettings.id });
      if (!inserted.length) throw versionConflict(await getApprovalSettings(database, tx));
    } else {
      await database.rows(
        sql`update order_approval_settings set amount_threshold = ${input.amountThreshold}::numeric, discount_rate_threshold = ${input.discountRateThreshold}::numeric,
              version = version + 1, updated_at = now(), updated_by = ${ctx.actor.id}
            where id = ${settingsId}`,
        tx,
      );
    }
    const after = await getApprovalSettings(database, tx);
    await recordAudit(tx, ctx, { entity: 'order_approval_settings', entityId: settingsId, action: 'update', changes: diff(before, after, ['amountThreshold', 'discountRateThreshold']) });
    return after;
  });
}

/** Which thresholds the order (with its lines as stored) reaches; compared in numeric by the database. */
export async function approvalReasons(database: Database, tx: DbOrTx, orderId: number): Promise<{ amount: boolean; discount: boolean }> {
  const [row] = await database.rows<{ amount: boolean; discount: boolean }>(
    sql`select coalesce(o.total >= s.amount_threshold, false) as amount,
          coalesce(exists (select 1 from order_lines l where l.order_id = o.id and l.discount_rate >= s.discount_rate_threshold), false) as discount
        from orders o left join order_approval_settings s on s.id = ${settingsId}
        where o.id = ${orderId}`,
    tx,
  );
  return { amount: row?.amount === true, discount: row?.discount === true };
}

/**
 * Who approves an order of `ownerId`: the owner's manager (users.manager_id) when that user is
 * active and may write sales; otherwise — no manager, or one who could not act on it — the
 * longest-standing active user who manages sales over all data (an administrator, as built in),
 * preferring one who is not the owner. The admin role always has every permission and cannot be
 * emptied, so there is always someone.
 */
export async function resolveApprover(database: Database, tx: DbOrTx, ownerId: number): Promise<number> {
  const [row] = await database.rows<{ id: number | null }>(
    sql`select coalesce(
          (select m.id from users o join users m on m.id = o.manager_id join roles r on r.id = m.role_id
           where o.id = ${ownerId} and m.id <> o.id and m.active and m.deleted_at is null and 'sales.write' = any(r.permissions)),
          (select u.id from users u join roles r on r.id = u.role_id
           where 'sales.manage' = any(r.permissions) and r.data_scope = 'all' and u.active and u.deleted_at is null
           order by (u.id = ${ownerId}), u.id limit 1)
        ) as id`,
    tx,
  );
  if (row?.id === null || row?.id === undefined) throw new Error('no active administrator to approve orders');
  return Number(row.id);
}

const taskKey = (orderId: number) => `order_approval:${orderId}:`;

/** A task for the approver, due now; `requestVersion` keeps one task per request (re-requests after a rejection get a new one). */
export async function openApprovalTask(
  database: Database,
  tx: DbOrTx,
  ctx: Ctx,
  order: { id: number; number: string; customerId: number; customerName: string | null; total: string },
  approverId: number,
  requestVersion: number,
): Promise<void> {
  await database.rows(
    sql`insert into tasks (kind, title, notes, due_at, assignee_id, customer_id, source_key, priority, created_by, updated_by)
        values ('approval', ${`审批订单 ${order.number}：${order.customerName ?? ''}`}, ${`Order ${order.number}, total ${order.total}: approve or reject at /orders/${order.id}`},
          now(), ${approverId}, ${order.customerId}, ${`${taskKey(order.id)}${requestVersion}`}, 'high', ${ctx.actor.id}, ${ctx.actor.id})`,
    tx,
  );
}

/** The request was decided or withdrawn: its open task is done. */
export async function closeApprovalTasks(database: Database, tx: DbOrTx, ctx: Ctx, orderId: number): Promise<void> {
  await database.rows(
    sql`update tasks set done_at = now(), updated_at = now(), updated_by = ${ctx.actor.id}, version = version + 1
        where kind = 'approval' and source_key like ${`${taskKey(orderId)}%`} and done_at is null and deleted_at is null`,
    tx,
  );
}
