// Turns chain receipts into execution outcomes: the only path by which an execution becomes confirmed (deep enough,
// sent by the execution's own wallet) or, after a reorg, unconfirmed again.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { JsonRpcProvider } from 'ethers';
import { Counter } from 'prom-client';
import { ErrorCode } from '../common/error-codes';
import { AppConfig, appConfig } from '../config/app.config';
import { Execution } from '../executions/execution.entity';
import { ExecutionsService, Keyset } from '../executions/executions.service';
import { PrometheusService } from '../metrics/prometheus.service';
import { backoffDelayMs } from './backoff';
import { ChainService } from './chain.service';
import { isDeepEnough, reorgWindowStart } from './depth';

/** Longest wait between attempts while the node keeps failing. */
export const MAX_BACKOFF_MS = 60_000;

type Outcome =
  | { kind: 'confirmed'; blockNumber: number; blockHash: string }
  | { kind: 'reverted'; blockNumber: number }
  | { kind: 'sender-mismatch' }
  | { kind: 'not-found' }
  /** A receipt not yet CONFIRMATIONS blocks deep. */
  | { kind: 'shallow' }
  | { kind: 'pending' };

export interface PollReport {
  /** Why nothing was read this time. */
  skipped?: 'not-configured' | 'backoff' | 'busy';
  checked: number;
  confirmed: number;
  reverted: number;
  senderMismatch: number;
  notFound: number;
  shallow: number;
  pending: number;
  /** Confirmed executions inside the reorg window whose receipts were read again. */
  rechecked: number;
  /** Of those, how many a reorg dropped (back to submitted, their totals reversed). */
  reorged: number;
  /** Set when the node failed: nothing was marked, the next attempt waits `retryInMs`. */
  rpcError?: string;
  retryInMs?: number;
}

const emptyReport = (): PollReport => ({
  checked: 0, confirmed: 0, reverted: 0, senderMismatch: 0, notFound: 0, shallow: 0, pending: 0, rechecked: 0, reorged: 0,
});

/** A bounded page of a keyset walk, and where the next pass continues (undefined: from the start again). */
interface Page {
  batch: Execution[];
  next?: Keyset;
}

/** Everything a pass reads before it marks anything. */
interface PassRead {
  submitted: Page;
  outcomes: Outcome[];
  recheck: Page;
  /** Per confirmed execution re-read: whether its block left the chain. */
  dropped: boolean[];
}

@Injectable()
export class ReceiptWatcherService {
  private readonly logger = new Logger(ReceiptWatcherService.name);
  private readonly results: Counter<'outcome'>;
  private running = false;
  private consecutiveFailures = 0;
  private retryAt = 0;
  /** Keyset positions, so executions that stay pending (or confirmed) cannot starve the others. */
  private submittedCursor?: Keyset;
  private recheckCursor?: Keyset;

  constructor(
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly chain: ChainService,
    private readonly executions: ExecutionsService,
    prometheus: PrometheusService,
  ) {
    this.results = new Counter({
      name: 'bloom_receipt_watcher_results_total',
      help: 'Receipt lookups by outcome (confirmed, reverted, sender_mismatch, not_found, shallow, pending, reorged, rpc_error)',
      labelNames: ['outcome'] as const,
      registers: [prometheus.registry],
    });
  }

  /**
   * One pass: the next batch of submitted executions (oldest first), and the next batch of confirmed executions still
   * inside the reorg window. Reads every receipt and the head before marking anything: when the node fails, nothing
   * changes and the next pass waits (exponential, capped).
   */
  async pollOnce(now: number = Date.now()): Promise<PollReport> {
    const provider = this.chain.provider;
    if (!provider) return { ...emptyReport(), skipped: 'not-configured' };
    if (this.running) return { ...emptyReport(), skipped: 'busy' };
    if (now < this.retryAt) return { ...emptyReport(), skipped: 'backoff', retryInMs: this.retryAt - now };
    this.running = true;
    try {
      let read: PassRead;
      try {
        read = await this.read(provider, now);
      } catch (error) {
        return this.backOff(error as Error, now);
      }
      this.recovered();
      // Moved only after a successful read: a failed pass is retried from the same place.
      this.submittedCursor = read.submitted.next;
      this.recheckCursor = read.recheck.next;
      const report = { ...emptyReport(), checked: read.submitted.batch.length, rechecked: read.recheck.batch.length };
      await this.applyReorgs(read.recheck.batch, read.dropped, report, now);
      await this.apply(read.submitted.batch, read.outcomes, report);
      return report;
    } finally {
      this.running = false;
    }
  }

  private async read(provider: JsonRpcProvider, now: number): Promise<PassRead> {
    await this.chain.ensureChainId();
    const head = await provider.getBlockNumber();
    const submitted = this.page(await this.executions.submittedAfter(this.submittedCursor, this.batchSize), (e) => e.updatedAt);
    const windowStart = reorgWindowStart(head, this.config.chain.confirmations);
    const recheck = this.page(await this.executions.confirmedFromBlock(windowStart, this.recheckCursor, this.batchSize), (e) => e.blockNumber!);
    const [outcomes, dropped] = await Promise.all([
      Promise.all(submitted.batch.map((execution) => this.lookUp(provider, execution, head, now))),
      Promise.all(recheck.batch.map((execution) => this.isDropped(provider, execution))),
    ]);
    return { submitted, outcomes, recheck, dropped };
  }

  private get batchSize(): number {
    return this.config.chain.receiptWatchBatch;
  }

  private page(batch: Execution[], key: (e: Execution) => number): Page {
    const last = batch[batch.length - 1];
    // A short batch means the end was reached: the next pass starts again from the first.
    const full = batch.length === this.batchSize && last !== undefined;
    return { batch, next: full ? { value: key(last), id: last.id } : undefined };
  }

  private async lookUp(provider: JsonRpcProvider, execution: Execution, head: number, now: number): Promise<Outcome> {
    const txHash = execution.txHash as string;
    const receipt = await provider.getTransactionReceipt(txHash);
    if (receipt) {
      // A transaction's sender is fixed by its signature: another wallet's transaction never becomes this one's, at any depth.
      if (!(await this.executions.isSentByOwner(execution, receipt.from))) return { kind: 'sender-mismatch' };
      if (!isDeepEnough(head, receipt.blockNumber, this.config.chain.confirmations)) return { kind: 'shallow' };
      if (receipt.status === 1) return { kind: 'confirmed', blockNumber: receipt.blockNumber, blockHash: receipt.blockHash };
      if (receipt.status === 0) return { kind: 'reverted', blockNumber: receipt.blockNumber };
      return { kind: 'pending' }; // pre-Byzantium receipts carry no status: nothing to conclude
    }
    // execution.updatedAt is the submit time: a submitted execution is not touched until its outcome.
    const waitedMs = now - execution.updatedAt;
    if (waitedMs < this.config.chain.txNotFoundAfterS * 1000) return { kind: 'pending' };
    // A transaction still in the node's pool is only slow, not lost.
    return (await provider.getTransaction(txHash)) ? { kind: 'pending' } : { kind: 'not-found' };
  }

  /** The confirmed execution's block is no longer on the chain: its receipt is gone, in another block, or no longer a success. */
  private async isDropped(provider: JsonRpcProvider, execution: Execution): Promise<boolean> {
    const receipt = await provider.getTransactionReceipt(execution.txHash as string);
    if (!receipt || receipt.status !== 1 || receipt.blockNumber !== execution.blockNumber) return true;
    // Rows confirmed before block hashes were stored are compared by number only.
    return execution.blockHash !== null && receipt.blockHash.toLowerCase() !== execution.blockHash;
  }

  private async applyReorgs(batch: Execution[], dropped: boolean[], report: PollReport, now: number): Promise<void> {
    for (const [i, execution] of batch.entries()) {
      if (!dropped[i]) continue;
      const seen = { blockNumber: execution.blockNumber!, blockHash: execution.blockHash };
      if (await this.executions.revertConfirmation(execution.id, seen, now)) {
        report.reorged++;
        this.results.inc({ outcome: 'reorged' });
        this.logger.warn(`execution ${execution.id}: block ${seen.blockNumber} left the chain (reorg): back to submitted, totals reversed`);
      }
    }
  }

  private async apply(batch: Execution[], outcomes: Outcome[], report: PollReport): Promise<void> {
    for (const [i, execution] of batch.entries()) {
      const outcome = outcomes[i];
      const txHash = execution.txHash as string;
      try {
        switch (outcome.kind) {
          case 'confirmed':
            await this.executions.confirmFromReceipt(execution.id, { txHash, blockNumber: outcome.blockNumber, blockHash: outcome.blockHash });
            report.confirmed++;
            break;
          case 'reverted':
            await this.executions.failFromReceipt(execution.id, {
              errorCode: ErrorCode.REVERTED,
              errorMessage: `transaction reverted in block ${outcome.blockNumber}`,
            });
            report.reverted++;
            break;
          case 'sender-mismatch':
            await this.executions.failFromReceipt(execution.id, {
              errorCode: ErrorCode.TX_SENDER_MISMATCH,
              errorMessage: 'the transaction was sent by another wallet than the execution’s own',
            });
            report.senderMismatch++;
            break;
          case 'not-found':
            await this.executions.failFromReceipt(execution.id, {
              errorCode: ErrorCode.TX_NOT_FOUND,
              errorMessage: `the node does not know the transaction ${this.config.chain.txNotFoundAfterS} s after submission`,
            });
            report.notFound++;
            break;
          case 'shallow':
            report.shallow++;
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
