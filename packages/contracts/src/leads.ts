// Leads (线索): people and companies that may become customers. A lead is worked (contacted,
// qualified or disqualified), then converted in one step into a customer, a contact and
// optionally an opportunity. Leads without an owner sit in the lead pool. Public lead forms
// (embeddable HTML, or JSON) create leads from web visitors.
import { z } from 'zod';
import { auditColumns, listQuery, shortText } from './common.js';
import { customerKinds, emailAddress, longText, mobileNumber, phoneNumber, relationshipTypes } from './customers.js';
import { followUpChannels, followUpDirections } from './follow-ups.js';
import { money } from './products.js';

const isoTime = z.iso.datetime({ offset: true });
const isoDate = z.iso.date();
const optText = (max = 200) => shortText(max).nullable().optional();

export const leadSources = ['web_form', 'import', 'trade_show', 'referral', 'campaign', 'cold_call', 'other'] as const;
export const leadStatuses = ['new', 'contacted', 'qualified', 'disqualified', 'converted'] as const;
export type LeadSource = (typeof leadSources)[number];
export type LeadStatus = (typeof leadStatuses)[number];

/** A lead as the API shows it; contact channels are masked for roles without personal_data.view and, for scoped roles, while the lead is in the pool. */
export const lead = z.object({
  id: z.number().int(),
  name: z.string(),
  companyName: z.string().nullable(),
  title: z.string().nullable(),
  mobile: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  wechat: z.string().nullable(),
  province: z.string().nullable(),
  city: z.string().nullable(),
  source: z.enum(leadSources),
  status: z.enum(leadStatuses),
  disqualifyReason: z.string().nullable(),
  notes: z.string().nullable(),
  ownerId: z.number().int().nullable(),
  ownerName: z.string().nullable(),
  ownerSince: isoTime.nullable(),
  poolSince: isoTime.nullable(),
  lastActivityAt: isoTime.nullable(),
  formId: z.number().int().nullable(),
  convertedCustomerId: z.number().int().nullable(),
  convertedContactId: z.number().int().nullable(),
  convertedOpportunityId: z.number().int().nullable(),
  convertedAt: isoTime.nullable(),
  convertedBy: z.number().int().nullable(),
  ...auditColumns,
});
export type Lead = z.infer<typeof lead>;

const leadFields = {
  name: shortText(100),
  companyName: optText(200),
  title: optText(100),
  mobile: mobileNumber.nullable().optional(),
  phone: phoneNumber.nullable().optional(),
  email: emailAddress.nullable().optional(),
  wechat: optText(100),
  province: optText(50),
  city: optText(50),
  notes: longText(5000).nullable().optional(),
};
export const createLeadBody = z.strictObject({
  ...leadFields,
  source: z.enum(leadSources).default('other'),
  /** Defaults to the caller; another user or null (the lead pool) needs customers.assign or sales.manage. */
  ownerId: z.number().int().positive().nullable().optional(),
});
/** Status and ownership change through their own actions, not through edits. */
export const updateLeadBody = z.strictObject({
  ...leadFields,
  name: leadFields.name.optional(),
  source: z.enum(leadSources).optional(),
  version: z.number().int().positive(),
});

export const leadSortFields = ['createdAt', 'updatedAt', 'name', 'companyName', 'lastActivityAt', 'poolSince', 'status', 'id'] as const;
export const leadListQuery = listQuery(leadSortFields).extend({
  'filter[status]': z.string().trim().max(200).optional(),
  'filter[source]': z.string().trim().max(200).optional(),
  /** `me` or user ids separated by commas. */
  'filter[ownerId]': z.string().trim().max(200).optional(),
  /** true: only leads in the pool (no owner); false: only owned leads. */
  'filter[pool]': z.enum(['true', 'false']).optional(),
});
export type LeadListQuery = z.infer<typeof leadListQuery>;

/** Mark contacted or qualified, or disqualify with a reason. Converting has its own action. */
export const leadStatusBody = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('contacted'), version: z.number().int().positive() }),
  z.strictObject({ status: z.literal('qualified'), version: z.number().int().positive() }),
  z.strictObject({ status: z.literal('disqualified'), reason: shortText(500), version: z.number().int().positive() }),
]);

export const assignLeadBody = z.strictObject({ ownerId: z.number().int().positive() });
export const releaseLeadBody = z.strictObject({ reason: shortText(500).optional() });

// ---- follow-ups on a lead ----

export const leadFollowUp = z.object({
  id: z.number().int(),
  leadId: z.number().int(),
  /** Set once the lead is converted: the follow-up then also shows on the customer. */
  customerId: z.number().int().nullable(),
  channel: z.enum(followUpChannels),
  direction: z.enum(followUpDirections),
  occurredAt: isoTime,
  summary: z.string(),
  outcome: z.string().nullable(),
  nextFollowUpAt: isoTime.nullable(),
  authorId: z.number().int().nullable(),
  authorName: z.string().nullable(),
  ...auditColumns,
});
export type LeadFollowUp = z.infer<typeof leadFollowUp>;
export const createLeadFollowUpBody = z.strictObject({
  channel: z.enum(followUpChannels),
  direction: z.enum(followUpDirections).default('outbound'),
  occurredAt: isoTime.optional(),
  summary: longText(5000).trim().min(1),
  outcome: longText(2000).nullable().optional(),
  nextFollowUpAt: isoTime.nullable().optional(),
});
export const leadFollowUpListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

// ---- duplicate check and conversion ----

export const duplicateEvidence = z.object({
  field: z.enum(['mobile', 'phone', 'email', 'name']),
  /** The matching value on the candidate (masked like the record). */
  value: z.string().nullable(),
  /** For names: pg_trgm similarity 0–1, or 1 when one name contains the other. */
  score: z.number().optional(),
});
export const duplicateCustomer = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: z.enum(customerKinds),
  ownerId: z.number().int().nullable(),
  ownerName: z.string().nullable(),
  city: z.string().nullable(),
  evidence: z.array(duplicateEvidence),
});
export const duplicateContact = z.object({
  id: z.number().int(),
  name: z.string(),
  customers: z.array(z.object({ customerId: z.number().int(), customerName: z.string() })),
  evidence: z.array(duplicateEvidence),
});
export const leadDuplicates = z.object({ customers: z.array(duplicateCustomer), contacts: z.array(duplicateContact) });
export type LeadDuplicates = z.infer<typeof leadDuplicates>;

export const convertLeadBody = z.strictObject({
  customer: z.discriminatedUnion('mode', [
    z.strictObject({
      mode: z.literal('new'),
      /** Defaults: organization when the lead names a company, else individual. */
      kind: z.enum(customerKinds).optional(),
      relationshipType: z.enum(relationshipTypes).optional(),
      /** Defaults to the company name, else the person's name. */
      name: shortText(200).optional(),
      industry: optText(100),
    }),
    z.strictObject({ mode: z.literal('existing'), customerId: z.number().int().positive() }),
  ]),
  /** Make a contact from the lead's person, linked to the customer. */
  createContact: z.boolean().default(true),
  opportunity: z
    .strictObject({
      name: shortText(200),
      amount: money.nullable().optional(),
      expectedCloseDate: isoDate.nullable().optional(),
      pipelineId: z.number().int().positive().nullable().optional(),
    })
    .nullable()
    .optional(),
  version: z.number().int().positive(),
});
export type ConvertLeadBody = z.infer<typeof convertLeadBody>;
export const convertLeadResult = z.object({
  lead,
  customerId: z.number().int(),
  contactId: z.number().int().nullable(),
  opportunityId: z.number().int().nullable(),
});

// ---- lead pool settings ----

export const leadSettings = z.object({
  /** Owned leads still new or contacted with no activity for this many days go back to the pool. */
  returnAfterDays: z.number().int(),
  version: z.number().int().positive(),
  updatedAt: isoTime.nullable(),
  updatedBy: z.number().int().nullable(),
});
export type LeadSettings = z.infer<typeof leadSettings>;
export const updateLeadSettingsBody = z.strictObject({ returnAfterDays: z.number().int().min(1).max(3650), version: z.number().int().positive() });

// ---- public lead forms ----

/** The fields a form may show besides the name, which every form asks for. */
export const leadFormFields = ['companyName', 'title', 'mobile', 'phone', 'email', 'wechat', 'province', 'city', 'notes'] as const;
export type LeadFormField = (typeof leadFormFields)[number];
export const leadFormChannelFields = ['mobile', 'phone', 'email', 'wechat'] as const;

export const leadForm = z.object({
  id: z.number().int(),
  name: z.string(),
  publicKey: z.string(),
  fields: z.array(z.enum(leadFormFields)),
  defaultOwnerId: z.number().int().nullable(),
  defaultOwnerName: z.string().nullable(),
  thankYouText: z.string().nullable(),
  active: z.boolean(),
  leadCount: z.number().int(),
  ...auditColumns,
});
export type LeadForm = z.infer<typeof leadForm>;
const formFieldList = z
  .array(z.enum(leadFormFields))
  .max(leadFormFields.length)
  .refine((f) => f.some((x) => (leadFormChannelFields as readonly string[]).includes(x)), { message: 'show at least one way to reach the visitor: mobile, phone, email or WeChat' })
  .refine((f) => new Set(f).size === f.length, { message: 'a field appears twice' });
export const createLeadFormBody = z.strictObject({
  name: shortText(100),
  fields: formFieldList,
  /** null: new leads go to the lead pool. */
  defaultOwnerId: z.number().int().positive().nullable().optional(),
  thankYouText: longText(1000).nullable().optional(),
  active: z.boolean().default(true),
});
export const updateLeadFormBody = z.strictObject({
  name: shortText(100).optional(),
  fields: formFieldList.optional(),
  defaultOwnerId: z.number().int().positive().nullable().optional(),
  thankYouText: longText(1000).nullable().optional(),
  active: z.boolean().optional(),
  version: z.number().int().positive(),
});
export const leadFormListQuery = listQuery(['name', 'createdAt', 'id']);
export const publicKeyParams = z.strictObject({ key: z.string().trim().min(1).max(100) });

/** What a JSON client needs to show a form: its fields and a signed render token to send back. */
export const publicLeadForm = z.object({ name: z.string(), fields: z.array(z.enum(leadFormFields)), thankYouText: z.string().nullable(), token: z.string() });
/** A visitor's submission. `website` is a honeypot that people never fill in. */
export const leadSubmissionBody = z.strictObject({
  name: shortText(100),
  companyName: optText(200),
  title: optText(100),
  mobile: mobileNumber.nullable().optional(),
  phone: phoneNumber.nullable().optional(),
  email: emailAddress.nullable().optional(),
  wechat: optText(100),
  province: optText(50),
  city: optText(50),
  notes: longText(2000).nullable().optional(),
  /** The token from GET …/lead-forms/:key (or the HTML form); proves the form was shown a moment ago. */
  token: z.string().min(1).max(300),
  website: z.string().max(500).optional(),
});
export type LeadSubmission = z.infer<typeof leadSubmissionBody>;
export const leadSubmissionResult = z.object({ ok: z.literal(true), message: z.string() });
