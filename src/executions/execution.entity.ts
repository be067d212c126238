import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { EpochMsColumn, UnitsColumn } from '../database/columns';
import { Session } from '../sessions/session.entity';
import { User } from '../users/user.entity';

export const EXECUTION_STATUSES = ['prepared', 'submitted', 'confirmed', 'failed'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

@Entity('executions')
@Index('IDX_executions_status_updated_at', ['status', 'updatedAt'])
@Index('IDX_executions_created_at', ['createdAt'])
@Index('IDX_executions_status_block_number', ['status', 'blockNumber'])
// A hash is claimed per wallet: another user's claim (a squatter's) never blocks the rightful sender's submit.
@Index('UQ_executions_user_id_tx_hash', ['userId', 'txHash'], { unique: true })
// And whatever the code does, one transaction backs at most one confirmed execution (no double counting).
@Index('UQ_executions_confirmed_tx_hash', ['txHash'], { unique: true, where: `"status" = 'confirmed'` })
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

  @Column({ name: 'tx_hash', type: 'varchar', length: 66, nullable: true })
  txHash: string | null;

  @Column({ name: 'block_number', type: 'integer', nullable: true })
  blockNumber: number | null;

  /** Hash of the receipt's block: a reorg that puts the transaction at the same height in another block is still seen. */
  @Column({ name: 'block_hash', type: 'varchar', length: 66, nullable: true })
  blockHash: string | null;

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
