// Returns (退货) on confirmed or fulfilled orders. A returned quantity gives back its share of the
// line's amount and cost, computed by the database in numeric; the order's returned_amount is the
// sum of its returns, so what the customer owes on it is total − returned_amount, and the
// purchase summary nets returns out (orders.service.ts `purchaseSummaryOf`).
import { sql } from 'drizzle-orm';
import type { Order } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { conflict, invalid, msg } from '../platform/errors.js';
import { lockOrder, readOrder, statusZh, todayIn } from './orders.service.js';

export interface CreateReturnInput {
  returnedOn?: string | undefined;
  reason: string;
  lines: Array<{ lineId: number; quantity: string }>;
  version: number;
}

/**
 * Records a return and raises the order's returned_amount in one transaction. Each returned line's
 * amount is the difference of the cumulative shares, round(amount × (earlier + q) / qty, 2) −
 * round(amount × earlier / qty, 2): one cent of rounding never gets lost or returned twice, and
 * returning everything gives back exactly the line's amount (10.00 over 3 units: 3.33, 3.34, 3.33).
 */
export async function createReturn(database: Database, ctx: Ctx, timeZone: string, orderId: number, input: CreateReturnInput): Promise<Order> {
  return database.db.transaction(async (tx) => {
    const before = await lockOrder(database, tx, ctx.actor, orderId, input.version);
    if (before.status !== 'confirmed' && before.status !== 'fulfilled') {
      throw conflict(msg(`A ${before.status} order cannot take returns; only confirmed and fulfilled orders can.`, `${statusZh[before.status]}的订单不能退货：只有已确认或已履行的订单可以退货。`), [
        { path: 'status', message: `order is ${before.status}`, code: 'invalid_transition' },
      ]);
    }
    const seen = new Set<number>();
    input.lines.forEach((l, i) => {
      if (!before.lines.some((ol) => ol.id === l.lineId)) throw invalid(`lines.${i}.lineId`, `no line ${l.lineId} on this order`, 'not_found');
      if (seen.has(l.lineId)) throw invalid(`lines.${i}.lineId`, `line ${l.lineId} appears twice`, 'duplicate');
      seen.add(l.lineId);
    });
    // What may still come back, compared in numeric (quantities have 3 decimals).
    const values = sql.join(
      input.lines.map((l, i) => sql`(${i}::int, ${l.lineId}::bigint, ${l.quantity}::numeric)`),
      sql`, `,
    );
    const checks = await database.rows<{ pos: number; ok: boolean; remaining: string }>(
      sql`select v.pos, v.qty <= l.quantity - e.earlier as ok, (l.quantity - e.earlier)::text as remaining
          from (values ${values}) as v (pos, line_id, qty)
          join order_lines l on l.id = v.line_id
          cross join lateral (select coalesce(sum(rl.quantity), 0) as earlier from order_return_lines rl join order_returns r on r.id = rl.return_id
                              where rl.order_line_id = l.id and r.deleted_at is null) e
          order by v.pos`,
      tx,
    );
    for (const c of checks) {
      if (!c.ok) throw invalid(`lines.${c.pos}.quantity`, `at most ${c.remaining} can still be returned on this line`, 'too_big');
    }
    const [ret] = await database.rows<{ id: number }>(
      sql`insert into order_returns (order_id, returned_on, reason, created_by, updated_by)
          values (${orderId}, ${input.returnedOn ?? todayIn(timeZone)}::date, ${input.reason}, ${ctx.actor.id}, ${ctx.actor.id}) returning id`,
      tx,
    );
    const returnId = Number(ret!.id);
    await database.rows(
      sql`insert into order_return_lines (return_id, order_line_id, quantity, amount, cost)
          select ${returnId}, l.id, v.qty,
            round(l.amount * (e.earlier + v.qty) / l.quantity, 2) - round(l.amount * e.earlier / l.quantity, 2),
            round(l.cost * (e.earlier + v.qty) / l.quantity, 2) - round(l.cost * e.earlier / l.quantity, 2)
          from (values ${values}) as v (pos, line_id, qty)
          join order_lines l on l.id = v.line_id
          cross join lateral (select coalesce(sum(rl.quantity), 0) as earlier from order_return_lines rl join order_returns r on r.id = rl.return_id
                              where rl.order_line_id = l.id and r.deleted_at is null) e`,
      tx,
    );
    await database.rows(
      sql`update order_returns r set amount = s.amount, cost = s.cost
          from (select coalesce(sum(amount), 0) as amount, coalesce(sum(cost), 0) as cost from order_return_lines where return_id = ${returnId}) s
          where r.id = ${returnId}`,
      tx,
    );
    // The order changed (what it is worth): a new version, so stale edits elsewhere get 409.
    await database.rows(
      sql`update orders o set returned_amount = s.amount, returned_cost = s.cost, version = version + 1, updated_at = now(), updated_by = ${ctx.actor.id}
          from (select coalesce(sum(amount), 0) as amount, coalesce(sum(cost), 0) as cost from order_returns where order_id = ${orderId} and deleted_at is null) s
          where o.id = ${orderId}`,
      tx,
    );
    const after = await readOrder(database, tx, ctx.actor, orderId, 'none');
    const created = after.returns.find((r) => r.id === returnId);
    await recordAudit(tx, ctx, {
      entity: 'order',
      entityId: orderId,
      action: 'return',
      changes: {
        returnedAmount: { old: before.returnedAmount, new: after.returnedAmount },
        return: { old: null, new: { id: returnId, returnedOn: created?.returnedOn, reason: input.reason, amount: created?.amount, lines: created?.lines.map((l) => ({ lineId: l.orderLineId, quantity: l.quantity, amount: l.amount })) } },
      },
    });
    return after;
  });
}
