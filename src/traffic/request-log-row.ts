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
  /** Given to a row once it may be written twice (at shutdown, then from the spill file); unset on ordinary rows. */
  spillId?: string | null;
}

/** Column order of the INSERT and of each row's array in `rowsAsJson`, with each column's SQL type on PostgreSQL. */
export const REQUEST_LOG_COLUMNS = [
  ['ts', 'bigint'],
  ['method', 'text'],
  ['route', 'text'],
  ['status', 'integer'],
  ['duration_ms', 'double precision'],
  ['user_hash', 'text'],
  ['run_id', 'text'],
  ['correlation_id', 'text'],
  ['error_code', 'text'],
  ['spill_id', 'text'],
] as const;

/** The rows as one JSON array of arrays in column order: the single parameter of the INSERT. */
export function rowsAsJson(rows: readonly RequestLogRow[]): string {
  return JSON.stringify(rows.map((r) => [r.ts, r.method, r.route, r.status, r.durationMs, r.userHash, r.runId, r.correlationId, r.errorCode, r.spillId ?? null]));
}
