// The app's HTTP adapter: express, with two changes.
//
// 1. Wraps every handler's return value as { ok: true, data }. A handler with its own body shape (health, Prometheus
//    exposition, dashboard pages) writes it through @Res() and never reaches reply().
//    Not an interceptor on purpose: any global interceptor sends every request through Nest's InterceptorsConsumer,
//    whose two AsyncResource.bind() calls per request cost ~90 µs on Node 20 (each creates deprecated DEP0172
//    accessors) — 40 % of a bare NestJS request. The adapter's reply() is where Nest hands over a handler's result, so
//    wrapping there is free.
// 2. A shutdown that keep-alive clients cannot hold open. node's server.close() closes the connections idle at that
//    moment, but one busy then stays open and keeps serving whatever its client sends next: a dashboard polling every
//    250 ms, or a load balancer's health checks, kept the server from closing for as long as they polled (and kept
//    adding request-log rows for the shutdown flush to chase). stopAccepting() — called as the shutdown begins, see
//    RequestLogWriter — closes the listener, makes every later response say `Connection: close`, and closes a
//    connection whose request was in flight once it goes idle. Requests in flight are not cut (Nest's
//    forceCloseConnections would destroy their sockets).
import type { Server, ServerResponse } from 'node:http';
import { ExpressAdapter } from '@nestjs/platform-express';

/** How soon a connection whose request was in flight at close() is closed after it goes idle. */
const IDLE_SWEEP_MS = 50;

export class ResponseEnvelopeAdapter extends ExpressAdapter {
  override reply(response: unknown, body: unknown, statusCode?: number): unknown {
    return super.reply(response, { ok: true, data: body }, statusCode);
  }

  private stopping: Promise<void> | null = null;

  /** Takes no new connections and lets the open ones end after their current request; resolves once all are closed. */
  stopAccepting(): Promise<void> {
    this.stopping ??= new Promise((resolve) => {
      const server = this.getHttpServer() as Server | undefined;
      if (!server?.listening) return resolve();
      server.prependListener('request', (_req, res: ServerResponse) => {
        res.shouldKeepAlive = false;
      });
      const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
      server.close(() => {
        clearInterval(sweep);
        resolve();
      });
    });
    return this.stopping;
  }

  override close(): Promise<void> {
    return this.stopAccepting();
  }
}
