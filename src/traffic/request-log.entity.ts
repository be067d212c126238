// The request_log table. Its TypeORM schema is an EntitySchema rather than decorators because the two drivers need a
// different type for the id: PostgreSQL's SERIAL is a 32-bit integer, which the log (one row per served request)
// would run through in ~25 days at 1,000 requests a second, so there it is a bigint; SQLite's AUTOINCREMENT key must
// be declared INTEGER, which SQLite already stores in 64 bits.
import { EntitySchema } from 'typeorm';
import { bigintAsNumber } from '../database/columns';
import type { DialectKind } from '../database/dialect';

/** One served HTTP request. Never the query string, body or headers. */
export class RequestLog {
  /** Ids stay below 2^53 (~285,000 years at 1,000 requests a second), so a number holds them exactly. */
  id: number;
  ts: number;
  method: string;
  /** The matched route pattern (e.g. `/api/execute/:id/submit`); unmatched paths share one value. */
  route: string;
  status: number;
  durationMs: number;
  userHash: string | null;
  runId: string | null;
  correlationId: string | null;
  errorCode: string | null;
  /** Set on rows written during shutdown or from the spill file: a replay skips the ones already present. */
  spillId?: string | null;
}

export function requestLogSchema(kind: DialectKind): EntitySchema<RequestLog> {
  return new EntitySchema<RequestLog>({
    name: 'RequestLog',
    target: RequestLog,
    tableName: 'request_log',
    columns: {
      id: kind === 'postgres' ? { type: 'bigint', primary: true, generated: 'increment', transformer: bigintAsNumber } : { type: 'integer', primary: true, generated: 'increment' },
      ts: { type: 'bigint', transformer: bigintAsNumber },
      method: { type: 'varchar', length: 8 },
      route: { type: 'varchar', length: 128 },
      status: { type: 'integer' },
      durationMs: { name: 'duration_ms', type: 'double precision' },
      userHash: { name: 'user_hash', type: 'varchar', length: 64, nullable: true },
      runId: { name: 'run_id', type: 'varchar', length: 64, nullable: true },
      correlationId: { name: 'correlation_id', type: 'varchar', length: 64, nullable: true },
      errorCode: { name: 'error_code', type: 'varchar', length: 64, nullable: true },
      spillId: { name: 'spill_id', type: 'varchar', length: 36, nullable: true },
    },
    indices: [
      { name: 'IDX_request_log_ts', columns: ['ts'] },
      { name: 'IDX_request_log_run_id_ts', columns: ['runId', 'ts'] },
      // Partial: only rows that may be written twice (at shutdown, then by the spill replay) carry a key, so ordinary
      // inserts pay nothing.
      { name: 'UQ_request_log_spill_id', columns: ['spillId'], unique: true, where: '"spill_id" IS NOT NULL' },
    ],
  });
}
