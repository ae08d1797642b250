// The request's language: the user's saved choice, else Accept-Language, else Chinese.
import type { FastifyRequest } from 'fastify';

export type Lang = 'zh-CN' | 'en';

export function requestLocale(req: FastifyRequest): Lang {
  const saved = req.actor?.locale;
  if (saved) return saved;
  const header = req.headers['accept-language'];
  if (typeof header === 'string') {
    const first = header.split(',')[0]?.trim().toLowerCase() ?? '';
    if (first.startsWith('en')) return 'en';
    if (first.startsWith('zh')) return 'zh-CN';
  }
  return 'zh-CN';
}
