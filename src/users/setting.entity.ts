import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Small key/value store for values generated once and kept (e.g. the address-hashing salt). */
@Entity('settings')
export class Setting {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  key: string;

  @Column({ type: 'text' })
  value: string;
}
