// The service desk (客户服务): tickets with replies, complaint steps and attachments; SLA policies
// over business calendars; return visits (回访); notifications; service reports.
import { z } from 'zod';
import { auditColumns, listQuery, shortText, version } from './common.js';

const isoTime = z.iso.datetime({ offset: true });
const isoDate = z.iso.date();
const idRef = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const longText = (max = 10_000) => z.string().trim().max(max);
/** Money as a decimal string with at most two decimals (numeric(14,2)). */
const money = z.string().trim().regex(/^\d{1,12}(\.\d{1,2})?$/, { message: 'an amount like 1234.50' });
const hhmm = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$/, { message: 'a time like 09:00' });

export const ticketTypes = ['inquiry', 'complaint', 'suggestion', 'after_sales'] as const;
export const afterSalesSubtypes = ['repair', 'return', 'replacement'] as const;
export const ticketStatuses = ['new', 'open', 'pending_customer', 'resolved', 'closed'] as const;
export const ticketPriorities = ['low', 'normal', 'high', 'urgent'] as const;
export const ticketChannels = ['phone', 'email', 'wechat', 'web_form', 'visit', 'chat', 'other'] as const;
export const slaStates = ['pending', 'achieved', 'breached'] as const;
export const customerTiers = ['vip', 'important', 'ordinary'] as const;
export const ticketSteps = ['received', 'recorded', 'judged', 'solution_proposed', 'solution_approved', 'solution_rejected', 'carried_out', 'visited', 'closed', 'reopened'] as const;
export const ticketQueues = ['mine', 'team', 'unassigned', 'breaching_soon', 'breached'] as const;
/** Suggested root causes of complaints; the field accepts any short key so a company can add its own. */
export const complaintRootCauses = ['product_quality', 'delivery', 'installation', 'service_attitude', 'billing', 'communication', 'policy', 'other'] as const;

// ---- business calendars ----

export const workingSpan = z.strictObject({ start: hhmm, end: hhmm }).refine((s) => s.start < s.end, { message: 'end must be after start', path: ['end'] });
const workingHours = z
  .array(workingSpan)
  .min(1)
  .max(2)
  .refine((h) => h.length < 2 || h[0]!.end <= h[1]!.start, { message: 'the second span must start after the first ends', path: [1, 'start'] });
const weekdays = z.array(z.number().int().min(1).max(7)).max(7).refine((d) => new Set(d).size === d.length, { message: 'each weekday once' });
const timeZone = z.string().refine((tz) => tz === 'UTC' || Intl.supportedValuesOf('timeZone').includes(tz), { message: 'unknown time zone' });

export const calendarDay = z.object({ date: isoDate, kind: z.enum(['holiday', 'workday']), name: z.string().nullable() });
export type CalendarDay = z.infer<typeof calendarDay>;

export const businessCalendar = z.object({
  id: z.number().int(),
  name: z.string(),
  timeZone: z.string(),
  workingDays: z.array(z.number().int()),
  workingHours: z.array(z.object({ start: z.string(), end: z.string() })),
  isDefault: z.boolean(),
  ...auditColumns,
});
export type BusinessCalendarDto = z.infer<typeof businessCalendar>;
export const businessCalendarDetail = businessCalendar.extend({ days: z.array(calendarDay) });

export const createBusinessCalendarBody = z.strictObject({
  name: shortText(100),
  timeZone: timeZone.optional(),
  workingDays: weekdays.default([1, 2, 3, 4, 5]),
  workingHours,
  isDefault: z.boolean().default(false),
});
export const updateBusinessCalendarBody = z.strictObject({
  name: shortText(100).optional(),
  timeZone: timeZone.optional(),
  workingDays: weekdays.optional(),
  workingHours: workingHours.optional(),
  isDefault: z.literal(true).optional(),
  version,
});
export const calendarDayParams = z.strictObject({ id: z.coerce.number().int().positive(), date: isoDate });
export const putCalendarDayBody = z.strictObject({ kind: z.enum(['holiday', 'workday']), name: shortText(60).nullable().optional() });
export const calendarDaysQuery = z.strictObject({ year: z.coerce.number().int().min(2000).max(2100).optional() });

// ---- SLA policies ----

const minutes = z.number().int().min(1).max(525_600);
export const slaPolicy = z.object({
  id: z.number().int(),
  name: z.string(),
  importance: z.enum(customerTiers).nullable(),
  priority: z.enum(ticketPriorities).nullable(),
  firstResponseMinutes: z.number().int(),
  resolutionMinutes: z.number().int(),
  nearBreachPercent: z.number().int(),
  calendarId: z.number().int().nullable(),
  active: z.boolean(),
  precedence: z.number().int(),
  ...auditColumns,
});
export type SlaPolicy = z.infer<typeof slaPolicy>;
export const createSlaPolicyBody = z
  .strictObject({
    name: shortText(100),
    importance: z.enum(customerTiers).nullable().default(null),
    priority: z.enum(ticketPriorities).nullable().default(null),
    firstResponseMinutes: minutes,
    resolutionMinutes: minutes,
    nearBreachPercent: z.number().int().min(1).max(99).default(80),
    calendarId: idRef.nullable().default(null),
    active: z.boolean().default(true),
    precedence: z.number().int().min(-1000).max(1000).default(0),
  })
  .refine((p) => p.resolutionMinutes >= p.firstResponseMinutes, { message: 'resolution cannot come before the first response', path: ['resolutionMinutes'] });
export const updateSlaPolicyBody = z.strictObject({
  name: shortText(100).optional(),
  importance: z.enum(customerTiers).nullable().optional(),
  priority: z.enum(ticketPriorities).nullable().optional(),
  firstResponseMinutes: minutes.optional(),
  resolutionMinutes: minutes.optional(),
  nearBreachPercent: z.number().int().min(1).max(99).optional(),
  calendarId: idRef.nullable().optional(),
  active: z.boolean().optional(),
  precedence: z.number().int().min(-1000).max(1000).optional(),
  version,
});
export const slaMatchQuery = z.strictObject({ importance: z.enum(customerTiers).optional(), priority: z.enum(ticketPriorities) });

export const serviceSettings = z.object({
  compensationApprovalThreshold: z.string(),
  complaintVisitDelayDays: z.number().int(),
  version: z.number().int(),
});
export const updateServiceSettingsBody = z.strictObject({
  compensationApprovalThreshold: money.optional(),
  complaintVisitDelayDays: z.number().int().min(0).max(365).optional(),
  version,
});

// ---- tickets ----

export const ticket = z.object({
  id: z.number().int(),
  number: z.string(),
  type: z.enum(ticketTypes),
  subtype: z.enum(afterSalesSubtypes).nullable(),
  customerId: z.number().int().nullable(),
  customerName: z.string().nullable(),
  contactId: z.number().int().nullable(),
  callerName: z.string().nullable(),
  callerPhone: z.string().nullable(),
  callerEmail: z.string().nullable(),
  channel: z.enum(ticketChannels),
  subject: z.string(),
  description: z.string().nullable(),
  category: z.string().nullable(),
  rootCause: z.string().nullable(),
  priority: z.enum(ticketPriorities),
  productId: z.number().int().nullable(),
  orderId: z.number().int().nullable(),
  teamId: z.number().int().nullable(),
  teamName: z.string().nullable(),
  assigneeId: z.number().int().nullable(),
  assigneeName: z.string().nullable(),
  status: z.enum(ticketStatuses),
  complaintStage: z.enum(ticketSteps).nullable(),
  /** Complaints: the steps that may come next. */
  nextSteps: z.array(z.enum(ticketSteps)),
  sla: z.object({
    customerTier: z.enum(customerTiers).nullable(),
    policyId: z.number().int().nullable(),
    firstResponseDueAt: isoTime.nullable(),
    resolutionDueAt: isoTime.nullable(),
    firstRespondedAt: isoTime.nullable(),
    resolvedAt: isoTime.nullable(),
    closedAt: isoTime.nullable(),
    pausedSince: isoTime.nullable(),
    pausedMinutes: z.number().int(),
    firstResponse: z.enum(slaStates),
    resolution: z.enum(slaStates),
    nearBreach: z.boolean(),
    escalatedAt: isoTime.nullable(),
  }),
  ...auditColumns,
});
export type Ticket = z.infer<typeof ticket>;

export const ticketListQuery = listQuery(['createdAt', 'updatedAt', 'priority', 'resolutionDueAt', 'number']).extend({
  'filter[queue]': z.enum(ticketQueues).optional(),
  'filter[status]': z.enum([...ticketStatuses, 'active'] as const).optional(),
  'filter[type]': z.enum(ticketTypes).optional(),
  'filter[priority]': z.enum(ticketPriorities).optional(),
  'filter[customerId]': z.coerce.number().int().positive().optional(),
  'filter[assigneeId]': z.coerce.number().int().positive().optional(),
  'filter[teamId]': z.coerce.number().int().positive().optional(),
});

const phoneText = z.string().trim().max(40).regex(/^[0-9+\-() ]*$/, { message: 'not a phone number' });
export const createTicketBody = z
  .strictObject({
    type: z.enum(ticketTypes),
    subtype: z.enum(afterSalesSubtypes).nullable().optional(),
    customerId: idRef.nullable().optional(),
    contactId: idRef.nullable().optional(),
    callerName: shortText(100).nullable().optional(),
    callerPhone: phoneText.nullable().optional(),
    callerEmail: z.email().max(254).nullable().optional(),
    channel: z.enum(ticketChannels),
    subject: shortText(200),
    description: longText().nullable().optional(),
    category: shortText(60).nullable().optional(),
    priority: z.enum(ticketPriorities).default('normal'),
    productId: idRef.nullable().optional(),
    orderId: idRef.nullable().optional(),
    teamId: idRef.nullable().optional(),
    assigneeId: idRef.nullable().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.subtype && v.type !== 'after_sales') ctx.addIssue({ code: 'custom', path: ['subtype'], message: 'only after-sales tickets have a subtype' });
    if (!v.customerId && !v.callerName && !v.callerPhone && !v.callerEmail) {
      ctx.addIssue({ code: 'custom', path: ['customerId'], message: 'give a customer or the caller’s name, phone or email' });
    }
  });
export const updateTicketBody = z.strictObject({
  subtype: z.enum(afterSalesSubtypes).nullable().optional(),
  customerId: idRef.nullable().optional(),
  contactId: idRef.nullable().optional(),
  callerName: shortText(100).nullable().optional(),
  callerPhone: phoneText.nullable().optional(),
  callerEmail: z.email().max(254).nullable().optional(),
  subject: shortText(200).optional(),
  description: longText().nullable().optional(),
  category: shortText(60).nullable().optional(),
  rootCause: shortText(60).nullable().optional(),
  priority: z.enum(ticketPriorities).optional(),
  productId: idRef.nullable().optional(),
  orderId: idRef.nullable().optional(),
  version,
});
export const ticketStatusBody = z.strictObject({ status: z.enum(ticketStatuses), note: longText(2000).nullable().optional(), version });
export const ticketAssignBody = z.strictObject({ assigneeId: idRef.nullable(), teamId: idRef.nullable().optional(), version });

export const ticketReply = z.object({
  id: z.number().int(),
  ticketId: z.number().int(),
  direction: z.enum(['inbound', 'outbound', 'internal']),
  channel: z.enum(ticketChannels),
  body: z.string(),
  authorId: z.number().int().nullable(),
  authorName: z.string().nullable(),
  contactId: z.number().int().nullable(),
  fromAddress: z.string().nullable(),
  at: isoTime,
  /** Outbound email replies: whether the mail went out (queued, sent, failed after retries, not_sent with the reason). */
  delivery: z
    .object({
      status: z.enum(['queued', 'sent', 'failed', 'not_sent']),
      to: z.string().nullable(),
      attempts: z.number().int(),
      lastError: z.string().nullable(),
      nextAttemptAt: isoTime.nullable(),
      sentAt: isoTime.nullable(),
    })
    .nullable(),
});
export type TicketReply = z.infer<typeof ticketReply>;
export const createTicketReplyBody = z.strictObject({
  direction: z.enum(['inbound', 'outbound', 'internal']),
  channel: z.enum(ticketChannels).optional(),
  body: z.string().trim().min(1).max(20_000),
  contactId: idRef.nullable().optional(),
  /** When it happened (a phone call logged afterwards); now by default, never in the future. */
  at: isoTime.optional(),
});

export const ticketStep = z.object({
  id: z.number().int(),
  ticketId: z.number().int(),
  step: z.enum(ticketSteps),
  actorId: z.number().int().nullable(),
  actorName: z.string().nullable(),
  at: isoTime,
  note: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type TicketStep = z.infer<typeof ticketStep>;

const stepBase = { note: longText(5000).nullable().optional(), version };
/** One body per step; the fields each step records are required where the workflow needs them. */
export const createTicketStepBody = z.discriminatedUnion('step', [
  z.strictObject({ step: z.literal('recorded'), keyPoints: z.array(shortText(500)).min(1).max(20), ...stepBase }),
  z.strictObject({ step: z.literal('judged'), validity: z.enum(['valid', 'invalid']), reason: longText(2000).min(1), rootCause: shortText(60).nullable().optional(), ...stepBase }),
  z.strictObject({ step: z.literal('solution_proposed'), solution: longText(5000).min(1), compensation: money.default('0'), ...stepBase }),
  z.strictObject({ step: z.literal('solution_approved'), ...stepBase }),
  z.strictObject({ step: z.literal('solution_rejected'), reason: longText(2000).min(1), ...stepBase }),
  z.strictObject({ step: z.literal('carried_out'), ...stepBase }),
  z.strictObject({ step: z.literal('visited'), satisfaction: z.number().int().min(1).max(5), wouldRecommend: z.number().int().min(0).max(10).nullable().optional(), comment: longText(2000).nullable().optional(), ...stepBase }),
  z.strictObject({ step: z.literal('closed'), ...stepBase }),
  z.strictObject({ step: z.literal('reopened'), reason: longText(2000).min(1), ...stepBase }),
]);
export type CreateTicketStepBody = z.infer<typeof createTicketStepBody>;

export const ticketAttachment = z.object({
  id: z.number().int(),
  ticketId: z.number().int(),
  fileName: z.string(),
  contentType: z.string(),
  sizeBytes: z.number().int(),
  sha256: z.string(),
  createdAt: isoTime,
  createdBy: z.number().int().nullable(),
});
export type TicketAttachment = z.infer<typeof ticketAttachment>;
export const ticketAttachmentParams = z.strictObject({ id: z.coerce.number().int().positive(), attachmentId: z.coerce.number().int().positive() });
export const ticketReplyParams = z.strictObject({ id: z.coerce.number().int().positive(), replyId: z.coerce.number().int().positive() });

export const ticketDetail = ticket.extend({
  replies: z.array(ticketReply),
  steps: z.array(ticketStep),
  attachments: z.array(ticketAttachment),
});
export type TicketDetail = z.infer<typeof ticketDetail>;

export const assignmentRule = z.object({
  id: z.number().int(),
  name: z.string(),
  matchType: z.enum(ticketTypes).nullable(),
  matchCategory: z.string().nullable(),
  strategy: z.enum(['round_robin', 'customer_owner']),
  teamId: z.number().int().nullable(),
  precedence: z.number().int(),
  active: z.boolean(),
  ...auditColumns,
});
export const createAssignmentRuleBody = z
  .strictObject({
    name: shortText(100),
    matchType: z.enum(ticketTypes).nullable().default(null),
    matchCategory: shortText(60).nullable().default(null),
    strategy: z.enum(['round_robin', 'customer_owner']),
    teamId: idRef.nullable().default(null),
    precedence: z.number().int().min(-1000).max(1000).default(0),
    active: z.boolean().default(true),
  })
  .refine((r) => r.strategy !== 'round_robin' || r.teamId !== null, { message: 'round robin needs a team', path: ['teamId'] });
export const updateAssignmentRuleBody = z.strictObject({
  name: shortText(100).optional(),
  matchType: z.enum(ticketTypes).nullable().optional(),
  matchCategory: shortText(60).nullable().optional(),
  strategy: z.enum(['round_robin', 'customer_owner']).optional(),
  teamId: idRef.nullable().optional(),
  precedence: z.number().int().min(-1000).max(1000).optional(),
  active: z.boolean().optional(),
  version,
});

// ---- return visits ----

export const returnVisitRule = z.object({
  id: z.number().int(),
  name: z.string(),
  trigger: z.enum(['ticket_closed', 'order_fulfilled']),
  ticketType: z.enum(ticketTypes).nullable(),
  delayDays: z.number().int(),
  assignTo: z.enum(['ticket_assignee', 'customer_owner']),
  active: z.boolean(),
  ...auditColumns,
});
export const createReturnVisitRuleBody = z
  .strictObject({
    name: shortText(100),
    trigger: z.enum(['ticket_closed', 'order_fulfilled']),
    ticketType: z.enum(ticketTypes).nullable().default(null),
    delayDays: z.number().int().min(0).max(365).default(3),
    assignTo: z.enum(['ticket_assignee', 'customer_owner']),
    active: z.boolean().default(true),
  })
  .superRefine((r, ctx) => {
    if (r.trigger === 'order_fulfilled' && r.ticketType) ctx.addIssue({ code: 'custom', path: ['ticketType'], message: 'only ticket rules have a ticket type' });
    if (r.trigger === 'order_fulfilled' && r.assignTo === 'ticket_assignee') ctx.addIssue({ code: 'custom', path: ['assignTo'], message: 'an order has no ticket assignee' });
  });
export const updateReturnVisitRuleBody = z.strictObject({
  name: shortText(100).optional(),
  ticketType: z.enum(ticketTypes).nullable().optional(),
  delayDays: z.number().int().min(0).max(365).optional(),
  assignTo: z.enum(['ticket_assignee', 'customer_owner']).optional(),
  active: z.boolean().optional(),
  version,
});

export const returnVisit = z.object({
  id: z.number().int(),
  customerId: z.number().int(),
  customerName: z.string().nullable(),
  ticketId: z.number().int().nullable(),
  ticketNumber: z.string().nullable(),
  orderId: z.number().int().nullable(),
  orderNumber: z.string().nullable(),
  scheduledOn: isoDate,
  assigneeId: z.number().int(),
  assigneeName: z.string().nullable(),
  status: z.enum(['scheduled', 'done', 'cancelled']),
  satisfaction: z.number().int().nullable(),
  wouldRecommend: z.number().int().nullable(),
  comment: z.string().nullable(),
  doneAt: isoTime.nullable(),
  ...auditColumns,
});
export type ReturnVisit = z.infer<typeof returnVisit>;
export const returnVisitListQuery = listQuery(['scheduledOn', 'createdAt']).extend({
  'filter[status]': z.enum(['scheduled', 'done', 'cancelled']).optional(),
  'filter[assigneeId]': z.union([z.literal('me'), z.coerce.number().int().positive()]).optional(),
  'filter[customerId]': z.coerce.number().int().positive().optional(),
  'filter[ticketId]': z.coerce.number().int().positive().optional(),
});
export const completeReturnVisitBody = z.strictObject({
  satisfaction: z.number().int().min(1).max(5),
  wouldRecommend: z.number().int().min(0).max(10),
  comment: longText(2000).nullable().optional(),
  version,
});
export const cancelReturnVisitBody = z.strictObject({ version });

// ---- notifications ----

export const notification = z.object({
  id: z.number().int(),
  kind: z.string(),
  text: z.string(),
  textZh: z.string(),
  textEn: z.string(),
  link: z.string().nullable(),
  readAt: isoTime.nullable(),
  createdAt: isoTime,
});
export type Notification = z.infer<typeof notification>;
export const notificationListQuery = z.strictObject({
  'filter[unread]': z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(100).optional(),
});
export const notificationPage = z.object({ data: z.array(notification), nextCursor: z.string().nullable(), unread: z.number().int() });

// ---- reports ----

export const serviceReportQuery = z
  .strictObject({
    from: isoDate,
    to: isoDate,
    'filter[teamId]': z.coerce.number().int().positive().optional(),
    'filter[importance]': z.enum(customerTiers).optional(),
  })
  .refine((q) => q.from <= q.to, { message: 'to must not be before from', path: ['to'] });

const attainment = z.object({ achieved: z.number().int(), breached: z.number().int(), rate: z.number().nullable() });
const timeStats = z.object({ count: z.number().int(), median: z.number().nullable(), p90: z.number().nullable() });
export const serviceReport = z.object({
  from: isoDate,
  to: isoDate,
  tickets: z.number().int(),
  /** Business minutes. */
  responseMinutes: timeStats,
  resolutionMinutes: timeStats,
  slaByTier: z.array(z.object({ tier: z.string(), firstResponse: attainment, resolution: attainment })),
  slaByTeam: z.array(z.object({ teamId: z.number().int().nullable(), teamName: z.string().nullable(), firstResponse: attainment, resolution: attainment })),
  /** 问题解决率: tickets created in the period that were resolved, ÷ tickets created. */
  resolutionRate: z.number().nullable(),
  complaints: z.number().int(),
  orders: z.number().int(),
  complaintsPer100Orders: z.number().nullable(),
  visits: z.number().int(),
  csat: z.number().nullable(),
  nps: z.number().nullable(),
  topComplaintCauses: z.array(z.object({ cause: z.string(), count: z.number().int() })),
  backlog: z.array(z.object({ date: isoDate, open: z.number().int() })),
});
export type ServiceReport = z.infer<typeof serviceReport>;
