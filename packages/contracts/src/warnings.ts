// Early warnings (预警管理) and sales expenses (销售费用): the four warning lists of the dashboard
// (外欠款预警, 销售进度预警, 销售费用预警, 客户流失预警), the open warnings that became tasks, and
// the expense records the expense warning compares with revenue.
import { z } from 'zod';
import { auditColumns, listQuery } from './common.js';
import { churnLevels, expenseCategories, warningKinds } from './analytics.js';
import { money } from './products.js';
import { customerTiers } from './service.js';
import { periodParam } from './targets.js';

const isoDate = z.iso.date();
const isoTime = z.iso.datetime({ offset: true });
const queryId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const ownerFilter = z.union([z.literal('me'), queryId]);

// ---- sales expenses ----

export const salesExpense = z.object({
  id: z.number().int(),
  userId: z.number().int(),
  userName: z.string().nullable(),
  customerId: z.number().int().nullable(),
  customerName: z.string().nullable(),
  spentOn: isoDate,
  amount: money,
  category: z.enum(expenseCategories),
  note: z.string().nullable(),
  ...auditColumns,
});
export type SalesExpense = z.infer<typeof salesExpense>;

/** An expense is a positive amount; zero is not an expense. */
const expenseAmount = money.refine((s) => /[1-9]/.test(s), { message: 'must be greater than 0' });
const note = z.string().trim().max(1000).nullable().optional();

export const createSalesExpenseBody = z.strictObject({
  spentOn: isoDate,
  amount: expenseAmount,
  category: z.enum(expenseCategories),
  /** The customer the money was spent on, if any (must be visible to the caller). */
  customerId: z.number().int().positive().nullable().optional(),
  note,
});
export type CreateSalesExpenseBody = z.infer<typeof createSalesExpenseBody>;

export const updateSalesExpenseBody = z.strictObject({
  spentOn: isoDate.optional(),
  amount: expenseAmount.optional(),
  category: z.enum(expenseCategories).optional(),
  customerId: z.number().int().positive().nullable().optional(),
  note,
  version: z.number().int().positive(),
});
export type UpdateSalesExpenseBody = z.infer<typeof updateSalesExpenseBody>;

export const salesExpenseListQuery = listQuery(['spentOn', 'amount', 'createdAt']).extend({
  /** `me` or a user in the caller's data scope. */
  'filter[userId]': ownerFilter.optional(),
  'filter[customerId]': queryId.optional(),
  'filter[category]': z.enum(expenseCategories).optional(),
  /** Spent on or after / on or before (local dates, inclusive). */
  'filter[from]': isoDate.optional(),
  'filter[to]': isoDate.optional(),
});
export type SalesExpenseListQuery = z.infer<typeof salesExpenseListQuery>;

export const salesExpensePage = z.object({
  data: z.array(salesExpense),
  nextCursor: z.string().nullable(),
  total: z.number().int(),
  /** Sum of the amounts of every row the filters match (not only this page). */
  totalAmount: money,
});


// ---- the early-warnings dashboard ----

export const earlyWarningKinds = ['overdue', 'progress', 'expense', 'churn'] as const;
export type EarlyWarningKind = (typeof earlyWarningKinds)[number];

export const earlyWarningsQuery = z.strictObject({
  kind: z.enum(earlyWarningKinds),
  'filter[ownerId]': ownerFilter.optional(),
  /** Owners whose department is this one or below it. */
  'filter[departmentId]': queryId.optional(),
  /** progress and expense: a month (2026-11), a quarter (2026-Q4), or month / quarter for the current one. */
  period: periodParam.default('month'),
  /** overdue: only instalments at least this many days late (default: the warnings setting). */
  'filter[minDays]': z.coerce.number().int().min(0).max(100000).optional(),
  /** churn: the lowest level listed (default medium: medium and high). */
  'filter[level]': z.enum(['medium', 'high']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type EarlyWarningsQuery = z.infer<typeof earlyWarningsQuery>;

const ownerCols = { ownerId: z.number().int().nullable(), ownerName: z.string().nullable(), departmentName: z.string().nullable() };

export const overdueWarningRow = z.object({
  customerId: z.number().int(),
  customerName: z.string().nullable(),
  ...ownerCols,
  /** Overdue balance: open amounts of instalments past their due date. */
  amount: money,
  instalments: z.number().int(),
  /** Days the oldest open instalment is late. */
  daysOverdue: z.number().int(),
  /** At or above the warnings thresholds (amount and days): a warning and a task exist or will at the next sync. */
  flagged: z.boolean(),
});
export const progressWarningRow = z.object({
  targetId: z.number().int(),
  subject: z.enum(['user', 'department']),
  subjectName: z.string().nullable(),
  amountTarget: money.nullable(),
  countTarget: z.number().int().nullable(),
  actualAmount: money,
  actualCount: z.number().int(),
  amountPercent: z.number().nullable(),
  countPercent: z.number().nullable(),
  expectedPercent: z.number(),
  behind: z.boolean(),
});
export const expenseWarningRow = z.object({
  ...ownerCols,
  expenses: money,
  /** Net sales of the owner's confirmed and fulfilled orders dated in the period. */
  revenue: money,
  /** expenses ÷ revenue, 4 decimals; null without revenue. */
  ratio: z.string().nullable(),
  /** Above the expense-ratio setting, or expenses with no revenue at all. */
  flagged: z.boolean(),
});
export const churnWarningRow = z.object({
  customerId: z.number().int(),
  customerName: z.string().nullable(),
  ...ownerCols,
  level: z.enum(churnLevels),
  score: z.number().nullable(),
  tier: z.enum(customerTiers).nullable(),
  /** Predicted CLV: the value at stake if the customer is lost. */
  clv: money.nullable(),
  /** Churn signals, largest contribution first. */
  signals: z.array(z.object({ signal: z.string(), contribution: z.number().nullable() })),
  /** An open churn warning (with its task) exists. */
  warningOpen: z.boolean(),
});

const listOf = <K extends EarlyWarningKind, R extends z.ZodType>(kind: K, row: R) =>
  z.object({ kind: z.literal(kind), rows: z.array(row), truncated: z.boolean() });

export const earlyWarnings = z.discriminatedUnion('kind', [
  listOf('overdue', overdueWarningRow).extend({ thresholds: z.object({ amount: money.nullable(), days: z.number().int() }), totalAmount: money }),
  listOf('progress', progressWarningRow).extend({ period: z.string(), periodStart: isoDate, periodEnd: isoDate, expectedPercent: z.number(), tolerancePoints: z.number() }),
  listOf('expense', expenseWarningRow).extend({ period: z.string(), periodStart: isoDate, periodEnd: isoDate, expenseRatio: z.number() }),
  listOf('churn', churnWarningRow).extend({ clvAtStake: money }),
]);
export type EarlyWarnings = z.infer<typeof earlyWarnings>;

// ---- open warnings (warnings that became work) ----

export const openWarningsQuery = z.strictObject({
  'filter[kind]': z.enum(warningKinds).optional(),
  'filter[ownerId]': ownerFilter.optional(),
  'filter[departmentId]': queryId.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type OpenWarningsQuery = z.infer<typeof openWarningsQuery>;

export const customerWarning = z.object({
  id: z.number().int(),
  kind: z.enum(warningKinds),
  level: z.enum(['medium', 'high']),
  customerId: z.number().int(),
  customerName: z.string().nullable(),
  ownerId: z.number().int().nullable(),
  ownerName: z.string().nullable(),
  score: z.number().nullable(),
  amount: money.nullable(),
  /** tier, stance (win-back playbook), signals, days overdue… as recorded by the sync. */
  reasons: z.record(z.string(), z.unknown()),
  openedAt: isoTime,
  task: z.object({ id: z.number().int(), title: z.string(), dueAt: isoTime, done: z.boolean() }).nullable(),
});
export type CustomerWarning = z.infer<typeof customerWarning>;

export const openWarnings = z.object({
  /** Per owner: open warnings by kind and the overdue amount they carry, most first. */
  byOwner: z.array(
    z.object({ ownerId: z.number().int().nullable(), ownerName: z.string().nullable(), churn: z.number().int(), overdue: z.number().int(), overdueAmount: money }),
  ),
  total: z.object({ churn: z.number().int(), overdue: z.number().int(), overdueAmount: money }),
  data: z.array(customerWarning),
  truncated: z.boolean(),
});
export type OpenWarnings = z.infer<typeof openWarnings>;

export const warningStances = ['win_back_hard', 'win_back', 'opportunistic', 'let_go'] as const;
export type WarningStance = (typeof warningStances)[number];
