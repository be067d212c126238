import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EpochMsColumn, Float64Column } from '../database/columns';

export const TRAFFIC_RUN_KINDS = ['load-test', 'devnet-load', 'exec-batch'] as const;
export type TrafficRunKind = (typeof TRAFFIC_RUN_KINDS)[number];

/** A load-test / devnet-load / exec-batch run, with the summary the tool measured on its side. */
@Entity('traffic_runs')
export class TrafficRun {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('UQ_traffic_runs_run_id', { unique: true })
  @Column({ name: 'run_id', type: 'varchar', length: 64 })
  runId: string;

  @Column({ type: 'varchar', length: 32 })
  kind: TrafficRunKind;

  @Column({ type: 'simple-json' })
  params: Record<string, unknown>;

  @Index('IDX_traffic_runs_started_at')
  @EpochMsColumn('started_at')
  startedAt: number;

  @EpochMsColumn('ended_at')
  endedAt: number;

  @Column({ type: 'integer' })
  requests: number;

  @Float64Column('ok_pct')
  okPct: number;

  @Float64Column('p50_ms')
  p50Ms: number;

  @Float64Column('p95_ms')
  p95Ms: number;

  @Float64Column('p99_ms')
  p99Ms: number;

  @Column({ name: 'http_5xx', type: 'integer' })
  http5xx: number;

  @Column({ name: 'top_error', type: 'varchar', length: 64, nullable: true })
  topError: string | null;

  /** The tool's full summary (per-endpoint table, errors), kept for the report after raw rows are pruned. */
  @Column({ type: 'simple-json' })
  summary: Record<string, unknown>;
}
