// The one rule for showing execution metrics on the dashboard, as a pure function. Its reason is shown on public
// pages, so it speaks of the decision, never of configuration variable names.

export const MIN_CONFIRMED_FOR_DISPLAY = 10;

export interface DisplayInput {
  showExecutionMetrics: boolean;
  confirmedCount: number;
  /** Confirmed volume per token, in base units. */
  volumes: bigint[];
}

export function executionDisplay({ showExecutionMetrics, confirmedCount, volumes }: DisplayInput): { executionMetricsVisible: boolean; reason: string } {
  if (!showExecutionMetrics) return { executionMetricsVisible: false, reason: 'not published on this devnet yet' };
  if (confirmedCount < MIN_CONFIRMED_FOR_DISPLAY) {
    return { executionMetricsVisible: false, reason: `${confirmedCount} confirmed executions, fewer than ${MIN_CONFIRMED_FOR_DISPLAY}` };
  }
  if (!volumes.some((v) => v > 0n)) return { executionMetricsVisible: false, reason: 'no confirmed volume yet' };
  return { executionMetricsVisible: true, reason: `published: ${confirmedCount} confirmed executions, volume > 0` };
}
