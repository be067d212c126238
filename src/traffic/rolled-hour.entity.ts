import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber, EpochMsColumn } from '../database/columns';

/** Marks an hour as rolled up (also hours with no traffic), so catch-up knows what is left to do. */
@Entity('rolled_hours')
export class RolledHour {
  @PrimaryColumn({ name: 'hour_start', type: 'bigint', transformer: bigintAsNumber })
  hourStart: number;

  /** Raw rows of that hour at roll time: a later mismatch means late rows arrived and the hour is re-rolled. */
  @Column({ type: 'integer' })
  requests: number;

  @EpochMsColumn('rolled_at')
  rolledAt: number;
}
