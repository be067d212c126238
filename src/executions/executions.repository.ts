// Hand-written queries on executions and token_totals: one query a method, named for what it answers.
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Dialect, dialectOf, toBigInt, toNumber } from '../database/dialect';
import { EXECUTION_STATUSES, ExecutionStatus } from './execution.entity';
import { TokenTotal } from './token-total.entity';

/** A confirmation (+1 and its amounts) or its reversal after a reorg (−1 and the negated amounts). */
export interface TokenTotalDelta {
  count: 1 | -1;
  amountUnits: bigint;
  feeUnits: bigint;
}

export interface TokenTotalRow {
  token: string;
  confirmedCount: number;
  amountUnits: bigint;
  feeUnits: bigint;
}

/** The ledger's figures read together, so that they agree with each other (see ExecutionsService.ledgerFigures). */
export interface LedgerFigures {
  byStatus: Record<ExecutionStatus, number>;
  createdSince: number;
  tokenTotals: TokenTotalRow[];
  feesConfirmedSince: Map<string, bigint>;
}

@Injectable()
export class ExecutionsRepository {
  private readonly logger = new Logger(ExecutionsRepository.name);
  private readonly dialect: Dialect;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.dialect = dialectOf(dataSource);
  }

  /** Runs a read on `manager` (a caller's transaction) or, without one, on the pool. */
  private all(sql: string, params: unknown[] = [], manager?: EntityManager): Promise<Record<string, unknown>[]> {
    return (manager ?? this.dataSource).query(sql, params) as Promise<Record<string, unknown>[]>;
  }

  /** How many executions are in each status (every status present, 0 when none). */
  async countByStatus(manager?: EntityManager): Promise<Record<ExecutionStatus, number>> {
    const rows = await this.all(`SELECT "status", COUNT(*) AS "n" FROM "executions" GROUP BY "status"`, [], manager);
    const counts = Object.fromEntries(EXECUTION_STATUSES.map((s) => [s, 0])) as Record<ExecutionStatus, number>;
    for (const r of rows) if (String(r.status) in counts) counts[r.status as ExecutionStatus] = toNumber(r.n);
    return counts;
  }

  async countCreatedSince(since: number, manager?: EntityManager): Promise<number> {
    const [row] = await this.all(`SELECT COUNT(*) AS "n" FROM "executions" WHERE "created_at" >= ${this.dialect.param(1)}`, [since], manager);
    return toNumber(row?.n);
  }

  /** Fees of executions confirmed since `since` per token, added as bigint (IDX_executions_status_updated_at). */
  async feesConfirmedSince(since: number, manager?: EntityManager): Promise<Map<string, bigint>> {
    const rows = await this.all(
      `SELECT "token", "fee_units" FROM "executions" WHERE "status" = 'confirmed' AND "updated_at" >= ${this.dialect.param(1)} AND "token" IS NOT NULL AND "fee_units" IS NOT NULL`,
      [since],
      manager,
    );
    const fees = new Map<string, bigint>();
    for (const r of rows) fees.set(String(r.token), (fees.get(String(r.token)) ?? 0n) + toBigInt(r.fee_units));
    return fees;
  }

  /** The running totals of confirmed executions per token. */
  async tokenTotals(manager?: EntityManager): Promise<TokenTotalRow[]> {
    const rows = await this.all(`SELECT "token", "confirmed_count", "amount_units", "fee_units" FROM "token_totals" ORDER BY "token"`, [], manager);
    return rows.map((r) => ({ token: String(r.token), confirmedCount: toNumber(r.confirmed_count), amountUnits: toBigInt(r.amount_units), feeUnits: toBigInt(r.fee_units) }));
  }

  /** How many executions each of these users has. */
  async countByUser(userIds: readonly number[]): Promise<Map<number, number>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.all(
      `SELECT "user_id", COUNT(*) AS "n" FROM "executions" WHERE "user_id" IN (${this.dialect.placeholders(userIds.length)}) GROUP BY "user_id"`,
      [...userIds],
    );
    return new Map(rows.map((r) => [toNumber(r.user_id), toNumber(r.n)]));
  }

  /** A page of executions (raw columns), newest first, optionally of one status; and how many there are in all. */
  async page(limit: number, offset: number, status?: ExecutionStatus): Promise<{ rows: Record<string, unknown>[]; total: number }> {
    const q = this.dialect;
    // Placeholders numbered in the order they appear (SQLite binds `?` positionally).
    const where = status ? `WHERE "status" = ${q.param(1)}` : '';
    const filter: unknown[] = status ? [status] : [];
    const n = filter.length;
    const [rows, [count]] = await Promise.all([
      this.all(`SELECT * FROM "executions" ${where} ORDER BY "created_at" DESC, "id" DESC LIMIT ${q.param(n + 1)} OFFSET ${q.param(n + 2)}`, [...filter, limit, offset]),
      this.all(`SELECT COUNT(*) AS "n" FROM "executions" ${where}`, filter),
    ]);
    return { rows, total: toNumber(count?.n) };
  }

  /**
   * Applies a delta to a token's running totals inside the caller's transaction. Read-modify-write in bigint (SQL
   * cannot add decimal strings exactly on every driver); touching the row first takes its write lock on PostgreSQL,
   * so the following read sees every committed change. Totals never go below zero: a reversal larger than the total
   * would mean the ledger was already wrong, which is logged instead of written.
   */
  async moveTokenTotals(manager: EntityManager, token: string, delta: TokenTotalDelta): Promise<void> {
    await manager.createQueryBuilder().insert().into(TokenTotal).values({ token, confirmedCount: 0, amountUnits: 0n, feeUnits: 0n }).orIgnore().execute();
    await manager
      .createQueryBuilder()
      .update(TokenTotal)
      .set({ confirmedCount: () => `CASE WHEN "confirmed_count" + ${delta.count} < 0 THEN 0 ELSE "confirmed_count" + ${delta.count} END` })
      .where('token = :token', { token })
      .execute();
    const total = await manager.findOneByOrFail(TokenTotal, { token });
    const amountUnits = total.amountUnits + delta.amountUnits;
    const feeUnits = total.feeUnits + delta.feeUnits;
    if (amountUnits < 0n || feeUnits < 0n) {
      this.logger.error(`token_totals of ${token} would go negative (amount ${amountUnits}, fee ${feeUnits}): kept at zero`);
    }
    await manager.update(TokenTotal, { token }, { amountUnits: amountUnits < 0n ? 0n : amountUnits, feeUnits: feeUnits < 0n ? 0n : feeUnits });
  }
}
