// On-screen notices: a user's own, newest first, marked read one by one.
import { and, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Notification } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { notifications } from '../db/schema.js';
import type { Ctx } from '../platform/context.js';
import { invalid, notFound } from '../platform/errors.js';
import { iso, isoNN } from '../platform/versioned.js';

function toNotification(r: typeof notifications.$inferSelect, lang: 'zh-CN' | 'en'): Notification {
  return { id: r.id, kind: r.kind, text: lang === 'en' ? r.textEn : r.textZh, textZh: r.textZh, textEn: r.textEn, link: r.link, readAt: iso(r.readAt), createdAt: isoNN(r.createdAt) };
}

export async function listNotifications(database: Database, ctx: Ctx, query: { 'filter[unread]'?: 'true' | 'false' | undefined; limit: number; cursor?: string | undefined }, lang: 'zh-CN' | 'en') {
  const mine = eq(notifications.userId, ctx.actor.id);
  const conds = [mine];
  if (query['filter[unread]'] === 'true') conds.push(isNull(notifications.readAt));
  if (query['filter[unread]'] === 'false') conds.push(sql`${notifications.readAt} is not null`);
  if (query.cursor) {
    if (!/^\d{1,18}$/.test(query.cursor)) throw invalid('cursor', 'not a cursor returned by this list');
    conds.push(lt(notifications.id, Number(query.cursor)));
  }
  const rows = await database.db.select().from(notifications).where(and(...conds)).orderBy(desc(notifications.id)).limit(query.limit + 1);
  const [unread] = await database.rows<{ n: number }>(sql`select count(*)::int as n from notifications where user_id = ${ctx.actor.id} and read_at is null`);
  const page = rows.slice(0, query.limit);
  return { data: page.map((r) => toNotification(r, lang)), nextCursor: rows.length > query.limit ? String(page[page.length - 1]!.id) : null, unread: unread?.n ?? 0 };
}

/** Only the addressee may mark a notice read; someone else's answers 404. Marking twice keeps the first time. */
export async function markRead(database: Database, ctx: Ctx, id: number, lang: 'zh-CN' | 'en'): Promise<Notification> {
  const [row] = await database.db
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
    .where(and(eq(notifications.id, id), eq(notifications.userId, ctx.actor.id)))
    .returning();
  if (!row) throw notFound();
  return toNotification(row, lang);
}
