/** One request as the logger records it; the writer turns a batch of these into multi-row INSERTs. */
export interface RequestLogRow {
  ts: number;
  method: string;
  route: string;
  status: number;
  durationMs: number;
  userHash: string | null;
  runId: string | null;
  correlationId: string | null;
  errorCode: string | null;
}

/** Column order of the INSERT; `toParams` must follow it. */
export const REQUEST_LOG_COLUMNS = [
  'ts', 'method', 'route', 'status', 'duration_ms', 'user_hash', 'run_id', 'correlation_id', 'error_code',
] as const;

export function pushParams(params: unknown[], row: RequestLogRow): void {
  params.push(row.ts, row.method, row.route, row.status, row.durationMs, row.userHash, row.runId, row.correlationId, row.errorCode);
}
