// Runs the receipt watcher every RECEIPT_WATCH_INTERVAL_MS when ETH_RPC_URL is set; all logic is in the service.
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig, appConfig } from '../config/app.config';
import { ChainService } from './chain.service';
import { ReceiptWatcherService } from './receipt-watcher.service';

export const RECEIPT_WATCHER_INTERVAL = 'receipt-watcher';

@Injectable()
export class ReceiptWatcherScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ReceiptWatcherScheduler.name);
  private inFlight?: Promise<unknown>;

  constructor(
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly chain: ChainService,
    private readonly watcher: ReceiptWatcherService,
    private readonly registry: SchedulerRegistry,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  // The interval comes from configuration, so it is registered here rather than with a static @Interval(ms).
  // Only the server watches: CLI tools that boot AppModule for its services (rollup, report) have no HTTP adapter.
  onApplicationBootstrap(): void {
    if (!this.chain.configured || !this.adapterHost.httpAdapter) return;
    const handle = setInterval(() => this.tick(), this.config.chain.receiptWatchIntervalMs);
    this.registry.addInterval(RECEIPT_WATCHER_INTERVAL, handle);
  }

  private tick(): void {
    if (this.inFlight) return;
    this.inFlight = this.watcher
      .pollOnce(Date.now())
      .catch((error: Error) => this.logger.error(`receipt watcher pass failed: ${error.message}`))
      .finally(() => (this.inFlight = undefined));
  }

  /** Lets a pass that already started finish before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.registry.doesExist('interval', RECEIPT_WATCHER_INTERVAL)) this.registry.deleteInterval(RECEIPT_WATCHER_INTERVAL);
    await this.inFlight;
  }
}
