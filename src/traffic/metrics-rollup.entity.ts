import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EpochMsColumn, Float64Column } from '../database/columns';

/** One row per (hour, route, method) plus one all-routes row per hour (route and method ALL_ROUTES). */
@Entity('metrics_rollup')
@Index('UQ_metrics_rollup_hour_route_method', ['hourStart', 'route', 'method'], { unique: true })
export class MetricsRollup {
  @PrimaryGeneratedColumn()
  id: number;

  @EpochMsColumn('hour_start')
  hourStart: number;

  @Column({ type: 'varchar', length: 128 })
  route: string;

  @Column({ type: 'varchar', length: 8 })
  method: string;

  @Column({ type: 'integer' })
  requests: number;

  /** status < 500 */
  @Column({ type: 'integer' })
  ok: number;

  @Column({ name: 'client_errors', type: 'integer' })
  clientErrors: number;

  @Column({ name: 'server_errors', type: 'integer' })
  serverErrors: number;

  @Column({ name: 'rate_limited', type: 'integer' })
  rateLimited: number;

  @Float64Column('avg_ms')
  avgMs: number;

  @Float64Column('p50_ms')
  p50Ms: number;

  @Float64Column('p95_ms')
  p95Ms: number;

  @Float64Column('p99_ms')
  p99Ms: number;

  @Float64Column('max_ms')
  maxMs: number;

  @Column({ name: 'unique_users', type: 'integer' })
  uniqueUsers: number;
}
