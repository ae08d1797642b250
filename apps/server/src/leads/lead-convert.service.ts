// Turning a qualified lead into a customer (new, or an existing one found by the duplicate check),
// a contact and optionally an opportunity — in one transaction, keeping the lead's history: its
// follow-ups move to the customer (they keep lead_id, so the lead still lists them), the lead
// records what it became, and the customer's timeline gets a `convert_lead` entry.
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { ConvertLeadBody, LeadDuplicates } from '@guanxi/contracts';
import type { Actor } from '../auth/actor.js';
import type { Database, DbOrTx } from '../db/client.js';
import { customerContacts, leads } from '../db/schema.js';
import { diff, recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { AppError, conflict, invalid, msg, notFound, versionConflict } from '../platform/errors.js';
import { canSeePersonalData, maskEmail, maskPhone } from '../platform/masking.js';
import { updateVersioned } from '../platform/versioned.js';
import { liveVisibleCustomer } from '../customers/customer-scope.js';
import { assertCustomerVisible, createCustomerInTx } from '../customers/customers.service.js';
import { contactVisible, createContactInTx } from '../contacts/contacts.service.js';
import { refreshCustomer } from '../follow-ups/follow-ups.service.js';
import { searchCondition, searchTerms } from '../search/search-terms.js';
import { createOpportunityInTx } from '../opportunities/opportunities.service.js';
import { auditedLeadFields, findLeadView, leadReadable, lockWritableLead, type LeadRow } from './leads.service.js';

/** Legal-form words that say nothing about which company it is (GB/T 4754 names, common English forms). */
const legalForms = /(股份有限公司|有限责任公司|有限公司|股份公司|集团|分公司|公司|co\.?,?\s*ltd\.?|company|limited|ltd\.?|inc\.?|llc|corp\.?|corporation|gmbh)/gi;

/** The distinctive part of a company name: 杭州云帆科技有限公司 → 杭州云帆科技. */
export function coreCompanyName(name: string): string {
  return name.replace(legalForms, ' ').replace(/[()（）,.，。\s]+/g, ' ').trim().toLowerCase();
}

type Evidence = LeadDuplicates['customers'][number]['evidence'][number];

function channelEvidence(actor: Actor, lead: Pick<LeadRow, 'mobile' | 'phone' | 'email'>, c: { mobile: string | null; phone: string | null; email: string | null }): Evidence[] {
  const show = canSeePersonalData(actor);
  const phone = (v: string | null) => (show ? v : maskPhone(v));
  const out: Evidence[] = [];
  const numbers = [c.mobile, c.phone].filter((x): x is string => !!x);
  if (lead.mobile && numbers.includes(lead.mobile)) out.push({ field: 'mobile', value: phone(lead.mobile) });
  if (lead.phone && numbers.includes(lead.phone) && lead.phone !== lead.mobile) out.push({ field: 'phone', value: phone(lead.phone) });
  if (lead.email && c.email?.toLowerCase() === lead.email.toLowerCase()) out.push({ field: 'email', value: show ? c.email : maskEmail(c.email) });
  return out;
}

/** Numbers and addresses of the lead as SQL conditions on a row aliased `a`. */
function channelMatch(lead: LeadRow, a: string): SQL[] {
  const t = sql.raw(a);
  const conds: SQL[] = [];
  for (const n of [lead.mobile, lead.phone]) if (n) conds.push(sql`${t}.mobile = ${n}`, sql`${t}.phone = ${n}`);
  if (lead.email) conds.push(sql`lower(${t}.email) = ${lead.email.toLowerCase()}`);
  return conds;
}

/**
 * Customers and contacts the caller can see that may be this lead already: the same mobile, phone
 * or email, or (customers) a company name that contains the lead's, or is similar by pg_trgm.
 */
export async function findLeadDuplicates(database: Database, ctx: Ctx, id: number): Promise<LeadDuplicates> {
  const { actor } = ctx;
  const [lead] = await database.db.select().from(leads).where(and(eq(leads.id, id), leadReadable(actor)));
  if (!lead) throw notFound();
  return duplicatesOf(database.db, actor, lead);
}

async function duplicatesOf(db: DbOrTx, actor: Actor, lead: LeadRow): Promise<LeadDuplicates> {
  const channelConds = channelMatch(lead, 'c');
  const companyName = lead.companyName ?? null;
  const core = companyName ? coreCompanyName(companyName) : '';
  const terms = core ? searchTerms(core) : null;
  const nameConds: SQL[] = [];
  // Containment through the search index; similar spellings through trigram word similarity.
  if (terms) nameConds.push(searchCondition(terms, 'c'));
  if (core.length >= 3) nameConds.push(sql`c.search_text %> ${core}`);
  const any = [...channelConds, ...nameConds];
  const customers = any.length
    ? ((await db.execute(sql`
        select c.id, c.name, c.kind, c.owner_id, u.name as owner_name, c.city, c.mobile, c.phone, c.email,
          ${core ? sql`greatest(similarity(lower(c.name), ${companyName!.toLowerCase()}), similarity(lower(c.name), ${core}))` : sql`0`}::float8 as score,
          ${terms ? searchCondition(terms, 'c') : sql`false`} as contains
        from customers c left join users u on u.id = c.owner_id
        where ${liveVisibleCustomer(actor, 'c')} and (${sql.join(any, sql` or `)})
        limit 50`)) as unknown as {
        rows: Array<{ id: number; name: string; kind: 'individual' | 'organization'; owner_id: number | null; owner_name: string | null; city: string | null; mobile: string | null; phone: string | null; email: string | null; score: number; contains: boolean }>;
      }).rows
    : [];
  const contactConds = channelMatch(lead, 'ct');
  const contacts = contactConds.length
    ? ((await db.execute(sql`
        select ct.id, ct.name, ct.mobile, ct.phone, ct.email,
          coalesce((select jsonb_agg(jsonb_build_object('customerId', cc.customer_id, 'customerName', vc.name) order by vc.name)
            from customer_contacts cc join customers vc on vc.id = cc.customer_id
            where cc.contact_id = ct.id and ${liveVisibleCustomer(actor, 'vc')}), '[]'::jsonb) as customers
        from contacts ct
        where ${contactVisible(actor, 'ct')} and (${sql.join(contactConds, sql` or `)})
        limit 20`)) as unknown as {
        rows: Array<{ id: number; name: string; mobile: string | null; phone: string | null; email: string | null; customers: Array<{ customerId: number; customerName: string }> }>;
      }).rows
    : [];
  const customerHits = customers
    .map((c) => {
      const evidence = channelEvidence(actor, lead, c);
      const score = Math.round(Number(c.score) * 100) / 100;
      if (c.contains || score >= 0.3) evidence.push({ field: 'name', value: c.name, score: c.contains ? 1 : score });
      return { id: Number(c.id), name: c.name, kind: c.kind, ownerId: c.owner_id === null ? null : Number(c.owner_id), ownerName: c.owner_name, city: c.city, evidence };
    })
    .filter((c) => c.evidence.length)
    .sort((a, b) => b.evidence.length - a.evidence.length || a.id - b.id)
    .slice(0, 20);
  const contactHits = contacts
    .map((c) => ({ id: Number(c.id), name: c.name, customers: c.customers.map((l) => ({ customerId: Number(l.customerId), customerName: l.customerName })), evidence: channelEvidence(actor, lead, c) }))
    .filter((c) => c.evidence.length);
  return { customers: customerHits, contacts: contactHits };
}

export interface ConvertResult {
  customerId: number;
  contactId: number | null;
  opportunityId: number | null;
}

export async function convertLead(database: Database, ctx: Ctx, id: number, body: ConvertLeadBody): Promise<ConvertResult> {
  const { actor } = ctx;
  return database.db.transaction(async (tx) => {
    const lead = await lockWritableLead(tx, actor, id);
    if (lead.version !== body.version) throw versionConflict(await findLeadView(tx, actor, id));
    if (lead.status !== 'qualified') {
      throw conflict(msg('Only a qualified lead can be converted. Mark it qualified first.', '只有已确认（合格）的线索才能转化，请先将其标记为合格。'), [
        { path: 'status', message: `the lead is ${lead.status}, not qualified`, code: 'not_qualified' },
      ]);
    }
    if (lead.ownerId === null) {
      throw conflict(msg('This lead is in the lead pool. Assign or claim it first.', '该线索在线索池中，请先领取或分配。'), [{ path: 'lead', message: 'in the pool', code: 'in_pool' }]);
    }
    const ownerId = lead.ownerId;

    let customerId: number;
    let customerName: string;
    if (body.customer.mode === 'existing') {
      try {
        const c = await assertCustomerVisible(tx, actor, body.customer.customerId);
        customerId = c.id;
        customerName = c.name;
      } catch (e) {
        if (e instanceof AppError && e.code === 'NOT_FOUND') throw invalid('customer.customerId', 'no such customer', 'not_found');
        throw e;
      }
    } else {
      const o = body.customer;
      const kind = o.kind ?? (lead.companyName ? 'organization' : 'individual');
      const person = kind === 'individual';
      // An organisation's channels belong to its contact; its landline may be the switchboard.
      const created = await createCustomerInTx(
        tx,
        ctx,
        {
          kind,
          relationshipType: o.relationshipType ?? (person ? 'consumer' : 'business'),
          name: o.name ?? (person ? lead.name : (lead.companyName ?? lead.name)),
          mobile: person ? lead.mobile : null,
          phone: lead.phone,
          email: person ? lead.email : null,
          wechat: person ? lead.wechat : null,
          province: lead.province,
          city: lead.city,
          industry: o.industry ?? null,
          source: lead.source,
          notes: lead.notes,
          ownerId,
        },
        // The lead is in the caller's scope and writable; its owner may receive the customer.
        { ownerAllowed: true },
      );
      customerId = created.id;
      customerName = created.name;
    }

    let contactId: number | null = null;
    if (body.createContact) {
      const [primary] = await tx.select({ id: customerContacts.contactId }).from(customerContacts).where(and(eq(customerContacts.customerId, customerId), eq(customerContacts.isPrimary, true)));
      const contact = await createContactInTx(tx, ctx, {
        name: lead.name,
        mobile: lead.mobile,
        phone: lead.phone,
        email: lead.email,
        wechat: lead.wechat,
        customers: [{ customerId, title: lead.title, isPrimary: !primary }],
      });
      contactId = contact.id;
    }

    let opportunityId: number | null = null;
    if (body.opportunity) {
      const opp = await createOpportunityInTx(tx, ctx, {
        name: body.opportunity.name,
        customerId,
        contactId,
        ownerId,
        amount: body.opportunity.amount ?? null,
        expectedCloseDate: body.opportunity.expectedCloseDate ?? null,
        pipelineId: body.opportunity.pipelineId ?? null,
        leadId: id,
      });
      opportunityId = opp.id;
    }

    // The lead's history goes with it: follow-ups and their reminders now belong to the customer too.
    const moved = (await tx.execute(sql`
      with moved as (update follow_ups set customer_id = ${customerId} where lead_id = ${id} and customer_id is null returning id)
      , tasks_moved as (update tasks set customer_id = ${customerId} where customer_id is null and source_key in (select 'follow_up:' || id from moved))
      select count(*)::int as n from moved`)) as unknown as { rows: Array<{ n: number }> };
    const followUpsMoved = Number(moved.rows[0]?.n ?? 0);
    await refreshCustomer(tx, customerId);

    const after = await updateVersioned(tx, leads, {
      id,
      version: body.version,
      actorId: actor.id,
      patch: { status: 'converted', convertedCustomerId: customerId, convertedContactId: contactId, convertedOpportunityId: opportunityId, convertedAt: sql`now()`, convertedBy: actor.id },
      toApi: (r) => r,
    });
    await recordAudit(tx, ctx, { entity: 'lead', entityId: id, action: 'convert', changes: diff(lead, after, auditedLeadFields) });
    await recordAudit(tx, ctx, {
      entity: 'customer',
      entityId: customerId,
      action: 'convert_lead',
      changes: {
        lead: { old: null, new: { id, name: lead.name, companyName: lead.companyName, source: lead.source, followUps: followUpsMoved, contactId, opportunityId, into: body.customer.mode === 'new' ? 'new' : customerName } },
      },
    });
    return { customerId, contactId, opportunityId };
  });
}
