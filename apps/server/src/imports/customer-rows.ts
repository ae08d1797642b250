// From a file row to a customer (with a contact and a follow-up): which field each column is,
// headers recognised in Chinese or English, and every cell checked with the same rules as the
// customers API (the contract schemas and the custom-field check), each failure naming its column.
import { z } from 'zod';
import {
  createCustomerBody, createContactBody, customerImportFields, customerKinds, followUpChannels, genders, importanceLevels, loyaltyLevels,
  relationshipStrategies, relationshipTypes, valueBehaviors, longText,
} from '@guanxi/contracts';
import { checkCustomValues } from '../custom-fields/custom-fields.service.js';
import type { customFields } from '../db/schema.js';
import { AppError, schemaMessagesZh } from '../platform/errors.js';
import { unneutralise } from '../tabular/csv-writer.js';

export type CustomFieldRow = typeof customFields.$inferSelect;

export interface RowError {
  column: string | null;
  en: string;
  zh: string;
}

/** Other names a header may carry for each field; compared after `normaliseHeader`. */
const synonyms: Record<string, string[]> = {
  name: ['客户名称', '客户名', '客户', '公司名称', '公司', '企业名称', '单位名称', '名称', '姓名', 'name', 'company', 'customer', 'customername', 'companyname'],
  kind: ['客户类型', '类型', '客户类别', 'kind', 'type', 'customertype'],
  relationshipType: ['关系类型', '客户关系', 'relationship', 'relationshiptype'],
  mobile: ['手机', '手机号', '手机号码', '移动电话', 'mobile', 'mobilephone', 'cell', 'cellphone'],
  phone: ['电话', '座机', '固定电话', '联系电话', '电话号码', 'phone', 'telephone', 'tel', 'landline'],
  email: ['邮箱', '电子邮箱', '电子邮件', '邮件', 'email', 'e-mail', 'mail'],
  wechat: ['微信', '微信号', 'wechat'],
  province: ['省份', '省', '所在省份', 'province', 'state'],
  city: ['城市', '市', '所在城市', 'city'],
  district: ['区县', '区', '县', 'district'],
  address: ['地址', '详细地址', '联系地址', 'address', 'street'],
  postalCode: ['邮编', '邮政编码', 'postalcode', 'zip', 'zipcode', 'postcode'],
  industry: ['行业', '所属行业', 'industry'],
  companySize: ['企业规模', '规模', '人员规模', 'companysize', 'size'],
  creditCode: ['统一社会信用代码', '信用代码', '社会信用代码', 'creditcode', 'uscc', 'unifiedsocialcreditcode'],
  legalRepresentative: ['法定代表人', '法人', '法人代表', 'legalrepresentative'],
  registeredCapital: ['注册资本', 'registeredcapital'],
  foundedOn: ['成立日期', '成立时间', 'founded', 'foundedon'],
  website: ['网站', '网址', '官网', 'website', 'url', 'web'],
  annualRevenue: ['年营业额', '年收入', '营业额', 'annualrevenue', 'revenue'],
  gender: ['性别', 'gender', 'sex'],
  birthday: ['生日', '出生日期', 'birthday', 'dateofbirth'],
  occupation: ['职业', 'occupation'],
  employer: ['工作单位', '单位', 'employer'],
  education: ['学历', 'education'],
  maritalStatus: ['婚姻状况', '婚姻', 'maritalstatus'],
  source: ['来源', '客户来源', 'source', 'leadsource'],
  importance: ['重要程度', '客户等级', '重要性', 'importance'],
  loyalty: ['忠诚度', 'loyalty'],
  valueBehavior: ['价值行为', 'valuebehaviour', 'valuebehavior'],
  relationshipStrategy: ['关系策略', 'relationshipstrategy'],
  notes: ['备注', '说明', 'notes', 'note', 'remarks', 'comments'],
  tags: ['标签', 'tags', 'tag'],
  owner: ['负责人', '客户经理', '所属人', '归属人', 'owner', 'accountmanager'],
  'contact.name': ['联系人', '联系人姓名', 'contact', 'contactname'],
  'contact.mobile': ['联系人手机', '联系人手机号', 'contactmobile'],
  'contact.phone': ['联系人电话', 'contactphone'],
  'contact.email': ['联系人邮箱', 'contactemail'],
  'contact.title': ['联系人职务', '职务', '职位', 'contacttitle', 'title'],
  'followUp.summary': ['跟进记录', '跟进内容', '跟进', 'follow-up', 'followup', 'followupsummary'],
  'followUp.occurredAt': ['跟进日期', '跟进时间', 'follow-update', 'followupdate'],
  'followUp.channel': ['跟进方式', 'follow-upchannel', 'followupchannel'],
};

/** Lower case, no blanks, underscores, required-markers (*) or parenthesised hints (手机(必填)). */
export function normaliseHeader(h: string): string {
  return h
    .replace(/[（(][^）)]*[）)]/g, '')
    .replace(/[\s_*＊:：]/g, '')
    .toLowerCase();
}

export interface ImportField {
  key: string;
  label: string;
  labelEn: string;
}

export function importFieldsFor(custom: CustomFieldRow[]): ImportField[] {
  return [
    ...customerImportFields.map((f) => ({ key: f.key, label: f.zh, labelEn: f.en })),
    ...custom.map((c) => ({ key: `custom.${c.key}`, label: c.label, labelEn: c.labelEn ?? c.label })),
  ];
}

/** Header → field for headers that obviously name one; each field is suggested once, for its first header. */
export function suggestMapping(header: readonly string[], custom: CustomFieldRow[]): Record<string, string> {
  const byName = new Map<string, string>();
  for (const f of customerImportFields) {
    for (const s of [f.zh, f.en, ...(synonyms[f.key] ?? [])]) if (!byName.has(normaliseHeader(s))) byName.set(normaliseHeader(s), f.key);
  }
  for (const c of custom) for (const s of [c.label, c.labelEn ?? '', c.key]) if (s && !byName.has(normaliseHeader(s))) byName.set(normaliseHeader(s), `custom.${c.key}`);
  const out: Record<string, string> = {};
  const used = new Set<string>();
  for (const h of header) {
    const key = byName.get(normaliseHeader(h));
    if (key && !used.has(key) && !(h in out)) {
      out[h] = key;
      used.add(key);
    }
  }
  return out;
}

/** Checks a mapping against the fields: every target exists and is used once. */
export function mappingProblems(mapping: Record<string, string>, header: readonly string[], custom: CustomFieldRow[]): Array<{ path: string; message: string }> {
  const known = new Set(importFieldsFor(custom).map((f) => f.key));
  const out: Array<{ path: string; message: string }> = [];
  const seen = new Map<string, string>();
  for (const [col, field] of Object.entries(mapping)) {
    if (!header.includes(col)) out.push({ path: `mapping.${col}`, message: `the file has no column "${col}"` });
    if (!known.has(field)) out.push({ path: `mapping.${col}`, message: `unknown field ${field}` });
    const prev = seen.get(field);
    if (prev !== undefined) out.push({ path: `mapping.${col}`, message: `field ${field} is already mapped from column "${prev}"` });
    seen.set(field, col);
  }
  if (!Object.values(mapping).includes('name')) out.push({ path: 'mapping', message: 'map a column to the customer name (name)' });
  return out;
}

// ---- cell values ----

const enumLabels: Record<string, Record<string, string>> = {
  kind: { 个人: 'individual', 个人客户: 'individual', person: 'individual', 企业: 'organization', 企业客户: 'organization', 公司: 'organization', 组织: 'organization', organisation: 'organization', company: 'organization' },
  relationshipType: { 消费者: 'consumer', 企业: 'business', 企业客户: 'business', b2b: 'business', 渠道: 'channel', 经销商: 'channel', 代理商: 'channel', 加盟商: 'channel', 内部: 'internal', 内部客户: 'internal', 合作伙伴: 'partner', 伙伴: 'partner', 供应商: 'supplier' },
  gender: { 男: 'male', m: 'male', 女: 'female', f: 'female', 其他: 'other' },
  importance: { 贵宾: 'vip', 贵宾型: 'vip', 重要: 'important', 重要型: 'important', 普通: 'ordinary', 普通型: 'ordinary' },
  loyalty: { 忠诚: 'loyal', 忠诚客户: 'loyal', 老客户: 'old', 新客户: 'new', 潜在: 'potential', 潜在客户: 'potential' },
  valueBehavior: { 灯塔型: 'lighthouse', 跟随型: 'follower', 理性型: 'rational', 逐利型: 'bargain' },
  relationshipStrategy: { 战略: 'strategic', 主要: 'major', 交易: 'transactional', 风险: 'risk' },
  'followUp.channel': { 电话: 'phone', 拜访: 'visit', 上门: 'visit', 邮件: 'email', 微信: 'wechat', 短信: 'sms', 传真: 'fax', 会议: 'meeting', 网络: 'web', 网站: 'web', 其他: 'other' },
};
const enumValues: Record<string, readonly string[]> = {
  kind: customerKinds, relationshipType: relationshipTypes, gender: genders, importance: importanceLevels, loyalty: loyaltyLevels,
  valueBehavior: valueBehaviors, relationshipStrategy: relationshipStrategies, 'followUp.channel': followUpChannels,
};

/** The Chinese word an export writes for a coded value (the first label the import reads back), else the value. */
export function displayValue(field: string, value: string, lang: 'zh-CN' | 'en'): string {
  if (lang === 'en') return value;
  const labels = enumLabels[field];
  if (!labels) return value;
  for (const [label, v] of Object.entries(labels)) if (v === value && !/^[a-z0-9]+$/.test(label)) return label;
  return value;
}

function zhOf(en: string): string {
  return schemaMessagesZh[en] ?? en;
}

/** The first issue of a failed schema check, in both languages. */
function issueText(error: z.ZodError): { en: string; zh: string } {
  const i = error.issues[0];
  if (!i) return { en: 'invalid', zh: '无效' };
  if (i.code === 'too_big') return { en: `longer than ${String(i.maximum)} characters`, zh: `超过 ${String(i.maximum)} 个字符` };
  if (i.code === 'too_small') return { en: 'must not be empty', zh: '不能为空' };
  return { en: i.message, zh: zhOf(i.message) };
}

const DATE_PATTERNS: RegExp[] = [/^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/, /^(\d{4})年(\d{1,2})月(\d{1,2})日?$/, /^(\d{4})(\d{2})(\d{2})$/];

/** YYYY-MM-DD from 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 20240305 or (xlsx) an Excel serial day. */
export function parseDateCell(v: string, excelSerials: boolean): string | null {
  const s = v.trim();
  if (excelSerials && /^\d{1,5}(\.\d+)?$/.test(s)) {
    const n = Math.floor(Number(s));
    if (n < 1 || n > 2_958_465) return null;
    // Excel day 1 is 1900-01-01 and counts the 1900 leap day that never was
    const ms = Date.UTC(1899, 11, 30) + n * 86_400_000;
    return new Date(ms).toISOString().slice(0, 10);
  }
  for (const re of DATE_PATTERNS) {
    const m = re.exec(s);
    if (!m) continue;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const iso = `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    const t = new Date(`${iso}T00:00:00Z`);
    return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === iso ? iso : null;
  }
  return null;
}

function zoneOffsetMs(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(utcMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - utcMs;
}

/** A date with an optional time (HH:MM[:SS]) as a moment in the company's time zone; ISO times with an offset as given. */
export function parseMomentCell(v: string, excelSerials: boolean, timeZone: string): Date | null {
  const s = v.trim();
  if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(s)) {
    const t = new Date(s);
    return Number.isNaN(t.getTime()) ? null : t;
  }
  let datePart = s;
  let h = 0, mi = 0, sec = 0;
  if (excelSerials && /^\d{1,5}\.\d+$/.test(s)) {
    const frac = Number(s) % 1;
    const secs = Math.round(frac * 86_400);
    h = Math.floor(secs / 3600);
    mi = Math.floor((secs % 3600) / 60);
    sec = secs % 60;
  } else {
    const m = /^(\S+)[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(s);
    if (m) {
      datePart = m[1]!;
      [h, mi, sec] = [Number(m[2]), Number(m[3]), Number(m[4] ?? 0)];
      if (h > 23 || mi > 59 || sec > 59) return null;
    }
  }
  const day = parseDateCell(datePart, excelSerials);
  if (!day) return null;
  const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, mo - 1, d, h, mi, sec);
  return new Date(guess - zoneOffsetMs(guess, timeZone));
}

/** Whole yuan from 1,000,000 / ¥1000000 / 100万 / 1.5亿. */
export function parseMoneyCell(v: string): number | null {
  const s = v.trim().replace(/[,，\s¥￥]/g, '').replace(/(元|人民币|rmb|cny)$/i, '');
  const m = /^(\d+(?:\.\d+)?)(万|亿)?$/.exec(s);
  if (!m) return null;
  const n = Number(m[1]) * (m[2] === '万' ? 10_000 : m[2] === '亿' ? 100_000_000 : 1);
  return Number.isSafeInteger(Math.round(n)) && Math.abs(Math.round(n) - n) < 1e-6 ? Math.round(n) : null;
}

function parseBoolean(v: string): boolean | null {
  const s = v.trim().toLowerCase();
  if (['是', 'true', 'yes', 'y', '1', '对', '√'].includes(s)) return true;
  if (['否', 'false', 'no', 'n', '0', '错', '×'].includes(s)) return false;
  return null;
}

const splitList = (v: string) => v.split(/[,，;；|、]/).map((x) => x.trim()).filter(Boolean);

export interface ImportedRow {
  line: number;
  raw: string[];
  customer: Record<string, unknown>;
  custom: Record<string, unknown>;
  tags: string[];
  ownerRef: string | null;
  contact: { name: string; mobile: string | null; phone: string | null; email: string | null; title: string | null } | null;
  followUp: { summary: string; occurredAt: Date | null; channel: string } | null;
  errors: RowError[];
}

export interface RowContext {
  /** Column index → field key, from the mapping. */
  columns: Array<{ index: number; header: string; field: string }>;
  custom: CustomFieldRow[];
  excelSerials: boolean;
  timeZone: string;
}

const customerShape = createCustomerBody.shape as unknown as Record<string, z.ZodType>;
const contactShape = createContactBody.shape as unknown as Record<string, z.ZodType>;
const followUpSummary = longText(5000).trim().min(1);
const contactTitle = z.string().trim().max(100);

/** One file row as a customer, a contact and a follow-up; `errors` lists every bad cell. */
export function toImportedRow(cells: string[], line: number, ctx: RowContext): ImportedRow {
  const row: ImportedRow = { line, raw: cells, customer: {}, custom: {}, tags: [], ownerRef: null, contact: null, followUp: null, errors: [] };
  const fail = (column: string, en: string, zh: string) => row.errors.push({ column, en, zh });
  const contact: Record<string, string> = {};
  const follow: Record<string, string> = {};
  const contactCols: Record<string, string> = {};
  const followCols: Record<string, string> = {};
  for (const { index, header, field } of ctx.columns) {
    const v = unneutralise((cells[index] ?? '').trim());
    if (v === '') continue;
    if (v.includes('\uFFFD')) {
      fail(header, 'contains characters that are not valid in the file encoding', '包含文件编码无法识别的字符');
      continue;
    }
    if (field.startsWith('contact.')) {
      contact[field.slice(8)] = v;
      contactCols[field.slice(8)] = header;
      continue;
    }
    if (field.startsWith('followUp.')) {
      follow[field.slice(9)] = v;
      followCols[field.slice(9)] = header;
      continue;
    }
    if (field === 'owner') {
      row.ownerRef = v;
      continue;
    }
    if (field === 'tags') {
      row.tags = splitList(v);
      if (row.tags.some((t) => t.length > 50)) fail(header, 'a tag is longer than 50 characters', '标签超过 50 个字符');
      continue;
    }
    if (field.startsWith('custom.')) {
      const def = ctx.custom.find((c) => c.key === field.slice(7));
      if (!def) continue;
      let value: unknown = v;
      if (def.type === 'number') value = Number(v.replace(/[,，\s]/g, ''));
      else if (def.type === 'boolean') value = parseBoolean(v) ?? v;
      else if (def.type === 'date') value = parseDateCell(v, ctx.excelSerials) ?? v;
      else if (def.type === 'multiselect') value = splitList(v).map((x) => def.options.find((o) => o.label === x || o.labelEn === x)?.value ?? x);
      else if (def.type === 'select') value = def.options.find((o) => o.label === v || o.labelEn === v)?.value ?? v;
      try {
        Object.assign(row.custom, checkCustomValues([def], {}, { [def.key]: value }, false));
      } catch (e) {
        const d = e instanceof AppError ? e.details?.[0] : undefined;
        fail(header, d?.message ?? 'invalid', zhOf(d?.message ?? 'invalid'));
      }
      continue;
    }
    const values = enumValues[field];
    if (values) {
      const lower = v.toLowerCase();
      const value = values.includes(lower) ? lower : enumLabels[field]?.[lower];
      if (value) row.customer[field] = value;
      else fail(header, `unknown value "${v}"; expected one of ${values.join(', ')}`, `无法识别的值"${v}"`);
      continue;
    }
    if (field === 'registeredCapital' || field === 'annualRevenue') {
      const n = parseMoneyCell(v);
      if (n === null) fail(header, 'expected a whole amount in yuan (e.g. 1000000 or 100万)', '应为以元计的整数金额（如 1000000 或 100万）');
      else row.customer[field] = n;
      continue;
    }
    if (field === 'foundedOn' || field === 'birthday') {
      const d = parseDateCell(v, ctx.excelSerials);
      if (!d) fail(header, 'expected a date such as 2024-03-05', '应为日期，如 2024-03-05');
      else row.customer[field] = d;
      continue;
    }
    const schema = customerShape[field];
    if (!schema) continue;
    const r = schema.safeParse(v);
    if (r.success) row.customer[field] = r.data;
    else {
      const t = issueText(r.error);
      fail(header, t.en, t.zh);
    }
  }
  if (row.customer.name === undefined && !row.errors.some((e) => ctx.columns.find((c) => c.field === 'name')?.header === e.column)) {
    fail(ctx.columns.find((c) => c.field === 'name')?.header ?? 'name', 'the customer name is required', '客户名称不能为空');
  }
  // An organisation shows itself by a credit code or a company-like name; otherwise a person.
  if (!row.customer.kind) {
    const name = String(row.customer.name ?? '');
    row.customer.kind = row.customer.creditCode || /(公司|集团|企业|工厂|厂|店|中心|协会|银行|医院|学校|研究院|事务所|ltd|inc|co\.|gmbh|corp|llc)/i.test(name) ? 'organization' : 'individual';
  }
  if (!row.customer.relationshipType) row.customer.relationshipType = row.customer.kind === 'organization' ? 'business' : 'consumer';

  if (Object.keys(contact).length) {
    const parsed: Record<string, string | null> = { name: null, mobile: null, phone: null, email: null, title: null };
    for (const [k, v] of Object.entries(contact)) {
      const schema = k === 'title' ? contactTitle : contactShape[k];
      const r = schema?.safeParse(v);
      if (r?.success) parsed[k] = r.data as string;
      else if (r) {
        const t = issueText(r.error);
        fail(contactCols[k]!, t.en, t.zh);
      }
    }
    if (!contact.name) fail(contactCols.mobile ?? contactCols.email ?? contactCols.phone ?? contactCols.title ?? 'contact', 'a contact needs a name (map the contact name column)', '联系人需要姓名（请映射联系人列）');
    else if (parsed.name) row.contact = { name: parsed.name, mobile: parsed.mobile ?? null, phone: parsed.phone ?? null, email: parsed.email ?? null, title: parsed.title ?? null };
  }
  if (Object.keys(follow).length) {
    let occurredAt: Date | null = null;
    let channel = 'other';
    if (follow.occurredAt !== undefined) {
      occurredAt = parseMomentCell(follow.occurredAt, ctx.excelSerials, ctx.timeZone);
      if (!occurredAt) fail(followCols.occurredAt!, 'expected a date, optionally with a time (2024-03-05 14:30)', '应为日期，可带时间（2024-03-05 14:30）');
    }
    if (follow.channel !== undefined) {
      const lower = follow.channel.toLowerCase();
      const c = followUpChannels.includes(lower as (typeof followUpChannels)[number]) ? lower : enumLabels['followUp.channel']?.[lower];
      if (c) channel = c;
      else fail(followCols.channel!, `unknown channel "${follow.channel}"`, `无法识别的跟进方式"${follow.channel}"`);
    }
    if (follow.summary === undefined) fail(followCols.occurredAt ?? followCols.channel ?? 'followUp', 'a follow-up needs its text (map the follow-up column)', '跟进记录需要内容（请映射跟进记录列）');
    else {
      const r = followUpSummary.safeParse(follow.summary);
      if (!r.success) {
        const t = issueText(r.error);
        fail(followCols.summary!, t.en, t.zh);
      } else row.followUp = { summary: r.data, occurredAt, channel };
    }
  }
  return row;
}

/** Shared with duplicate detection: the keys are normalised (E.164 phones and so on). */
export { matchKeys } from '../duplicates/match-keys.js';
