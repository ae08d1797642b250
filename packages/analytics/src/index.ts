// @guanxi/analytics — the models of the analytical CRM as pure functions over typed arrays.
export { gammaln, digamma, betaln, hyp2f1, logHyp2f1, logAddExp, logSubExp } from './special.js';
export { minimizeBfgs, hessianFromGradient, numericalGradient, invert, standardErrors } from './optimize.js';
export type { Objective, MinimizeOptions, MinimizeResult, MinimizeStop } from './optimize.js';
export { collapseSummary, validateSummary } from './summary.js';
export type { PurchaseSummary, CollapsedSummary } from './summary.js';
export type { FitReport, FitOptions } from './fit-common.js';
export { FIT_FUNCTION_TOLERANCE } from './fit-common.js';
export { fitBgNbd, bgnbdLogLikelihood, bgnbdPAlive, bgnbdExpectedPurchases, bgnbdConditionalExpectedPurchases, bgnbdExpectedPurchasesIfAlive } from './bgnbd.js';
export type { BgNbdParams, BgNbdFit } from './bgnbd.js';
export {
  fitParetoNbd,
  paretoNbdLogLikelihood,
  paretoNbdLogA0,
  paretoNbdPAlive,
  paretoNbdConditionalExpectedPurchases,
  paretoNbdExpectedPurchases,
  paretoNbdExpectedPurchasesIfAlive,
} from './pareto-nbd.js';
export type { ParetoNbdParams, ParetoNbdFit } from './pareto-nbd.js';
export { fitGammaGamma, gammaGammaLogLikelihood, gammaGammaExpectedSpend, isSpendRowUsable, selectSpendRows } from './gamma-gamma.js';
export type { GammaGammaParams, GammaGammaFit, SpendSummary } from './gamma-gamma.js';
export { UNITS_PER_MONTH, conditionalExpectedPurchases, customerLifetimeValue, expectedPurchasesIfAlive, historicalValue, probabilityAlive, relationshipValue } from './clv.js';
export type { PurchaseModel, ClvOptions } from './clv.js';
export { scoreCustomers } from './score-customers.js';
export { fitSample, idHash } from './fit-sample.js';
export type { ScoreCustomersInput, ScoreCustomersResult } from './score-customers.js';
export { idRanks, orderBy, sortStrings } from './ranking.js';
export type { CustomerIds } from './ranking.js';
export { rfmScores, rfmSegments, ntile, quantileSorted } from './rfm.js';
export type { RfmInput, RfmOptions, RfmScores, RfmSegmentation } from './rfm.js';
export { RF_SEGMENT_GRID, RFM_SEGMENT_MAP, RF_SEGMENTS, RFM_SEGMENTS, rfSegment, rfmSegment } from './rfm-segments.js';
export { abcAnalysis, paretoCurve, ABC_CLASSES } from './abc.js';
export type { AbcClass, AbcOptions, AbcResult, ParetoPoint } from './abc.js';
export { valueMatrix, VALUE_QUADRANTS } from './value-matrix.js';
export type { ValueQuadrant, ValueMatrixResult } from './value-matrix.js';
export { lifecycleStage, lifecycleStages, purchaseTrend, LIFECYCLE_STAGES, LIFECYCLE_LABELS, LIFECYCLE_RULES } from './lifecycle.js';
export type { LifecycleStage, LifecycleInput, LifecycleOptions, LifecycleResult, LifecycleRule, LifecycleColumns } from './lifecycle.js';
export { dickBasu, reinartzKumar, bradley } from './loyalty.js';
export type { DickBasuSegment, ReinartzKumarSegment, BradleySegment } from './loyalty.js';
export { compositeTier, TIERS, TIER_LABELS } from './tier.js';
export type { Tier, TierCriterion, TierOptions, TierResult } from './tier.js';
export { satisfactionIndex, csat, nps, customerDeliveredValue } from './satisfaction.js';
export type { SatisfactionDimension, DeliveredValueInput } from './satisfaction.js';
export { churnRisk, churnRiskScores, CHURN_SIGNALS, CHURN_LEVELS, DEFAULT_CHURN_WEIGHTS } from './churn.js';
export type { ChurnSignalName, ChurnLevel, ChurnInput, ChurnOptions, ChurnSignal, ChurnRisk, ChurnColumns } from './churn.js';
