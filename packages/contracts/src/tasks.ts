// Tasks and reminders: made by hand, by follow-ups (next follow-up date) and by pool warnings.
import { z } from 'zod';
import { auditColumns, listQuery, shortText } from './common.js';

const isoTime = z.iso.datetime({ offset: true });
export const taskKinds = ['manual', 'follow_up', 'pool_warning', 'approval', 'sla_escalation', 'return_visit', 'churn_warning', 'overdue_warning'] as const;
export const taskPriorities = ['low', 'normal', 'high'] as const;
/** The kinds of record a task can be about; a task with only a customer is about that customer. */
export const taskRelatedTypes = ['customer', 'lead', 'opportunity', 'order', 'ticket'] as const;

export const task = z.object({
  id: z.number().int(),
  kind: z.enum(taskKinds),
  title: z.string(),
  notes: z.string().nullable(),
  dueAt: isoTime,
  assigneeId: z.number().int(),
  assigneeName: z.string().nullable(),
  customerId: z.number().int().nullable(),
  customerName: z.string().nullable(),
  relatedType: z.enum(taskRelatedTypes).nullable(),
  relatedId: z.number().int().nullable(),
  /** The related record's name (an order's number). */
  relatedLabel: z.string().nullable(),
  priority: z.enum(taskPriorities),
  done: z.boolean(),
  doneAt: isoTime.nullable(),
  ...auditColumns,
});
export type Task = z.infer<typeof task>;

export const taskListQuery = listQuery(['dueAt', 'createdAt', 'title']).extend({
  /** today, overdue (due before today, not done) or upcoming (after today), in the company's time zone. */
  'filter[due]': z.enum(['today', 'overdue', 'upcoming']).optional(),
  /** `me` or a user id within the caller's data scope. */
  'filter[assigneeId]': z.union([z.literal('me'), z.coerce.number().int().positive()]).optional(),
  'filter[done]': z.enum(['true', 'false']).optional(),
  'filter[kind]': z.enum(taskKinds).optional(),
  'filter[customerId]': z.coerce.number().int().positive().optional(),
  /** mine: assigned to me; team: assigned to others in my data scope. */
  'filter[scope]': z.enum(['mine', 'team']).optional(),
  'filter[priority]': z.enum(taskPriorities).optional(),
  'filter[relatedType]': z.enum(taskRelatedTypes).optional(),
  'filter[relatedId]': z.coerce.number().int().positive().optional(),
});

function relatedPair(v: { relatedType?: string | null | undefined; relatedId?: number | null | undefined }, ctx: z.RefinementCtx): void {
  if (v.relatedType === undefined && v.relatedId === undefined) return;
  if (!v.relatedType !== !v.relatedId) ctx.addIssue({ code: 'custom', path: [v.relatedType ? 'relatedId' : 'relatedType'], message: 'relatedType and relatedId go together' });
}

export const createTaskBody = z.strictObject({
  title: shortText(200),
  notes: z.string().trim().max(5000).nullable().optional(),
  dueAt: isoTime,
  /** Defaults to the caller. */
  assigneeId: z.number().int().positive().optional(),
  customerId: z.number().int().positive().nullable().optional(),
  /** With relatedId: the record the task is about (its customer, if any, is filled in). */
  relatedType: z.enum(taskRelatedTypes).nullable().optional(),
  relatedId: z.number().int().positive().nullable().optional(),
  priority: z.enum(taskPriorities).default('normal'),
}).superRefine(relatedPair);
export const updateTaskBody = z.strictObject({
  title: shortText(200).optional(),
  notes: z.string().trim().max(5000).nullable().optional(),
  dueAt: isoTime.optional(),
  assigneeId: z.number().int().positive().optional(),
  customerId: z.number().int().positive().nullable().optional(),
  relatedType: z.enum(taskRelatedTypes).nullable().optional(),
  relatedId: z.number().int().positive().nullable().optional(),
  priority: z.enum(taskPriorities).optional(),
  done: z.boolean().optional(),
  version: z.number().int().positive(),
}).superRefine(relatedPair);

export const reminders = z.object({
  dueToday: z.array(task),
  overdue: z.array(task),
  counts: z.object({ dueToday: z.number().int(), overdue: z.number().int(), upcoming: z.number().int() }),
  /** scope=team only: open-task counts per assignee. */
  byAssignee: z
    .array(z.object({ userId: z.number().int(), name: z.string().nullable(), dueToday: z.number().int(), overdue: z.number().int(), upcoming: z.number().int() }))
    .optional(),
});
export const remindersQuery = z.strictObject({ scope: z.enum(['me', 'team']).default('me') });
export type Reminders = z.infer<typeof reminders>;
