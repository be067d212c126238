// Users are known only by HMAC-SHA256(lower-cased address) under a secret salt; the raw address is never stored.
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHmac, randomBytes } from 'node:crypto';
import { Repository } from 'typeorm';
import { AppConfig, appConfig } from '../config/app.config';
import { Setting } from './setting.entity';
import { User, UserSource } from './user.entity';
import { UserCounts, UserRow, UsersRepository } from './users.repository';

export const ADDRESS_HASH_SALT_KEY = 'address_hash_salt';

@Injectable()
export class UsersService implements OnModuleInit {
  private salt?: Buffer;

  constructor(
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Setting) private readonly settings: Repository<Setting>,
    private readonly repo: UsersRepository,
  ) {}

  async onModuleInit(): Promise<void> {
    this.salt = this.config.salt ? Buffer.from(this.config.salt, 'utf8') : await this.storedSalt();
  }

  /** The salt generated at first start; insert-or-ignore then read, so concurrent first starts agree on one. */
  private async storedSalt(): Promise<Buffer> {
    await this.settings
      .createQueryBuilder()
      .insert()
      .into(Setting)
      .values({ key: ADDRESS_HASH_SALT_KEY, value: randomBytes(32).toString('hex') })
      .orIgnore()
      .execute();
    const row = await this.settings.findOneByOrFail({ key: ADDRESS_HASH_SALT_KEY });
    return Buffer.from(row.value, 'hex');
  }

  /** 64 hex chars; the same address in any letter case gives the same hash. */
  hashAddress(address: string): string {
    if (!this.salt) throw new Error('UsersService used before module init');
    return createHmac('sha256', this.salt).update(address.toLowerCase()).digest('hex');
  }

  /** Creates the user on first sight (with its source), else moves last_seen_at to `now`: the source never changes. Its id. */
  upsertSeen(addressHash: string, now: number, source: UserSource = 'siwe'): Promise<number> {
    return this.repo.upsertSeen(addressHash, now, source);
  }

  findById(id: number): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  /** Moves last_seen_at forward to each hash's newest request (request-log writer); unknown hashes are skipped. */
  touchLastSeen(seen: ReadonlyMap<string, number>): Promise<void> {
    return this.repo.touchLastSeen(seen);
  }

  count(): Promise<number> {
    return this.users.count();
  }

  counts(since: number): Promise<UserCounts> {
    return this.repo.counts(since);
  }

  page(limit: number, offset: number): Promise<UserRow[]> {
    return this.repo.page(limit, offset);
  }

  hashesByIds(ids: readonly number[]): Promise<Map<number, string>> {
    return this.repo.hashesByIds(ids);
  }
}
