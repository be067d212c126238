// Nearest-rank percentiles: always one of the observed values, no interpolation.

/**
 * The p-th percentile (0 < p ≤ 100) of samples sorted ascending: the smallest sample with at least p % of all
 * samples at or below it (rank ⌈p/100 · n⌉). Null for no samples.
 */
export function nearestRank(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  return sorted[percentileRank(n, p) - 1];
}

/**
 * The 1-based rank ⌈p/100 · n⌉ of the p-th percentile among n ≥ 1 sorted samples. For integer p this equals the
 * integer expression `(n * p + 99) / 100` that the rollup's SQL uses, so both pick the same sample.
 */
export function percentileRank(n: number, p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  return Math.min(n, Math.max(1, Math.ceil((p * n) / 100)));
}
