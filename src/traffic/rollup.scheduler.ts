// Thin: runs the rollup every hour (5 s past, so the last rows of the hour are flushed) and once at start-up.
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { RollupReport, RollupService } from './rollup.service';

@Injectable()
export class RollupScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RollupScheduler');
  /** The start-up catch-up (null if it failed); `npm run rollup` reports it with its own run. */
  startup: Promise<RollupReport | null> = Promise.resolve(null);

  constructor(private readonly rollups: RollupService) {}

  /** Catch-up after downtime, started without delaying listen(). */
  onApplicationBootstrap(): void {
    this.startup = this.run();
  }

  @Cron('5 0 * * * *', { name: 'metrics-rollup' })
  async hourly(): Promise<void> {
    await this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.rollups.stop();
  }

  private async run(): Promise<RollupReport | null> {
    try {
      const report = await this.rollups.rollUpCompleteHours(Date.now());
      if (report.rolled.length > 0) this.logger.log(`rolled up ${report.rolled.length} hour(s)`);
      return report;
    } catch (e) {
      this.logger.error(`rollup failed: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    }
  }
}
