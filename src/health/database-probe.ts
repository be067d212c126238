// The database liveness answer for /health: one ping shared by concurrent callers and reused for a moment, so a
// load balancer (or a load test) hitting /health does not become one query per request on the hot path.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { LRUCache } from 'lru-cache';
import { DataSource } from 'typeorm';

/** A status at most this old is reused; a failure is therefore reported within this time. */
export const PROBE_TTL_MS = 1000;
const PING_TIMEOUT_MS = 1000;

@Injectable()
export class DatabaseProbe {
  /** One entry: fetch() joins concurrent callers to the ping already running, and keeps its answer for the TTL. */
  private readonly status = new LRUCache<'database', boolean>({
    max: 1,
    ttl: PROBE_TTL_MS,
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
