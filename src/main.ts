import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { AppConfig, appConfig } from './config/app.config';
import { ConfigValidationError } from './config/env.validation';

async function bootstrap(): Promise<void> {
  const app = await createApp();
  const config = app.get<AppConfig>(appConfig.KEY);
  await app.listen(config.port);
  Logger.log(`Bloom Telemetry listening on http://localhost:${config.port}`, 'Bootstrap');
}

bootstrap().catch((err: unknown) => {
  // A bad configuration is the operator's to fix: say what is wrong, without a stack trace.
  if (err instanceof ConfigValidationError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
