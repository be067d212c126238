import { Module } from '@nestjs/common';
import { ExecutionsModule } from '../executions/executions.module';
import { MetricsModule } from '../metrics/metrics.module';
import { ChainRpcModule } from './chain-rpc.module';
import { ReceiptWatcherScheduler } from './receipt-watcher.scheduler';
import { ReceiptWatcherService } from './receipt-watcher.service';

@Module({
  imports: [ChainRpcModule, ExecutionsModule, MetricsModule],
  providers: [ReceiptWatcherService, ReceiptWatcherScheduler],
  exports: [ChainRpcModule, ReceiptWatcherService],
})
export class ChainModule {}
