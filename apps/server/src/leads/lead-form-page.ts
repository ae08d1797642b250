// The public lead form as one self-contained HTML page: no script (the CSP allows none), styles
// inline, every value escaped, Chinese or English. It works as a plain form POST and inside an
// iframe on another site.
import type { LeadFormField } from '@guanxi/contracts';
import type { Lang } from '../platform/i18n.js';

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

type FieldName = 'name' | LeadFormField;

const labels: Record<Lang, Record<FieldName, string>> = {
  'zh-CN': { name: '姓名', companyName: '公司名称', title: '职位', mobile: '手机号', phone: '电话', email: '邮箱', wechat: '微信', province: '省份', city: '城市', notes: '留言' },
  en: { name: 'Name', companyName: 'Company', title: 'Job title', mobile: 'Mobile', phone: 'Phone', email: 'Email', wechat: 'WeChat', province: 'Province', city: 'City', notes: 'Message' },
};
const texts = {
  'zh-CN': {
    submit: '提交',
    required: '必填',
    honeypot: '请勿填写此项',
    thanks: '感谢您的留言，我们会尽快与您联系。',
    thanksTitle: '提交成功',
    fix: '请修改标出的内容后重新提交。',
    expired: '页面打开时间过长，请重新提交。',
    limited: (s: number) => `提交过于频繁，请在 ${Math.ceil(s / 60)} 分钟后再试。`,
    notFound: '该表单不存在或已停用。',
  },
  en: {
    submit: 'Submit',
    required: 'required',
    honeypot: 'Leave this field empty',
    thanks: 'Thank you. We will be in touch soon.',
    thanksTitle: 'Sent',
    fix: 'Please correct the marked fields and submit again.',
    expired: 'This page was open for too long. Please submit again.',
    limited: (s: number) => `Too many submissions. Please try again in ${Math.ceil(s / 60)} minute(s).`,
    notFound: 'This form does not exist or is no longer active.',
  },
} as const;

/** Error messages a visitor may see, by rule; the schema's English messages map onto these. */
const fieldErrors: Record<Lang, Record<string, string>> = {
  'zh-CN': {
    required: '请填写此项',
    mobile: '手机号格式不正确',
    phone: '电话号码格式不正确',
    email: '邮箱地址格式不正确',
    too_long: '内容过长',
    control: '含有不允许的字符',
    contact_required: '请至少留下一种联系方式',
    invalid: '请检查此项',
  },
  en: {
    required: 'Please fill this in',
    mobile: 'Not a mobile number',
    phone: 'Not a phone number',
    email: 'Not an email address',
    too_long: 'Too long',
    control: 'Contains characters that are not allowed',
    contact_required: 'Please leave at least one way to reach you',
    invalid: 'Please check this field',
  },
};

/** The visitor-facing message for one validation issue. */
export function fieldErrorText(lang: Lang, field: string, code: string, message: string): string {
  const e = fieldErrors[lang];
  if (code === 'contact_required') return e.contact_required!;
  if (code === 'too_small' || code === 'invalid_type') return e.required!;
  if (code === 'too_big') return e.too_long!;
  if (/control characters/.test(message)) return e.control!;
  if (field === 'mobile' || field === 'phone' || field === 'email') return e[field]!;
  return e.invalid!;
}

const style = `
*{box-sizing:border-box}body{margin:0;font:14px/1.5 -apple-system,"PingFang SC","Microsoft YaHei",system-ui,sans-serif;color:#1f2937;background:#fff}
main{max-width:480px;margin:0 auto;padding:20px 16px}h1{font-size:20px;margin:0 0 16px}
label{display:block;font-weight:500;margin:12px 0 4px}.req{color:#dc2626;font-weight:400;margin-left:4px;font-size:12px}
input,textarea{width:100%;padding:8px 10px;border:1px solid #d0d5dd;border-radius:6px;font:inherit}textarea{min-height:96px;resize:vertical}
input:focus,textarea:focus{outline:2px solid #1677ff33;border-color:#1677ff}.bad input,.bad textarea{border-color:#dc2626}
.err{color:#dc2626;font-size:12px;margin-top:2px}.notice{padding:10px 12px;border-radius:6px;background:#fef2f2;color:#991b1b;margin-bottom:8px}
button{margin-top:18px;width:100%;padding:10px;border:0;border-radius:6px;background:#1677ff;color:#fff;font:inherit;font-weight:600;cursor:pointer}
.hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}.thanks{padding:32px 0;text-align:center}`;

function page(lang: Lang, title: string, body: string): string {
  return `<!doctype html><html lang="${lang === 'en' ? 'en' : 'zh-CN'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${style}</style></head><body><main>${body}</main></body></html>`;
}

export interface FormPageInput {
  lang: Lang;
  form: { name: string; fields: readonly string[]; publicKey: string };
  token: string;
  values?: Record<string, unknown>;
  errors?: Record<string, string>;
  notice?: 'fix' | 'expired' | null;
}

export function renderFormPage({ lang, form, token, values = {}, errors = {}, notice = null }: FormPageInput): string {
  const t = texts[lang];
  const shown: FieldName[] = ['name', ...(['companyName', 'title', 'mobile', 'phone', 'email', 'wechat', 'province', 'city', 'notes'] as const).filter((f) => form.fields.includes(f))];
  const inputs = shown
    .map((f) => {
      const v = typeof values[f] === 'string' ? (values[f] as string) : '';
      const err = errors[f];
      const id = `f-${f}`;
      const type = f === 'email' ? 'email' : f === 'mobile' || f === 'phone' ? 'tel' : 'text';
      const control =
        f === 'notes'
          ? `<textarea id="${id}" name="${f}" maxlength="2000">${escapeHtml(v)}</textarea>`
          : `<input id="${id}" name="${f}" type="${type}" value="${escapeHtml(v)}" maxlength="${f === 'companyName' ? 200 : 100}"${f === 'name' ? ' required' : ''}${f === 'name' ? ' autocomplete="name"' : f === 'email' ? ' autocomplete="email"' : f === 'mobile' ? ' autocomplete="tel"' : ''}>`;
      return `<div class="${err ? 'bad' : ''}"><label for="${id}">${escapeHtml(labels[lang][f])}${f === 'name' ? `<span class="req">${escapeHtml(t.required)}</span>` : ''}</label>${control}${err ? `<div class="err">${escapeHtml(err)}</div>` : ''}</div>`;
    })
    .join('');
  const action = `/forms/leads/${encodeURIComponent(form.publicKey)}?lang=${lang === 'en' ? 'en' : 'zh-CN'}`;
  const noticeHtml = notice ? `<div class="notice" role="alert">${escapeHtml(t[notice])}</div>` : '';
  const honeypot = `<div class="hp" aria-hidden="true"><label for="f-website">${escapeHtml(t.honeypot)}</label><input id="f-website" name="website" type="text" tabindex="-1" autocomplete="off" value=""></div>`;
  return page(
    lang,
    form.name,
    `<h1>${escapeHtml(form.name)}</h1>${noticeHtml}<form method="post" action="${escapeHtml(action)}" accept-charset="utf-8" novalidate>${inputs}${honeypot}<input type="hidden" name="token" value="${escapeHtml(token)}"><button type="submit">${escapeHtml(t.submit)}</button></form>`,
  );
}

export function renderThanksPage(lang: Lang, form: { name: string; thankYouText: string | null }): string {
  const t = texts[lang];
  return page(lang, form.name, `<div class="thanks" data-result="ok"><h1>${escapeHtml(t.thanksTitle)}</h1><p>${escapeHtml(form.thankYouText ?? t.thanks)}</p></div>`);
}

export function renderMessagePage(lang: Lang, kind: 'notFound' | 'limited', seconds = 0): string {
  const t = texts[lang];
  const text = kind === 'limited' ? t.limited(seconds) : t.notFound;
  return page(lang, text, `<div class="thanks"><p>${escapeHtml(text)}</p></div>`);
}
