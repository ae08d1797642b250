// Where cancelling an order meets receivables. Money already received (`payments`, voided ones
// excluded) pins the order: cancelling it would leave payments against an order that no longer
// counts as a sale. A plan without payments is withdrawn with the order.
import { sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.js';
import { recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { conflict, msg } from '../platform/errors.js';

export async function assertNoPayments(database: Database, tx: DbOrTx, orderId: number): Promise<void> {
  const [row] = await database.rows<{ n: number; total: string }>(
    sql`select count(*)::int as n, coalesce(sum(amount), 0)::text as total from payments where order_id = ${orderId} and deleted_at is null`,
    tx,
  );
  if (row && Number(row.n) > 0) {
    throw conflict(
      msg(
        `Payments of ${row.total} have been received on this order: void them before cancelling it, or record a return instead.`,
        `该订单已收款 ${row.total}：请先作废收款再取消订单，或改为登记退货。`,
      ),
      [{ path: 'status', message: 'order has payments', code: 'has_payments' }],
    );
  }
}

/**
 * Withdraws the payment plan of an order being cancelled (in the cancel's transaction, the order
 * locked, its payments refused above): a cancelled order is owed nothing, and the overdue reports
 * count open instalments without reading orders (receivables.table.ts). The plan and instalments
 * stay for the record, soft-deleted as a deleted plan's are; with no live payment there is no
 * allocation to give back.
 */
export async function withdrawPaymentPlan(database: Database, tx: DbOrTx, ctx: Ctx, orderId: number): Promise<void> {
  const plans = await database.rows<{ id: string | number }>(
    sql`update payment_plans set deleted_at = now(), deleted_by = ${ctx.actor.id} where order_id = ${orderId} and deleted_at is null returning id`,
    tx,
  );
  for (const plan of plans) {
    const withdrawn = await database.rows<{ id: string | number; seq: number; due_date: string; amount: string; paid_amount: string; note: string | null }>(
      sql`update payment_instalments set deleted_at = now() where plan_id = ${plan.id} and deleted_at is null
          returning id, seq, due_date::text as due_date, amount::text as amount, paid_amount::text as paid_amount, note`,
      tx,
    );
    const instalments = withdrawn
      .map((i) => ({ id: Number(i.id), seq: Number(i.seq), dueDate: i.due_date, amount: i.amount, paidAmount: i.paid_amount, note: i.note }))
      .sort((a, b) => a.seq - b.seq || a.id - b.id);
    await recordAudit(tx, ctx, { entity: 'payment_plan', entityId: Number(plan.id), action: 'delete', changes: { instalments: { old: instalments, new: null }, withdrawnBy: { old: null, new: 'order_cancelled' } } });
  }
}
