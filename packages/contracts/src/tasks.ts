// Tasks and reminders: made by hand, by follow-ups (next follow-up date) and by pool warnings.
import { z } from 'zod';
import { auditColumns, listQuery, shortText } from './common.js';

const isoTime = z.iso.datetime({ offset: true });
export const taskKinds = ['manual', 'follow_up', 'pool_warning'] as const;
export const taskPriorities = ['low', 'normal', 'high'] as const;

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
});

export const createTaskBody = z.strictObject({
  title: shortText(200),
  notes: z.string().trim().max(5000).nullable().optional(),
  dueAt: isoTime,
  /** Defaults to the caller. */
  assigneeId: z.number().int().positive().optional(),
  customerId: z.number().int().positive().nullable().optional(),
  priority: z.enum(taskPriorities).default('normal'),
});
export const updateTaskBody = z.strictObject({
  title: shortText(200).optional(),
  notes: z.string().trim().max(5000).nullable().optional(),
  dueAt: isoTime.optional(),
  assigneeId: z.number().int().positive().optional(),
  priority: z.enum(taskPriorities).optional(),
  done: z.boolean().optional(),
  version: z.number().int().positive(),
});

export const reminders = z.object({
  dueToday: z.array(task),
  overdue: z.array(task),
  counts: z.object({ dueToday: z.number().int(), overdue: z.number().int(), upcoming: z.number().int() }),
});
export type Reminders = z.infer<typeof reminders>;
