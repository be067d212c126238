import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EpochMsColumn } from '../database/columns';

/** `siwe`: first seen in an organic sign-in; `load-run`: first seen in a sign-in that carried an open run's key. */
export type UserSource = 'siwe' | 'load-run';

/** A wallet, known only by the HMAC of its lower-cased address. */
@Entity('users')
@Index('IDX_users_source_first_seen_at', ['source', 'firstSeenAt'])
export class User {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('UQ_users_address_hash', { unique: true })
  @Column({ name: 'address_hash', type: 'varchar', length: 64 })
  addressHash: string;

  @Index('IDX_users_first_seen_at')
  @EpochMsColumn('first_seen_at')
  firstSeenAt: number;

  @Index('IDX_users_last_seen_at')
  @EpochMsColumn('last_seen_at')
  lastSeenAt: number;

  /** A UserSource: how the wallet was first seen. */
  @Column({ type: 'varchar', length: 32, default: 'siwe' })
  source: string;

  @Column({ type: 'simple-json', nullable: true })
  notes: Record<string, unknown> | null;
}
