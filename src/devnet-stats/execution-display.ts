// The one rule for showing execution metrics on the dashboard, as a pure function.

export const MIN_CONFIRMED_FOR_DISPLAY = 10;

export interface DisplayInput {
  showExecutionMetrics: boolean;
  confirmedCount: number;
  /** Confirmed volume per token, in base units. */
  volumes: bigint[];
}

export function executionDisplay({ showExecutionMetrics, confirmedCount, volumes }: DisplayInput): { executionMetricsVisible: boolean; reason: string } {
  if (!showExecutionMetrics) return { executionMetricsVisible: false, reason: 'SHOW_EXECUTION_METRICS is off' };
  if (confirmedCount < MIN_CONFIRMED_FOR_DISPLAY) {
    return { executionMetricsVisible: false, reason: `${confirmedCount} confirmed executions, fewer than ${MIN_CONFIRMED_FOR_DISPLAY}` };
  }
  if (!volumes.some((v) => v > 0n)) return { executionMetricsVisible: false, reason: 'no confirmed volume yet' };
  return { executionMetricsVisible: true, reason: `SHOW_EXECUTION_METRICS is on, ${confirmedCount} confirmed executions, volume > 0` };
}
