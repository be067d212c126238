// Admin views: the service at a glance (summary), users and executions lists. Reads only; one query per list.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { dialectOf, toNumber, toNullableNumber } from '../database/dialect';
import { EXECUTION_STATUSES, ExecutionStatus } from '../executions/execution.entity';
import { ALL_ROUTES } from '../metrics/metrics-rollup.entity';
import { HOUR_MS, hourStart } from '../metrics/rollup-math';
import { TrafficService } from '../metrics/traffic.service';
import { RequestLogBuffer } from '../request-log/request-log.buffer';

const DAY_MS = 24 * HOUR_MS;
const TOP_ERRORS = 10;

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

const iso = (ms: unknown): string | null => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());

/** The last 24 h as rollups see them: the current hour and the 23 complete hours before it. */
export function last24hStart(now: number): number {
  return hourStart(now) - 23 * HOUR_MS;
}

@Injectable()
export class TelemetryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly traffic: TrafficService,
    private readonly buffer: RequestLogBuffer,
  ) {}

  async summary(now = Date.now()) {
    const q = dialectOf(this.dataSource);
    const since24h = last24hStart(now);
    const rolledUntil = await this.traffic.rolledUntil();
    const [users, sessions, executions, allTime, last24h, lastHour, topErrors] = await Promise.all([
      this.dataSource.query(`SELECT COUNT(*) AS "n", SUM(CASE WHEN "last_seen_at" >= ${q.param(1)} THEN 1 ELSE 0 END) AS "active24h" FROM "users"`, [now - DAY_MS]),
      this.dataSource.query(
        `SELECT CASE WHEN "status" = 'revoked' THEN 'revoked' WHEN "expires_at" <= ${q.param(1)} THEN 'expired' ELSE 'active' END AS "status", COUNT(*) AS "n" FROM "sessions" GROUP BY 1`,
        [now],
      ),
      this.dataSource.query(`SELECT "status", COUNT(*) AS "n" FROM "executions" GROUP BY "status"`),
      this.traffic.totals(0, rolledUntil),
      this.traffic.totals(since24h, rolledUntil),
      this.dataSource.query(
        `SELECT "hour_start", "requests", "p95_ms" FROM "metrics_rollup" WHERE "route" = ${q.param(1)} AND "method" = ${q.param(2)} ORDER BY "hour_start" DESC LIMIT 1`,
        [ALL_ROUTES, ALL_ROUTES],
      ),
      // Admin-only and bounded to 24 h of raw rows (the ts index): error codes are not part of the rollups.
      this.dataSource.query(
        `SELECT "error_code" AS "code", COUNT(*) AS "n" FROM "request_log" WHERE "ts" >= ${q.param(1)} AND "error_code" IS NOT NULL GROUP BY "error_code" ORDER BY 2 DESC, 1 LIMIT ${TOP_ERRORS}`,
        [now - DAY_MS],
      ),
    ]);
    const byStatus = Object.fromEntries(EXECUTION_STATUSES.map((s) => [s, 0])) as Record<ExecutionStatus, number>;
    for (const r of executions) if (r.status in byStatus) byStatus[r.status as ExecutionStatus] = toNumber(r.n);
    const finalized = byStatus.confirmed + byStatus.failed;
    const sessionsByStatus = { active: 0, expired: 0, revoked: 0 } as Record<string, number>;
    for (const r of sessions) sessionsByStatus[r.status] = toNumber(r.n);
    const latest = lastHour[0];
    return {
      users: { total: toNumber(users[0]?.n), activeLast24h: toNumber(users[0]?.active24h) },
      sessions: sessionsByStatus,
      executions: {
        byStatus,
        total: Object.values(byStatus).reduce((a, b) => a + b, 0),
        // Success = confirmed, over the executions that reached a final state; null before any did.
        successRate: finalized === 0 ? null : byStatus.confirmed / finalized,
      },
      requests: {
        allTime: allTime.requests,
        last24h: last24h.requests,
        // Error = status ≥ 500 (everything below is ok, the one definition of success).
        errorRate24h: last24h.requests === 0 ? null : last24h.serverErrors / last24h.requests,
        http4xx24h: last24h.clientErrors,
        http5xx24h: last24h.serverErrors,
        rateLimited24h: last24h.rateLimited,
        lastRolledHour: latest ? { hourStart: iso(latest.hour_start), requests: toNumber(latest.requests), p95Ms: toNullableNumber(latest.p95_ms) } : null,
        rolledUntil: rolledUntil === 0 ? null : iso(rolledUntil),
      },
      topErrorCodes24h: topErrors.map((r: { code: string; n: unknown }) => ({ code: r.code, count: toNumber(r.n) })),
      requestLog: this.buffer.stats(),
      generatedAt: new Date(now).toISOString(),
    };
  }

  /** One row per user with its latest session's status and its execution count: a single query, no N+1. */
  async users(limit: number, offset: number, now = Date.now()): Promise<Page<Record<string, unknown>>> {
    const q = dialectOf(this.dataSource);
    const [rows, [count]] = await Promise.all([
      this.dataSource.query(
        `SELECT "u"."address_hash" AS "addressHash", "u"."first_seen_at" AS "firstSeenAt", "u"."last_seen_at" AS "lastSeenAt", "u"."source" AS "source", ` +
          `(SELECT CASE WHEN "s"."status" = 'revoked' THEN 'revoked' WHEN "s"."expires_at" <= ${q.param(1)} THEN 'expired' ELSE 'active' END ` +
          `FROM "sessions" "s" WHERE "s"."user_id" = "u"."id" ORDER BY "s"."created_at" DESC, "s"."id" DESC LIMIT 1) AS "sessionStatus", ` +
          `(SELECT COUNT(*) FROM "executions" "e" WHERE "e"."user_id" = "u"."id") AS "executionCount" ` +
          `FROM "users" "u" ORDER BY "u"."last_seen_at" DESC, "u"."id" DESC LIMIT ${q.param(2)} OFFSET ${q.param(3)}`,
        [now, limit, offset],
      ),
      this.dataSource.query(`SELECT COUNT(*) AS "n" FROM "users"`),
    ]);
    const items = rows.map((r: Record<string, unknown>) => ({
      addressHash: r.addressHash,
      firstSeenAt: iso(r.firstSeenAt),
      lastSeenAt: iso(r.lastSeenAt),
      source: r.source,
      sessionStatus: r.sessionStatus ?? null,
      executionCount: toNumber(r.executionCount),
    }));
    return { items, total: toNumber(count?.n), limit, offset };
  }

  /** Newest first; amounts as exact decimal strings. */
  async executions(limit: number, offset: number, status?: ExecutionStatus): Promise<Page<Record<string, unknown>>> {
    const q = dialectOf(this.dataSource);
    // Placeholders numbered in the order they appear (SQLite binds `?` positionally).
    const where = status ? `WHERE "e"."status" = ${q.param(1)}` : '';
    const filter: unknown[] = status ? [status] : [];
    const n = filter.length;
    const [rows, [count]] = await Promise.all([
      this.dataSource.query(
        `SELECT "e".*, "u"."address_hash" AS "user_hash" FROM "executions" "e" JOIN "users" "u" ON "u"."id" = "e"."user_id" ${where} ` +
          `ORDER BY "e"."created_at" DESC, "e"."id" DESC LIMIT ${q.param(n + 1)} OFFSET ${q.param(n + 2)}`,
        [...filter, limit, offset],
      ),
      this.dataSource.query(`SELECT COUNT(*) AS "n" FROM "executions" "e" ${where}`, filter),
    ]);
    const items = rows.map((r: Record<string, unknown>) => ({
      id: r.id,
      userHash: r.user_hash,
      correlationId: r.correlation_id,
      action: r.action,
      token: r.token,
      amountUnits: r.amount_units === null ? null : String(r.amount_units),
      feeBps: toNumber(r.fee_bps),
      feeUnits: r.fee_units === null ? null : String(r.fee_units),
      status: r.status,
      txHash: r.tx_hash,
      blockNumber: toNullableNumber(r.block_number),
      errorCode: r.error_code,
      errorMessage: r.error_message,
      latencyMs: toNullableNumber(r.latency_ms),
      createdAt: iso(r.created_at),
      updatedAt: iso(r.updated_at),
    }));
    return { items, total: toNumber(count?.n), limit, offset };
  }
}
