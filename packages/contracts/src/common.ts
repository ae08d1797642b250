// Shapes shared by every resource: ids, audit columns, list queries and list pages.
import { z } from 'zod';

export const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const idParams = z.strictObject({ id });

export const locales = ['zh-CN', 'en'] as const;
export const locale = z.enum(locales);
export type Locale = z.infer<typeof locale>;

/** Every row users edit carries these; `version` drives optimistic concurrency. */
export const auditColumns = {
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
  createdBy: z.number().int().nullable(),
  updatedBy: z.number().int().nullable(),
  version: z.number().int().positive(),
};

export const version = z.number().int().positive();

/** `sort=-name` sorts descending; the allowed fields are given per resource. */
export function listQuery<const F extends readonly [string, ...string[]]>(sortFields: F) {
  const sortValues = sortFields.flatMap((f) => [f, `-${f}`]) as [string, ...string[]];
  return z.strictObject({
    q: z.string().trim().max(200).optional(),
    sort: z.enum(sortValues).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(500).optional(),
  });
}

export function listPage<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    nextCursor: z.string().nullable(),
    total: z.number().int().nonnegative(),
    /** Set when `total` is the planner's estimate (very large lists are not counted row by row). */
    totalApproximate: z.boolean().optional(),
  });
}

/** Names, titles and other short text: trimmed, bounded, no control characters. */
export const shortText = (max = 200) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\u0000-\u001f\u007f]*$/, { message: 'must not contain control characters' });

export const email = z.email().max(254).transform((s) => s.toLowerCase());
