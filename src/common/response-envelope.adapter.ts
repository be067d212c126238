// Wraps every handler's return value as { ok: true, data }. A handler with its own body shape (health, Prometheus
// exposition, dashboard pages) writes it through @Res() and never reaches reply().
//
// Not an interceptor on purpose: any global interceptor sends every request through Nest's InterceptorsConsumer, whose
// two AsyncResource.bind() calls per request cost ~90 µs on Node 20 (each creates deprecated DEP0172 accessors) — 40 %
// of a bare NestJS request. The adapter's reply() is where Nest hands over a handler's result, so wrapping there is free.
import { ExpressAdapter } from '@nestjs/platform-express';

export class ResponseEnvelopeAdapter extends ExpressAdapter {
  override reply(response: unknown, body: unknown, statusCode?: number): unknown {
    return super.reply(response, { ok: true, data: body }, statusCode);
  }
}
