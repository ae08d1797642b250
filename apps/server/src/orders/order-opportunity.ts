// The deal (商机) an order closes: it must be a live opportunity of the order's customer that the
// caller can see, and confirming the order wins it (opportunities.service.ts does the winning).
import { sql } from 'drizzle-orm';
import type { Actor } from '../auth/actor.js';
import type { Database, DbOrTx } from '../db/client.js';
import type { Ctx } from '../platform/context.js';
import { ownedBy } from '../platform/data-scope.js';
import { invalid } from '../platform/errors.js';
import { winOpportunityInTx } from '../opportunities/opportunities.service.js';

export async function checkOpportunity(database: Database, tx: DbOrTx, actor: Actor, opportunityId: number, customerId: number): Promise<void> {
  const [row] = await database.rows<{ customer_id: number; status: string }>(
    sql`select customer_id, status from opportunities where id = ${opportunityId} and deleted_at is null and ${ownedBy(actor, sql`owner_id`)}`,
    tx,
  );
  if (!row) throw invalid('opportunityId', `no such opportunity ${opportunityId}`, 'not_found');
  if (Number(row.customer_id) !== customerId) throw invalid('opportunityId', `opportunity ${opportunityId} belongs to another customer`, 'other_customer');
  if (row.status === 'lost') throw invalid('opportunityId', `opportunity ${opportunityId} is lost; reopen it before linking an order`, 'lost');
}

/** The deal's amount becomes the order's total; a deal already won stays as it is. */
export async function winOpportunity(tx: DbOrTx, ctx: Ctx, opportunityId: number, input: { orderId: number; amount: string }): Promise<void> {
  await winOpportunityInTx(tx, ctx, opportunityId, input);
}
