// The database liveness answer for /health: one ping shared by concurrent callers and refreshed in the background,
// so a load balancer (or a load test) hitting /health neither becomes one query per request nor waits behind the
// database's queue. A busy database is not a down one: under load a ping queues behind writes, and a 1 s verdict
// would take a healthy instance out of rotation exactly when it is busiest. Down means the ping failed, or did not
// answer within PING_TIMEOUT_MS.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { LRUCache } from 'lru-cache';
import { DataSource } from 'typeorm';

/** An answer older than this starts one background re-ping; callers get the previous answer meanwhile. */
export const PROBE_TTL_MS = 1000;
/** A ping slower than this is a database that does not answer: reported within PROBE_TTL_MS + PING_TIMEOUT_MS. */
export const PING_TIMEOUT_MS = 5000;

@Injectable()
export class DatabaseProbe {
  /**
   * One entry: the first fetch() waits for the first ping (concurrent callers join it); once the answer is stale,
   * fetch() returns it at once and starts one re-ping in the background (allowStale).
   */
  private readonly status = new LRUCache<'database', boolean>({
    max: 1,
    ttl: PROBE_TTL_MS,
    allowStale: true,
    noDeleteOnStaleGet: true,
    fetchMethod: () => this.ping(),
  });

  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async isUp(): Promise<boolean> {
    // A closed DataSource is known without asking it.
    if (!this.dataSource.isInitialized) return false;
    // ping() always resolves to a boolean.
    return (await this.status.fetch('database')) as boolean;
  }

  private async ping(): Promise<boolean> {
    try {
      await this.health.check([() => this.db.pingCheck('database', { timeout: PING_TIMEOUT_MS })]);
      return true;
    } catch {
      return false;
    }
  }
}
