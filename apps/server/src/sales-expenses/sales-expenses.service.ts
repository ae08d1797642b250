// Sales expenses (销售费用): what a rep spent on travel, entertainment, gifts… optionally for one
// customer, compared with revenue by the expense warning (销售费用预警). A rep records their own
// (sales.write); lists are the data scope over the expense's user; a rep edits and deletes their
// own, a manager (sales.manage) those in their scope. Amounts stay numeric in SQL.
import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { CreateSalesExpenseBody, SalesExpense, SalesExpenseListQuery, UpdateSalesExpenseBody } from '@guanxi/contracts';
import type { Actor } from '../auth/actor.js';
import type { Database, DbOrTx } from '../db/client.js';
import { customers, salesExpenses, users } from '../db/schema.js';
import { diff, recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { ownedBy } from '../platform/data-scope.js';
import { AppError, invalid, msg, notFound } from '../platform/errors.js';
import { keyset, pageOf, parseSort } from '../platform/pagination.js';
import { auditFields, updateVersioned } from '../platform/versioned.js';
import { liveVisibleCustomer } from '../customers/customer-scope.js';

type ExpenseRow = typeof salesExpenses.$inferSelect;
const audited = ['userId', 'customerId', 'spentOn', 'amount', 'category', 'note'] as const;

const selectExpense = { expense: salesExpenses, userName: users.name, customerName: customers.name };
type ExpenseListRow = { expense: ExpenseRow; userName: string | null; customerName: string | null };

function toExpense(r: ExpenseListRow): SalesExpense {
  const e = r.expense;
  return {
    id: e.id,
    userId: e.userId,
    userName: r.userName,
    customerId: e.customerId,
    customerName: r.customerName,
    spentOn: e.spentOn,
    amount: e.amount,
    category: e.category,
    note: e.note,
    ...auditFields(e),
  };
}

const baseQuery = (db: DbOrTx) => db.select(selectExpense).from(salesExpenses).leftJoin(users, eq(users.id, salesExpenses.userId)).leftJoin(customers, eq(customers.id, salesExpenses.customerId));

async function findExpense(db: DbOrTx, actor: Actor, id: number): Promise<SalesExpense> {
  const [row] = await baseQuery(db).where(and(eq(salesExpenses.id, id), isNull(salesExpenses.deletedAt), ownedBy(actor, salesExpenses.userId)));
  if (!row) throw notFound();
  return toExpense(row);
}
export const getSalesExpense = (database: Database, ctx: Ctx, id: number) => findExpense(database.db, ctx.actor, id);

const sortColumns = {
  spentOn: { expr: sql`${salesExpenses.spentOn}`, kind: 'text' as const, notNull: true },
  amount: { expr: sql`${salesExpenses.amount}`, kind: 'number' as const, notNull: true },
  createdAt: { expr: sql`${salesExpenses.createdAt}`, kind: 'timestamp' as const, notNull: true },
};

export async function listSalesExpenses(
  database: Database,
  ctx: Ctx,
  query: SalesExpenseListQuery,
): Promise<{ data: SalesExpense[]; nextCursor: string | null; total: number; totalAmount: string }> {
  const conds: SQL[] = [sql`${salesExpenses.deletedAt} is null`, ownedBy(ctx.actor, salesExpenses.userId)];
  const user = query['filter[userId]'];
  if (user !== undefined) conds.push(sql`${salesExpenses.userId} = ${user === 'me' ? ctx.actor.id : user}`);
  if (query['filter[customerId]']) conds.push(sql`${salesExpenses.customerId} = ${query['filter[customerId]']}`);
  if (query['filter[category]']) conds.push(sql`${salesExpenses.category} = ${query['filter[category]']}`);
  if (query['filter[from]']) conds.push(sql`${salesExpenses.spentOn} >= ${query['filter[from]']}::date`);
  if (query['filter[to]']) conds.push(sql`${salesExpenses.spentOn} <= ${query['filter[to]']}::date`);
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conds.push(sql`(${salesExpenses.note} ilike ${like} or ${customers.name} ilike ${like} or ${users.name} ilike ${like})`);
  }
  const where = sql.join(conds, sql` and `);
  // spent_on is a date: compared as its ISO text, which sorts like the date
  const page = keyset(parseSort(query.sort, sortColumns, '-spentOn'), sql`${salesExpenses.id}`, query.cursor);
  const rows = await database.db
    .select({ ...selectExpense, sortValue: sql<string | null>`${page.sortValue}` })
    .from(salesExpenses)
    .leftJoin(users, eq(users.id, salesExpenses.userId))
    .leftJoin(customers, eq(customers.id, salesExpenses.customerId))
    .where(sql`${where} and ${page.where}`)
    .orderBy(page.orderBy)
    .limit(query.limit + 1);
  const [totals] = await database.rows<{ n: number; amount: string }>(sql`
    select count(*)::int as n, coalesce(sum(sales_expenses.amount), 0)::numeric(16, 2)::text as amount
    from sales_expenses left join users on users.id = sales_expenses.user_id left join customers on customers.id = sales_expenses.customer_id
    where ${where}`);
  const shown = pageOf(rows, query.limit, (r) => [r.sortValue, r.expense.id]);
  return { data: shown.rows.map(toExpense), nextCursor: shown.nextCursor, total: Number(totals?.n ?? 0), totalAmount: totals?.amount ?? '0.00' };
}

async function checkCustomer(db: DbOrTx, actor: Actor, customerId: number): Promise<void> {
  const rows = (await db.execute(sql`select 1 from customers where id = ${customerId} and ${liveVisibleCustomer(actor, 'customers')}`)) as unknown as { rows: unknown[] };
  if (!rows.rows.length) throw invalid('customerId', 'no such customer in your data scope', 'not_found');
}

/** The expense's own user may change it; otherwise sales.manage over a user in scope (findExpense checked the scope). */
function assertCanChange(actor: Actor, expense: SalesExpense): void {
  if (expense.userId !== actor.id && !actor.permissions.has('sales.manage')) {
    throw new AppError('FORBIDDEN', msg('Only the person who recorded an expense, or a sales manager, can change it.', '只有费用的记录人或销售经理可以修改。'));
  }
}

export async function createSalesExpense(database: Database, ctx: Ctx, input: CreateSalesExpenseBody): Promise<SalesExpense> {
  return database.db.transaction(async (tx) => {
    if (input.customerId) await checkCustomer(tx, ctx.actor, input.customerId);
    const [row] = await tx
      .insert(salesExpenses)
      .values({
        userId: ctx.actor.id,
        customerId: input.customerId ?? null,
        spentOn: input.spentOn,
        amount: input.amount,
        category: input.category,
        note: input.note ?? null,
        createdBy: ctx.actor.id,
        updatedBy: ctx.actor.id,
      })
      .returning();
    await recordAudit(tx, ctx, { entity: 'sales_expense', entityId: row!.id, action: 'create', changes: diff(null, row!, audited) });
    return findExpense(tx, ctx.actor, row!.id);
  });
}

export async function updateSalesExpense(database: Database, ctx: Ctx, id: number, input: UpdateSalesExpenseBody): Promise<SalesExpense> {
  return database.db.transaction(async (tx) => {
    const current = await findExpense(tx, ctx.actor, id);
    assertCanChange(ctx.actor, current);
    const [before] = await tx.select().from(salesExpenses).where(eq(salesExpenses.id, id));
    const { version, ...patch } = input;
    if (patch.customerId && patch.customerId !== before!.customerId) await checkCustomer(tx, ctx.actor, patch.customerId);
    const after = await updateVersioned(tx, salesExpenses, { id, version, actorId: ctx.actor.id, patch, toApi: () => current });
    await recordAudit(tx, ctx, { entity: 'sales_expense', entityId: id, action: 'update', changes: diff(before!, after, audited) });
    return findExpense(tx, ctx.actor, id);
  });
}

export async function deleteSalesExpense(database: Database, ctx: Ctx, id: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    const current = await findExpense(tx, ctx.actor, id);
    assertCanChange(ctx.actor, current);
    await tx
      .update(salesExpenses)
      .set({ deletedAt: sql`now()`, updatedAt: sql`now()`, updatedBy: ctx.actor.id, version: sql`${salesExpenses.version} + 1` })
      .where(eq(salesExpenses.id, id));
    await recordAudit(tx, ctx, { entity: 'sales_expense', entityId: id, action: 'delete', changes: { amount: { old: current.amount, new: null } } });
  });
}
