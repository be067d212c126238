// Thin: runs the rollup every hour (5 s past, so the last rows of the hour are flushed) and once at start-up.
import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { RollupReport, RollupService } from './rollup.service';

@Injectable()
export class RollupScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** The start-up catch-up (null if it failed): tests, the bench and `npm run rollup` wait for it before they measure. */
  startup: Promise<RollupReport | null> = Promise.resolve(null);

  constructor(private readonly rollups: RollupService) {}

  /** Catch-up after downtime, started without delaying listen(). */
  onApplicationBootstrap(): void {
    this.startup = this.rollups.rollUpOnSchedule(Date.now());
  }

  @Cron('5 0 * * * *', { name: 'metrics-rollup' })
  async hourly(): Promise<void> {
    await this.rollups.rollUpOnSchedule(Date.now());
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.rollups.stop();
  }
}
