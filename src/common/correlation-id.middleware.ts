// Every response carries x-correlation-id: the client's (when well-formed) or a fresh one.
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { attachRequestContext } from './request-context';

const WELL_FORMED = /^[A-Za-z0-9._:-]{1,64}$/;

export function correlationIdOf(req: Request): string {
  const given = req.headers['x-correlation-id'];
  return typeof given === 'string' && WELL_FORMED.test(given) ? given : randomUUID();
}

/** Plain Express middleware (it must run before the body parser, which Nest middleware cannot); creates the request's context. */
export function correlationIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const id = correlationIdOf(req);
  attachRequestContext(req, id);
  res.setHeader('x-correlation-id', id);
  next();
}
