// Epoch-ms time units and the hour buckets the rollups use.

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export function hourStart(ts: number): number {
  return Math.floor(ts / HOUR_MS) * HOUR_MS;
}

/** The last 24 h as rollups see them: the current hour and the 23 complete hours before it. */
export function last24hStart(now: number): number {
  return hourStart(now) - 23 * HOUR_MS;
}
