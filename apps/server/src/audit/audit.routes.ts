import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql, type SQL } from 'drizzle-orm';
import { auditEntry, auditListQuery, errorEnvelope, listPage, type AuditEntry } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { encodeCursor, keyset, parseSort } from '../platform/pagination.js';

const errors = { 400: errorEnvelope, 401: errorEnvelope, 403: errorEnvelope };

interface Row extends Record<string, unknown> {
  id: number;
  at: Date | string;
  actor_id: number | null;
  actor_name: string | null;
  entity: string;
  entity_id: string;
  action: string;
  changes: AuditEntry['changes'];
  request_id: string | null;
  sort_value: string;
}

export const auditRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  app.get(
    '',
    { config: { permission: 'audit.read' }, schema: { tags: ['audit-log'], summary: 'The audit trail, newest first', querystring: auditListQuery, response: { 200: listPage(auditEntry), ...errors } } },
    async (req) => {
      const q = req.query;
      const filters: SQL[] = [sql`true`];
      if (q['filter[entity]']) filters.push(sql`a.entity = ${q['filter[entity]']}`);
      if (q['filter[entityId]']) filters.push(sql`a.entity_id = ${q['filter[entityId]']}`);
      if (q['filter[actorId]']) filters.push(sql`a.actor_id = ${q['filter[actorId]']}`);
      if (q.q) filters.push(sql`(a.entity ilike ${`%${q.q}%`} or a.action ilike ${`%${q.q}%`} or u.name ilike ${`%${q.q}%`})`);
      const where = sql.join(filters, sql` and `);
      const page = keyset(parseSort(q.sort, { at: { expr: sql`a.at`, kind: 'timestamp', notNull: true } }, '-at'), sql`a.id`, q.cursor);
      const rows = await database.rows<Row>(sql`
        select a.id, a.at, ${page.sortValue} as sort_value, a.actor_id, u.name as actor_name, a.entity, a.entity_id, a.action, a.changes, a.request_id
        from audit_log a left join users u on u.id = a.actor_id
        where ${where} and ${page.where} order by ${page.orderBy} limit ${q.limit + 1}`);
      const [count] = await database.rows<{ n: number }>(sql`select count(*)::int as n from audit_log a left join users u on u.id = a.actor_id where ${where}`);
      const kept = rows.slice(0, q.limit);
      const data = kept.map((r) => ({
        id: Number(r.id),
        at: new Date(r.at).toISOString(),
        actorId: r.actor_id === null ? null : Number(r.actor_id),
        actorName: r.actor_name,
        entity: r.entity,
        entityId: r.entity_id,
        action: r.action,
        changes: r.changes,
        requestId: r.request_id,
      }));
      const last = kept[kept.length - 1];
      return { data, total: count?.n ?? 0, nextCursor: rows.length > q.limit && last ? encodeCursor(last.sort_value, Number(last.id)) : null };
    },
  );
};
