// `npm run rollup`: rolls up every complete hour not rolled yet (catch-up), prunes past retention, prints what it did.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../src/app.module';
import { ConfigValidationError } from '../src/config/env.validation';
import { RollupScheduler } from '../src/traffic/rollup.scheduler';
import { RollupService } from '../src/traffic/rollup.service';

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  try {
    // Booting the app already starts the catch-up run; report it together with this explicit run.
    const startup = await app.get(RollupScheduler).startup;
    const report = await app.get(RollupService).rollUpCompleteHours(Date.now());
    const rolled = [...(startup?.rolled ?? []), ...report.rolled];
    const pruned = (startup?.prunedRows ?? 0) + report.prunedRows;
    for (const hour of rolled) {
      console.log(`rolled ${hour.hourStart}  ${String(hour.requests).padStart(9)} requests${hour.reRolled ? '  (re-rolled: late rows)' : ''}`);
    }
    console.log(`${rolled.length} hour(s) rolled up, ${pruned} raw row(s) pruned${report.interrupted ? ' (interrupted)' : ''}`);
  } finally {
    await app.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigValidationError ? err.message : err);
  process.exit(1);
});
