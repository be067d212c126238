// What the pipeline learns about one request, on one typed object attached to the Express request: the correlation
// id (middleware), the user it is attributed to (guards, handlers) and the error code of its answer (exception
// filter). The request logger reads it when the response has finished.
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

export class RequestContext {
  /** Salted hash of the wallet the request is attributed to, once a guard or handler knows it. */
  userHash: string | null = null;
  /** The stable error code of the answer, when it is an error. */
  errorCode: string | null = null;

  constructor(readonly correlationId: string | null) {}
}

const CONTEXT = Symbol('RequestContext');
type WithContext = Request & { [CONTEXT]?: RequestContext };

/** Called once per request by the correlation-id middleware. */
export function attachRequestContext(req: Request, correlationId: string): RequestContext {
  return ((req as WithContext)[CONTEXT] = new RequestContext(correlationId));
}

/** The request's context; an empty one (no correlation id) if the request never passed the middleware. */
export function requestContext(req: Request): RequestContext {
  return ((req as WithContext)[CONTEXT] ??= new RequestContext(null));
}

/** Handler parameter: the request's context. */
export const Ctx = createParamDecorator((_data: unknown, ctx: ExecutionContext) => requestContext(ctx.switchToHttp().getRequest<Request>()));
