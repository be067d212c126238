import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createApp } from './app.factory';
import { AppConfig, appConfig } from './config/app.config';
import { migrationsAppliedAtOpen } from './database/migrate';
import { startFacts, startMessage } from './logging/start-line';
import { describeStartUpFailure, logStartUpFailure } from './logging/start-up-failure';

async function bootstrap(): Promise<void> {
  const app = await createApp();
  const config = app.get<AppConfig>(appConfig.KEY);
  try {
    await app.listen(config.port);
  } catch (e) {
    // The lines held since start-up (Nest's own listen error among them) matter only when the cause is not obvious.
    if (!describeStartUpFailure(e).expected) app.flushLogs();
    throw e;
  }
  app.flushLogs();
  const facts = startFacts(config, migrationsAppliedAtOpen(app.get(DataSource)));
  new Logger('Bootstrap').log({ start: facts }, startMessage(facts));
}

bootstrap().catch((err: unknown) => {
  logStartUpFailure(err);
  process.exit(1);
});
