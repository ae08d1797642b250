// What a use case needs to know about the request it serves.
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../auth/actor.js';
import { AppError } from './errors.js';

export interface Ctx {
  actor: Actor;
  requestId: string;
  ip: string;
}

export function ctxOf(req: FastifyRequest): Ctx {
  if (!req.actor) throw new AppError('UNAUTHENTICATED');
  return { actor: req.actor, requestId: req.id, ip: req.ip };
}
