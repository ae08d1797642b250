// Service tickets (工单): inquiries, complaints, suggestions and after-sales requests, with their
// replies (a thread any channel can feed), complaint workflow steps, attachments, and the rules
// that route new tickets to a team and an agent.
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { auditColumns } from '../db/schema-platform.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const ticketTypeValues = ['inquiry', 'complaint', 'suggestion', 'after_sales'] as const;
export const ticketStatusValues = ['new', 'open', 'pending_customer', 'resolved', 'closed'] as const;
export const ticketPriorityValues = ['low', 'normal', 'high', 'urgent'] as const;
export const slaStateValues = ['pending', 'achieved', 'breached'] as const;
export const ticketStepValues = [
  'received', 'recorded', 'judged', 'solution_proposed', 'solution_approved', 'solution_rejected', 'carried_out', 'visited', 'closed', 'reopened',
] as const;

export const tickets = pgTable(
  'tickets',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    number: text('number').notNull(),
    type: text('type', { enum: ticketTypeValues }).notNull(),
    /** after_sales only: repair, return or replacement. */
    subtype: text('subtype', { enum: ['repair', 'return', 'replacement'] }),
    customerId: bigint('customer_id', { mode: 'number' }),
    contactId: bigint('contact_id', { mode: 'number' }),
    // an unknown caller, until the ticket is linked to a customer
    callerName: text('caller_name'),
    callerPhone: text('caller_phone'),
    callerEmail: text('caller_email'),
    channel: text('channel', { enum: ['phone', 'email', 'wechat', 'web_form', 'visit', 'chat', 'other'] }).notNull(),
    subject: text('subject').notNull(),
    description: text('description'),
    category: text('category'),
    /** Complaints: the root cause found (product_quality, delivery, service_attitude, …), for reports. */
    rootCause: text('root_cause'),
    priority: text('priority', { enum: ticketPriorityValues }).notNull().default('normal'),
    productId: bigint('product_id', { mode: 'number' }),
    orderId: bigint('order_id', { mode: 'number' }),
    /** The team (a department) the ticket belongs to. */
    teamId: bigint('team_id', { mode: 'number' }),
    assigneeId: bigint('assignee_id', { mode: 'number' }),
    assignedAt: ts('assigned_at'),
    status: text('status', { enum: ticketStatusValues }).notNull().default('new'),
    /** Complaints: the last workflow step taken. */
    complaintStage: text('complaint_stage', { enum: ticketStepValues }),
    // SLA (the customer's tier is kept as it was when the ticket came in)
    customerTier: text('customer_tier', { enum: ['vip', 'important', 'ordinary'] }),
    slaPolicyId: bigint('sla_policy_id', { mode: 'number' }),
    firstResponseDueAt: ts('first_response_due_at'),
    firstResponseWarnAt: ts('first_response_warn_at'),
    resolutionDueAt: ts('resolution_due_at'),
    resolutionWarnAt: ts('resolution_warn_at'),
    firstRespondedAt: ts('first_responded_at'),
    resolvedAt: ts('resolved_at'),
    closedAt: ts('closed_at'),
    pausedSince: ts('paused_since'),
    /** Business minutes spent waiting on the customer (the clock stood still). */
    pausedMinutes: integer('paused_minutes').notNull().default(0),
    /** Business minutes from creation to the first reply, and to resolution (net of pauses): report inputs. */
    responseBusinessMinutes: integer('response_business_minutes'),
    resolutionBusinessMinutes: integer('resolution_business_minutes'),
    slaFirstResponse: text('sla_first_response', { enum: slaStateValues }).notNull().default('pending'),
    slaResolution: text('sla_resolution', { enum: slaStateValues }).notNull().default('pending'),
    nearBreach: boolean('near_breach').notNull().default(false),
    escalatedAt: ts('escalated_at'),
    deletedAt: ts('deleted_at'),
    deletedBy: bigint('deleted_by', { mode: 'number' }),
    ...auditColumns(),
  },
  (t) => [
    uniqueIndex('tickets_number').on(t.number),
    index('tickets_assignee_idx').on(t.assigneeId, t.id).where(sql`deleted_at is null`),
    // round robin asks each agent's latest assignment
    index('tickets_assignee_assigned_idx').on(t.assigneeId, t.assignedAt).where(sql`assignee_id is not null`),
    index('tickets_team_idx').on(t.teamId, t.id).where(sql`deleted_at is null`),
    index('tickets_unassigned_idx').on(t.teamId, t.id).where(sql`deleted_at is null and assignee_id is null and status <> 'closed'`),
    index('tickets_customer_idx').on(t.customerId, t.id).where(sql`deleted_at is null`),
    index('tickets_created_idx').on(t.createdAt, t.id).where(sql`deleted_at is null`),
    // Queues list active tickets newest first, per agent or per team: these stay the size of the open
    // backlog, not the history. The predicate is ticket-scope.ts's activeStatuses, word for word.
    index('tickets_active_assignee_idx').on(t.assigneeId, t.createdAt, t.id).where(sql`deleted_at is null and status in ('new', 'open', 'pending_customer')`),
    index('tickets_active_team_idx').on(t.teamId, t.createdAt, t.id).where(sql`deleted_at is null and status in ('new', 'open', 'pending_customer')`),
    // The backlog report's opening count: still open (null) or resolved since the period began.
    index('tickets_resolved_idx').on(t.resolvedAt).where(sql`deleted_at is null`),
    // The backlog report's opening count: tickets whose open span (created, resolved] contains the
    // period's start, found without reading everything resolved since. Word for word openSpan in
    // service-reports.service.ts; a ticket resolved before it was created has an empty span.
    index('tickets_open_span_idx')
      .using('gist', sql`tstzrange(created_at, case when resolved_at is null then null else greatest(resolved_at, created_at) end, '(]')`)
      .where(sql`deleted_at is null`),
    // A department's service report: the period's tickets of its people assigned in other teams
    // (the team's own come from the rollups), by assignee and creation time.
    index('tickets_assignee_created_idx').on(t.assigneeId, t.createdAt).where(sql`deleted_at is null`),
    // The deleted tickets, few: the service report excludes their return visits by one hashed
    // anti-join instead of probing every visit's ticket (service-reports.service.ts).
    index('tickets_deleted_idx').on(t.id).where(sql`deleted_at is not null`),
    // the SLA job seeks open clocks by due time
    index('tickets_first_due_idx').on(t.firstResponseDueAt).where(sql`deleted_at is null and sla_first_response = 'pending'`),
    index('tickets_resolution_due_idx').on(t.resolutionDueAt).where(sql`deleted_at is null and sla_resolution = 'pending'`),
  ],
);

/**
 * The conversation on a ticket, whatever the channel. An email channel adds rows with
 * direction 'inbound', its sender address and the message id (external_id, unique per channel,
 * so a message fetched twice is stored once).
 */
export const ticketReplies = pgTable(
  'ticket_replies',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: bigint('ticket_id', { mode: 'number' }).notNull().references(() => tickets.id),
    direction: text('direction', { enum: ['inbound', 'outbound', 'internal'] }).notNull(),
    channel: text('channel', { enum: ['phone', 'email', 'wechat', 'web_form', 'visit', 'chat', 'other'] }).notNull(),
    body: text('body').notNull(),
    /** The agent who wrote or logged it; null for a message that arrived by itself. */
    authorId: bigint('author_id', { mode: 'number' }),
    contactId: bigint('contact_id', { mode: 'number' }),
    fromAddress: text('from_address'),
    externalId: text('external_id'),
    at: ts('at').notNull().defaultNow(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('ticket_replies_ticket_idx').on(t.ticketId, t.at),
    uniqueIndex('ticket_replies_external').on(t.channel, t.externalId).where(sql`external_id is not null`),
  ],
);

/** 投诉处理: each step of a complaint, with who took it, when, a note and the step's data. */
export const ticketSteps = pgTable(
  'ticket_steps',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: bigint('ticket_id', { mode: 'number' }).notNull().references(() => tickets.id),
    step: text('step', { enum: ticketStepValues }).notNull(),
    actorId: bigint('actor_id', { mode: 'number' }),
    at: ts('at').notNull().defaultNow(),
    note: text('note'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  },
  (t) => [index('ticket_steps_ticket_idx').on(t.ticketId, t.id)],
);

export const ticketAttachments = pgTable(
  'ticket_attachments',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: bigint('ticket_id', { mode: 'number' }).notNull().references(() => tickets.id),
    fileName: text('file_name').notNull(),
    /** The type found from the file's first bytes, not the one the uploader claimed. */
    contentType: text('content_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    /** File name under <data dir>/attachments; random, never derived from user input. */
    storageKey: text('storage_key').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    createdBy: bigint('created_by', { mode: 'number' }),
    deletedAt: ts('deleted_at'),
  },
  (t) => [index('ticket_attachments_ticket_idx').on(t.ticketId)],
);

/** Routing of new tickets without an assignee: the first active matching rule (by precedence) decides. */
export const ticketAssignmentRules = pgTable('ticket_assignment_rules', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  name: text('name').notNull(),
  /** null = any type. */
  matchType: text('match_type', { enum: ticketTypeValues }),
  /** null = any category. */
  matchCategory: text('match_category'),
  /** round_robin: to the team's agent assigned least recently; customer_owner: to the customer's owner. */
  strategy: text('strategy', { enum: ['round_robin', 'customer_owner'] }).notNull(),
  teamId: bigint('team_id', { mode: 'number' }),
  precedence: integer('precedence').notNull().default(0),
  active: boolean('active').notNull().default(true),
  deletedAt: ts('deleted_at'),
  ...auditColumns(),
});
