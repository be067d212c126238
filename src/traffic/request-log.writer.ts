// Owns batching: drains the buffer into request_log by time and by size in multi-row INSERTs, never on the request path.
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { UsersService } from '../users/users.service';
import { RequestLogBuffer } from './request-log.buffer';
import { RequestLogRow } from './request-log-row';
import { RequestLogger } from './request-logger';
import { TrafficRepository } from './traffic.repository';

/** A kill -9 loses at most this much traffic. */
export const FLUSH_INTERVAL_MS = 250;
/** Rows taken per drain step: a flush at 5k req/s carries ~1,250; a backlog drains in steps of this. */
export const MAX_BATCH_ROWS = 20_000;
/**
 * Rows per INSERT statement (9,000 bound parameters, well under SQLite's 32,766). Small enough that the statement
 * holds the shared connection for a few milliseconds only, so request queries interleave.
 */
export const ROWS_PER_INSERT = 1_000;
const SHUTDOWN_RETRIES = 5;
const IN_FLIGHT_WAIT_MS = 2_000;

@Injectable()
export class RequestLogWriter implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('RequestLogWriter');
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<boolean> | null = null;
  private lastFailureLog = 0;
  constructor(
    private readonly buffer: RequestLogBuffer,
    private readonly repo: TrafficRepository,
    private readonly requests: RequestLogger,
    private readonly users: UsersService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
    this.buffer.onHighWater(() => void this.flush());
  }

  /**
   * Writes everything buffered. Concurrent calls share the running flush (which keeps draining what arrives
   * meanwhile). Resolves false when a write failed: those rows are back in the buffer for the next attempt.
   */
  flush(): Promise<boolean> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  /** SIGTERM/SIGINT and app.close(): let in-flight requests finish, then write every buffered row. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const deadline = Date.now() + IN_FLIGHT_WAIT_MS;
    while (this.requests.inFlight > 0 && Date.now() < deadline) await sleep(5);
    await this.flushWithRetries();
  }

  /** Catches rows of requests that finished while the HTTP server was closing (if the database is still open). */
  async onApplicationShutdown(): Promise<void> {
    await this.flushWithRetries();
    const lost = this.buffer.depth;
    if (lost > 0) {
      this.buffer.take(lost);
      this.buffer.recordLost(lost);
      this.logger.error(`${lost} request-log rows could not be written before shutdown (counted as dropped)`);
    }
  }

  private async flushWithRetries(): Promise<void> {
    for (let attempt = 0; attempt < SHUTDOWN_RETRIES && this.buffer.depth > 0; attempt++) {
      if (!this.repo.isOpen) return;
      if (await this.flush()) continue;
      await sleep(100 * (attempt + 1));
    }
    // A flush may still be running for rows taken just before; wait for it either way.
    if (this.flushing) await this.flushing;
  }

  private async drain(): Promise<boolean> {
    while (this.buffer.depth > 0 && this.repo.isOpen) {
      const rows = this.buffer.take(MAX_BATCH_ROWS);
      const written = await this.writeBatch(rows);
      this.buffer.recordWritten(written);
      if (written < rows.length) {
        this.buffer.requeue(rows.slice(written));
        this.buffer.recordWriteFailure();
        return false;
      }
    }
    return true;
  }

  /**
   * Multi-row INSERTs with bound parameters, each statement atomic on its own (autocommit), then users' last_seen_at (UsersService).
   * Returns how many rows are written: on a failed statement, exactly the rows from it on go back to the buffer, so
   * a retry neither loses nor duplicates a row. No explicit transaction on purpose: TypeORM's SQLite driver runs the
   * whole app on one shared connection, where a BEGIN of ours would nest with (and could be undone by, or break)
   * another feature's transaction; and a second connection starves on the shared libuv pool while the first one
   * waits for its lock (measured: SQLITE_BUSY after the 5 s timeout under concurrent writes).
   */
  private async writeBatch(rows: RequestLogRow[]): Promise<number> {
    const seen = new Map<string, number>();
    let written = 0;
    for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
      const chunk = rows.slice(start, start + ROWS_PER_INSERT);
      try {
        await this.repo.insertRequests(chunk);
      } catch (e) {
        this.logFailure(e, rows.length - written);
        break;
      }
      written += chunk.length;
      for (const row of chunk) {
        if (row.userHash !== null && (seen.get(row.userHash) ?? -1) < row.ts) seen.set(row.userHash, row.ts);
      }
    }
    await this.users.touchLastSeen(seen).catch((e: unknown) => this.logFailure(e, 0));
    return written;
  }

  private logFailure(e: unknown, rows: number): void {
    // At most one line per 10 s while the database stays unavailable; the counters carry the rest.
    if (Date.now() - this.lastFailureLog < 10_000) return;
    this.lastFailureLog = Date.now();
    const what = rows > 0 ? `request-log flush failed, ${rows} rows kept for retry` : 'users last_seen_at update failed';
    this.logger.warn(`${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((ok) => setTimeout(ok, ms));
}
