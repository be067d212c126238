// Turns chain receipts into execution outcomes: the only path by which an execution becomes confirmed.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { JsonRpcProvider } from 'ethers';
import { Counter } from 'prom-client';
import { ErrorCode } from '../common/error-codes';
import { AppConfig, appConfig } from '../config/app.config';
import { Execution } from '../executions/execution.entity';
import { ExecutionsService } from '../executions/executions.service';
import { PrometheusService } from '../metrics/prometheus.service';
import { backoffDelayMs } from './backoff';
import { ChainService } from './chain.service';

/** Longest wait between attempts while the node keeps failing. */
export const MAX_BACKOFF_MS = 60_000;

type Outcome =
  | { kind: 'confirmed'; blockNumber: number }
  | { kind: 'reverted'; blockNumber: number }
  | { kind: 'not-found' }
  | { kind: 'pending' };

export interface PollReport {
  /** Why nothing was read this time. */
  skipped?: 'not-configured' | 'backoff' | 'busy';
  checked: number;
  confirmed: number;
  reverted: number;
  notFound: number;
  pending: number;
  /** Set when the node failed: nothing was marked, the next attempt waits `retryInMs`. */
  rpcError?: string;
  retryInMs?: number;
}

const emptyReport = (): PollReport => ({ checked: 0, confirmed: 0, reverted: 0, notFound: 0, pending: 0 });

@Injectable()
export class ReceiptWatcherService {
  private readonly logger = new Logger(ReceiptWatcherService.name);
  private readonly results: Counter<'outcome'>;
  private running = false;
  private consecutiveFailures = 0;
  private retryAt = 0;
  /** Keyset position in (updated_at, id) order, so executions that stay pending cannot starve the newer ones. */
  private cursor?: { updatedAt: number; id: string };

  constructor(
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly chain: ChainService,
    private readonly executions: ExecutionsService,
    prometheus: PrometheusService,
  ) {
    this.results = new Counter({
      name: 'bloom_receipt_watcher_results_total',
      help: 'Receipt lookups of submitted executions, by outcome (confirmed, reverted, not_found, pending, rpc_error)',
      labelNames: ['outcome'] as const,
      registers: [prometheus.registry],
    });
  }

  /**
   * One pass over the next batch of submitted executions (oldest first). Reads every receipt of the batch before
   * marking anything: when the node fails, nothing changes and the next pass waits (exponential, capped).
   */
  async pollOnce(now: number = Date.now()): Promise<PollReport> {
    const provider = this.chain.provider;
    if (!provider) return { ...emptyReport(), skipped: 'not-configured' };
    if (this.running) return { ...emptyReport(), skipped: 'busy' };
    if (now < this.retryAt) return { ...emptyReport(), skipped: 'backoff', retryInMs: this.retryAt - now };
    this.running = true;
    try {
      const { batch, nextCursor } = await this.nextBatch();
      let outcomes: Outcome[];
      try {
        await this.chain.ensureChainId();
        outcomes = await Promise.all(batch.map((execution) => this.lookUp(provider, execution, now)));
      } catch (error) {
        return this.backOff(error as Error, now);
      }
      this.recovered();
      // Moved only after a successful read: a failed pass is retried from the same place.
      this.cursor = nextCursor;
      return await this.apply(batch, outcomes);
    } finally {
      this.running = false;
    }
  }

  private async nextBatch(): Promise<{ batch: Execution[]; nextCursor?: { updatedAt: number; id: string } }> {
    const limit = this.config.chain.receiptWatchBatch;
    const batch = await this.executions.submittedAfter(this.cursor, limit);
    const last = batch[batch.length - 1];
    // A short batch means the end was reached: the next pass starts again from the oldest.
    const full = batch.length === limit && last !== undefined;
    return { batch, nextCursor: full ? { updatedAt: last.updatedAt, id: last.id } : undefined };
  }

  private async lookUp(provider: JsonRpcProvider, execution: Execution, now: number): Promise<Outcome> {
    const txHash = execution.txHash as string;
    const receipt = await provider.getTransactionReceipt(txHash);
    if (receipt) {
      if (receipt.status === 1) return { kind: 'confirmed', blockNumber: receipt.blockNumber };
      if (receipt.status === 0) return { kind: 'reverted', blockNumber: receipt.blockNumber };
      return { kind: 'pending' }; // pre-Byzantium receipts carry no status: nothing to conclude
    }
    // execution.updatedAt is the submit time: a submitted execution is not touched until its outcome.
    const waitedMs = now - execution.updatedAt;
    if (waitedMs < this.config.chain.txNotFoundAfterS * 1000) return { kind: 'pending' };
    // A transaction still in the node's pool is only slow, not lost.
    return (await provider.getTransaction(txHash)) ? { kind: 'pending' } : { kind: 'not-found' };
  }

  private async apply(batch: Execution[], outcomes: Outcome[]): Promise<PollReport> {
    const report = { ...emptyReport(), checked: batch.length };
    for (const [i, execution] of batch.entries()) {
      const outcome = outcomes[i];
      const txHash = execution.txHash as string;
      try {
        switch (outcome.kind) {
          case 'confirmed':
            await this.executions.confirmFromReceipt(execution.id, { txHash, blockNumber: outcome.blockNumber });
            report.confirmed++;
            break;
          case 'reverted':
            await this.executions.failFromReceipt(execution.id, {
              errorCode: ErrorCode.REVERTED,
              errorMessage: `transaction reverted in block ${outcome.blockNumber}`,
            });
            report.reverted++;
            break;
          case 'not-found':
            await this.executions.failFromReceipt(execution.id, {
              errorCode: ErrorCode.TX_NOT_FOUND,
              errorMessage: `the node does not know the transaction ${this.config.chain.txNotFoundAfterS} s after submission`,
            });
            report.notFound++;
            break;
          case 'pending':
            report.pending++;
            break;
        }
        this.results.inc({ outcome: outcome.kind.replace('-', '_') });
      } catch (error) {
        // Another request changed this execution meanwhile (e.g. its owner failed it): its state stands.
        this.logger.warn(`execution ${execution.id}: ${outcome.kind} not applied: ${(error as Error).message}`);
      }
    }
    return report;
  }

  private backOff(error: Error, now: number): PollReport {
    this.consecutiveFailures++;
    const delay = backoffDelayMs(this.consecutiveFailures, this.config.chain.receiptWatchIntervalMs, MAX_BACKOFF_MS);
    this.retryAt = now + delay;
    this.results.inc({ outcome: 'rpc_error' });
    const message = error.message.split('\n')[0].slice(0, 300);
    if (this.consecutiveFailures === 1 || delay === MAX_BACKOFF_MS) {
      this.logger.warn(`JSON-RPC failed (${message}); nothing marked, retrying in ${delay} ms`);
    }
    return { ...emptyReport(), rpcError: message, retryInMs: delay };
  }

  private recovered(): void {
    if (this.consecutiveFailures > 0) this.logger.log(`JSON-RPC answers again after ${this.consecutiveFailures} failed attempt(s)`);
    this.consecutiveFailures = 0;
    this.retryAt = 0;
  }
}
