// The public devnet statistics : exactly these keys. Unit amounts are exact decimal strings.
import { TrafficRunView } from '../traffic/traffic-runs.service';

export interface DevnetStats {
  traffic: {
    requestsAllTime: number;
    requestsLast24h: number;
    /** ok (status < 500) / requests over the last 24 h; null when there were no requests. */
    successRate24h: number | null;
    http5xx24h: number;
    visitorsAllTime: number;
    visitorsLast24h: number;
    recentRuns: TrafficRunView[];
  };
  users: { allTime: number; last24h: number };
  transactions: { allTime: number; last24h: number; successCount: number; failCount: number; pendingCount: number };
  amountExecuted: { byToken: { token: string; decimals: number | null; totalUnits: string }[]; unpricedCount: number };
  feesCollected: {
    byToken: { token: string; decimals: number | null; totalFeeUnits: string; last24hFeeUnits: string }[];
    feeBps: number;
    unpricedCount: number;
  };
  display: { executionMetricsVisible: boolean; reason: string };
  generatedAt: string;
}
