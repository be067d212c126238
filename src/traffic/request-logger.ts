// The request hot path: times each request and, once it has finished, enqueues one row. Nothing else.
import { Inject, Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { performance } from 'node:perf_hooks';
import { AppConfig, appConfig } from '../config/app.config';
import { requestContext } from '../common/request-context';
import { PrometheusService } from '../metrics/prometheus.service';
import { UsersService } from '../users/users.service';
import { routeLabel, validRunId } from './request-fields';
import { RequestLogBuffer } from './request-log.buffer';

/** Status recorded when the client went away before the response was complete (nginx's convention). */
export const CLIENT_CLOSED_REQUEST = 499;

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

@Injectable()
export class RequestLogger {
  /** Requests that started and have not been recorded yet; shutdown waits for them before the last flush. */
  inFlight = 0;
  private readonly enabled: boolean;

  constructor(
    @Inject(appConfig.KEY) config: AppConfig,
    private readonly buffer: RequestLogBuffer,
    private readonly prometheus: PrometheusService,
    private readonly users: UsersService,
  ) {
    this.enabled = config.requestLog.enabled;
  }

  /**
   * Plain Express middleware, mounted before the body parser so that 400 INVALID_JSON and 413 are recorded too.
   * A response emits 'close' exactly once, whether it finished (writableFinished) or the client went away first, so
   * one listener records every request exactly once.
   */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    const ts = Date.now();
    const started = performance.now();
    this.inFlight++;
    res.once('close', () => {
      this.inFlight--;
      this.record(req, res, ts, performance.now() - started);
    });
    next();
  };

  private record(req: Request, res: Response, ts: number, durationMs: number): void {
    const status = res.writableFinished ? res.statusCode : CLIENT_CLOSED_REQUEST;
    const route = routeLabel({ routePath: routePathOf(req), baseUrl: req.baseUrl, status });
    this.prometheus.observeRequest(req.method, route, status, durationMs);
    if (!this.enabled) return;
    const header = req.headers['x-run-id'];
    const runId = validRunId(header);
    if (runId === null && header !== undefined) this.buffer.recordRunIdRejected();
    const ctx = requestContext(req);
    this.buffer.push({
      ts,
      method: req.method.slice(0, 8),
      route,
      status,
      durationMs: Math.round(durationMs * 1000) / 1000,
      userHash: ctx.userHash || this.addressHashOf(req),
      runId,
      correlationId: ctx.correlationId || null,
      errorCode: ctx.errorCode?.slice(0, 64) || null,
    });
  }

  /** A request that names a wallet (`?address=0x…`, e.g. Aave positions) is attributed to it, as a salted hash. */
  private addressHashOf(req: Request): string | null {
    if (!req.originalUrl.includes('address=')) return null;
    const address = (req.query as Record<string, unknown>).address;
    return typeof address === 'string' && ADDRESS.test(address) ? this.users.hashAddress(address) : null;
  }
}

function routePathOf(req: Request): string | undefined {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? path : undefined;
}
