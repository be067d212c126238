// The one rate limiter: plain Express middleware in front of the body parsers, static files, /docs and every route, so
// 404 floods, asset and docs requests and malformed bodies all count. RATE_LIMIT_PER_MIN per client IP per 60 s
// (0 disables); loopback clients are exempt, which also covers liveness probes and scrapers on the host.
import { HttpStatus, Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { MemoryStore, rateLimit } from 'express-rate-limit';
import { apiException, ErrorCode } from '../common/error-codes';
import { isLoopbackIp } from '../common/loopback';
import { AppConfig, appConfig } from '../config/app.config';

const RATE_LIMIT_WINDOW_MS = 60_000;

@Injectable()
export class RateLimiter implements OnApplicationShutdown {
  private readonly store = new MemoryStore();
  readonly middleware: RequestHandler;

  constructor(@Inject(appConfig.KEY) config: AppConfig) {
    const limit = config.rateLimitPerMin;
    const limiter = limit === 0 ? undefined : rateLimit({
      windowMs: RATE_LIMIT_WINDOW_MS,
      limit,
      store: this.store,
      // Key: req.ip, which is the forwarded client only behind a trusted loopback proxy (TRUST_PROXY); IPv6 per /56.
      // Retry-After plus the RateLimit/RateLimit-Policy headers of the IETF draft.
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      // Without TRUST_PROXY an X-Forwarded-For is ignored on purpose, not a misconfiguration to warn about.
      validate: { xForwardedForHeader: false },
      // Through Nest's exception filter: the API's error envelope, x-correlation-id and the request log's error code.
      handler: (_req: Request, _res: Response, next: NextFunction) => {
        next(apiException(HttpStatus.TOO_MANY_REQUESTS, ErrorCode.RATE_LIMITED, `Too many requests: at most ${limit} per minute from one client`));
      },
    });
    // Without TRUST_PROXY, req.ip is the socket's address: read there, it spares Express's X-Forwarded-For walk (~8 µs).
    const clientIp = config.trustProxy ? (req: Request) => req.ip ?? '' : (req: Request) => req.socket.remoteAddress ?? '';
    // Loopback is let through here rather than by express-rate-limit's `skip`, which it reaches only after an await
    // and a req.ip lookup for its debug log: ~10 µs on every exempt request.
    this.middleware = (req, res, next) => (limiter === undefined || isLoopbackIp(clientIp(req)) ? next() : limiter(req, res, next));
  }

  onApplicationShutdown(): void {
    this.store.shutdown();
  }
}
