// Public devnet statistics, a view over the owners' methods: traffic totals, user counts, execution counts and token totals.
// Every figure is an indexed count or a read of a running total; nothing sums or distinct-counts raw history.
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CoalescingCache } from '../common/coalescing-cache';
import { apiException, ErrorCode } from '../common/error-codes';
import { AppConfig, appConfig } from '../config/app.config';
import { ExecutionsService } from '../executions/executions.service';
import { findToken, TOKENS } from '../executions/tokens';
import { DAY_MS, last24hStart } from '../traffic/time';
import { TrafficRunsService } from '../traffic/traffic-runs.service';
import { TrafficService } from '../traffic/traffic.service';
import { UsersService } from '../users/users.service';
import { executionDisplay } from './execution-display';
import { DevnetStats } from './devnet-stats.types';

export const DEVNET_STATS_CACHE_MS = 2_000;
export const RECENT_RUNS = 5;

@Injectable()
export class DevnetStatsService {
  private readonly cache = new CoalescingCache<DevnetStats>(DEVNET_STATS_CACHE_MS);

  constructor(
    private readonly dataSource: DataSource,
    private readonly traffic: TrafficService,
    private readonly runs: TrafficRunsService,
    private readonly users: UsersService,
    private readonly executions: ExecutionsService,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  /** Cached ≤ 2 s, concurrent callers share one computation; a closed database is a 503, even with a warm cache. */
  get(): Promise<DevnetStats> {
    if (!this.dataSource.isInitialized) {
      return Promise.reject(apiException(HttpStatus.SERVICE_UNAVAILABLE, ErrorCode.DATABASE_UNAVAILABLE, 'The database did not answer'));
    }
    return this.cache.get(() => this.compute(Date.now()));
  }

  async compute(now: number): Promise<DevnetStats> {
    const dayAgo = now - DAY_MS;
    const rolledUntil = await this.traffic.rolledUntil();
    const [allTime, last24h, users, ledger, recentRuns] = await Promise.all([
      this.traffic.totals(0, rolledUntil),
      this.traffic.totals(last24hStart(now), rolledUntil),
      this.users.counts(dayAgo),
      this.executions.ledgerFigures(dayAgo),
      this.runs.recent(RECENT_RUNS),
    ]);
    const { byStatus, createdSince: created24h, tokenTotals: totals, feesConfirmedSince: fees24h } = ledger;

    const allExecutions = Object.values(byStatus).reduce((sum, n) => sum + n, 0);
    const tokens = orderByTokenList(
      totals.map((r) => ({ token: r.token, decimals: findToken(r.token)?.decimals ?? null, amount: r.amountUnits, fee: r.feeUnits })),
    );
    const confirmed = byStatus.confirmed;
    // token_totals counts exactly the confirmed executions with a token and an amount (their fee is set in the same
    // transaction), so the rest are the unpriced ones: no scan of the executions table at request time.
    const priced = totals.reduce((sum, r) => sum + r.confirmedCount, 0);
    const unpriced = Math.max(0, confirmed - priced);

    return {
      traffic: {
        requestsAllTime: allTime.requests,
        requestsLast24h: last24h.requests,
        requestsFromLoadRunsAllTime: allTime.runRequests,
        requestsFromLoadRuns24h: last24h.runRequests,
        successRate24h: last24h.requests === 0 ? null : last24h.ok / last24h.requests,
        http5xx24h: last24h.serverErrors,
        visitorsAllTime: users.total,
        visitorsLast24h: users.seenSince,
        recentRuns,
      },
      users: { allTime: users.total, last24h: users.newSince, fromLoadRuns: { allTime: users.loadRunTotal, last24h: users.loadRunNewSince } },
      transactions: {
        allTime: allExecutions,
        last24h: created24h,
        successCount: confirmed,
        failCount: byStatus.failed,
        pendingCount: byStatus.prepared + byStatus.submitted,
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
