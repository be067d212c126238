// The request hot path: times each request and, once it has finished, enqueues one row. Nothing else.
import { Inject, Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { performance } from 'node:perf_hooks';
import { AppConfig, appConfig } from '../config/app.config';
import { requestContext } from '../common/request-context';
import { PrometheusService } from '../metrics/prometheus.service';
import { routeLabel } from './request-fields';
import { RequestLogRow } from './request-log-row';
import { RequestLogBuffer } from './request-log.buffer';
import { RunKeys } from './run-keys';

/** Status recorded when the client went away before the response was complete (nginx's convention). */
export const CLIENT_CLOSED_REQUEST = 499;

@Injectable()
export class RequestLogger {
  /** Requests that started and have not been recorded yet; shutdown waits for them before the last flush. */
  inFlight = 0;
  private readonly enabled: boolean;

  constructor(
    @Inject(appConfig.KEY) config: AppConfig,
    private readonly buffer: RequestLogBuffer,
    private readonly prometheus: PrometheusService,
    private readonly runKeys: RunKeys,
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
      this.record(req, res, ts, performance.now() - started);
    });
    next();
  };

  private record(req: Request, res: Response, ts: number, durationMs: number): void {
    const status = res.writableFinished ? res.statusCode : CLIENT_CLOSED_REQUEST;
    const route = routeLabel({ routePath: routePathOf(req), baseUrl: req.baseUrl, status });
    this.prometheus.observeRequest(req.method, route, status, durationMs);
    if (!this.enabled) return this.settle(null);
    const ctx = requestContext(req);
    // The user only through a verified identity (the session guard, or the sign-in the request completed): nothing
    // the client wrote in the query, body or headers.
    const row: RequestLogRow = {
      ts,
      method: req.method.slice(0, 8),
      route,
      status,
      durationMs: Math.round(durationMs * 1000) / 1000,
      userHash: ctx.userHash,
      runId: null,
      correlationId: ctx.correlationId || null,
      errorCode: ctx.errorCode?.slice(0, 64) || null,
    };
    if (!RunKeys.claimsRun(req)) return this.settle(row);
    // Usually answered from memory; a request counts as in flight until its row is enqueued.
    void this.runKeys.runIdOf(req).then((runId) => {
      if (runId === null) this.buffer.recordRunIdRejected();
      this.settle({ ...row, runId });
    });
  }

  private settle(row: RequestLogRow | null): void {
    this.inFlight--;
    if (row) this.buffer.push(row);
  }
}

function routePathOf(req: Request): string | undefined {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? path : undefined;
}
