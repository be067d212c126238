// Public devnet statistics: rollups + unrolled raw rows for traffic, users/executions/token_totals for the rest.
// Every figure is an indexed count or a read of a running total; nothing sums or distinct-counts raw history.
import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { apiError, ErrorCode } from '../common/error-codes';
import { AppConfig, appConfig } from '../config/app.config';
import { dialectOf, toBigInt, toNumber } from '../database/dialect';
import { findToken, TOKENS } from '../executions/tokens';
import { HOUR_MS } from '../metrics/rollup-math';
import { TrafficService } from '../metrics/traffic.service';
import { CoalescingCache } from '../telemetry/coalescing-cache';
import { last24hStart } from '../telemetry/telemetry.service';
import { TrafficRunsService } from '../telemetry/traffic-runs.service';
import { executionDisplay } from './execution-display';
import { DevnetStats } from './devnet-stats.types';

export const DEVNET_STATS_CACHE_MS = 2_000;
export const RECENT_RUNS = 5;
const DAY_MS = 24 * HOUR_MS;

@Injectable()
export class DevnetStatsService {
  private readonly cache = new CoalescingCache<DevnetStats>(DEVNET_STATS_CACHE_MS);

  constructor(
    private readonly dataSource: DataSource,
    private readonly traffic: TrafficService,
    private readonly runs: TrafficRunsService,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  /** Cached ≤ 2 s, concurrent callers share one computation; a closed database is a 503, even with a warm cache. */
  get(): Promise<DevnetStats> {
    if (!this.dataSource.isInitialized) {
      return Promise.reject(new ServiceUnavailableException(apiError(ErrorCode.DATABASE_UNAVAILABLE, 'The database did not answer')));
    }
    return this.cache.get(() => this.compute(Date.now()));
  }

  async compute(now: number): Promise<DevnetStats> {
    const q = dialectOf(this.dataSource);
    const dayAgo = now - DAY_MS;
    const rolledUntil = await this.traffic.rolledUntil();
    const [allTime, last24h, users, byStatus, created24h, totals, confirmed24h, recentRuns] = await Promise.all([
      this.traffic.totals(0, rolledUntil),
      this.traffic.totals(last24hStart(now), rolledUntil),
      this.dataSource.query(
        `SELECT COUNT(*) AS "n", ` +
          `(SELECT COUNT(*) FROM "users" WHERE "last_seen_at" >= ${q.param(1)}) AS "seen24h", ` +
          `(SELECT COUNT(*) FROM "users" WHERE "first_seen_at" >= ${q.param(2)}) AS "new24h" FROM "users"`,
        [dayAgo, dayAgo],
      ),
      this.dataSource.query(`SELECT "status", COUNT(*) AS "n" FROM "executions" GROUP BY "status"`),
      this.dataSource.query(`SELECT COUNT(*) AS "n" FROM "executions" WHERE "created_at" >= ${q.param(1)}`, [dayAgo]),
      this.dataSource.query(`SELECT "token", "confirmed_count", "amount_units", "fee_units" FROM "token_totals"`),
      // Fees of the last 24 h: confirmed executions updated since (IDX_executions_status_updated_at), added as bigint.
      this.dataSource.query(
        `SELECT "token", "fee_units" FROM "executions" WHERE "status" = 'confirmed' AND "updated_at" >= ${q.param(1)} AND "token" IS NOT NULL AND "fee_units" IS NOT NULL`,
        [dayAgo],
      ),
      this.runs.recent(RECENT_RUNS),
    ]);

    const count = (status: string) => toNumber(byStatus.find((r: { status: string }) => r.status === status)?.n);
    const allExecutions = byStatus.reduce((sum: number, r: { n: unknown }) => sum + toNumber(r.n), 0);
    const fees24h = new Map<string, bigint>();
    for (const r of confirmed24h) fees24h.set(r.token, (fees24h.get(r.token) ?? 0n) + toBigInt(r.fee_units));
    const tokens = orderByTokenList(
      (totals as { token: string; amount_units: unknown; fee_units: unknown }[]).map((r) => ({
        token: r.token,
        decimals: findToken(r.token)?.decimals ?? null,
        amount: toBigInt(r.amount_units),
        fee: toBigInt(r.fee_units),
      })),
    );
    const confirmed = count('confirmed');
    // token_totals counts exactly the confirmed executions with a token and an amount (their fee is set in the same
    // transaction), so the rest are the unpriced ones: no scan of the executions table at request time.
    const priced = (totals as { confirmed_count: unknown }[]).reduce((sum, r) => sum + toNumber(r.confirmed_count), 0);
    const unpriced = Math.max(0, confirmed - priced);

    return {
      traffic: {
        requestsAllTime: allTime.requests,
        requestsLast24h: last24h.requests,
        successRate24h: last24h.requests === 0 ? null : last24h.ok / last24h.requests,
        http5xx24h: last24h.serverErrors,
        visitorsAllTime: toNumber(users[0]?.n),
        visitorsLast24h: toNumber(users[0]?.seen24h),
        recentRuns,
      },
      users: { allTime: toNumber(users[0]?.n), last24h: toNumber(users[0]?.new24h) },
      transactions: {
        allTime: allExecutions,
        last24h: toNumber(created24h[0]?.n),
        successCount: confirmed,
        failCount: count('failed'),
        pendingCount: count('prepared') + count('submitted'),
      },
      amountExecuted: {
        byToken: tokens.map((t) => ({ token: t.token, decimals: t.decimals, totalUnits: t.amount.toString() })),
        unpricedCount: unpriced,
      },
      feesCollected: {
        byToken: tokens.map((t) => ({
          token: t.token,
          decimals: t.decimals,
          totalFeeUnits: t.fee.toString(),
          last24hFeeUnits: (fees24h.get(t.token) ?? 0n).toString(),
        })),
        feeBps: this.config.feeBps,
        unpricedCount: unpriced,
      },
      display: executionDisplay({ showExecutionMetrics: this.config.showExecutionMetrics, confirmedCount: confirmed, volumes: tokens.map((t) => t.amount) }),
      generatedAt: new Date(now).toISOString(),
    };
  }
}

/** The token list's order (ETH first…), then any other token alphabetically. */
function orderByTokenList<T extends { token: string }>(rows: T[]): T[] {
  const rank = new Map(TOKENS.map((t, i) => [t.symbol, i]));
  return [...rows].sort((a, b) => (rank.get(a.token) ?? TOKENS.length) - (rank.get(b.token) ?? TOKENS.length) || a.token.localeCompare(b.token));
}
