// Nearest-rank percentiles: always one of the observed values, no interpolation.

/**
 * The p-th percentile (0 < p ≤ 100) of samples sorted ascending: the smallest sample with at least p % of all
 * samples at or below it (rank ⌈p/100 · n⌉). Null for no samples.
 */
export function nearestRank(sorted: ArrayLike<number>, p: number): number | null {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const n = sorted.length;
  if (n === 0) return null;
  const rank = Math.ceil((p / 100) * n);
  return sorted[Math.min(n, Math.max(1, rank)) - 1];
}
