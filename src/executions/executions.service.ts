// The execution ledger: prepare → submit → confirmed | failed, with every transition a conditional UPDATE.
import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Brackets, DataSource, EntityManager, Repository } from 'typeorm';
import { apiError, ErrorCode } from '../common/error-codes';
import { dialectOf } from '../database/dialect';
import { AppConfig, appConfig } from '../config/app.config';
import { FeesService } from '../fees/fees.service';
import { computeFeeUnits } from '../fees/fee';
import { TelemetryEventsService } from '../telemetry-events/telemetry-events.service';
import { User } from '../users/user.entity';
import { Session } from '../sessions/session.entity';
import { PrepareExecutionDto } from './dto/prepare-execution.dto';
import { Execution, ExecutionStatus } from './execution.entity';
import { TokenTotal } from './token-total.entity';
import { ExecutionsRepository, TokenTotalRow } from './executions.repository';
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

const notFound = () => new NotFoundException(apiError(ErrorCode.EXECUTION_NOT_FOUND, 'No such execution'));
const illegal = (from: ExecutionStatus, to: ExecutionStatus) =>
  new ConflictException(apiError(ErrorCode.INVALID_TRANSITION, `An execution cannot go from ${from} to ${to}`));

@Injectable()
export class ExecutionsService {
  /**
   * TypeORM's SQLite driver runs every query on one connection, so two open transactions would nest; confirmations
   * are serialized in-process (PostgreSQL additionally locks the token_totals row, see addToTokenTotals).
   */
  private confirmQueue: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    @InjectRepository(Execution) private readonly executions: Repository<Execution>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly fees: FeesService,
    private readonly events: TelemetryEventsService,
    private readonly repo: ExecutionsRepository,
  ) {}

  countByStatus(): Promise<Record<ExecutionStatus, number>> {
    return this.repo.countByStatus();
  }

  countCreatedSince(since: number): Promise<number> {
    return this.repo.countCreatedSince(since);
  }

  feesConfirmedSince(since: number): Promise<Map<string, bigint>> {
    return this.repo.feesConfirmedSince(since);
  }

  tokenTotals(): Promise<TokenTotalRow[]> {
    return this.repo.tokenTotals();
  }

  countByUser(userIds: readonly number[]): Promise<Map<number, number>> {
    return this.repo.countByUser(userIds);
  }

  page(limit: number, offset: number, status?: ExecutionStatus): Promise<{ rows: Record<string, unknown>[]; total: number }> {
    return this.repo.page(limit, offset, status);
  }

  /** Submitted executions in (updated_at, id) order after the keyset position `after` (from the oldest without one). */
  submittedAfter(after: { updatedAt: number; id: string } | undefined, limit: number): Promise<Execution[]> {
    const query = this.executions
      .createQueryBuilder('e')
      .where('e.status = :status', { status: 'submitted' })
      .orderBy('e.updated_at', 'ASC')
      .addOrderBy('e.id', 'ASC')
      .limit(limit);
    if (after) {
      query.andWhere(
        new Brackets((q) =>
          q
            .where('e.updated_at > :u', { u: after.updatedAt })
            .orWhere(new Brackets((q2) => q2.where('e.updated_at = :u', { u: after.updatedAt }).andWhere('e.id > :id', { id: after.id }))),
        ),
      );
    }
    return query.getMany();
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
      throw new BadRequestException(apiError(ErrorCode.UNKNOWN_ACTION, 'action is not an allowed adapter (see preflight)'));
    }
    const token = dto.token === undefined ? null : findToken(dto.token);
    if (token === undefined) throw new BadRequestException(apiError(ErrorCode.UNKNOWN_TOKEN, 'token is not in the token list (see preflight)'));
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
    const holder = await this.executions.findOneBy({ txHash: hash });
    if (holder && holder.id !== row.id) throw new ConflictException(apiError(ErrorCode.TX_HASH_IN_USE, 'This transaction hash belongs to another execution'));
    let affected: number | undefined;
    try {
      ({ affected } = await this.executions
        .createQueryBuilder()
        .update(Execution)
        .set({ status: 'submitted', txHash: hash, updatedAt: now })
        .where('id = :id AND user_id = :userId AND status = :from', { id: row.id, userId: user.id, from: 'prepared' })
        .execute());
    } catch (e) {
      // A concurrent submit of the same hash for another execution won the unique index.
      if (dialectOf(this.dataSource).isUniqueViolation(e)) throw new ConflictException(apiError(ErrorCode.TX_HASH_IN_USE, 'This transaction hash belongs to another execution'));
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

  /**
   * The only door to `confirmed` (the receipt watcher and tests call it): from `submitted` with the same tx hash,
   * setting the fee at the execution's own bps and adding to token_totals in one transaction. Idempotent for a
   * receipt already applied.
   */
  async confirmFromReceipt(executionId: string, receipt: { txHash: string; blockNumber: number }, now = Date.now()): Promise<ExecutionView> {
    const run = this.confirmQueue.then(() => this.confirmNow(executionId, receipt, now));
    this.confirmQueue = run.catch(() => undefined);
    return run;
  }

  private async confirmNow(executionId: string, receipt: { txHash: string; blockNumber: number }, now: number): Promise<ExecutionView> {
    if (!UUID.test(executionId)) throw notFound();
    const hash = receipt.txHash.toLowerCase();
    const row = await this.executions.findOneBy({ id: executionId.toLowerCase() });
    if (!row) throw notFound();
    if (row.status === 'confirmed' && row.txHash === hash) return toExecutionView(row);
    if (row.status !== 'submitted') throw illegal(row.status, 'confirmed');
    if (row.txHash !== hash) throw new ConflictException(apiError(ErrorCode.TX_HASH_MISMATCH, 'The receipt is for another transaction than the one submitted'));

    const feeUnits = row.token && row.amountUnits !== null ? computeFeeUnits(row.amountUnits, row.feeBps) : null;
    const latencyMs = Math.max(0, now - row.createdAt);
    // Commit even when the conditional UPDATE loses a race: it wrote nothing, and on SQLite a rollback could undo
    // other requests' statements that share the connection.
    const applied = await this.dataSource.transaction(async (manager) => {
      const { affected } = await manager
        .createQueryBuilder()
        .update(Execution)
        .set({ status: 'confirmed', blockNumber: receipt.blockNumber, feeUnits, latencyMs, updatedAt: now })
        .where('id = :id AND status = :from AND tx_hash = :hash', { id: row.id, from: 'submitted', hash })
        .execute();
      if (affected !== 1) return false;
      if (row.token && row.amountUnits !== null && feeUnits !== null) await this.addToTokenTotals(manager, row.token, row.amountUnits, feeUnits);
      return true;
    });
    if (!applied) throw illegal((await this.executions.findOneByOrFail({ id: row.id })).status, 'confirmed');
    const confirmed: Execution = { ...row, status: 'confirmed', blockNumber: receipt.blockNumber, feeUnits, latencyMs, updatedAt: now };
    this.events.emit('execution.confirmed', { executionId: row.id, txHash: hash, blockNumber: receipt.blockNumber, token: row.token, amountUnits: row.amountUnits, feeUnits, latencyMs });
    return toExecutionView(confirmed);
  }

  /**
   * Read-modify-write in bigint (SQL cannot add decimal strings exactly on every driver). Touching the row first
   * takes its write lock on PostgreSQL, so the following read sees every committed confirmation.
   */
  private async addToTokenTotals(manager: EntityManager, token: string, amount: bigint, fee: bigint): Promise<void> {
    await manager.createQueryBuilder().insert().into(TokenTotal).values({ token, confirmedCount: 0, amountUnits: 0n, feeUnits: 0n }).orIgnore().execute();
    await manager
      .createQueryBuilder()
      .update(TokenTotal)
      .set({ confirmedCount: () => 'confirmed_count + 1' })
      .where('token = :token', { token })
      .execute();
    const total = await manager.findOneByOrFail(TokenTotal, { token });
    await manager.update(TokenTotal, { token }, { amountUnits: total.amountUnits + amount, feeUnits: total.feeUnits + fee });
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
