// Pipelines with their stages, and the label of a stage in the user's language.
import { useQuery } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import type { Pipeline, PipelineStage } from '@guanxi/contracts';
import { api } from '../../api/client';

export const pipelinesKey = ['pipelines'] as const;

export function usePipelines(activeOnly = false) {
  return useQuery({
    queryKey: [...pipelinesKey, 'list', activeOnly],
    queryFn: ({ signal }) => api<{ data: Pipeline[] }>('/pipelines', { query: { 'filter[active]': activeOnly ? 'true' : undefined }, signal }),
    select: (r) => r.data,
    staleTime: 60_000,
  });
}

const seededNames: Record<string, string> = { awareness: '认知', exploration: '考察', expansion: '扩展', commitment: '承诺', won: '赢单', lost: '输单' };
const isSeededKey = (k: string | null): k is 'awareness' | 'exploration' | 'expansion' | 'commitment' | 'won' | 'lost' => k !== null && k in seededNames;

/** A seeded stage still under its seeded name is translated; a renamed or added one shows its name. */
export function stageLabel(t: TFunction, stage: Pick<PipelineStage, 'key' | 'name'>): string {
  return isSeededKey(stage.key) && seededNames[stage.key] === stage.name ? t(`opportunities.stageKeys.${stage.key}`) : stage.name;
}

/** The name of a stage referred to by key and name (history rows, timeline items). */
export function stageLabelOf(t: TFunction, key: string | null | undefined, name: string | null | undefined): string {
  return stageLabel(t, { key: key ?? null, name: name ?? '' });
}

/** The seeded pipeline under its seeded name is translated; any other shows its name. */
export function pipelineLabel(t: TFunction, p: Pick<Pipeline, 'name'>): string {
  return p.name === '默认销售漏斗' ? t('pipelines.defaultName') : p.name;
}

export const stageColor: Record<PipelineStage['kind'], string> = { open: 'blue', won: 'green', lost: 'red' };
