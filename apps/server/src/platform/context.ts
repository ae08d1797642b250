// What a use case needs to know about the request it serves.
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../auth/actor.js';
import { AppError } from './errors.js';

export interface Ctx {
  actor: Actor;
  requestId: string;
  ip: string;
}

/**
 * A change no user made — a message that arrived by email — audited with actor null and the
 * source in requestId ("email:<message-id>").
 */
export interface SystemCtx {
  actor: null;
  requestId: string;
  ip: string;
}

export function ctxOf(req: FastifyRequest): Ctx {
  if (!req.actor) throw new AppError('UNAUTHENTICATED');
  return { actor: req.actor, requestId: req.id, ip: req.ip };
}
