import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EpochMsColumn, Float64Column } from '../database/columns';

/** One served HTTP request. Never the query string, body or headers. */
@Entity('request_log')
@Index('IDX_request_log_ts', ['ts'])
@Index('IDX_request_log_run_id_ts', ['runId', 'ts'])
export class RequestLog {
  @PrimaryGeneratedColumn()
  id: number;

  @EpochMsColumn('ts')
  ts: number;

  @Column({ type: 'varchar', length: 8 })
  method: string;

  /** The matched route pattern (e.g. `/api/execute/:id/submit`); unmatched paths share one value. */
  @Column({ type: 'varchar', length: 128 })
  route: string;

  @Column({ type: 'integer' })
  status: number;

  @Float64Column('duration_ms')
  durationMs: number;

  @Column({ name: 'user_hash', type: 'varchar', length: 64, nullable: true })
  userHash: string | null;

  @Column({ name: 'run_id', type: 'varchar', length: 64, nullable: true })
  runId: string | null;

  @Column({ name: 'correlation_id', type: 'varchar', length: 64, nullable: true })
  correlationId: string | null;

  @Column({ name: 'error_code', type: 'varchar', length: 64, nullable: true })
  errorCode: string | null;
}
