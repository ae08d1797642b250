// API tokens for integrations: shown once, stored as a hash, revocable, acting as their user.
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { ApiToken } from '@guanxi/contracts';
import type { Database } from '../db/client.js';
import { apiTokens } from '../db/schema.js';
import { newSecret, sha256 } from '../auth/tokens.js';
import { recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { AppError, notFound } from '../platform/errors.js';
import { iso, isoNN } from '../platform/versioned.js';

type Row = typeof apiTokens.$inferSelect;

function toApiToken(r: Row): ApiToken {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    scopes: r.scopes.filter((s): s is 'read' | 'write' => s === 'read' || s === 'write'),
    userId: r.userId,
    createdAt: isoNN(r.createdAt),
    lastUsedAt: iso(r.lastUsedAt),
    expiresAt: iso(r.expiresAt),
    revokedAt: iso(r.revokedAt),
  };
}

export async function listApiTokens(database: Database, ctx: Ctx): Promise<ApiToken[]> {
  const rows = await database.db.select().from(apiTokens).where(eq(apiTokens.userId, ctx.actor.id)).orderBy(desc(apiTokens.createdAt));
  return rows.map(toApiToken);
}

export async function createApiToken(
  database: Database,
  ctx: Ctx,
  input: { name: string; scopes: Array<'read' | 'write'>; expiresInDays?: number | null | undefined },
): Promise<ApiToken & { token: string }> {
  // A token may not be used to mint more tokens: that would outlive its own revocation.
  if (ctx.actor.via === 'token') throw new AppError('FORBIDDEN');
  const token = `gx_${newSecret(30)}`;
  return database.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiTokens)
      .values({
        userId: ctx.actor.id,
        name: input.name,
        prefix: token.slice(0, 10),
        tokenHash: sha256(token),
        scopes: [...new Set(input.scopes)],
        expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null,
      })
      .returning();
    await recordAudit(tx, ctx, { entity: 'api_token', entityId: row!.id, action: 'create', changes: { name: { old: null, new: input.name }, scopes: { old: null, new: input.scopes } } });
    return { ...toApiToken(row!), token };
  });
}

export async function revokeApiToken(database: Database, ctx: Ctx, id: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    const rows = await tx
      .update(apiTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, ctx.actor.id), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id });
    if (!rows[0]) throw notFound();
    await recordAudit(tx, ctx, { entity: 'api_token', entityId: id, action: 'revoke' });
  });
}
