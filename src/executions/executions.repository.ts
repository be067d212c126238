// Hand-written queries on executions and token_totals: one query a method, named for what it answers.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Dialect, dialectOf, toBigInt, toNumber } from '../database/dialect';
import { EXECUTION_STATUSES, ExecutionStatus } from './execution.entity';

export interface TokenTotalRow {
  token: string;
  confirmedCount: number;
  amountUnits: bigint;
  feeUnits: bigint;
}

@Injectable()
export class ExecutionsRepository {
  private readonly dialect: Dialect;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.dialect = dialectOf(dataSource);
  }

  private all(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
    return this.dataSource.query(sql, params) as Promise<Record<string, unknown>[]>;
  }

  /** How many executions are in each status (every status present, 0 when none). */
  async countByStatus(): Promise<Record<ExecutionStatus, number>> {
    const rows = await this.all(`SELECT "status", COUNT(*) AS "n" FROM "executions" GROUP BY "status"`);
    const counts = Object.fromEntries(EXECUTION_STATUSES.map((s) => [s, 0])) as Record<ExecutionStatus, number>;
    for (const r of rows) if (String(r.status) in counts) counts[r.status as ExecutionStatus] = toNumber(r.n);
    return counts;
  }

  async countCreatedSince(since: number): Promise<number> {
    const [row] = await this.all(`SELECT COUNT(*) AS "n" FROM "executions" WHERE "created_at" >= ${this.dialect.param(1)}`, [since]);
    return toNumber(row?.n);
  }

  /** Fees of executions confirmed since `since` per token, added as bigint (IDX_executions_status_updated_at). */
  async feesConfirmedSince(since: number): Promise<Map<string, bigint>> {
    const rows = await this.all(
      `SELECT "token", "fee_units" FROM "executions" WHERE "status" = 'confirmed' AND "updated_at" >= ${this.dialect.param(1)} AND "token" IS NOT NULL AND "fee_units" IS NOT NULL`,
      [since],
    );
    const fees = new Map<string, bigint>();
    for (const r of rows) fees.set(String(r.token), (fees.get(String(r.token)) ?? 0n) + toBigInt(r.fee_units));
    return fees;
  }

  /** The running totals of confirmed executions per token. */
  async tokenTotals(): Promise<TokenTotalRow[]> {
    const rows = await this.all(`SELECT "token", "confirmed_count", "amount_units", "fee_units" FROM "token_totals" ORDER BY "token"`);
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
}
