// Pipelines and their stages. Stages are edited as one list inside the pipeline, under the
// pipeline's version; a stage that deals still sit in cannot be removed or change its kind.
// Pipelines are company-wide configuration (sales.manage); deals in them are scoped by owner.
import { and, asc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Pipeline, PipelineStage, PipelineStageInput } from '@guanxi/contracts';
import type { Database, DbOrTx } from '../db/client.js';
import { opportunities, pipelineStages, pipelines } from '../db/schema.js';
import { diff, recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { conflict, invalid, msg, notFound, versionConflict } from '../platform/errors.js';
import { auditFields } from '../platform/versioned.js';

type PipelineRow = typeof pipelines.$inferSelect;
type StageRow = typeof pipelineStages.$inferSelect;

/**
 * The relationship stages (认知 → 考察 → 扩展 → 承诺, see the textbook notes on relationship
 * development) with the probabilities a deal in each is commonly weighted by, then won and lost.
 */
export const defaultStages: ReadonlyArray<{ key: string; name: string; probability: number; kind: StageRow['kind'] }> = [
  { key: 'awareness', name: '认知', probability: 10, kind: 'open' },
  { key: 'exploration', name: '考察', probability: 30, kind: 'open' },
  { key: 'expansion', name: '扩展', probability: 60, kind: 'open' },
  { key: 'commitment', name: '承诺', probability: 80, kind: 'open' },
  { key: 'won', name: '赢单', probability: 100, kind: 'won' },
  { key: 'lost', name: '输单', probability: 0, kind: 'lost' },
];

/** Creates the default pipeline once; safe to run on every start and on several instances. */
export async function seedDefaultPipeline(db: DbOrTx): Promise<void> {
  const [any] = await db.select({ id: pipelines.id }).from(pipelines).limit(1);
  if (any) return;
  // the one-default unique index turns a concurrent second insert into a no-op
  const [row] = await db.insert(pipelines).values({ name: '默认销售漏斗', isDefault: true }).onConflictDoNothing().returning({ id: pipelines.id });
  if (!row) return;
  await db.insert(pipelineStages).values(defaultStages.map((s, i) => ({ ...s, pipelineId: row.id, position: i + 1 })));
}

export const toStage = (s: StageRow): PipelineStage => ({ id: Number(s.id), key: s.key, name: s.name, position: s.position, probability: s.probability, kind: s.kind });

export async function stagesOf(db: DbOrTx, pipelineIds: number[]): Promise<StageRow[]> {
  if (!pipelineIds.length) return [];
  return db
    .select()
    .from(pipelineStages)
    .where(and(inArray(pipelineStages.pipelineId, pipelineIds), isNull(pipelineStages.deletedAt)))
    .orderBy(asc(pipelineStages.position), asc(pipelineStages.id));
}

const toPipeline = (p: PipelineRow, stages: StageRow[]): Pipeline => ({
  id: Number(p.id),
  name: p.name,
  isDefault: p.isDefault,
  active: p.active,
  staleAfterDays: p.staleAfterDays,
  stages: stages.filter((s) => Number(s.pipelineId) === Number(p.id)).map(toStage),
  ...auditFields(p),
});

export async function listPipelines(database: Database, active?: boolean): Promise<Pipeline[]> {
  const rows = await database.db
    .select()
    .from(pipelines)
    .where(and(isNull(pipelines.deletedAt), active === undefined ? undefined : eq(pipelines.active, active)))
    .orderBy(sql`${pipelines.isDefault} desc`, asc(pipelines.id));
  const stages = await stagesOf(database.db, rows.map((r) => Number(r.id)));
  return rows.map((r) => toPipeline(r, stages));
}

export async function readPipeline(db: DbOrTx, id: number): Promise<Pipeline> {
  const [row] = await db.select().from(pipelines).where(and(eq(pipelines.id, id), isNull(pipelines.deletedAt)));
  if (!row) throw notFound();
  return toPipeline(row, await stagesOf(db, [id]));
}

/** The pipeline a new deal goes to when none is named. */
export async function defaultPipelineId(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ id: pipelines.id }).from(pipelines).where(and(eq(pipelines.isDefault, true), isNull(pipelines.deletedAt)));
  if (!row) throw invalid('pipelineId', 'there is no default pipeline; create one first', 'not_found');
  return Number(row.id);
}

/** One won, one lost and at least one open stage; names unique within the pipeline. */
function checkStages(stages: readonly PipelineStageInput[]) {
  const won = stages.filter((s) => s.kind === 'won').length;
  const lost = stages.filter((s) => s.kind === 'lost').length;
  if (won !== 1) throw invalid('stages', `a pipeline needs exactly one won stage (found ${won})`, 'won_stage_count');
  if (lost !== 1) throw invalid('stages', `a pipeline needs exactly one lost stage (found ${lost})`, 'lost_stage_count');
  if (!stages.some((s) => s.kind === 'open')) throw invalid('stages', 'a pipeline needs at least one open stage', 'open_stage_count');
  const seen = new Set<string>();
  stages.forEach((s, i) => {
    const name = s.name.toLowerCase();
    if (seen.has(name)) throw invalid(`stages.${i}.name`, `stage name "${s.name}" is used twice`, 'duplicate');
    seen.add(name);
    if (s.id !== undefined && stages.findIndex((o) => o.id === s.id) !== i) throw invalid(`stages.${i}.id`, `stage ${s.id} is listed twice`, 'duplicate');
  });
}

const stageAudit = (stages: readonly PipelineStage[]) => stages.map((s) => ({ id: s.id, name: s.name, probability: s.probability, kind: s.kind }));
function pipelineChanges(before: Pipeline | null, after: Pipeline) {
  const changes = diff(before, after, ['name', 'isDefault', 'active', 'staleAfterDays']);
  const sb = before ? stageAudit(before.stages) : null;
  const sa = stageAudit(after.stages);
  if (JSON.stringify(sb) !== JSON.stringify(sa)) changes.stages = { old: sb, new: sa };
  return changes;
}

/** Only one default: the others give it up before this one takes it (the unique index checks each statement). */
async function takeDefault(tx: DbOrTx, id: number, actorId: number) {
  await tx
    .update(pipelines)
    .set({ isDefault: false, updatedAt: sql`now()`, updatedBy: actorId, version: sql`${pipelines.version} + 1` })
    .where(and(eq(pipelines.isDefault, true), ne(pipelines.id, id), isNull(pipelines.deletedAt)));
}

export interface CreatePipelineInput {
  name: string;
  isDefault: boolean;
  active: boolean;
  staleAfterDays: number;
  stages: PipelineStageInput[];
}

export async function createPipeline(database: Database, ctx: Ctx, input: CreatePipelineInput): Promise<Pipeline> {
  checkStages(input.stages);
  input.stages.forEach((s, i) => {
    if (s.id !== undefined) throw invalid(`stages.${i}.id`, 'a new pipeline has no existing stages', 'unexpected');
  });
  if (input.isDefault && !input.active) throw invalid('active', 'the default pipeline must be active', 'default_inactive');
  return database.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(pipelines)
      .values({ name: input.name, isDefault: false, active: input.active, staleAfterDays: input.staleAfterDays, createdBy: ctx.actor.id, updatedBy: ctx.actor.id })
      .returning({ id: pipelines.id });
    const id = Number(row!.id);
    if (input.isDefault) {
      await takeDefault(tx, id, ctx.actor.id);
      await tx.update(pipelines).set({ isDefault: true }).where(eq(pipelines.id, id));
    }
    await tx.insert(pipelineStages).values(input.stages.map((s, i) => ({ pipelineId: id, name: s.name, probability: s.probability, kind: s.kind, position: i + 1 })));
    const created = await readPipeline(tx, id);
    await recordAudit(tx, ctx, { entity: 'pipeline', entityId: id, action: 'create', changes: pipelineChanges(null, created) });
    return created;
  });
}

async function liveDealsIn(tx: DbOrTx, stageIds: number[]): Promise<Map<number, number>> {
  if (!stageIds.length) return new Map();
  const rows = await tx
    .select({ stageId: opportunities.stageId, n: sql<number>`count(*)::int` })
    .from(opportunities)
    .where(and(inArray(opportunities.stageId, stageIds), isNull(opportunities.deletedAt)))
    .groupBy(opportunities.stageId);
  return new Map(rows.map((r) => [Number(r.stageId), Number(r.n)]));
}

export interface UpdatePipelineInput {
  name?: string | undefined;
  isDefault?: true | undefined;
  active?: boolean | undefined;
  staleAfterDays?: number | undefined;
  stages?: PipelineStageInput[] | undefined;
  version: number;
}

export async function updatePipeline(database: Database, ctx: Ctx, id: number, input: UpdatePipelineInput): Promise<Pipeline> {
  if (input.stages) checkStages(input.stages);
  return database.db.transaction(async (tx) => {
    const [locked] = await tx.select().from(pipelines).where(and(eq(pipelines.id, id), isNull(pipelines.deletedAt))).for('update');
    if (!locked) throw notFound();
    const before = toPipeline(locked, await stagesOf(tx, [id]));
    if (locked.version !== input.version) throw versionConflict(before);
    const becomesDefault = input.isDefault === true && !locked.isDefault;
    const willBeDefault = locked.isDefault || becomesDefault;
    if (willBeDefault && input.active === false) throw invalid('active', 'the default pipeline must stay active; make another pipeline the default first', 'default_inactive');
    if (becomesDefault && !(input.active ?? locked.active)) throw invalid('isDefault', 'an inactive pipeline cannot be the default', 'default_inactive');

    if (input.stages) await replaceStages(tx, id, before.stages, input.stages);
    if (becomesDefault) await takeDefault(tx, id, ctx.actor.id);
    const patch: Partial<PipelineRow> = {};
    if (input.name !== undefined) patch.name = input.name;
    if (input.active !== undefined) patch.active = input.active;
    if (input.staleAfterDays !== undefined) patch.staleAfterDays = input.staleAfterDays;
    if (becomesDefault) patch.isDefault = true;
    await tx
      .update(pipelines)
      .set({ ...patch, updatedAt: sql`now()`, updatedBy: ctx.actor.id, version: sql`${pipelines.version} + 1` })
      .where(eq(pipelines.id, id));
    const after = await readPipeline(tx, id);
    await recordAudit(tx, ctx, { entity: 'pipeline', entityId: id, action: 'update', changes: pipelineChanges(before, after) });
    return after;
  });
}

async function replaceStages(tx: DbOrTx, pipelineId: number, current: readonly PipelineStage[], next: readonly PipelineStageInput[]) {
  next.forEach((s, i) => {
    if (s.id !== undefined && !current.some((c) => c.id === s.id)) throw invalid(`stages.${i}.id`, `stage ${s.id} is not a stage of this pipeline`, 'not_found');
  });
  const keptIds = new Set(next.flatMap((s) => (s.id === undefined ? [] : [s.id])));
  const removed = current.filter((c) => !keptIds.has(c.id));
  const kindChanged = current.filter((c) => next.some((s) => s.id === c.id && s.kind !== c.kind));
  const deals = await liveDealsIn(tx, [...removed, ...kindChanged].map((s) => s.id));
  for (const s of removed) {
    const n = deals.get(s.id) ?? 0;
    if (n > 0) {
      throw conflict(msg(`Stage "${s.name}" still has ${n} deal(s); move them to another stage before removing it.`, `阶段“${s.name}”中还有 ${n} 个商机，请先将其移至其他阶段再删除。`), [
        { path: 'stages', message: `stage "${s.name}" (${s.id}) still has ${n} deal(s)`, code: 'stage_in_use' },
      ]);
    }
  }
  for (const s of kindChanged) {
    const n = deals.get(s.id) ?? 0;
    const i = next.findIndex((x) => x.id === s.id);
    if (n > 0) {
      throw conflict(msg(`Stage "${s.name}" still has ${n} deal(s); its kind cannot change.`, `阶段“${s.name}”中还有 ${n} 个商机，不能修改其类型。`), [
        { path: `stages.${i}.kind`, message: `stage "${s.name}" (${s.id}) still has ${n} deal(s)`, code: 'stage_in_use' },
      ]);
    }
  }
  if (removed.length) await tx.update(pipelineStages).set({ deletedAt: new Date() }).where(inArray(pipelineStages.id, removed.map((s) => s.id)));
  for (const [i, s] of next.entries()) {
    const values = { name: s.name, probability: s.probability, kind: s.kind, position: i + 1 };
    if (s.id !== undefined) await tx.update(pipelineStages).set(values).where(eq(pipelineStages.id, s.id));
    else await tx.insert(pipelineStages).values({ ...values, pipelineId });
  }
}

/** Soft delete; the default pipeline and pipelines with live deals stay. */
export async function deletePipeline(database: Database, ctx: Ctx, id: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    const [row] = await tx.select().from(pipelines).where(and(eq(pipelines.id, id), isNull(pipelines.deletedAt))).for('update');
    if (!row) throw notFound();
    if (row.isDefault) throw conflict(msg('The default pipeline cannot be deleted; make another pipeline the default first.', '默认销售漏斗不能删除，请先将其他漏斗设为默认。'));
    const [deals] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(opportunities)
      .where(and(eq(opportunities.pipelineId, id), isNull(opportunities.deletedAt)));
    const n = Number(deals?.n ?? 0);
    if (n > 0) throw conflict(msg(`This pipeline still has ${n} deal(s).`, `该销售漏斗中还有 ${n} 个商机。`), [{ path: 'id', message: `${n} deal(s) in this pipeline`, code: 'pipeline_in_use' }]);
    await tx.update(pipelines).set({ deletedAt: new Date(), deletedBy: ctx.actor.id }).where(eq(pipelines.id, id));
    await recordAudit(tx, ctx, { entity: 'pipeline', entityId: id, action: 'delete', changes: { name: { old: row.name, new: null } } });
  });
}
