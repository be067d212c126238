import 'reflect-metadata';
import { setFlagsFromString } from 'node:v8';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createApp } from './app.factory';
import { AppConfig, appConfig } from './config/app.config';
import { migrationsAppliedAtOpen } from './database/migrate';
import { startFacts, startMessage } from './logging/start-line';
import { describeStartUpFailure, logStartUpFailure } from './logging/start-up-failure';

/**
 * Old-generation growth after a full GC: at most 2× the live heap (V8's own factor goes up to 4×). Under load the
 * short-lived request objects that one scavenge promotes pile up in old space until the next full GC; with the default
 * factor that garbage took peak RSS to ~260 MB at 200 connections over a ~35 MB live heap, with 2× it stays under
 * ~200 MB for a few more (mostly concurrent) mark-compacts a second. An operator's own --heap-growing-percent wins.
 */
const HEAP_GROWING_PERCENT = 100;

function limitHeapGrowth(): void {
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((arg) => arg.includes('heap-growing-percent'));
  if (!given) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

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

limitHeapGrowth();
bootstrap().catch((err: unknown) => {
  logStartUpFailure(err);
  process.exit(1);
});
