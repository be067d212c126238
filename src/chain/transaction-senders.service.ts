// Who sent a transaction, as the node knows it right now: the submit path's early sender check, which must never make
// a submit slow. When it cannot answer at once the submit is accepted and the receipt watcher decides.
import { Injectable, Logger } from '@nestjs/common';
import { ChainService, withTimeout } from './chain.service';

/** Longest a submit waits for the node. */
export const SENDER_LOOKUP_TIMEOUT_MS = 300;
/** After a failed or slow lookup, submits skip the node this long instead of each paying the timeout. */
export const SENDER_LOOKUP_PAUSE_MS = 10_000;

@Injectable()
export class TransactionSenders {
  private readonly logger = new Logger(TransactionSenders.name);
  private pausedUntil = 0;

  constructor(private readonly chain: ChainService) {}

  /** The sender's address, or undefined: no RPC, node down or slow, or the transaction not (yet) known to the node. */
  async senderOf(txHash: string, now = Date.now()): Promise<string | undefined> {
    const provider = this.chain.provider;
    if (!provider || now < this.pausedUntil) return undefined;
    try {
      const lookUp = this.chain.ensureChainId().then(() => provider.getTransaction(txHash));
      const tx = await withTimeout(lookUp, SENDER_LOOKUP_TIMEOUT_MS, 'eth_getTransactionByHash');
      return tx?.from;
    } catch (error) {
      this.pausedUntil = now + SENDER_LOOKUP_PAUSE_MS;
      this.logger.debug(`sender lookup skipped for ${SENDER_LOOKUP_PAUSE_MS} ms: ${(error as Error).message.split('\n')[0]}`);
      return undefined;
    }
  }
}
