// Latency summaries for the report and the tools, on the product's one percentile definition (nearest rank).
import { nearestRank } from '../traffic/percentiles';

export interface LatencySummary {
  count: number;
  avg: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export const EMPTY_SUMMARY: LatencySummary = Object.freeze({ count: 0, avg: 0, p50: 0, p95: 0, p99: 0, max: 0 });

/** Nearest-rank percentile of ascending-sorted values; 0 when there are none (a table cell, not a missing value). */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  return nearestRank(sorted, p) ?? 0;
}

/** Summary of unsorted samples (sorted on a copy, so the caller's array is untouched). */
export function summarize(values: ArrayLike<number>): LatencySummary {
  const n = values.length;
  if (n === 0) return { ...EMPTY_SUMMARY };
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  return {
    count: n,
    avg: sum / n,
    p50: percentileOfSorted(sorted, 50),
    p95: percentileOfSorted(sorted, 95),
    p99: percentileOfSorted(sorted, 99),
    max: sorted[n - 1],
  };
}

/** Rounds to 2 decimals for display and JSON. */
export function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
