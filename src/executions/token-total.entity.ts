import { Column, Entity, PrimaryColumn } from 'typeorm';
import { UnitsColumn } from '../database/columns';

/**
 * Running totals of confirmed executions per token, updated in the same transaction as each confirmation,
 * so devnet-stats never sums raw history and sums stay exact beyond 2^63 (bigint arithmetic in code).
 */
@Entity('token_totals')
export class TokenTotal {
  @PrimaryColumn({ type: 'varchar', length: 16 })
  token: string;

  @Column({ name: 'confirmed_count', type: 'integer', default: 0 })
  confirmedCount: number;

  @UnitsColumn('amount_units', { default: '0' })
  amountUnits: bigint;

  @UnitsColumn('fee_units', { default: '0' })
  feeUnits: bigint;
}
