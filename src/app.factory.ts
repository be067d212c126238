// Creates and configures the application exactly as production runs it; tests and tools call this too.
import { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { NextFunction, Request, Response, Router } from 'express';
import { join } from 'node:path';
import { AppModule } from './app.module';
import { bodyParsingMiddleware } from './common/body-parsing';
import { correlationIdMiddleware } from './common/correlation-id.middleware';
import { ResponseEnvelopeAdapter } from './common/response-envelope.adapter';
import { ServiceLogger } from './logging/service-logger';
import { RATE_LIMITED_RESPONSE } from './openapi/api-responses';
import { SESSION_HEADER } from './sessions/session-request';
import { assetsStaticOptions, findPublicDir } from './dashboard/dashboard.static';
import { RateLimiter } from './rate-limit/rate-limiter';
import { RequestLogger } from './traffic/request-logger';

export const BODY_LIMIT = '64kb';

export interface CreateAppOptions {
  /**
   * Nest's console logger at these levels (tests, tools); default: the service logger (pino, LOG_LEVEL and
   * LOG_FORMAT), holding every line until the caller's `app.flushLogs()`, so that a start that fails can end in one line.
   */
  logger?: LogLevel[] | false;
}

export async function createApp(options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  const production = options.logger === undefined;
  const app = await NestFactory.create<NestExpressApplication>(AppModule, new ResponseEnvelopeAdapter(), {
    bodyParser: false,
    ...(production ? { bufferLogs: true, autoFlushLogs: false } : { logger: options.logger }),
    abortOnError: false,
  });
  if (production) app.useLogger(app.get(ServiceLogger));
  configureApp(app);
  return app;
}

export function configureApp(app: NestExpressApplication): void {
  app.disable('x-powered-by');
  // No ETag (a SHA-1 of every JSON body) on API answers, which are never revalidated; assets keep their own.
  app.set('etag', false);
  // Before the body parser, so even a 400 INVALID_JSON or 413 carries x-correlation-id.
  app.use(correlationIdMiddleware);
  // Also before the body parser, so 400 INVALID_JSON, 413 and every later error or 404 is logged exactly once.
  app.use(app.get(RequestLogger).middleware);
  // Before the body parser, static files and /docs: one limit for every request (a 429 is still logged, above).
  app.use(app.get(RateLimiter).middleware);
  app.use(bodyParsingMiddleware(BODY_LIMIT));
  app.useStaticAssets(join(findPublicDir(), 'assets'), assetsStaticOptions());
  app.enableShutdownHooks();
  setUpSwagger(app);
}

/** Where the OpenAPI UI is served; its JSON document is at `/docs/json`. */
const DOCS_PATH = '/docs';

/**
 * The OpenAPI UI and documents live on their own router, entered only for paths under /docs. Swagger's setup adds
 * eight routes and a static folder; on the application's router every API request would try each of them before
 * reaching its own route (~0.5 µs a layer in a CPU profile), here they cost one prefix check.
 */
function setUpSwagger(app: NestExpressApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Bloom Telemetry')
      .setDescription('Observability backend of the Bloom DeFi agent devnet')
      .setVersion('1')
      // A static token compared in constant time, not a JWT.
      .addSecurity('admin', { type: 'http', scheme: 'bearer', description: 'TELEMETRY_ADMIN_TOKEN (unset: loopback clients only)' })
      .addSecurity('session', { type: 'apiKey', in: 'header', name: SESSION_HEADER, description: 'The sessionId of POST /api/session' })
      .addGlobalResponse(RATE_LIMITED_RESPONSE)
      .build(),
  );
  const docs = Router();
  const docsAdapter = new ExpressAdapter(docs);
  // SwaggerModule.setup registers through these two members only (and reads no global prefix: none is set).
  const docsHost = {
    getHttpAdapter: () => docsAdapter,
    useStaticAssets: (path: string, options: object) => docsAdapter.useStaticAssets(path, options),
  } as unknown as INestApplication;
  SwaggerModule.setup(DOCS_PATH, docsHost, document, { jsonDocumentUrl: `${DOCS_PATH}/json` });
  app.use((req: Request, res: Response, next: NextFunction) => (req.url.startsWith(DOCS_PATH) ? docs(req, res, next) : next()));
}
