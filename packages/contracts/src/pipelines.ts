// Sales pipelines (销售漏斗) and their stages. The default pipeline follows the relationship stages
// of the textbook (认知 awareness, 考察 exploration, 扩展 expansion, 承诺 commitment) and ends in
// won (赢单) and lost (输单). Every pipeline has at least one open stage and exactly one won and
// one lost stage; stages are ordered by their position in the list.
import { z } from 'zod';
import { auditColumns, shortText } from './common.js';

export const stageKinds = ['open', 'won', 'lost'] as const;
export type StageKind = (typeof stageKinds)[number];
/** Keys of the seeded stages, which the UI translates. */
export const stageKeys = ['awareness', 'exploration', 'expansion', 'commitment', 'won', 'lost'] as const;
export type StageKey = (typeof stageKeys)[number];

/** A win probability in whole percent. */
export const probability = z.number().int().min(0).max(100);

export const pipelineStage = z.object({
  id: z.number().int(),
  key: z.string().nullable(),
  name: z.string(),
  position: z.number().int(),
  probability,
  kind: z.enum(stageKinds),
});
export type PipelineStage = z.infer<typeof pipelineStage>;

export const pipeline = z.object({
  id: z.number().int(),
  name: z.string(),
  isDefault: z.boolean(),
  active: z.boolean(),
  staleAfterDays: z.number().int(),
  stages: z.array(pipelineStage),
  ...auditColumns,
});
export type Pipeline = z.infer<typeof pipeline>;

/** A stage as edited: with `id` an existing stage (renamed, moved, re-weighted), without it a new one. */
export const pipelineStageInput = z.strictObject({
  id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  name: shortText(60),
  probability,
  kind: z.enum(stageKinds).default('open'),
});
export type PipelineStageInput = z.infer<typeof pipelineStageInput>;

const stageList = z.array(pipelineStageInput).min(3).max(30);
const staleAfterDays = z.number().int().min(1).max(3650);

export const createPipelineBody = z.strictObject({
  name: shortText(100),
  isDefault: z.boolean().default(false),
  active: z.boolean().default(true),
  staleAfterDays: staleAfterDays.default(14),
  stages: stageList,
});
/** `stages`, when given, is the whole new list: stages left out are removed (refused while deals sit in them). */
export const updatePipelineBody = z.strictObject({
  name: shortText(100).optional(),
  isDefault: z.literal(true).optional(),
  active: z.boolean().optional(),
  staleAfterDays: staleAfterDays.optional(),
  stages: stageList.optional(),
  version: z.number().int().positive(),
});
export const pipelineListQuery = z.strictObject({ 'filter[active]': z.enum(['true', 'false']).optional() });
export const pipelineList = z.object({ data: z.array(pipeline) });
