import { Module } from '@nestjs/common';
import { ExecutionsModule } from '../executions/executions.module';
import { MetricsModule } from '../metrics/metrics.module';
import { ChainService } from './chain.service';
import { ReceiptWatcherScheduler } from './receipt-watcher.scheduler';
import { ReceiptWatcherService } from './receipt-watcher.service';

@Module({
  imports: [ExecutionsModule, MetricsModule],
  providers: [ChainService, ReceiptWatcherService, ReceiptWatcherScheduler],
  exports: [ChainService, ReceiptWatcherService],
})
export class ChainModule {}
