import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Execution } from '../executions/execution.entity';
import { ExecutionsModule } from '../executions/executions.module';
import { ChainService } from './chain.service';
import { ReceiptWatcherScheduler } from './receipt-watcher.scheduler';
import { ReceiptWatcherService } from './receipt-watcher.service';

@Module({
  imports: [TypeOrmModule.forFeature([Execution]), ExecutionsModule],
  providers: [ChainService, ReceiptWatcherService, ReceiptWatcherScheduler],
  exports: [ChainService, ReceiptWatcherService],
})
export class ChainModule {}
