import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EpochMsColumn } from '../database/columns';

/** The route and method of the one all-routes row per hour. */
export const ALL_ROUTES = '*';

/** One row per (hour, route, method) plus one all-routes row per hour. */
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

  @Column({ name: 'avg_ms', type: 'real' })
  avgMs: number;

  @Column({ name: 'p50_ms', type: 'real' })
  p50Ms: number;

  @Column({ name: 'p95_ms', type: 'real' })
  p95Ms: number;

  @Column({ name: 'p99_ms', type: 'real' })
  p99Ms: number;

  @Column({ name: 'max_ms', type: 'real' })
  maxMs: number;

  @Column({ name: 'unique_users', type: 'integer' })
  uniqueUsers: number;
}
