// Sales targets (销售目标) per user or department per month or quarter, their progress from orders
// or payments, and the behind-schedule warning (销售进度预警).
import { z } from 'zod';
import { auditColumns, listQuery } from './common.js';
import { money } from './products.js';

export const targetSubjects = ['user', 'department'] as const;
export const targetPeriods = ['month', 'quarter'] as const;
export const targetBases = ['orders', 'payments'] as const;

const isoDate = z.iso.date();
const isoTime = z.iso.datetime({ offset: true });
const positiveId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** First day of a month, or of a quarter (January, April, July, October). */
export function isPeriodStart(period: (typeof targetPeriods)[number], date: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return false;
  const month = Number(m[2]);
  return m[3] === '01' && month >= 1 && month <= 12 && (period === 'month' || (month - 1) % 3 === 0);
}

export const salesTarget = z.object({
  id: z.number().int(),
  subject: z.enum(targetSubjects),
  userId: z.number().int().nullable(),
  departmentId: z.number().int().nullable(),
  /** The user's or the department's name. */
  subjectName: z.string().nullable(),
  period: z.enum(targetPeriods),
  periodStart: isoDate,
  /** Last day of the period (inclusive). */
  periodEnd: isoDate,
  amountTarget: money.nullable(),
  countTarget: z.number().int().nullable(),
  basis: z.enum(targetBases),
  notes: z.string().nullable(),
  ...auditColumns,
});
export type SalesTarget = z.infer<typeof salesTarget>;

const amountTarget = money.refine((s) => Number(s) > 0, { message: 'must be greater than 0' });
const countTarget = z.number().int().min(1).max(1_000_000);
const notes = z.string().trim().max(2000).nullable().optional();

export const createTargetBody = z
  .strictObject({
    subject: z.enum(targetSubjects),
    userId: z.number().int().positive().nullable().optional(),
    departmentId: z.number().int().positive().nullable().optional(),
    period: z.enum(targetPeriods),
    /** The first day of the month or quarter. */
    periodStart: isoDate,
    amountTarget: amountTarget.nullable().optional(),
    countTarget: countTarget.nullable().optional(),
    /** Defaults to the company setting (target-settings). */
    basis: z.enum(targetBases).optional(),
    notes,
  })
  .superRefine((v, ctx) => {
    if (v.subject === 'user' && !v.userId) ctx.addIssue({ code: 'custom', path: ['userId'], message: 'required for a user target' });
    if (v.subject === 'user' && v.departmentId) ctx.addIssue({ code: 'custom', path: ['departmentId'], message: 'only for a department target' });
    if (v.subject === 'department' && !v.departmentId) ctx.addIssue({ code: 'custom', path: ['departmentId'], message: 'required for a department target' });
    if (v.subject === 'department' && v.userId) ctx.addIssue({ code: 'custom', path: ['userId'], message: 'only for a user target' });
    if (!isPeriodStart(v.period, v.periodStart)) {
      ctx.addIssue({ code: 'custom', path: ['periodStart'], message: v.period === 'month' ? 'must be the first day of a month' : 'must be the first day of a quarter' });
    }
    if (!v.amountTarget && !v.countTarget) ctx.addIssue({ code: 'custom', path: ['amountTarget'], message: 'give an amount target, a count target or both' });
  });
export type CreateTargetBody = z.infer<typeof createTargetBody>;

/** The subject and the period are what the target is; to change them, delete it and create another. */
export const updateTargetBody = z.strictObject({
  amountTarget: amountTarget.nullable().optional(),
  countTarget: countTarget.nullable().optional(),
  basis: z.enum(targetBases).optional(),
  notes,
  version: z.number().int().positive(),
});
export type UpdateTargetBody = z.infer<typeof updateTargetBody>;

export const targetListQuery = listQuery(['periodStart', 'createdAt']).extend({
  'filter[subject]': z.enum(targetSubjects).optional(),
  'filter[period]': z.enum(targetPeriods).optional(),
  'filter[periodStart]': isoDate.optional(),
  'filter[userId]': positiveId.optional(),
  'filter[departmentId]': positiveId.optional(),
});

/** `2026-11` (a month), `2026-Q4` (a quarter), or `month` / `quarter` for the current one. */
export const periodParam = z
  .string()
  .trim()
  .regex(/^(\d{4}-(0[1-9]|1[0-2])|\d{4}-Q[1-4]|month|quarter)$/, { message: 'a month like 2026-11, a quarter like 2026-Q4, or month / quarter' });

export const targetProgressQuery = z.strictObject({
  period: periodParam.default('month'),
  /** The day progress is measured on (default: today in the company's time zone). */
  asOf: isoDate.optional(),
  'filter[subject]': z.enum(targetSubjects).optional(),
  'filter[userId]': positiveId.optional(),
  'filter[departmentId]': positiveId.optional(),
});

export const myTargetProgressQuery = z.strictObject({ asOf: isoDate.optional() });

export const targetProgress = z.object({
  target: salesTarget,
  /** Net sales (orders basis: total less returns) or money received (payments basis). */
  actualAmount: money,
  /** Orders (orders basis) or orders paid on (payments basis). */
  actualCount: z.number().int(),
  /** Actual as a percentage of the target, one decimal; null without that target. */
  amountPercent: z.number().nullable(),
  countPercent: z.number().nullable(),
  /** Share of the period elapsed on `asOf`, in percent. */
  expectedPercent: z.number(),
  /** 销售进度预警: a percentage is below expected less the tolerance. */
  behind: z.boolean(),
});
export type TargetProgress = z.infer<typeof targetProgress>;

export const targetProgressReport = z.object({
  period: z.string(),
  periodKind: z.enum(targetPeriods),
  periodStart: isoDate,
  periodEnd: isoDate,
  asOf: isoDate,
  expectedPercent: z.number(),
  tolerancePoints: z.number(),
  data: z.array(targetProgress),
});
export type TargetProgressReport = z.infer<typeof targetProgressReport>;

export const myTargetProgress = z.object({ month: targetProgressReport, quarter: targetProgressReport });
export type MyTargetProgress = z.infer<typeof myTargetProgress>;

export const targetSettingsValues = z.object({
  defaultBasis: z.enum(targetBases),
  /** Points below the expected percentage before a target counts as behind schedule. */
  tolerancePoints: z.number().min(0).max(100),
});
export const targetSettings = targetSettingsValues.extend({
  version: z.number().int().positive(),
  updatedAt: isoTime.nullable(),
  updatedBy: z.number().int().nullable(),
});
export type TargetSettings = z.infer<typeof targetSettings>;
export const updateTargetSettingsBody = z.strictObject({
  defaultBasis: z.enum(targetBases).optional(),
  tolerancePoints: z.number().min(0).max(100).optional(),
  version: z.number().int().positive(),
});
