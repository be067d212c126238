import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EpochMsColumn, Float64Column } from '../database/columns';

export const TRAFFIC_RUN_KINDS = ['load-test', 'devnet-load', 'exec-batch'] as const;
export type TrafficRunKind = (typeof TRAFFIC_RUN_KINDS)[number];

/**
 * A load-test / devnet-load / exec-batch run. Opened by the tool before its first request (the key's hash is kept, the
 * key never), finished after its last with what the tool measured. Open while ended_at is null; the measured figures
 * are null until then.
 */
@Entity('traffic_runs')
export class TrafficRun {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('UQ_traffic_runs_run_id', { unique: true })
  @Column({ name: 'run_id', type: 'varchar', length: 64 })
  runId: string;

  /** SHA-256 of the run's secret key (x-run-key); null for runs recorded before runs had keys. */
  @Index('UQ_traffic_runs_key_hash', { unique: true })
  @Column({ name: 'key_hash', type: 'varchar', length: 64, nullable: true })
  keyHash: string | null;

  @Column({ type: 'varchar', length: 32 })
  kind: TrafficRunKind;

  @Column({ type: 'simple-json' })
  params: Record<string, unknown>;

  @Index('IDX_traffic_runs_started_at')
  @EpochMsColumn('started_at')
  startedAt: number;

  @EpochMsColumn('ended_at', { nullable: true })
  endedAt: number | null;

  @Column({ type: 'integer', nullable: true })
  requests: number | null;

  @Float64Column('ok_pct', { nullable: true })
  okPct: number | null;

  @Float64Column('p50_ms', { nullable: true })
  p50Ms: number | null;

  @Float64Column('p95_ms', { nullable: true })
  p95Ms: number | null;

  @Float64Column('p99_ms', { nullable: true })
  p99Ms: number | null;

  @Column({ name: 'http_5xx', type: 'integer', nullable: true })
  http5xx: number | null;

  @Column({ name: 'top_error', type: 'varchar', length: 64, nullable: true })
  topError: string | null;

  /** The tool's full summary (per-endpoint table, errors), kept for the report after raw rows are pruned. */
  @Column({ type: 'simple-json', nullable: true })
  summary: Record<string, unknown> | null;
}
