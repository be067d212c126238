// Admin views: the service at a glance (summary), users and executions lists. Reads only, through the owners' methods.
import { Injectable } from '@nestjs/common';
import { toNullableNumber, toNumber } from '../database/dialect';
import { ExecutionStatus } from '../executions/execution.entity';
import { ExecutionsService } from '../executions/executions.service';
import { SessionsService } from '../sessions/sessions.service';
import { RequestLogBuffer } from '../traffic/request-log.buffer';
import { DAY_MS, last24hStart } from '../traffic/time';
import { TrafficService } from '../traffic/traffic.service';
import { UsersService } from '../users/users.service';

const TOP_ERRORS = 10;

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

const iso = (ms: unknown): string | null => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());

@Injectable()
export class TelemetryService {
  constructor(
    private readonly traffic: TrafficService,
    private readonly buffer: RequestLogBuffer,
    private readonly usersService: UsersService,
    private readonly sessions: SessionsService,
    private readonly executionsService: ExecutionsService,
  ) {}

  async summary(now = Date.now()) {
    const since24h = last24hStart(now);
    const rolledUntil = await this.traffic.rolledUntil();
    const [users, sessions, byStatus, allTime, last24h, latest, topErrors] = await Promise.all([
      this.usersService.counts(now - DAY_MS),
      this.sessions.countByStatus(now),
      this.executionsService.countByStatus(),
      this.traffic.totals(0, rolledUntil),
      this.traffic.totals(since24h, rolledUntil),
      this.traffic.latestRolledHour(),
      this.traffic.topErrorCodesSince(now - DAY_MS, TOP_ERRORS),
    ]);
    const finalized = byStatus.confirmed + byStatus.failed;
    return {
      users: { total: users.total, activeLast24h: users.seenSince },
      sessions,
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
        lastRolledHour: latest ? { hourStart: iso(latest.hourStart), requests: latest.requests, p95Ms: toNullableNumber(latest.p95Ms) } : null,
        rolledUntil: rolledUntil === 0 ? null : iso(rolledUntil),
      },
      topErrorCodes24h: topErrors,
      requestLog: this.buffer.stats(),
      generatedAt: new Date(now).toISOString(),
    };
  }

  /** One row per user with its latest session's status and its execution count: three queries per page, no N+1. */
  async users(limit: number, offset: number, now = Date.now()): Promise<Page<Record<string, unknown>>> {
    const [rows, total] = await Promise.all([this.usersService.page(limit, offset), this.usersService.count()]);
    const ids = rows.map((u) => u.id);
    const [statuses, counts] = await Promise.all([this.sessions.latestStatusByUser(ids, now), this.executionsService.countByUser(ids)]);
    const items = rows.map((u) => ({
      addressHash: u.addressHash,
      firstSeenAt: iso(u.firstSeenAt),
      lastSeenAt: iso(u.lastSeenAt),
      source: u.source,
      sessionStatus: statuses.get(u.id) ?? null,
      executionCount: counts.get(u.id) ?? 0,
    }));
    return { items, total, limit, offset };
  }

  /** Newest first; amounts as exact decimal strings. */
  async executions(limit: number, offset: number, status?: ExecutionStatus): Promise<Page<Record<string, unknown>>> {
    const { rows, total } = await this.executionsService.page(limit, offset, status);
    const hashes = await this.usersService.hashesByIds([...new Set(rows.map((r) => toNumber(r.user_id)))]);
    const items = rows.map((r) => ({
      id: r.id,
      userHash: hashes.get(toNumber(r.user_id)) ?? null,
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
    return { items, total, limit, offset };
  }
}
