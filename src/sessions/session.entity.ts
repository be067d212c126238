import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { EpochMsColumn } from '../database/columns';
import { User } from '../users/user.entity';

/** Stored status; `expired` is derived from `expires_at` when read (see SessionsService). */
export type StoredSessionStatus = 'active' | 'revoked';
export type SessionStatus = StoredSessionStatus | 'expired';

@Entity('sessions')
export class Session {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('IDX_sessions_user_id')
  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** SHA-256 (hex) of the session key; the key itself is never stored. */
  @Index('UQ_sessions_key_hash', { unique: true })
  @Column({ name: 'key_hash', type: 'varchar', length: 64 })
  keyHash: string;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status: StoredSessionStatus;

  @EpochMsColumn('created_at')
  createdAt: number;

  @Index('IDX_sessions_expires_at')
  @EpochMsColumn('expires_at')
  expiresAt: number;

  @EpochMsColumn('revoked_at', { nullable: true })
  revokedAt: number | null;
}
