// Every response carries x-correlation-id: the client's (when well-formed) or a fresh one.
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const WELL_FORMED = /^[A-Za-z0-9._:-]{1,64}$/;

export function correlationIdOf(req: Request): string {
  const given = req.headers['x-correlation-id'];
  return typeof given === 'string' && WELL_FORMED.test(given) ? given : randomUUID();
}

/** Plain Express middleware: it must run before the body parser, which Nest middleware cannot. */
export function correlationIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const id = correlationIdOf(req);
  res.locals.correlationId = id;
  res.setHeader('x-correlation-id', id);
  next();
}
