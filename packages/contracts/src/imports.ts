// Imports and exports of customers (with their contacts and follow-ups): the field catalogue that
// maps file columns to records, the job that runs an import in the background, its failed rows,
// saved mappings, and the export query. Later kinds (orders, products, payments) add their own
// catalogues to the same machinery.
import { z } from 'zod';
import { shortText } from './common.js';
import { customerListQuery } from './customers.js';

export const importKinds = ['customers'] as const;
export const duplicateStrategies = ['skip', 'update', 'create'] as const;
export type DuplicateStrategy = (typeof duplicateStrategies)[number];
export const importEncodings = ['auto', 'utf8', 'gbk', 'gb18030', 'utf16le'] as const;
/**
 * queued → running → completed; a run stopped by cancel is `cancelled`, one cut off by a server
 * stop is `interrupted` (both resumable, or rolled back → `rolled_back`); `failed` is a file
 * refused whole (nothing written).
 */
export const importStatuses = ['queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted', 'rolled_back'] as const;
export type ImportStatus = (typeof importStatuses)[number];

/**
 * Fields a column can be mapped to, with the labels used in export headers (and so recognised on
 * re-import). `custom.<key>` maps to a customer custom field. `owner` takes a user's email or name.
 */
export const customerImportFields = [
  { key: 'name', zh: '客户名称', en: 'Name' },
  { key: 'kind', zh: '客户类型', en: 'Kind' },
  { key: 'relationshipType', zh: '关系类型', en: 'Relationship type' },
  { key: 'mobile', zh: '手机', en: 'Mobile' },
  { key: 'phone', zh: '电话', en: 'Phone' },
  { key: 'email', zh: '邮箱', en: 'Email' },
  { key: 'wechat', zh: '微信', en: 'WeChat' },
  { key: 'province', zh: '省份', en: 'Province' },
  { key: 'city', zh: '城市', en: 'City' },
  { key: 'district', zh: '区县', en: 'District' },
  { key: 'address', zh: '地址', en: 'Address' },
  { key: 'postalCode', zh: '邮编', en: 'Postal code' },
  { key: 'industry', zh: '行业', en: 'Industry' },
  { key: 'companySize', zh: '企业规模', en: 'Company size' },
  { key: 'creditCode', zh: '统一社会信用代码', en: 'Credit code' },
  { key: 'legalRepresentative', zh: '法定代表人', en: 'Legal representative' },
  { key: 'registeredCapital', zh: '注册资本', en: 'Registered capital' },
  { key: 'foundedOn', zh: '成立日期', en: 'Founded on' },
  { key: 'website', zh: '网站', en: 'Website' },
  { key: 'annualRevenue', zh: '年营业额', en: 'Annual revenue' },
  { key: 'gender', zh: '性别', en: 'Gender' },
  { key: 'birthday', zh: '生日', en: 'Birthday' },
  { key: 'occupation', zh: '职业', en: 'Occupation' },
  { key: 'employer', zh: '工作单位', en: 'Employer' },
  { key: 'education', zh: '学历', en: 'Education' },
  { key: 'maritalStatus', zh: '婚姻状况', en: 'Marital status' },
  { key: 'source', zh: '来源', en: 'Source' },
  { key: 'importance', zh: '重要程度', en: 'Importance' },
  { key: 'loyalty', zh: '忠诚度', en: 'Loyalty' },
  { key: 'valueBehavior', zh: '价值行为', en: 'Value behaviour' },
  { key: 'relationshipStrategy', zh: '关系策略', en: 'Relationship strategy' },
  { key: 'notes', zh: '备注', en: 'Notes' },
  { key: 'tags', zh: '标签', en: 'Tags' },
  { key: 'owner', zh: '负责人', en: 'Owner' },
  { key: 'contact.name', zh: '联系人', en: 'Contact name' },
  { key: 'contact.mobile', zh: '联系人手机', en: 'Contact mobile' },
  { key: 'contact.phone', zh: '联系人电话', en: 'Contact phone' },
  { key: 'contact.email', zh: '联系人邮箱', en: 'Contact email' },
  { key: 'contact.title', zh: '联系人职务', en: 'Contact title' },
  { key: 'followUp.summary', zh: '跟进记录', en: 'Follow-up' },
  { key: 'followUp.occurredAt', zh: '跟进日期', en: 'Follow-up date' },
  { key: 'followUp.channel', zh: '跟进方式', en: 'Follow-up channel' },
] as const;
export type CustomerImportField = (typeof customerImportFields)[number]['key'];

export const importOptions = z.strictObject({
  kind: z.enum(importKinds).default('customers'),
  duplicates: z.enum(duplicateStrategies).default('skip'),
  encoding: z.enum(importEncodings).default('auto'),
  /** Owner of rows without a mapped owner; defaults to the importer. Others need customers.assign. */
  ownerId: z.number().int().positive().nullable().optional(),
});
export type ImportOptions = z.infer<typeof importOptions>;
/** File column (header text) → field key (`name`, `contact.mobile`, `custom.level`…); unmapped columns are ignored. */
export const importMapping = z.record(z.string().max(500), z.string().max(60)).refine((m) => Object.keys(m).length <= 500, { message: 'at most 500 columns' });
export type ImportMapping = z.infer<typeof importMapping>;

const isoTime = z.iso.datetime({ offset: true });
export const importJob = z.object({
  id: z.number().int(),
  kind: z.enum(importKinds),
  fileName: z.string(),
  format: z.enum(['csv', 'xlsx']),
  encoding: z.string().nullable(),
  delimiter: z.string().nullable(),
  mapping: z.record(z.string(), z.string()),
  duplicates: z.enum(duplicateStrategies),
  ownerId: z.number().int().nullable(),
  status: z.enum(importStatuses),
  /** Data rows in the file (known once it has been scanned). */
  totalRows: z.number().int().nullable(),
  rowsRead: z.number().int(),
  imported: z.number().int(),
  updated: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  /** File row (header = 1) of the last committed batch's last row: a resume starts after it. */
  resumeAfterRow: z.number().int(),
  error: z.string().nullable(),
  createdBy: z.number().int().nullable(),
  createdByName: z.string().nullable(),
  createdAt: isoTime,
  startedAt: isoTime.nullable(),
  finishedAt: isoTime.nullable(),
});
export type ImportJob = z.infer<typeof importJob>;
export const importListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(100).optional(),
});
export const importListPage = z.object({ data: z.array(importJob), nextCursor: z.string().nullable() });

export const importFieldOption = z.object({ key: z.string(), label: z.string(), labelEn: z.string() });
export const importPreview = z.object({
  fileName: z.string(),
  format: z.enum(['csv', 'xlsx']),
  encoding: z.string().nullable(),
  delimiter: z.string().nullable(),
  header: z.array(z.string()),
  /** The first 20 data rows. */
  rows: z.array(z.array(z.string())),
  /** Header → field, for headers that obviously name a field (客户名称, 手机, Email…). */
  suggestedMapping: z.record(z.string(), z.string()),
  /** Every field a column can map to, custom fields included. */
  fields: z.array(importFieldOption),
});
export type ImportPreview = z.infer<typeof importPreview>;

export const importErrorItem = z.object({ rowNumber: z.number().int(), column: z.string().nullable(), reason: z.string() });
export const importErrorsQuery = z.strictObject({
  format: z.enum(['csv', 'xlsx', 'json']).default('csv'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** json only: rows after this file row. */
  after: z.coerce.number().int().min(0).optional(),
});
export const importErrorsPage = z.object({ data: z.array(importErrorItem), nextAfter: z.number().int().nullable() });

export const importRollbackResult = z.object({ deleted: z.number().int(), restored: z.number().int(), keptChanged: z.number().int() });

export const savedImportMapping = z.object({
  id: z.number().int(),
  kind: z.enum(importKinds),
  name: z.string(),
  mapping: z.record(z.string(), z.string()),
  createdBy: z.number().int().nullable(),
  createdAt: isoTime,
});
export const createImportMappingBody = z.strictObject({ kind: z.enum(importKinds).default('customers'), name: shortText(100), mapping: importMapping });

// ---- export ----

export const exportFormats = ['csv', 'xlsx'] as const;
/** Columns an export may contain: the import fields (owner as its name), plus ids and times. */
export const customerExportColumns = [
  'id', ...customerImportFields.filter((f) => !f.key.includes('.')).map((f) => f.key), 'ownerId', 'createdAt', 'updatedAt', 'lastFollowUpAt', 'nextFollowUpAt',
] as const;
/**
 * The customer list's query (q, filter[…], sort — see customerListQuery, checked by the server with
 * it) plus the format and the columns; paging parameters are ignored, every visible row is exported.
 */
export const customerExportQuery = z
  .object({
    format: z.enum(exportFormats).default('csv'),
    /** Comma-separated column keys (customerExportColumns, customerScoreFields or custom.<key>); default: every customer field, no scores. */
    columns: z.string().max(4000).optional(),
  })
  .catchall(z.string().max(500));
