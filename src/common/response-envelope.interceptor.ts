// Wraps controller results as { ok: true, data }. Routes marked @RawResponse() answer as they are.
import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { map, Observable } from 'rxjs';

const RAW_RESPONSE = 'rawResponse';

/** For endpoints with their own body shape (health, Prometheus exposition). */
export const RawResponse = () => SetMetadata(RAW_RESPONSE, true);

@Injectable()
export class ResponseEnvelopeInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const raw = this.reflector.getAllAndOverride<boolean>(RAW_RESPONSE, [context.getHandler(), context.getClass()]);
    return raw ? next.handle() : next.handle().pipe(map((data: unknown) => ({ ok: true, data })));
  }
}
