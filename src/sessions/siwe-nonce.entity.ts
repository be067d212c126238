import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { EpochMsColumn } from '../database/columns';

/** A Sign-In with Ethereum nonce: consumed by a conditional UPDATE, so it is single-use across processes. */
@Entity('siwe_nonces')
export class SiweNonce {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  nonce: string;

  @Index('IDX_siwe_nonces_expires_at')
  @EpochMsColumn('expires_at')
  expiresAt: number;

  @EpochMsColumn('used_at', { nullable: true })
  usedAt: number | null;
}
