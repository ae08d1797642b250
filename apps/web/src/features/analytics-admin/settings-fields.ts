// Every analytics setting as one entry: where it lives in the settings object, which control edits
// it and its bounds (the contract's). The settings page, its validation messages and the mapping of
// server errors to fields are all derived from this list, so a section is never written out twice.
import { churnSignals, type AnalyticsSettings } from '@guanxi/contracts';
import type { Messages } from '../../i18n/en';

type AdminMessages = Messages['analyticsAdmin'];
export type FieldId = keyof AdminMessages['field'];
export type SectionKey = keyof AdminMessages['section'];
export type OptionGroup = keyof AdminMessages['option'];
export type UnitKey = keyof AdminMessages['unit'];

export type Control =
  | { kind: 'switch' }
  | { kind: 'time' }
  | { kind: 'choice'; group: OptionGroup; options: readonly string[]; nullable?: boolean }
  | { kind: 'number'; min: number; /** None: the contract sets no upper bound. */ max?: number; step: number; int?: boolean; unit?: UnitKey; nullable?: boolean }
  /** A share in [0, 1] edited as a percentage. */
  | { kind: 'percent'; min: number; max: number }
  | { kind: 'tiers' };

export interface FieldDef {
  id: FieldId;
  path: readonly string[];
  control: Control;
  /** Short controls (weights) sit three to a row. */
  compact?: boolean;
}

export interface SectionDef {
  key: SectionKey;
  fields: FieldDef[];
  /** Paths of group-level checks (all weights zero) shown under the section rather than a field. */
  groupPaths?: readonly string[];
}

// The i18n key of a field is its path joined with `_`; the type checks that the key exists.
type Join<P extends readonly string[]> = P extends readonly [infer H extends string] ? H : P extends readonly [infer H extends string, ...infer R extends readonly string[]] ? `${H}_${Join<R>}` : never;
function field<const P extends readonly string[]>(path: P & (Join<P> extends FieldId ? unknown : never), control: Control, compact = false): FieldDef {
  return { id: path.join('_') as FieldId, path, control, compact };
}

const share = { kind: 'percent', min: 0, max: 1 } as const;
const weight = { kind: 'number', min: 0, max: 10, step: 0.05 } as const;
const tierCriteria = ['volume', 'prospects', 'profit', 'frequency', 'credit'] as const satisfies readonly (keyof AnalyticsSettings['tier']['weights'])[];

export const settingSections: SectionDef[] = [
  {
    key: 'schedule',
    fields: [field(['schedule', 'enabled'], { kind: 'switch' }), field(['schedule', 'time'], { kind: 'time' })],
  },
  {
    key: 'observation',
    fields: [
      field(['asOf'], { kind: 'choice', group: 'asOf', options: ['today', 'month_start'] }),
      field(['windowMonths'], { kind: 'number', min: 0, max: 240, step: 1, int: true, unit: 'months' }),
    ],
  },
  { key: 'rfm', fields: [field(['rfm', 'method'], { kind: 'choice', group: 'rfmMethod', options: ['ntile', 'quantile'] })] },
  { key: 'abc', fields: [field(['abc', 'a'], share), field(['abc', 'b'], share)] },
  {
    key: 'clv',
    fields: [
      field(['clv', 'model'], { kind: 'choice', group: 'clvModel', options: ['bgnbd', 'pareto-nbd'] }),
      field(['clv', 'unit'], { kind: 'choice', group: 'clvUnit', options: ['day', 'week'] }),
      field(['clv', 'months'], { kind: 'number', min: 1, max: 120, step: 1, int: true, unit: 'months' }),
      field(['clv', 'discountRate'], { kind: 'percent', min: 0, max: 0.5 }),
      field(['clv', 'basis'], { kind: 'choice', group: 'clvBasis', options: ['revenue', 'margin'] }),
      field(['clv', 'nextPeriodDays'], { kind: 'number', min: 1, max: 730, step: 1, int: true, unit: 'days' }),
    ],
  },
  {
    key: 'lifecycle',
    fields: [
      field(['lifecycle', 'acquisitionDays'], { kind: 'number', min: 1, max: 3650, step: 1, int: true, unit: 'days' }),
      field(['lifecycle', 'matureMinPurchases'], { kind: 'number', min: 1, max: 100, step: 1, int: true, unit: 'purchases' }),
      field(['lifecycle', 'growthTrend'], { kind: 'number', min: 0, max: 1, step: 0.05 }),
      field(['lifecycle', 'declineTrend'], { kind: 'number', min: -1, max: 0, step: 0.05 }),
      field(['lifecycle', 'declineSilence'], { kind: 'number', min: 0.5, max: 50, step: 0.5, unit: 'cycles' }),
      field(['lifecycle', 'terminationSilence'], { kind: 'number', min: 0.5, max: 100, step: 0.5, unit: 'cycles' }),
    ],
  },
  {
    key: 'tier',
    fields: [
      ...tierCriteria.map((k) => field(['tier', 'weights', k], weight, true)),
      field(['tier', 'cutoffs', 'vip'], share),
      field(['tier', 'cutoffs', 'important'], share),
      field(['tier', 'feedImportance'], { kind: 'switch' }),
    ],
    groupPaths: ['tier.weights'],
  },
  {
    key: 'churn',
    fields: [
      ...churnSignals.map((k) => field(['churn', 'weights', k], weight, true)),
      field(['churn', 'levels', 'medium'], { kind: 'number', min: 0, max: 1, step: 0.05 }),
      field(['churn', 'levels', 'high'], { kind: 'number', min: 0, max: 1, step: 0.05 }),
    ],
    groupPaths: ['churn.weights'],
  },
  {
    key: 'warnings',
    fields: [
      field(['warnings', 'churnLevel'], { kind: 'choice', group: 'churnLevel', options: ['medium', 'high'], nullable: true }),
      field(['warnings', 'churnTiers'], { kind: 'tiers' }),
      field(['warnings', 'overdueAmount'], { kind: 'number', min: 0, step: 1000, unit: 'yuan', nullable: true }),
      field(['warnings', 'overdueDays'], { kind: 'number', min: 0, max: 3650, step: 1, int: true, unit: 'days' }),
      field(['warnings', 'expenseRatio'], share),
    ],
  },
];

export const settingFields: FieldDef[] = settingSections.flatMap((s) => s.fields);
export const fieldByPath = new Map(settingFields.map((f) => [f.path.join('.'), f]));
