import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { EpochMsColumn, UnitsColumn } from '../database/columns';
import { Session } from '../sessions/session.entity';
import { User } from '../users/user.entity';

export const EXECUTION_STATUSES = ['prepared', 'submitted', 'confirmed', 'failed'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

@Entity('executions')
@Index('IDX_executions_status_updated_at', ['status', 'updatedAt'])
@Index('IDX_executions_created_at', ['createdAt'])
export class Execution {
  /** UUID v4: not guessable, so ids leak nothing about volume. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Index('IDX_executions_user_id')
  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ name: 'session_id', type: 'integer', nullable: true })
  sessionId: number | null;

  @ManyToOne(() => Session, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'session_id' })
  session?: Session;

  @Column({ name: 'correlation_id', type: 'varchar', length: 64, nullable: true })
  correlationId: string | null;

  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ type: 'varchar', length: 16, nullable: true })
  token: string | null;

  @UnitsColumn('amount_units', { nullable: true })
  amountUnits: bigint | null;

  /** Fixed at prepare time: a later change of BLOSSOM_FEE_BPS never re-prices an execution. */
  @Column({ name: 'fee_bps', type: 'integer' })
  feeBps: number;

  /** Set only when the execution is confirmed. */
  @UnitsColumn('fee_units', { nullable: true })
  feeUnits: bigint | null;

  @Column({ type: 'varchar', length: 16 })
  status: ExecutionStatus;

  /** Unique: one transaction can never back two executions (no double counting). */
  @Index('UQ_executions_tx_hash', { unique: true })
  @Column({ name: 'tx_hash', type: 'varchar', length: 66, nullable: true })
  txHash: string | null;

  @Column({ name: 'block_number', type: 'integer', nullable: true })
  blockNumber: number | null;

  @Column({ name: 'error_code', type: 'varchar', length: 64, nullable: true })
  errorCode: string | null;

  @Column({ name: 'error_message', type: 'varchar', length: 500, nullable: true })
  errorMessage: string | null;

  /** From prepare to the final state. */
  @Column({ name: 'latency_ms', type: 'integer', nullable: true })
  latencyMs: number | null;

  @EpochMsColumn('created_at')
  createdAt: number;

  @EpochMsColumn('updated_at')
  updatedAt: number;
}
