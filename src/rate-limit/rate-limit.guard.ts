// Per-client-IP rate limit (RATE_LIMIT_PER_MIN per 60 s): loopback and probes are exempt; 429 carries RATE_LIMITED.
import { ExecutionContext, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import type { Request } from 'express';
import { apiError, ErrorCode } from '../common/error-codes';
import { isLoopback } from '../common/loopback';

/** Liveness and scraping must keep answering under load. */
const EXEMPT_PATHS = new Set(['/health', '/metrics']);

@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    return EXEMPT_PATHS.has(req.path) || isLoopback(req);
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    // Retry-After (seconds) is already on the response, set by the base guard.
    throw new HttpException(
      apiError(ErrorCode.RATE_LIMITED, `Too many requests: at most ${detail.limit} per minute; retry after ${detail.timeToBlockExpire} s`),
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
