// Generators of realistic zh-CN (and some English) CRM records from a seeded random source. Pure:
// no database, so the demo loader, tests and benchmarks all get the same data for the same seed.
import type { Random } from './random.js';
import * as w from './zh-cn-words.js';

export interface Person {
  name: string;
  /** Latin letters for email addresses, e.g. zhang.wei */
  latin: string;
  gender: 'male' | 'female';
}

export function chinesePerson(r: Random): Person {
  const [surname, surnamePinyin] = r.weighted(w.surnames.map(([s, p, weight]) => [[s, p] as const, weight] as const));
  const gender = r.chance(0.52) ? 'male' : 'female';
  const pool = gender === 'male' ? w.givenMale : w.givenFemale;
  const first = r.pick(pool);
  const second = r.chance(0.65) ? r.pick(pool) : null;
  return {
    name: `${surname}${first[0]}${second?.[0] ?? ''}`,
    latin: `${surnamePinyin}.${first[1]}${second?.[1] ?? ''}`,
    gender,
  };
}

export function englishPerson(r: Random): Person {
  const first = r.pick(w.englishFirstNames);
  const last = r.pick(w.englishLastNames);
  return { name: `${first} ${last}`, latin: `${first}.${last}`.toLowerCase(), gender: r.chance(0.5) ? 'male' : 'female' };
}

export function mobile(r: Random): string {
  return `${r.pick(w.mobilePrefixes)}${String(r.int(0, 99_999_999)).padStart(8, '0')}`;
}

export function personalEmail(r: Random, p: Person): string {
  const domain = r.pick(w.emailDomains);
  // QQ mail addresses are usually the QQ number.
  if (domain === 'qq.com' && r.chance(0.7)) return `${r.int(10_000_000, 2_999_999_999)}@qq.com`;
  return `${p.latin}${r.chance(0.5) ? r.int(1, 999) : ''}@${domain}`;
}

export interface Place {
  province: string;
  city: string;
  cityShort: string;
  district: string;
  address: string;
}

export function place(r: Random): Place {
  // Coastal provinces weigh more, as a Chinese B2B customer base would.
  const region = r.weighted(w.regions.map((g) => [g, ['广东省', '浙江省', '江苏省', '上海市', '北京市'].includes(g.province) ? 3 : 1] as const));
  const city = r.pick(region.cities);
  const district = r.pick(city.districts);
  return { province: region.province, city: city.city, cityShort: city.short, district, address: `${district}${r.pick(w.streets)}${r.int(1, 999)}号` };
}

export interface Company {
  name: string;
  industry: string;
  domain: string;
  size: string;
}

export function chineseCompany(r: Random, where: Place): Company {
  const [trade, tradePinyin] = r.pick(w.tradeNames);
  const [line, industry] = r.pick(w.businessLines);
  const suffix = r.chance(0.12) ? '股份有限公司' : '有限公司';
  return { name: `${where.cityShort}${trade}${line}${suffix}`, industry, domain: `${tradePinyin}${r.int(1, 99)}.com.cn`, size: r.weighted(w.companySizes.map((s, i) => [s, [30, 35, 20, 8, 7][i] ?? 1] as const)) };
}

export function englishCompany(r: Random, where: Place): Company {
  const word = r.pick(w.englishCompanyWords);
  const kind = r.pick(w.englishCompanyKinds);
  return { name: `${word} ${kind} (${where.cityShort === '上海' ? 'Shanghai' : 'China'}) Co., Ltd.`, industry: kind === 'Foods' ? '食品饮料' : kind === 'Logistics' ? '物流运输' : '批发零售', domain: `${word.toLowerCase()}-${kind.toLowerCase()}.com`, size: r.pick(w.companySizes) };
}

export const importanceSpread: ReadonlyArray<readonly ['vip' | 'important' | 'ordinary', number]> = [
  ['vip', 8],
  ['important', 25],
  ['ordinary', 67],
];

export interface FollowUpText {
  channel: w.Channel;
  direction: 'inbound' | 'outbound';
  summary: string;
  outcome: string;
}

export function followUpText(r: Random, english: boolean): FollowUpText {
  const channel = r.weighted(w.channelWeights);
  const inbound = channel === 'web' || r.chance(0.2);
  return {
    channel,
    direction: inbound ? 'inbound' : 'outbound',
    summary: english ? r.pick(w.followUpSentencesEn) : r.pick(w.followUpSentences[channel]),
    outcome: r.pick(w.outcomes),
  };
}

/** A unified social credit code shape (18 characters); not checksum-valid, it is demo data. */
export function creditCode(r: Random): string {
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  let s = '91';
  for (let i = 0; i < 16; i++) s += alphabet[r.int(0, alphabet.length - 1)];
  return s;
}
