// The database liveness answer for /health: one ping shared by concurrent callers and reused for a moment, so a
// load balancer (or a load test) hitting /health does not become one query per request on the hot path.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { DataSource } from 'typeorm';

/** A status at most this old is reused; a failure is therefore reported within this time. */
export const PROBE_TTL_MS = 1000;
const PING_TIMEOUT_MS = 1000;

@Injectable()
export class DatabaseProbe {
  private last: { up: boolean; at: number } | null = null;
  private inFlight: Promise<boolean> | null = null;

  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async isUp(now = Date.now()): Promise<boolean> {
    // A closed DataSource is known without asking it.
    if (!this.dataSource.isInitialized) return false;
    if (this.last && now - this.last.at < PROBE_TTL_MS) return this.last.up;
    this.inFlight ??= this.ping().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async ping(): Promise<boolean> {
    let up: boolean;
    try {
      await this.health.check([() => this.db.pingCheck('database', { timeout: PING_TIMEOUT_MS })]);
      up = true;
    } catch {
      up = false;
    }
    this.last = { up, at: Date.now() };
    return up;
  }
}
