// Money already received on an order (receivables' `payments`, voided ones excluded) pins it:
// cancelling it would leave payments against an order that no longer counts as a sale.
import { sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '../db/client.js';
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
