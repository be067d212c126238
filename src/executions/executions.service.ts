// The execution ledger: prepare → submit → confirmed | failed, with every transition a conditional UPDATE.
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Brackets, DataSource, EntityManager, Repository, SelectQueryBuilder } from 'typeorm';
import { TransactionSenders } from '../chain/transaction-senders.service';
import { apiException, ErrorCode } from '../common/error-codes';
import { dialectOf } from '../database/dialect';
import { AppConfig, appConfig } from '../config/app.config';
import { FeesService } from '../fees/fees.service';
import { computeFeeUnits } from '../fees/fee';
import { TelemetryEventsService } from '../telemetry-events/telemetry-events.service';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { Session } from '../sessions/session.entity';
import { PrepareExecutionDto } from './dto/prepare-execution.dto';
import { Execution, ExecutionStatus } from './execution.entity';
import { ExecutionsRepository, LedgerFigures, TokenTotalRow } from './executions.repository';
import { findToken, TOKENS, TokenInfo } from './tokens';

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export interface Preflight {
  chainId: number;
  adapters: string[];
  tokens: TokenInfo[];
  feeBps: number;
  rpc: boolean;
  /** `chain`: a receipt watcher confirms submitted executions; `devnet`: no RPC, they stay submitted. */
  executionMode: 'chain' | 'devnet';
}

export interface PrepareResult {
  executionId?: string;
  status: 'prepared' | 'valid';
  action: string;
  token: string | null;
  amount: string | null;
  feeBps: number;
  feeUnitsQuote: string | null;
}

export interface ExecutionView {
  executionId: string;
  status: ExecutionStatus;
  action: string;
  token: string | null;
  amount: string | null;
  feeBps: number;
  feeUnits: string | null;
  txHash: string | null;
  blockNumber: number | null;
  errorCode: string | null;
  latencyMs: number | null;
}

export function toExecutionView(e: Execution): ExecutionView {
  return {
    executionId: e.id,
    status: e.status,
    action: e.action,
    token: e.token,
    amount: e.amountUnits?.toString() ?? null,
    feeBps: e.feeBps,
    feeUnits: e.feeUnits?.toString() ?? null,
    txHash: e.txHash,
    blockNumber: e.blockNumber,
    errorCode: e.errorCode,
    latencyMs: e.latencyMs,
  };
}

/** Keyset position: the executions after (value, id) in (column, id) order. */
export interface Keyset {
  value: number;
  id: string;
}

/** What the receipt watcher read: the receipt's block, by number and hash. */
export interface ReceiptBlock {
  txHash: string;
  blockNumber: number;
  blockHash?: string | null;
}

function afterKeyset(query: SelectQueryBuilder<Execution>, column: string, after: Keyset | undefined): SelectQueryBuilder<Execution> {
  if (!after) return query;
  return query.andWhere(
    new Brackets((q) =>
      q
        .where(`${column} > :kv`, { kv: after.value })
        .orWhere(new Brackets((q2) => q2.where(`${column} = :kv`, { kv: after.value }).andWhere('e.id > :kid', { kid: after.id }))),
    ),
  );
}

const notFound = () => apiException(HttpStatus.NOT_FOUND, ErrorCode.EXECUTION_NOT_FOUND, 'No such execution');
const illegal = (from: ExecutionStatus, to: ExecutionStatus) =>
  apiException(HttpStatus.CONFLICT, ErrorCode.INVALID_TRANSITION, `An execution cannot go from ${from} to ${to}`);
const hashInUse = () =>
  apiException(HttpStatus.CONFLICT, ErrorCode.TX_HASH_IN_USE, 'This transaction hash already backs another of your executions, or a confirmed one');

@Injectable()
export class ExecutionsService {
  /**
   * TypeORM's SQLite driver runs every query on one connection, so two open transactions would nest; ledger
   * transactions (confirm, reorg) are serialized in-process (PostgreSQL also locks the token_totals row, see
   * ExecutionsRepository.moveTokenTotals).
   */
  private ledgerQueue: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    @InjectRepository(Execution) private readonly executions: Repository<Execution>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly fees: FeesService,
    private readonly events: TelemetryEventsService,
    private readonly repo: ExecutionsRepository,
    private readonly users: UsersService,
    private readonly senders: TransactionSenders,
  ) {}

  countByStatus(): Promise<Record<ExecutionStatus, number>> {
    return this.repo.countByStatus();
  }

  tokenTotals(): Promise<TokenTotalRow[]> {
    return this.repo.tokenTotals();
  }

  /**
   * Status counts, token_totals and the fees confirmed since `since`, as of one moment: a confirmation (or its reversal)
   * moves all of them in one transaction, and a public figure must never show one half of it (ten confirmed
   * executions beside the volume of nine). PostgreSQL reads them in one REPEATABLE READ snapshot. SQLite has one
   * connection, where a read could land between a ledger transaction's statements and see them uncommitted, so there
   * they are read between ledger transactions, in the ledger queue.
   */
  ledgerFigures(since: number): Promise<LedgerFigures> {
    const read = async (manager?: EntityManager): Promise<LedgerFigures> => ({
      byStatus: await this.repo.countByStatus(manager),
      createdSince: await this.repo.countCreatedSince(since, manager),
      tokenTotals: await this.repo.tokenTotals(manager),
      feesConfirmedSince: await this.repo.feesConfirmedSince(since, manager),
    });
    if (dialectOf(this.dataSource).isPostgres) return this.dataSource.transaction('REPEATABLE READ', read);
    return this.serialized(() => read());
  }

  countByUser(userIds: readonly number[]): Promise<Map<number, number>> {
    return this.repo.countByUser(userIds);
  }

  page(limit: number, offset: number, status?: ExecutionStatus): Promise<{ rows: Record<string, unknown>[]; total: number }> {
    return this.repo.page(limit, offset, status);
  }

  /** Submitted executions in (updated_at, id) order after the keyset position `after` (from the oldest without one). */
  submittedAfter(after: Keyset | undefined, limit: number): Promise<Execution[]> {
    const query = this.executions.createQueryBuilder('e').where('e.status = :status', { status: 'submitted' });
    return afterKeyset(query, 'e.updated_at', after).orderBy('e.updated_at', 'ASC').addOrderBy('e.id', 'ASC').limit(limit).getMany();
  }

  /** Confirmed executions in blocks from `fromBlock` on, in (block_number, id) order after `after` (reorg re-check). */
  confirmedFromBlock(fromBlock: number, after: Keyset | undefined, limit: number): Promise<Execution[]> {
    const query = this.executions
      .createQueryBuilder('e')
      .where('e.status = :status', { status: 'confirmed' })
      .andWhere('e.block_number >= :fromBlock', { fromBlock });
    return afterKeyset(query, 'e.block_number', after).orderBy('e.block_number', 'ASC').addOrderBy('e.id', 'ASC').limit(limit).getMany();
  }

  /**
   * Whether the execution's own wallet sent the transaction: `from` is hashed with the users' address key and compared
   * with the owner's address hash (the raw address is never stored).
   */
  async isSentByOwner(execution: Execution, from: string): Promise<boolean> {
    const ownerHash = (await this.users.hashesByIds([execution.userId])).get(execution.userId);
    return ownerHash !== undefined && this.isWallet(ownerHash, from);
  }

  private isWallet(addressHash: string, address: string): boolean {
    return this.users.hashAddress(address) === addressHash;
  }

  /** The executions a run created (tagged with its id as correlation id), newest first. */
  findByCorrelationId(correlationId: string): Promise<Execution[]> {
    return this.executions.find({ where: { correlationId }, order: { createdAt: 'DESC' } });
  }

  preflight(): Preflight {
    const rpc = Boolean(this.config.chain.rpcUrl);
    return {
      chainId: this.config.chain.chainId,
      adapters: [...this.config.executionAdapters],
      tokens: TOKENS.map((t) => ({ ...t })),
      feeBps: this.fees.feeBps,
      rpc,
      executionMode: rpc ? 'chain' : 'devnet',
    };
  }

  /** Stores a prepared execution (acknowledged only after the insert commits), or only quotes it (validateOnly). */
  async prepare(user: User, session: Session, dto: PrepareExecutionDto, requestCorrelationId?: string, now = Date.now()): Promise<PrepareResult> {
    if (!this.config.executionAdapters.includes(dto.action)) {
      throw apiException(HttpStatus.BAD_REQUEST, ErrorCode.UNKNOWN_ACTION, 'action is not an allowed adapter (see preflight)');
    }
    const token = dto.token === undefined ? null : findToken(dto.token);
    if (token === undefined) throw apiException(HttpStatus.BAD_REQUEST, ErrorCode.UNKNOWN_TOKEN, 'token is not in the token list (see preflight)');
    const amount = dto.amount === undefined ? null : BigInt(dto.amount);
    const feeBps = this.fees.feeBps;
    const quote = amount === null ? null : this.fees.quote(amount, feeBps);
    const result: PrepareResult = {
      status: 'valid',
      action: dto.action,
      token: token?.symbol ?? null,
      amount: amount?.toString() ?? null,
      feeBps,
      feeUnitsQuote: quote?.toString() ?? null,
    };
    if (dto.validateOnly) return result;

    const id = randomUUID();
    await this.executions.insert({
      id,
      userId: user.id,
      sessionId: session.id,
      correlationId: dto.correlationId ?? requestCorrelationId ?? null,
      action: dto.action,
      token: token?.symbol ?? null,
      amountUnits: amount,
      feeBps,
      feeUnits: null,
      status: 'prepared',
      txHash: null,
      blockNumber: null,
      errorCode: null,
      errorMessage: null,
      latencyMs: null,
      createdAt: now,
      updatedAt: now,
    });
    this.events.emit('execution.prepared', { executionId: id, userHash: user.addressHash, action: dto.action, token: result.token, amountUnits: result.amount, feeBps });
    return { ...result, executionId: id, status: 'prepared' };
  }

  /** The owner's execution, else 404 whether it exists or not (ids of others never leak). */
  private async ownedBy(user: User, id: string): Promise<Execution> {
    if (!UUID.test(id)) throw notFound();
    const row = await this.executions.findOneBy({ id: id.toLowerCase(), userId: user.id });
    if (!row) throw notFound();
    return row;
  }

  async submit(user: User, id: string, txHash: string, now = Date.now()): Promise<ExecutionView> {
    const row = await this.ownedBy(user, id);
    const hash = txHash.toLowerCase();
    if (row.status !== 'prepared') throw illegal(row.status, 'submitted');
    // Only the user's own claims and confirmed executions hold a hash: another wallet's claim never blocks this one.
    const holder = await this.executions.findOne({ where: [{ txHash: hash, userId: user.id }, { txHash: hash, status: 'confirmed' }] });
    if (holder && holder.id !== row.id) throw hashInUse();
    const sender = await this.senders.senderOf(hash);
    if (sender !== undefined && !this.isWallet(user.addressHash, sender)) {
      throw apiException(HttpStatus.CONFLICT, ErrorCode.TX_SENDER_MISMATCH, 'This transaction was sent by another wallet than the one signed in');
    }
    let affected: number | undefined;
    try {
      ({ affected } = await this.executions
        .createQueryBuilder()
        .update(Execution)
        .set({ status: 'submitted', txHash: hash, updatedAt: now })
        .where('id = :id AND user_id = :userId AND status = :from', { id: row.id, userId: user.id, from: 'prepared' })
        .execute());
    } catch (e) {
      // A concurrent submit of the same hash for another of the user's executions won the unique index.
      if (dialectOf(this.dataSource).isUniqueViolation(e)) throw hashInUse();
      throw e;
    }
    if (affected !== 1) throw illegal((await this.ownedBy(user, row.id)).status, 'submitted');
    const updated = { ...row, status: 'submitted' as const, txHash: hash, updatedAt: now };
    this.events.emit('execution.submitted', { executionId: row.id, userHash: user.addressHash, txHash: hash });
    return toExecutionView(updated);
  }

  /** Client-reported failure (rejected in the wallet, dropped transaction): from prepared or submitted. */
  async fail(user: User, id: string, errorCode: string, errorMessage: string | undefined, now = Date.now()): Promise<ExecutionView> {
    const row = await this.ownedBy(user, id);
    const updated = await this.markFailed(row, ['prepared', 'submitted'], errorCode, errorMessage ?? null, now);
    if (!updated) throw illegal((await this.ownedBy(user, row.id)).status, 'failed');
    this.events.emit('execution.failed', { executionId: row.id, userHash: user.addressHash, errorCode, latencyMs: updated.latencyMs, source: 'client' });
    return toExecutionView(updated);
  }

  private async markFailed(row: Execution, from: ExecutionStatus[], errorCode: string, errorMessage: string | null, now: number): Promise<Execution | null> {
    const latencyMs = Math.max(0, now - row.createdAt);
    const { affected } = await this.executions
      .createQueryBuilder()
      .update(Execution)
      .set({ status: 'failed', errorCode, errorMessage, latencyMs, updatedAt: now })
      .where('id = :id AND status IN (:...from)', { id: row.id, from })
      .execute();
    return affected === 1 ? { ...row, status: 'failed', errorCode, errorMessage, latencyMs, updatedAt: now } : null;
  }

  /** Runs ledger transactions one after another (see ledgerQueue). */
  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.ledgerQueue.then(work);
    this.ledgerQueue = run.catch(() => undefined);
    return run;
  }

  /**
   * The only door to `confirmed` (the receipt watcher, after its depth and sender checks, and tests call it): from
   * `submitted` with the same tx hash, setting the fee at the execution's own bps and adding to token_totals in one
   * transaction. Idempotent for a receipt already applied.
   */
  async confirmFromReceipt(executionId: string, receipt: ReceiptBlock, now = Date.now()): Promise<ExecutionView> {
    return this.serialized(() => this.confirmNow(executionId, receipt, now));
  }

  private async confirmNow(executionId: string, receipt: ReceiptBlock, now: number): Promise<ExecutionView> {
    if (!UUID.test(executionId)) throw notFound();
    const hash = receipt.txHash.toLowerCase();
    const row = await this.executions.findOneBy({ id: executionId.toLowerCase() });
    if (!row) throw notFound();
    if (row.status === 'confirmed' && row.txHash === hash) return toExecutionView(row);
    if (row.status !== 'submitted') throw illegal(row.status, 'confirmed');
    if (row.txHash !== hash) throw apiException(HttpStatus.CONFLICT, ErrorCode.TX_HASH_MISMATCH, 'The receipt is for another transaction than the one submitted');
    // Checked before the transaction: a unique violation inside it would roll back statements of other requests that
    // share SQLite's one connection.
    if (await this.executions.existsBy({ txHash: hash, status: 'confirmed' })) throw hashInUse();

    const feeUnits = row.token && row.amountUnits !== null ? computeFeeUnits(row.amountUnits, row.feeBps) : null;
    const latencyMs = Math.max(0, now - row.createdAt);
    const blockHash = receipt.blockHash?.toLowerCase() ?? null;
    const confirmed: Execution = { ...row, status: 'confirmed', blockNumber: receipt.blockNumber, blockHash, feeUnits, latencyMs, updatedAt: now };
    // Commit even when the conditional UPDATE loses a race: it wrote nothing, and on SQLite a rollback could undo
    // other requests' statements that share the connection.
    const applied = await this.dataSource.transaction(async (manager) => {
      const { affected } = await manager
        .createQueryBuilder()
        .update(Execution)
        .set({ status: 'confirmed', blockNumber: receipt.blockNumber, blockHash, feeUnits, latencyMs, updatedAt: now })
        .where('id = :id AND status = :from AND tx_hash = :hash', { id: row.id, from: 'submitted', hash })
        .execute();
      if (affected !== 1) return false;
      if (row.token && row.amountUnits !== null && feeUnits !== null) {
        await this.repo.moveTokenTotals(manager, row.token, { count: 1, amountUnits: row.amountUnits, feeUnits });
      }
      return true;
    });
    if (!applied) throw illegal((await this.executions.findOneByOrFail({ id: row.id })).status, 'confirmed');
    this.events.emit('execution.confirmed', { executionId: row.id, txHash: hash, blockNumber: receipt.blockNumber, token: row.token, amountUnits: row.amountUnits, feeUnits, latencyMs });
    return toExecutionView(confirmed);
  }

  /**
   * A reorg dropped the block of a confirmed execution (receipt gone, or in another block): back to `submitted`, and
   * its volume and fee leave token_totals in the same transaction. Only when the execution is still confirmed in the
   * block the watcher saw: false when it changed meanwhile (nothing done).
   */
  async revertConfirmation(executionId: string, seen: { blockNumber: number; blockHash: string | null }, now = Date.now()): Promise<boolean> {
    return this.serialized(() => this.revertNow(executionId, seen, now));
  }

  private async revertNow(executionId: string, seen: { blockNumber: number; blockHash: string | null }, now: number): Promise<boolean> {
    const row = await this.executions.findOneBy({ id: executionId.toLowerCase() });
    if (!row || row.status !== 'confirmed' || row.blockNumber !== seen.blockNumber || row.blockHash !== seen.blockHash) return false;
    const reverted = await this.dataSource.transaction(async (manager) => {
      const { affected } = await manager
        .createQueryBuilder()
        .update(Execution)
        // updated_at restarts the TX_NOT_FOUND clock: the transaction may be back in the pool, waiting for a new block.
        .set({ status: 'submitted', blockNumber: null, blockHash: null, feeUnits: null, latencyMs: null, updatedAt: now })
        .where('id = :id AND status = :from AND block_number = :block', { id: row.id, from: 'confirmed', block: seen.blockNumber })
        .execute();
      if (affected !== 1) return false;
      if (row.token && row.amountUnits !== null && row.feeUnits !== null) {
        await this.repo.moveTokenTotals(manager, row.token, { count: -1, amountUnits: -row.amountUnits, feeUnits: -row.feeUnits });
      }
      return true;
    });
    if (reverted) {
      this.events.emit('execution.reorged', { executionId: row.id, txHash: row.txHash, blockNumber: seen.blockNumber, token: row.token, amountUnits: row.amountUnits, feeUnits: row.feeUnits });
    }
    return reverted;
  }

  /** Chain-side failure (reverted, or never mined): only from `submitted`. Idempotent for the same code. */
  async failFromReceipt(executionId: string, failure: { errorCode: string; errorMessage?: string | null }, now = Date.now()): Promise<ExecutionView> {
    if (!UUID.test(executionId)) throw notFound();
    const row = await this.executions.findOneBy({ id: executionId.toLowerCase() });
    if (!row) throw notFound();
    if (row.status === 'failed' && row.errorCode === failure.errorCode) return toExecutionView(row);
    if (row.status !== 'submitted') throw illegal(row.status, 'failed');
    const updated = await this.markFailed(row, ['submitted'], failure.errorCode, failure.errorMessage?.slice(0, 500) ?? null, now);
    if (!updated) throw illegal((await this.executions.findOneByOrFail({ id: row.id })).status, 'failed');
    this.events.emit('execution.failed', { executionId: row.id, txHash: row.txHash, errorCode: failure.errorCode, latencyMs: updated.latencyMs, source: 'receipt' });
    return toExecutionView(updated);
  }
}
