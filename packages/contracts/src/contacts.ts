// Contacts (联系人): people at organisations, linked many-to-many to customers with a title and
// a primary flag (one primary contact per customer). Filter syntax as in customers.ts.
import { z } from 'zod';
import { auditColumns, shortText } from './common.js';
import { customValues, emailAddress, filterQuery, genders, longText, mobileNumber, phoneNumber } from './customers.js';

const isoDate = z.iso.date();
const optText = (max = 200) => shortText(max).nullable().optional();

export const contactLink = z.object({ customerId: z.number().int(), customerName: z.string(), title: z.string().nullable(), isPrimary: z.boolean() });
/** Personal fields are masked for roles without personal_data.view. */
export const contact = z.object({
  id: z.number().int(),
  name: z.string(),
  mobile: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  wechat: z.string().nullable(),
  gender: z.enum(genders).nullable(),
  birthday: isoDate.nullable(),
  department: z.string().nullable(),
  notes: z.string().nullable(),
  custom: z.record(z.string(), z.unknown()),
  ownerId: z.number().int().nullable(),
  customers: z.array(contactLink),
  ...auditColumns,
});
export type Contact = z.infer<typeof contact>;

export const contactLinkInput = z.strictObject({
  customerId: z.number().int().positive(),
  title: optText(100),
  isPrimary: z.boolean().default(false),
});
const contactFields = {
  name: shortText(100),
  mobile: mobileNumber.nullable().optional(),
  phone: phoneNumber.nullable().optional(),
  email: emailAddress.nullable().optional(),
  wechat: optText(100),
  gender: z.enum(genders).nullable().optional(),
  birthday: isoDate.nullable().optional(),
  department: optText(100),
  notes: longText().nullable().optional(),
  custom: customValues.optional(),
  /** Replaces the contact's links to customers; each customer must be visible to the caller. */
  customers: z.array(contactLinkInput).max(50).optional(),
};
export const createContactBody = z.strictObject(contactFields);
export const updateContactBody = z.strictObject({ ...contactFields, name: contactFields.name.optional(), version: z.number().int().positive() });

export const contactFilterFields = {
  name: 'text',
  mobile: 'text',
  email: 'text',
  department: 'text',
  gender: 'enum',
  customerId: 'ids',
  ownerId: 'owner',
  createdAt: 'range',
  updatedAt: 'range',
} as const;
export const contactSortFields = ['name', 'department', 'createdAt', 'updatedAt', 'id'] as const;
export const contactListQuery = filterQuery(contactFilterFields, contactSortFields, true);
