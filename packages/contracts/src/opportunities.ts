// Opportunities (商机): a deal with a customer, moving through a pipeline's stages. Amounts are
// decimal strings computed by the database; the weighted amount is amount × effective
// probability (the deal's override, else its stage's), rounded to the cent per deal.
import { z } from 'zod';
import { auditColumns, listQuery, shortText } from './common.js';
import { money } from './products.js';
import { pipeline, pipelineStage, probability, stageKinds } from './pipelines.js';
import { quantity } from './orders.js';

const isoTime = z.iso.datetime({ offset: true });
const isoDate = z.iso.date();
const refId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const queryId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const yearMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'a month like 2025-03' });

export const opportunityStatuses = stageKinds;
export type OpportunityStatus = (typeof opportunityStatuses)[number];
/** The company's currency: a new deal's default, listed first among a total's currencies. */
export const defaultCurrency = 'CNY';
export const currency = z
  .string()
  .trim()
  .regex(/^[A-Z]{3}$/, { message: 'a 3-letter currency code like CNY' });

export const opportunitySummary = z.object({
  id: z.number().int(),
  name: z.string(),
  customerId: z.number().int(),
  customerName: z.string().nullable(),
  contactId: z.number().int().nullable(),
  contactName: z.string().nullable(),
  ownerId: z.number().int(),
  ownerName: z.string().nullable(),
  pipelineId: z.number().int(),
  stageId: z.number().int(),
  stageKey: z.string().nullable(),
  stageName: z.string(),
  status: z.enum(opportunityStatuses),
  amount: z.string(),
  currency: z.string(),
  /** The override, else the stage's probability. */
  probability,
  probabilityOverride: probability.nullable(),
  weightedAmount: z.string(),
  expectedCloseDate: isoDate.nullable(),
  competitors: z.array(z.string()),
  closeReason: z.string().nullable(),
  closedAt: isoTime.nullable(),
  leadId: z.number().int().nullable(),
  stageEnteredAt: isoTime,
  lastActivityAt: isoTime,
  daysInStage: z.number().int(),
  /** Open, and no activity (edit, move, follow-up on the customer) within the pipeline's stale days. */
  stale: z.boolean(),
  ...auditColumns,
});
export type OpportunitySummary = z.infer<typeof opportunitySummary>;

export const opportunityProduct = z.object({
  productId: z.number().int(),
  productSku: z.string(),
  productName: z.string(),
  quantity: z.string().nullable(),
});
/** One stage change; a move to another pipeline has its from- and to-stage in different pipelines. */
export const stageChange = z.object({
  id: z.number().int(),
  fromStageId: z.number().int().nullable(),
  fromStageName: z.string().nullable(),
  fromStageKey: z.string().nullable(),
  fromPipelineId: z.number().int().nullable(),
  fromPipelineName: z.string().nullable(),
  toStageId: z.number().int(),
  toStageName: z.string(),
  toStageKey: z.string().nullable(),
  toPipelineId: z.number().int(),
  toPipelineName: z.string(),
  at: isoTime,
  actorId: z.number().int().nullable(),
  actorName: z.string().nullable(),
  /** Time spent in the stage left; null for the creation. */
  secondsInPrevious: z.number().int().nullable(),
  reason: z.string().nullable(),
});
export type StageChange = z.infer<typeof stageChange>;
export const opportunity = opportunitySummary.extend({ products: z.array(opportunityProduct), history: z.array(stageChange) });
export type Opportunity = z.infer<typeof opportunity>;

const ownerFilter = z.union([z.literal('me'), queryId]);
export const opportunityListQuery = listQuery(['name', 'amount', 'expectedCloseDate', 'stageEnteredAt', 'createdAt', 'updatedAt']).extend({
  /** `me` or a user id */
  'filter[ownerId]': ownerFilter.optional(),
  /** owners in this department and its sub-departments */
  'filter[departmentId]': queryId.optional(),
  'filter[pipelineId]': queryId.optional(),
  'filter[stageId]': queryId.optional(),
  'filter[status]': z.enum(opportunityStatuses).optional(),
  'filter[customerId]': queryId.optional(),
  'filter[closeFrom]': isoDate.optional(),
  'filter[closeTo]': isoDate.optional(),
  'filter[stale]': z.enum(['true', 'false']).optional(),
});
export type OpportunityListQuery = z.infer<typeof opportunityListQuery>;

export const opportunityProductInput = z.strictObject({ productId: refId, quantity: quantity.nullable().optional() });
const competitors = z.array(shortText(100)).max(20);
const reason = z.string().trim().max(1000);

export const createOpportunityBody = z.strictObject({
  name: shortText(200),
  customerId: refId,
  contactId: refId.nullable().optional(),
  /** Defaults to the caller. */
  ownerId: refId.optional(),
  /** Defaults to the default pipeline. */
  pipelineId: refId.optional(),
  /** Defaults to the pipeline's first open stage; a won or lost stage closes the deal at once. */
  stageId: refId.optional(),
  amount: money.default('0'),
  currency: currency.default(defaultCurrency),
  probabilityOverride: probability.nullable().optional(),
  expectedCloseDate: isoDate.nullable().optional(),
  competitors: competitors.default([]),
  closeReason: reason.nullable().optional(),
  products: z.array(opportunityProductInput).max(100).default([]),
});
/** The stage changes only through the move action; `products` replaces the whole list. */
export const updateOpportunityBody = z.strictObject({
  name: shortText(200).optional(),
  contactId: refId.nullable().optional(),
  ownerId: refId.optional(),
  amount: money.optional(),
  currency: currency.optional(),
  probabilityOverride: probability.nullable().optional(),
  expectedCloseDate: isoDate.nullable().optional(),
  competitors: competitors.optional(),
  closeReason: reason.nullable().optional(),
  products: z.array(opportunityProductInput).max(100).optional(),
  version: z.number().int().positive(),
});
/**
 * Moving to a lost stage needs a reason; to a won one stamps closed_at; back to an open one reopens.
 * Without `pipelineId` the stage is one of the deal's pipeline; with it, a stage of that pipeline
 * (another active one moves the deal there, in the same step).
 */
export const moveOpportunityBody = z.strictObject({ stageId: refId, pipelineId: refId.optional(), version: z.number().int().positive(), reason: reason.optional() });
export type MoveOpportunityBody = z.infer<typeof moveOpportunityBody>;

// ---- board ----
export const boardQuery = z.strictObject({
  pipelineId: queryId.optional(),
  'filter[ownerId]': ownerFilter.optional(),
  'filter[departmentId]': queryId.optional(),
  'filter[closeFrom]': isoDate.optional(),
  'filter[closeTo]': isoDate.optional(),
  perStage: z.coerce.number().int().min(1).max(100).default(20),
});
export type BoardQuery = z.infer<typeof boardQuery>;
/** One currency's deals in a column: amounts in different currencies are never added together. */
export const currencyTotals = z.object({ currency: z.string(), count: z.number().int(), amount: z.string(), weightedAmount: z.string() });
export type CurrencyTotals = z.infer<typeof currencyTotals>;
/** Every deal counted once; the amounts per currency: CNY first, then the currency with the most deals (then by code). */
export const stageTotals = z.object({ count: z.number().int(), amounts: z.array(currencyTotals) });
export const boardColumn = z.object({
  stage: pipelineStage,
  ...stageTotals.shape,
  /**
   * Won and lost columns only: they count deals closed in this period (dates inclusive, company
   * time zone; null is unbounded) — the expected-close filter if given, else the current quarter.
   */
  closedFrom: z.string().nullable().optional(),
  closedTo: z.string().nullable().optional(),
  cards: z.array(opportunitySummary),
  nextCursor: z.string().nullable(),
});
export type BoardColumn = z.infer<typeof boardColumn>;
export const board = z.object({ pipeline, columns: z.array(boardColumn) });
export type Board = z.infer<typeof board>;
export const boardColumnQuery = boardQuery.omit({ pipelineId: true, perStage: true }).extend({
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type BoardColumnQuery = z.infer<typeof boardColumnQuery>;
export const boardColumnPage = z.object({ data: z.array(opportunitySummary), nextCursor: z.string().nullable() });
export const stageIdParams = z.strictObject({ stageId: queryId });

// ---- forecast ----
export const forecastQuery = z.strictObject({
  from: yearMonth,
  to: yearMonth,
  /** The forecast adds up one currency's deals; by default CNY if any, else the one with the most deals in the period. */
  currency: currency.optional(),
  pipelineId: queryId.optional(),
  'filter[ownerId]': ownerFilter.optional(),
  'filter[departmentId]': queryId.optional(),
});
export type ForecastQuery = z.infer<typeof forecastQuery>;
export const forecastRow = z.object({
  month: yearMonth,
  ownerId: z.number().int(),
  ownerName: z.string().nullable(),
  /** open deals expected to close in the month */
  openCount: z.number().int(),
  openAmount: z.string(),
  weightedAmount: z.string(),
  /** deals won in the month (by closed_at in the company time zone) */
  wonCount: z.number().int(),
  wonAmount: z.string(),
});
export type ForecastRow = z.infer<typeof forecastRow>;
export const forecast = z.object({
  from: yearMonth,
  to: yearMonth,
  /** The currency of every amount below. */
  currency: z.string(),
  /** Every currency with deals in the period (open expected to close, or won): CNY first, then most deals first. */
  currencies: z.array(z.string()),
  months: z.array(yearMonth),
  rows: z.array(forecastRow),
  totals: z.object({ openAmount: z.string(), weightedAmount: z.string(), wonAmount: z.string() }),
});
export type Forecast = z.infer<typeof forecast>;

// ---- summary (home page) ----
export const pipelineSummaryQuery = z.strictObject({ scope: z.enum(['me', 'team']).default('me'), pipelineId: queryId.optional() });
export const pipelineSummary = z.object({
  pipelineId: z.number().int(),
  pipelineName: z.string(),
  scope: z.enum(['me', 'team']),
  stages: z.array(z.object({ stage: pipelineStage, ...stageTotals.shape })),
});
export type PipelineSummary = z.infer<typeof pipelineSummary>;
