import { Module } from '@nestjs/common';
import { ChainService } from './chain.service';
import { TransactionSenders } from './transaction-senders.service';

/**
 * The JSON-RPC side alone, without the receipt watcher: ExecutionsModule needs it for the sender check at submit,
 * while the watcher (ChainModule) needs ExecutionsModule, so the two cannot be one module.
 */
@Module({
  providers: [ChainService, TransactionSenders],
  exports: [ChainService, TransactionSenders],
})
export class ChainRpcModule {}
